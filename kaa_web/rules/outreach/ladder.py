"""The outreach ladder: a young person's single next step and its due date, from their history
and the ladder's settings (`LadderRules`, passed in by the caller)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kaa_web.rules.dates import add_months
from kaa_web.rules.outreach.kinds import (
    CONTACT_KINDS,
    DIRECT_KINDS,
    DOCUMENTED_KINDS,
    MAILED_KINDS,
    REACHED_OUTCOMES,
)
from kaa_web.rules.personnummer import birthday

# Tie-break between steps due the same day: first in this tuple wins.
_PRIORITY = (
    "avregistrering",
    "skatteverket",
    "orosanmalan",
    "kartlaggning",
    "brev_20",
    "uppfoljning",
    "hembesok",
    "besoksvykort",
    "kontakt",
    "vykort",
    "brev",
)
_SUMMER_PAUSED = MAILED_KINDS

_BREV_PREFIX = {
    "start": "",
    "lost": "Nådd tidigare men inte längre: ",
    "hembesok": "Inte nådd vid hembesöket: ",
    "skatteverket": "Efter anmälan till Skatteverket: ",
}


@dataclass(frozen=True)
class PersonFacts:
    birth_date: date
    registered_on: date
    active: bool = True


@dataclass(frozen=True)
class Event:
    kind: str
    on: date
    outcome: str | None = None
    occupation: str | None = None
    study_end: date | None = None
    planned_visit: date | None = None


@dataclass(frozen=True)
class NextStep:
    kind: str
    due: date
    note_sv: str


@dataclass(frozen=True)
class LadderRules:
    """Settings for the ladder; defaults from the municipalities' routines (DOMAIN.md 3)."""

    first_letter_days: int = 30
    postcard_after_days: int = 30
    contact_after_days: int = 14
    contact_interval_days: int = 7
    contact_attempts: int = 3
    home_visit_after_days: int = 14
    mapping_within_days: int = 7
    follow_up_months: int = 6
    leaving_letter_months_before: int = 6
    summer_pause_start: tuple[int, int] = (6, 20)
    summer_pause_end: tuple[int, int] = (8, 10)
    after_skatteverket_days: int = 30
    adult_age: int = 18
    leaving_age: int = 20


DEFAULT_RULES = LadderRules()


@dataclass
class _Ladder:
    """Where the ladder stands after replaying the events in date order."""

    step: str
    due: date
    reason: str = "start"
    attempts: int = 0
    planned: bool = False
    reached_on: date = date.min
    last_reach: date = date.min
    mapped: bool = False
    has_plan: bool = False
    unanswered: int = 0  # contacts without an answer since the latest reach, once documented
    declined: bool = False
    occupation: str | None = None
    study_end: date | None = None
    unanswered_visit: date | None = None


def letter_to_guardians(birth_date: date, on: date) -> bool:
    """Letters go to the guardians while the young person is under 18."""
    return on < birthday(birth_date, DEFAULT_RULES.adult_age)


def next_step(
    person: PersonFacts,
    events: Sequence[Event],
    today: date,
    rules: LadderRules,
) -> NextStep | None:
    """The single next step (earliest due date) for an active young person, else None.

    Events are replayed in date order (stable for the same day). The ladder reacts to the
    latest step taken, so steps taken out of order are not proposed again. A mapping and a
    plan (the "plan" event: the day it was first agreed) count as reaching the young person,
    and follow-up is counted from the latest contact that reached them. Once a mapping or a
    plan is documented the person stays on follow-up: an unanswered contact is recorded and
    the next attempt falls due a contact interval later, but they are never sent back to
    outreach. Someone reached but with nothing documented who then stops answering is
    "lost" after `contact_attempts` tries and the ladder restarts with a letter.
    After a report to Skatteverket the ladder restarts with a letter
    `after_skatteverket_days` later. An orosanmälan is proposed only while the young person
    is under 18 both on the day of the unanswered home visit and today. Unknown event kinds
    are ignored.
    """
    if not person.active:
        return None
    ordered = sorted(events, key=lambda event: event.on)
    state = _replay(person, ordered, rules)
    candidates = [
        _ladder_step(person, state, rules),
        _skatteverket_step(ordered),
        _orosanmalan_step(person, state, ordered, today, rules),
        _leaving_letter_step(person, ordered, rules),
        _deregistration_step(person, rules),
    ]
    present = [step for step in candidates if step is not None]
    return min(present, key=lambda step: (step.due, _PRIORITY.index(step.kind)))


