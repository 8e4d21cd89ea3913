"""The check before the file is sent: every logical problem per person in a half-year, each with
the page that fixes it, and the share of covered people whose data is complete."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.register import REGISTRATION_REASONS
from kaa_web.models.scb import ScbExport
from kaa_web.permissions import Actor
from kaa_web.rules import eligibility
from kaa_web.rules import personnummer as pnr
from kaa_web.rules import scb as rules
from kaa_web.services.access import visibility_of
from kaa_web.services.scb.mapping import MappingData, data_of, mapping_for, unmapped
from kaa_web.services.scb.people import Person, half_year_people

# kind -> (what is wrong, in Swedish; the page that fixes it)
KINDS = {
    "saknar_orsak": ("Orsak till registreringen saknas (rapporteras som ”saknar orsak”)", "edit"),
    "efter_20": ("Registrerad på eller efter 20-årsdagen", "person"),
    "for_tidigt": ("Registrerad före den 1 juli det år personen fyllde 16", "person"),
    "kontakt_utanfor": ("Kontakt daterad utanför registreringsperioden", "person"),
    "insats_utanfor": ("Insats påbörjad utanför registreringsperioden", "plan"),
    "insats_slut_fore_start": ("Insats avslutad före den påbörjades", "plan"),
    "insats_utan_sysselsattning": ("Avslutad insats utan sysselsättning efter insatsen", "plan"),
    "avregistrering_ofullstandig": ("Avregistrerad utan datum eller orsak", "person"),
    "kontakt_efter_avregistrering": ("Kontakt efter avregistreringen", "person"),
    "nadd_utan_sysselsattning": (
        "Nådd vid en kontakt men ingen sysselsättning antecknad",
        "person",
    ),
    "saknas_i_filen": (
        "Omfattad men saknas i filen (ogiltigt personnummer, eller inte med i den senaste "
        "SCB-filen för halvåret)",
        "edit",
    ),
    "ska_inte_vara_med": (
        "Med i filen men ska inte vara det (gymnasieskola eller orsak som inte omfattas)",
        "person",
    ),
}
ENDPOINTS = {"person": "register.person", "edit": "register.edit", "plan": "plans.plan"}
MAX_SHOWN = 500


@dataclass(frozen=True)
class Problem:
    kind: str
    text: str
    endpoint: str


def problems_of(
    person: Person, key: int, mapping: MappingData, sent: set[str] | None = None
) -> list[Problem]:
    """Every problem the person's data has for the half-year's file; `sent`: the personnummer
    in the file last made for the half-year (someone covered and not in it is missing there)."""
    found = [*_registration(person, mapping), *_contacts(person), *_measures(person, key)]
    if not reportable(person.personnummer) or (
        sent is not None and person.personnummer not in sent
    ):
        found.append("saknas_i_filen")
    return [
        Problem(kind, KINDS[kind][0], ENDPOINTS[KINDS[kind][1]]) for kind in dict.fromkeys(found)
    ]


def reportable(number: str) -> bool:
    """A stored number SCB can take: 12 digits with a right check digit (the register stores
    numbers checked when typed; one mangled since cannot be reported)."""
    return (
        len(number) == 12
        and number.isdigit()
        and pnr.luhn_check_digit(number[2:11]) == int(number[11])
    )


def _registration(person: Person, mapping: MappingData) -> list[str]:
    found = []
    reason = person.latest.reason
    missing = mapping.missing_reason_code
    if reason in mapping.excluded_reasons:  # not covered at all: its "saknar orsak" is moot
        found.append("ska_inte_vara_med")
    elif reason not in REGISTRATION_REASONS or (
        missing and mapping.code("orsak", reason) == missing
    ):
        found.append("saknar_orsak")
    turns_20 = eligibility.turns_20(person.birth_date)
    earliest = date(person.birth_date.year + 16, 7, 1)
    for span in person.spans:
        if span.registered_on >= turns_20:
            found.append("efter_20")
        if span.registered_on < earliest:
            found.append("for_tidigt")
        if bool(span.deregistered_on) != bool(span.deregistration_reason):
            found.append("avregistrering_ofullstandig")
    return found


def _contacts(person: Person) -> list[str]:
    found = []
    ended = person.latest.deregistered_on
    for contact in person.contacts:
        if person.in_spans(contact.on):
            if contact.outcome == "nadd" and not contact.occupation:
                found.append("nadd_utan_sysselsattning")
            if contact.study_kind == "gymnasieskola" and contact.occupation == "studier":
                found.append("ska_inte_vara_med")
        elif ended and contact.on > ended:
            found.append("kontakt_efter_avregistrering")
        else:
            found.append("kontakt_utanfor")
    return found


def _measures(person: Person, key: int) -> list[str]:
    found = []
    end = rules.period_of(key).end
    for event in person.measures:
        if not person.in_spans(event.start_on):
            found.append("insats_utanfor")
        if event.ended_on and event.ended_on < event.start_on:
            found.append("insats_slut_fore_start")
        if event.ended_on and event.ended_on <= end and not event.occupation_after:
            found.append("insats_utan_sysselsattning")
    return found


@dataclass(frozen=True)
class Figures:
    key: int
    covered: int
    complete: int
    problems: int

    @property
    def share(self) -> float | None:
        return self.complete / self.covered if self.covered else None


@dataclass(frozen=True)
class PersonProblems:
    youth_id: int
    name: str
    personnummer: str  # masked
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Checked:
    """A half-year checked: its people, each one's problems, and the figures."""

    key: int
    mapping: MappingData | None
    mapping_id: int | None
    people: list[Person]
    problems: dict[int, list[Problem]]
    figures: Figures


