"""During the meeting: attendance, notes and numbered decisions."""

from __future__ import annotations

import hashlib
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import local_today
from kaa_web.models.meetings import (
    ATTENDANCE,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingGroup,
)
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.rules import personnummer as pnr
from kaa_web.services import timeline
from kaa_web.services.access import youth_visibility
from kaa_web.services.errors import EditConflict, Invalid
from kaa_web.services.meetings.access import get_open_meeting, visible_groups
from kaa_web.services.meetings.agenda import item_of
from kaa_web.services.meetings.groups import members_for_meeting
from kaa_web.services.meetings.review import may_name_person


def _fingerprint(text: str) -> str:
    """What an edit form carries of the state it started from (its optimistic lock). Unlike a
    counter it also tells an untouched field from a changed one, so saving the whole recording
    page never clashes over parts the user did not touch."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def attendance_version(statuses: dict[int, str]) -> str:
    return _fingerprint(
        ";".join(f"{member}:{status}" for member, status in sorted(statuses.items()))
    )


def _lock(db: Session, meeting: Meeting) -> None:
    """Serialise writers of one meeting (PostgreSQL; SQLite writes one at a time anyway), so a
    check followed by a write (attendance, decision numbers) sees every committed change."""
    db.exec(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update()).one()


def record_attendance(
    db: Session,
    *,
    actor: Actor,
    meeting_id: int,
    statuses: dict[int, str],
    version: str | None = None,
) -> bool:
    """Present or excused per member; members not listed are removed from the record.

    With `version` (the attendance the form was drawn with) a change made by someone else
    in between is an EditConflict, unless this form left the attendance as it found it.
    True if anything changed.
    """
    meeting, group = get_open_meeting(db, actor=actor, meeting_id=meeting_id)
    _lock(db, meeting)
    member_ids = {m.id for m in members_for_meeting(db, meeting)}
    wanted = {m: s for m, s in statuses.items() if m in member_ids and s in ATTENDANCE}
    current = attendance_of(db, meeting.id)
    if wanted == current:
        return False
    if version is not None and version != attendance_version(current):
        if attendance_version(wanted) == version:  # untouched: the other change stands
            return False
        raise EditConflict(current)
    for row in db.exec(select(Attendance).where(Attendance.meeting_id == meeting.id)):
        db.delete(row)
    db.flush()
    for member_id, status in wanted.items():
        db.add(Attendance(meeting_id=meeting.id, member_id=member_id, status=status))
    db.flush()
    audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    return True


def attendance_of(db: Session, meeting_id: int) -> dict[int, str]:
    return dict(
        db.exec(
            select(Attendance.member_id, Attendance.status).where(
                Attendance.meeting_id == meeting_id
            )
        ).all()
    )


def notes_version(notes: str) -> str:
    return _fingerprint(notes)


def clean_notes(text: str) -> str:
    """Line ends as one (a form sends CRLF, a script LF), without surrounding space."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def save_notes(db: Session, item: AgendaItem, notes: str, version: str | None) -> bool:
    """Store the notes unless someone else changed them since `version` (EditConflict with
    the item as it is now); True if they changed. The write itself is conditional, so two
    saves at the same moment cannot both pass the check."""
    text, current = clean_notes(notes), item.notes
    if text == current:
        return False
    if version is not None and version != notes_version(current):
        if notes_version(text) == version:  # untouched since the form was drawn
            return False
        raise EditConflict(item)
    written = db.exec(
        sa.update(AgendaItem)
        .where(AgendaItem.id == item.id, AgendaItem.notes == current)
        .values(notes=text)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:  # saved by someone else after we read it
        db.refresh(item)
        raise EditConflict(item)
    sa.orm.attributes.set_committed_value(item, "notes", text)
    return True


def record_notes(
    db: Session,
    *,
    actor: Actor,
    meeting_id: int,
    item_id: int,
    notes: str,
    version: str | None = None,
) -> AgendaItem:
    """One item's notes (saved as they are typed); with `version`, optimistically locked."""
    meeting, _ = get_open_meeting(db, actor=actor, meeting_id=meeting_id)
    item = item_of(db, meeting, item_id)
    if save_notes(db, item, notes, version):
        audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    return item


def _youth_by_number(
    db: Session, actor: Actor, text: str, chosen: int | None, today: date | None
) -> int:
    """The register id of a personnummer typed into a decision (Swedish errors otherwise)."""
    try:
        canonical = pnr.parse(text, today or local_today()).canonical
    except pnr.InvalidPersonnummer as problem:
        message = problem.message_sv
        raise Invalid(message, field_errors={"personnummer": message}) from None
    found = db.exec(
        select(Youth.id).where(Youth.personnummer == canonical, youth_visibility(actor))
    ).first()
    if found is None:
        message = "Det finns ingen ungdom med det personnumret i registret."
        raise Invalid(message, field_errors={"personnummer": message})
    if chosen is not None and chosen != found:
        message = "Välj en ungdom i listan eller ange ett personnummer, inte båda."
        raise Invalid(message, field_errors={"personnummer": message})
    return found


def record_decision(
    db: Session,
    *,
    actor: Actor,
    meeting_id: int,
    item_id: int,
    text: str,
    youth_id: int | None = None,
    personnummer: str = "",
    today: date | None = None,
) -> Decision:
    """A numbered decision, under any item; about a named person it goes to their timeline.

    The person is chosen from those named at the meeting or given by personnummer; either
    way the consent rule must allow naming them before everyone represented.
    """
    meeting, group = get_open_meeting(db, actor=actor, meeting_id=meeting_id)
    item = item_of(db, meeting, item_id)
    if not text.strip():
        raise Invalid("Skriv beslutet.", field_errors={"text": "Skriv beslutet."})
    if personnummer.strip():
        youth_id = _youth_by_number(db, actor, personnummer, youth_id, today)
    if youth_id is not None and not may_name_person(db, actor, meeting, youth_id, today):
        message = "Beslut om en namngiven ungdom kräver samtycke för alla organisationer."
        raise Invalid(message, field_errors={"youth_id": message})
    _lock(db, meeting)  # two secretaries deciding at once get numbers of their own
    number = (
        db.exec(
            select(sa.func.max(Decision.number)).where(Decision.meeting_id == meeting.id)
        ).first()
        or 0
    ) + 1
    decision = Decision(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        number=number,
        text=text.strip(),
        youth_id=youth_id,
        created_by=actor.staff_id,
    )
    db.add(decision)
    db.flush()
    if youth_id is not None:
        timeline.add_entry(
            db,
            actor=actor,
            youth_id=youth_id,
            kind="mote",
            # system text only (timeline rule): the decision itself is in the minutes
            title=f"Beslut § {number} i {group.name} {meeting.on.isoformat()}",
            ref_type="decision",
            ref_id=decision.id,
        )
    audit.record(
        db, actor, "create", object_type="decision", object_id=decision.id, youth_id=youth_id
    )
    return decision


def decisions_by_item(db: Session, meeting_id: int) -> dict[int, list[Decision]]:
    """A meeting's decisions by the agenda item they were made under, in number order."""
    decisions: dict[int, list[Decision]] = {}
    for decision in db.exec(
        select(Decision).where(Decision.meeting_id == meeting_id).order_by(Decision.number)
    ):
        decisions.setdefault(decision.agenda_item_id, []).append(decision)
    return decisions


def decision_texts(
    db: Session, *, actor: Actor, youth: Youth, decision_ids: list[int]
) -> dict[int, str]:
    """The text of each decision about `youth` that the actor may read, by decision id.

    Decisions live in the group's minutes: their text is for those who may see the meeting
    (current members, chef and admin) and for the young person's responsible officer, who
    acts on it. Anyone else sees on the timeline only that a decision was made.
    """
    if not decision_ids:
        return {}
    query = (
        select(Decision.id, Decision.text)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .join(MeetingGroup, MeetingGroup.id == Meeting.group_id)
        .where(Decision.id.in_(decision_ids), Decision.youth_id == youth.id)
    )
    if youth.officer_id is None or youth.officer_id != actor.staff_id:
        query = query.where(visible_groups(actor))
    return dict(db.exec(query).all())
