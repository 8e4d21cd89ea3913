"""The recording page's one form: everything typed on it saved together, or none of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from kaa_web import audit
from kaa_web.permissions import Actor
from kaa_web.services.errors import EditConflict, Invalid
from kaa_web.services.meetings.access import get_open_meeting
from kaa_web.services.meetings.action_points import add_action_point, complete_action_point
from kaa_web.services.meetings.agenda import agenda_of
from kaa_web.services.meetings.minutes import adjust_minutes
from kaa_web.services.meetings.recording import record_attendance, record_decision, save_notes


@dataclass
class DecisionData:
    text: str = ""
    youth_id: int | None = None
    personnummer: str = ""

    @property
    def typed(self) -> bool:
        return bool(self.text.strip() or self.youth_id or self.personnummer.strip())


@dataclass
class ActionData:
    what: str = ""
    member_id: int | None = None
    due: date | None = None

    @property
    def typed(self) -> bool:
        return bool(self.what.strip() or self.member_id or self.due)


@dataclass
class RecordData:
    """The recording page's one form: attendance, every item's notes and new decision, a new
    action point, a carried action point marked done, and whether to adjust the minutes."""

    attendance: dict[int, str] | None = None
    attendance_version: str | None = None
    notes: dict[int, tuple[str, str | None]] = field(default_factory=dict)  # item: (text, version)
    decisions: dict[int, DecisionData] = field(default_factory=dict)  # item: decision
    action: ActionData = field(default_factory=ActionData)
    done: int | None = None  # an action point on this agenda
    adjuster: str | None = None  # adjust the minutes now, with this adjuster


@dataclass
class RecordResult:
    attendance: bool = False
    notes: int = 0  # items whose notes changed
    decisions: list[int] = field(default_factory=list)  # their numbers
    action: bool = False
    done: bool = False
    adjusted: bool = False


ATTENDANCE_CONFLICT = "narvaro"  # RecordRefused.conflicts key of the attendance


class RecordRefused(Invalid):
    """Some part of a recording save broke a rule or met someone else's save. Nothing may be
    kept: the caller rolls back and shows the page again with everything as typed."""

    def __init__(self, messages: list[str], field_errors: dict[str, str], conflicts: dict):
        super().__init__(*messages, field_errors=field_errors)
        self.conflicts = conflicts  # item id: the item now; ATTENDANCE_CONFLICT: statuses now


class _Refusals:
    """Collects every part's problem so the page can show them all at once."""

    def __init__(self):
        self.messages: list[str] = []
        self.field_errors: dict[str, str] = {}
        self.conflicts: dict = {}

    def attempt(self, action, *args, prefix: str = "", conflict=None, default=None, **kwargs):
        """`action(*args, **kwargs)`, or `default` with its problem noted (field errors under
        `prefix`, a conflict under `conflict`)."""
        try:
            return action(*args, **kwargs)
        except EditConflict as clash:
            self.conflicts[conflict] = clash.current
        except Invalid as error:
            for name, message in error.field_errors.items():
                self.field_errors[prefix + name] = message
            if not error.field_errors:
                self.messages += error.messages
        return default

    def __bool__(self) -> bool:
        return bool(self.messages or self.field_errors or self.conflicts)


def record_meeting(
    db: Session, *, actor: Actor, meeting_id: int, data: RecordData, today: date | None = None
) -> RecordResult:
    """Save everything typed on the recording page, or (RecordRefused) none of it.

    Attendance comes first, so a decision about a named person is checked against who is
    there. Only the parts changed are written; the minutes are adjusted last, and only when
    everything else could be saved.
    """
    meeting, _ = get_open_meeting(db, actor=actor, meeting_id=meeting_id)
    items = {i.id: i for i in agenda_of(db, meeting.id)}
    carried = {i.action_point_id for i in items.values() if i.action_point_id}
    if not (set(data.notes) | set(data.decisions)) <= set(items) or data.done not in (
        carried | {None}
    ):
        raise audit.record_denied(db, actor, object_type="meeting", object_id=meeting_id)
    result, refusals = RecordResult(), _Refusals()
    here = dict(actor=actor, meeting_id=meeting.id)
    if data.attendance is not None:
        result.attendance = refusals.attempt(
            record_attendance,
            db,
            **here,
            statuses=data.attendance,
            version=data.attendance_version,
            conflict=ATTENDANCE_CONFLICT,
            default=False,
        )
    result.notes = sum(
        bool(refusals.attempt(save_notes, db, items[item_id], text, version, conflict=item_id))
        for item_id, (text, version) in data.notes.items()
    )
    if result.notes:
        audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    result.decisions = _record_decisions(db, refusals, here, data.decisions, today)
    if data.done is not None:
        result.done = (
            refusals.attempt(complete_action_point, db, actor=actor, action_point_id=data.done)
            is not None
        )
    if data.action.typed:
        action = data.action
        point = refusals.attempt(
            add_action_point,
            db,
            **here,
            what=action.what,
            member_id=action.member_id,
            due=action.due,
        )
        result.action = point is not None
    if data.adjuster is not None and not refusals:
        result.adjusted = (
            refusals.attempt(adjust_minutes, db, **here, adjuster=data.adjuster) is not None
        )
    if refusals:
        raise RecordRefused(refusals.messages, refusals.field_errors, refusals.conflicts)
    return result


def _record_decisions(db, refusals: _Refusals, here: dict, decisions: dict, today) -> list[int]:
    """The numbers of the decisions typed under the items."""
    numbers = []
    for item_id, decision in decisions.items():
        if not decision.typed:
            continue
        made = refusals.attempt(
            record_decision,
            db,
            **here,
            item_id=item_id,
            text=decision.text,
            youth_id=decision.youth_id,
            personnummer=decision.personnummer,
            today=today,
            prefix=f"beslut{item_id}-",
        )
        if made is not None:
            numbers.append(made.number)
    return numbers