def check_half_year(db: Session, key: int, against_sent: bool = True) -> Checked:
    """The half-year checked against the mapping that holds for it and, `against_sent`, the
    file last made for it (no access check: the callers check)."""
    row = mapping_for(db, key)
    mapping = data_of(row) if row else None
    people = half_year_people(db, rules.period_of(key))
    sent = sent_numbers(db, key) if against_sent else None
    problems = {}
    for person in people:
        found = problems_of(person, key, mapping, sent) if mapping else []
        if found:
            problems[person.youth_id] = found
    total = sum(len(p) for p in problems.values())
    figures = Figures(key, len(people), len(people) - len(problems), total)
    return Checked(key, mapping, row.id if row else None, people, problems, figures)


def latest_export(db: Session, key: int) -> ScbExport | None:
    return db.exec(
        select(ScbExport).where(ScbExport.half_year == key).order_by(ScbExport.id.desc())
    ).first()


def sent_numbers(db: Session, key: int) -> set[str] | None:
    """The personnummer in the half-year's latest file (None before the first)."""
    latest = latest_export(db, key)
    if latest is None:
        return None
    return {person["pnr"] for person in json.loads(latest.snapshot)["people"].values()}


@dataclass(frozen=True)
class CheckPage:
    key: int
    label: str
    mapping: MappingData | None
    mapping_id: int | None
    unmapped: list[str]
    figures: Figures
    previous: Figures
    counts: list[tuple[str, int]]  # (problem text, people with it)
    people: list[PersonProblems]
    more: bool
    latest_export: ScbExport | None


def check_page(db: Session, *, actor: Actor, key: int) -> CheckPage:
    """The check page of a half-year; each person listed is logged as read."""
    actor.need("scb.check")
    checked = check_half_year(db, key)
    previous = check_half_year(db, rules.previous(key)).figures
    shown = _shown(checked) if visibility_of(actor) == "all" else []
    audit.record(db, actor, "view", object_type="scb_check", object_id=rules.short(key))
    audit.record_many(
        db,
        actor,
        "view",
        object_type="scb_check",
        items=[(rules.short(key), p.youth_id) for p in shown],
    )
    counts = {kind: 0 for kind in KINDS}
    for found in checked.problems.values():
        for problem in found:
            counts[problem.kind] += 1
    return CheckPage(
        key=key,
        label=rules.label(key),
        mapping=checked.mapping,
        mapping_id=checked.mapping_id,
        unmapped=unmapped(checked.mapping) if checked.mapping else [],
        figures=checked.figures,
        previous=previous,
        counts=[(KINDS[k][0], n) for k, n in counts.items() if n],
        people=shown,
        more=len(checked.problems) > len(shown),
        latest_export=latest_export(db, key),
    )


def _shown(checked: Checked) -> list[PersonProblems]:
    with_problems = [p for p in checked.people if p.youth_id in checked.problems]
    with_problems.sort(key=lambda p: (p.last_name.casefold(), p.first_name.casefold(), p.youth_id))
    return [
        PersonProblems(
            p.youth_id, p.name, pnr.mask(p.personnummer), tuple(checked.problems[p.youth_id])
        )
        for p in with_problems[:MAX_SHOWN]
    ]