# --- replaying the history -------------------------------------------------------------


def _replay(person: PersonFacts, ordered: Sequence[Event], rules: LadderRules) -> _Ladder:
    due = person.registered_on + timedelta(days=rules.first_letter_days)
    state = _Ladder(step="brev", due=due)
    for event in ordered:
        if _is_reach(event):
            _on_reach(state, event)
        elif state.step == "reached":
            _on_event_while_reached(state, event, rules)
        else:
            _on_event_while_seeking(state, event, rules)
    return state


def _is_reach(event: Event) -> bool:
    if event.kind in DOCUMENTED_KINDS:
        return True
    return event.kind in CONTACT_KINDS and event.outcome in REACHED_OUTCOMES


def _on_reach(state: _Ladder, event: Event) -> None:
    if state.step != "reached":
        state.step, state.reached_on, state.mapped = "reached", event.on, False
    state.last_reach, state.attempts, state.unanswered_visit = event.on, 0, None
    state.unanswered = 0
    if event.kind == "kartlaggning":
        state.mapped = True
    if event.kind == "plan":
        state.has_plan = True
    if event.outcome in REACHED_OUTCOMES:
        state.declined = event.outcome == "avbojer"
    if event.occupation is not None:
        state.occupation, state.study_end = event.occupation, event.study_end


def _on_event_while_reached(state: _Ladder, event: Event, rules: LadderRules) -> None:
    if event.kind not in DIRECT_KINDS:
        return
    state.due = event.on + timedelta(days=rules.contact_interval_days)
    if state.mapped or state.has_plan:
        state.unanswered += 1  # recorded, never a demotion back to outreach
        return
    state.attempts += 1
    if state.attempts >= rules.contact_attempts:
        _restart(state, event.on, "lost")


def _restart(state: _Ladder, due: date, reason: str) -> None:
    state.step, state.due, state.reason, state.attempts = "brev", due, reason, 0


def _on_event_while_seeking(state: _Ladder, event: Event, rules: LadderRules) -> None:
    handler = _SEEKING_HANDLERS.get(event.kind)
    if handler is not None:
        handler(state, event, rules)
    elif event.kind in DIRECT_KINDS:
        _failed_contact(state, event, rules)


def _letter_sent(state: _Ladder, event: Event, rules: LadderRules) -> None:
    state.step, state.attempts = "vykort", 0
    state.due = event.on + timedelta(days=rules.postcard_after_days)


def _postcard_sent(state: _Ladder, event: Event, rules: LadderRules) -> None:
    state.step, state.attempts = "kontakt", 0
    state.due = event.on + timedelta(days=rules.contact_after_days)


def _failed_contact(state: _Ladder, event: Event, rules: LadderRules) -> None:
    state.attempts += 1
    state.due = event.on + timedelta(days=rules.contact_interval_days)
    state.step = "kontakt" if state.attempts < rules.contact_attempts else "besoksvykort"


def _visit_card_sent(state: _Ladder, event: Event, rules: LadderRules) -> None:
    state.step, state.attempts, state.planned = "hembesok", 0, event.planned_visit is not None
    after_card = event.on + timedelta(days=rules.home_visit_after_days)
    state.due = event.planned_visit or after_card


def _home_visit_failed(state: _Ladder, event: Event, rules: LadderRules) -> None:
    state.unanswered_visit = event.on
    _restart(state, add_months(event.on, rules.follow_up_months), "hembesok")


def _reported_to_skatteverket(state: _Ladder, event: Event, rules: LadderRules) -> None:
    _restart(state, event.on + timedelta(days=rules.after_skatteverket_days), "skatteverket")


_SEEKING_HANDLERS: dict[str, Callable[[_Ladder, Event, LadderRules], None]] = {
    "brev": _letter_sent,
    "vykort": _postcard_sent,
    "besoksvykort": _visit_card_sent,
    "hembesok": _home_visit_failed,
    "skatteverket": _reported_to_skatteverket,
}


# --- the candidate steps ---------------------------------------------------------------


def _ladder_step(person: PersonFacts, state: _Ladder, rules: LadderRules) -> NextStep:
    if state.step == "reached":
        return _reached_step(state, rules)
    due = state.due
    if state.step in _SUMMER_PAUSED:
        due = _after_summer_pause(due, rules)
    return NextStep(state.step, due, _seeking_note(person, state, due, rules))


