"""Planning a meeting: its date, place, convener and first agenda; moving and cancelling it."""

from __future__ import annotations

from datetime import date, time

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import utcnow
from kaa_web.models.meetings import (
    ActionPoint,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingGroup,
)
from kaa_web.permissions import Actor
from kaa_web.services.errors import Invalid
from kaa_web.services.meetings.access import LOCKED, get_group, get_meeting, get_open_meeting
from kaa_web.services.meetings.action_points import action_points
from kaa_web.services.meetings.agenda import (
    ExtraItem,
    as_agenda_item,
    carried_item,
    item_errors,
    renumber,
    standing_items_of,
)
from kaa_web.services.meetings.groups import convener_errors, members_of


def _details_errors(db: Session, group: MeetingGroup, place: str, convener_id: int | None):
    errors = {}
    if not place.strip():
        errors["place"] = "Ange plats eller länk."
    staff_members = {m.staff_id for m in members_of(db, group.id) if m.staff_id}
    if convener_id is not None and convener_id not in staff_members:
        errors["convener_id"] = "Välj en sammankallande bland gruppens deltagare."
    elif convener_id is not None:
        errors |= convener_errors(db, convener_id)
    return errors


def plan_meeting(
    db: Session,
    *,
    actor: Actor,
    group_id: int,
    on: date,
    starts_at: time,
    place: str,
    standing_item_ids: list[int],
    extra_items: list[ExtraItem] = (),
    convener_id: int | None = None,
) -> Meeting:
    """A meeting whose agenda is the chosen standing items, extra items and open action points.

    The convener is the group's unless another staff member of the group is named.
    """
    group = get_group(db, actor=actor, group_id=group_id, may="run")
    errors = _details_errors(db, group, place, convener_id)
    for i, extra in enumerate(extra_items):
        if extra.title.strip():
            errors |= {f"extra_items-{i}-{k}": v for k, v in item_errors(extra).items()}
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)
    meeting = Meeting(
        group_id=group.id,
        on=on,
        starts_at=starts_at,
        place=place.strip()[:300],
        convener_id=convener_id or group.convener_id,
        created_by=actor.staff_id,
    )
    db.add(meeting)
    db.flush()
    items = [
        AgendaItem(kind="staende", title=s.title, youth_filter=s.youth_filter, minutes=s.minutes)
        for s in standing_items_of(db, group.id)
        if s.id in set(standing_item_ids)
    ]
    items += [as_agenda_item(e) for e in extra_items if e.title.strip()]
    items += [carried_item(row.point, row.who) for row in action_points(db, group.id)]
    for item in items:
        item.meeting_id = meeting.id
        db.add(item)
    renumber(db, items)
    audit.record(db, actor, "create", object_type="meeting", object_id=meeting.id)
    return meeting


def update_meeting(
    db: Session,
    *,
    actor: Actor,
    meeting_id: int,
    on: date,
    starts_at: time,
    place: str,
    convener_id: int | None,
) -> Meeting:
    """Move a meeting or change its place or convener (not once the minutes are adjusted)."""
    meeting, group = get_open_meeting(db, actor=actor, meeting_id=meeting_id)
    errors = _details_errors(db, group, place, convener_id)
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)
    meeting.on, meeting.starts_at, meeting.place = on, starts_at, place.strip()[:300]
    meeting.convener_id = convener_id or group.convener_id
    db.add(meeting)
    audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    return meeting


def cancel_meeting(db: Session, *, actor: Actor, meeting_id: int) -> Meeting:
    """Inställt: kept with its agenda; refused once anything has been recorded at it."""
    meeting, _ = get_meeting(db, actor=actor, meeting_id=meeting_id, may="run")
    if meeting.cancelled_at is not None:  # a second click
        return meeting
    if meeting.adjusted_at is not None:
        raise Invalid(LOCKED)
    recorded = (
        db.exec(select(Attendance.id).where(Attendance.meeting_id == meeting.id)).first()
        or db.exec(select(Decision.id).where(Decision.meeting_id == meeting.id)).first()
        or db.exec(select(ActionPoint.id).where(ActionPoint.meeting_id == meeting.id)).first()
    )
    if recorded is not None:
        raise Invalid("Mötet har närvaro, beslut eller åtgärdspunkter och kan inte ställas in.")
    meeting.cancelled_at = utcnow()
    db.add(meeting)
    audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    return meeting


def meetings_of(db: Session, group_id: int, today: date) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, past) meetings of a group."""
    rows = list(db.exec(select(Meeting).where(Meeting.group_id == group_id).order_by(Meeting.on)))
    return [m for m in rows if m.on >= today], [m for m in reversed(rows) if m.on < today]