def _seeking_note(person: PersonFacts, state: _Ladder, due: date, rules: LadderRules) -> str:
    recipient = "vårdnadshavarna (under 18 år)" if _is_minor(person, due, rules) else "den unga"
    if state.step == "brev":
        note = f"{_BREV_PREFIX[state.reason]}skicka brev till {recipient}"
        return note[0].upper() + note[1:]
    if state.step == "vykort":
        return f"Inget svar på brevet: skicka vykort till {recipient}"
    if state.step == "kontakt":
        return f"Ring, sms:a eller mejla (försök {state.attempts + 1} av {rules.contact_attempts})"
    if state.step == "besoksvykort":
        return "Inte nådd: skicka besöksvykort med datum och tid för hembesöket"
    if state.planned:
        return "Hembesök enligt besöksvykortet (två personer)"
    return "Gör hembesök (två personer)"


def _reached_step(state: _Ladder, rules: LadderRules) -> NextStep:
    if not state.mapped:
        due = state.reached_on + timedelta(days=rules.mapping_within_days)
        if state.declined:
            return NextStep("kartlaggning", due, "Avböjer: dokumentera kartläggningen ändå")
        return NextStep("kartlaggning", due, "Nådd: gör kartläggningen inom en vecka")
    step = _follow_up_step(state, rules)
    if not state.unanswered:
        return step
    note = f"{step.note_sv}; {state.unanswered} försök utan svar sedan senaste kontakten"
    return NextStep("uppfoljning", max(step.due, state.due), note)


def _follow_up_step(state: _Ladder, rules: LadderRules) -> NextStep:
    months = rules.follow_up_months
    latest = add_months(state.last_reach, months)
    end = state.study_end
    if state.occupation == "studier" and end is not None and state.last_reach < end < latest:
        return NextStep("uppfoljning", end, "Följ upp när kursen eller terminen slutar")
    if state.declined:
        note = f"Avböjde: erbjud stöd igen efter {months} månader"
    else:
        note = _FOLLOW_UP_NOTES.get(state.occupation, "Följ upp") + f" efter {months} månader"
    return NextStep("uppfoljning", latest, note)


_FOLLOW_UP_NOTES = {
    "studier": "Följ upp studierna",
    "arbete": "Följ upp arbetet",
    "annan": "Följ upp sysselsättningen",
}


def _skatteverket_step(ordered: Sequence[Event]) -> NextStep | None:
    wrong = [e.on for e in ordered if e.kind in CONTACT_KINDS and e.outcome == "fel_adress"]
    if not wrong:
        return None
    latest = max(wrong)
    if any(e.kind == "skatteverket" and e.on >= latest for e in ordered):
        return None
    return NextStep("skatteverket", latest, "Bor inte på adressen: anmäl till Skatteverket")


def _orosanmalan_step(
    person: PersonFacts,
    state: _Ladder,
    ordered: Sequence[Event],
    today: date,
    rules: LadderRules,
) -> NextStep | None:
    visit = state.unanswered_visit
    if visit is None:
        return None
    # An orosanmälan concerns a child: not once they have turned 18, even if it was missed.
    if not (_is_minor(person, visit, rules) and _is_minor(person, today, rules)):
        return None
    if any(e.kind == "orosanmalan" and e.on >= visit for e in ordered):
        return None
    note = "Inte nådd vid hembesöket och under 18 år: gör orosanmälan till socialtjänsten"
    return NextStep("orosanmalan", visit, note)


def _leaving_letter_step(
    person: PersonFacts, ordered: Sequence[Event], rules: LadderRules
) -> NextStep | None:
    if any(event.kind == "brev_20" for event in ordered):
        return None
    turns = birthday(person.birth_date, rules.leaving_age)
    due = add_months(turns, -rules.leaving_letter_months_before)
    note = f"Fyller 20 den {turns.isoformat()}: skicka brev om vad som händer när KAA upphör"
    return NextStep("brev_20", due, note)


def _deregistration_step(person: PersonFacts, rules: LadderRules) -> NextStep:
    turns = birthday(person.birth_date, rules.leaving_age)
    return NextStep("avregistrering", turns, "Fyller 20 år: avregistrera ur KAA")


# --- dates -----------------------------------------------------------------------------


def _is_minor(person: PersonFacts, on: date, rules: LadderRules) -> bool:
    return on < birthday(person.birth_date, rules.adult_age)


def _after_summer_pause(due: date, rules: LadderRules) -> date:
    """Mail-outs wait for term start: a due date inside the pause moves to its last day."""
    start = date(due.year, *rules.summer_pause_start)
    end = date(due.year, *rules.summer_pause_end)
    return end if start <= due < end else due
