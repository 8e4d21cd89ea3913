"""Action points: who does what by when, their worklist tasks, carried from meeting to meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.meetings import (
    ActionPoint,
    AgendaItem,
    GroupMember,
    Meeting,
    MeetingGroup,
)
from kaa_web.permissions import Actor
from kaa_web.services import tasks
from kaa_web.services.errors import Invalid, NotFound
from kaa_web.services.meetings.access import (
    can_run,
    get_group,
    get_open_meeting,
    my_groups,
    readable_groups,
)
from kaa_web.services.meetings.agenda import agenda_of, carried_item


@dataclass(frozen=True)
class ActionRow:
    point: ActionPoint
    who: str
    overdue: bool
    mine: bool = False


def action_rows(db: Session, condition, today: date | None, staff_id: int | None):
    today = today or local_today()
    rows = db.exec(
        select(ActionPoint, GroupMember.name, GroupMember.staff_id)
        .join(GroupMember, GroupMember.id == ActionPoint.member_id)
        .where(condition)
        .order_by(ActionPoint.due, ActionPoint.id)
    ).all()
    return [
        ActionRow(
            p, name, p.done_at is None and p.due < today, staff_id is not None and sid == staff_id
        )
        for p, name, sid in rows
    ]


def action_points(
    db: Session,
    group_id: int,
    *,
    meeting_id: int | None = None,
    today: date | None = None,
    staff_id: int | None = None,
) -> list[ActionRow]:
    """A group's open action points, or all those decided at one meeting."""
    if meeting_id is None:
        condition = sa.and_(ActionPoint.group_id == group_id, ActionPoint.done_at.is_(None))
    else:
        condition = ActionPoint.meeting_id == meeting_id
    return action_rows(db, condition, today, staff_id)


def add_action_point(
    db: Session,
    *,
    actor: Actor,
    meeting_id: int,
    what: str,
    member_id: int | None,
    due: date | None,
) -> ActionPoint:
    """Who does what by when; a staff assignee gets a task on their worklist."""
    meeting, group = get_open_meeting(db, actor=actor, meeting_id=meeting_id)
    member = db.get(GroupMember, member_id) if member_id else None
    errors = {}
    if not what.strip():
        errors["what"] = "Ange vad som ska göras."
    if member is None or member.group_id != group.id or member.removed_at is not None:
        errors["member_id"] = "Välj vem som ansvarar."
    if due is None:
        errors["due"] = "Ange när det ska vara klart."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)
    point = ActionPoint(
        group_id=group.id,
        meeting_id=meeting.id,
        what=what.strip()[:500],
        member_id=member.id,
        due=due,
    )
    db.add(point)
    db.flush()
    _task_for(db, actor, point, member, group, meeting)
    _carry_to_planned(db, point, member, after=meeting)
    audit.record(db, actor, "create", object_type="action_point", object_id=point.id)
    return point


def _carry_to_planned(db: Session, point: ActionPoint, member: GroupMember, after: Meeting):
    """Put a new action point on the agendas of the group's later meetings already planned."""
    later = db.exec(
        select(Meeting).where(
            Meeting.group_id == after.group_id,
            Meeting.on > after.on,
            Meeting.on >= local_today(),  # not to a meeting already held
            Meeting.adjusted_at.is_(None),
            Meeting.cancelled_at.is_(None),
        )
    )
    for meeting in later:
        item = carried_item(point, member.name)
        item.meeting_id, item.position = meeting.id, len(agenda_of(db, meeting.id)) + 1
        db.add(item)


def _task_for(db, actor, point: ActionPoint, member: GroupMember, group, meeting) -> None:
    """A staff assignee's worklist task for the action point (external members get none)."""
    if member.staff_id is not None:
        tasks.create_task(
            db,
            actor=actor,
            kind="atgardspunkt",
            title=f"Åtgärdspunkt från {group.name} {meeting.on.isoformat()}",
            due=point.due,
            assigned_to=member.staff_id,
            source=("action_point", point.id),
        )


def get_action_point(
    db: Session, *, actor: Actor, action_point_id: int
) -> tuple[ActionPoint, MeetingGroup]:
    """The action point and its group if the actor runs the group's meetings; otherwise a
    logged NotFound."""
    point = db.get(ActionPoint, action_point_id)
    if point is None:
        raise audit.record_denied(db, actor, object_type="action_point", object_id=action_point_id)
    try:
        group = get_group(db, actor=actor, group_id=point.group_id, may="run")
    except NotFound:
        raise audit.record_denied(
            db, actor, object_type="action_point", object_id=action_point_id
        ) from None
    return point, group


def reassign_action_point(
    db: Session, *, actor: Actor, action_point_id: int, member_id: int | None
) -> ActionPoint:
    """Give an open action point to another member: the task moves to their worklist."""
    point, group = get_action_point(db, actor=actor, action_point_id=action_point_id)
    if point.done_at is not None:
        raise Invalid("Åtgärdspunkten är redan klar.")
    member = db.get(GroupMember, member_id) if member_id else None
    if member is None or member.group_id != group.id or member.removed_at is not None:
        message = "Välj vem i gruppen som ska ta över."
        raise Invalid(message, field_errors={"member_id": message})
    if member.id == point.member_id:  # a second click
        return point
    tasks.close_tasks_for(
        db, actor=actor, source_type="action_point", source_id=point.id, kind="atgardspunkt"
    )
    point.member_id = member.id
    db.add(point)
    _task_for(db, actor, point, member, group, db.get(Meeting, point.meeting_id))
    unadjusted = select(Meeting.id).where(Meeting.adjusted_at.is_(None))
    for item in db.exec(
        select(AgendaItem).where(
            AgendaItem.action_point_id == point.id, AgendaItem.meeting_id.in_(unadjusted)
        )
    ):
        item.owner = member.name[:200]
        db.add(item)
    audit.record(db, actor, "update", object_type="action_point", object_id=point.id)
    return point


def complete_action_point(db: Session, *, actor: Actor, action_point_id: int) -> ActionPoint:
    """Done: it leaves the assignee's worklist and is not carried to agendas planned from now
    on; an agenda already planned keeps it, marked done, to report at the meeting."""
    point = db.get(ActionPoint, action_point_id)
    if point is None:
        raise NotFound
    group = get_group(db, actor=actor, group_id=point.group_id, may="read")
    member = db.get(GroupMember, point.member_id)
    mine = member is not None and member.staff_id == actor.staff_id
    if not (mine or can_run(actor, group)):
        raise audit.record_denied(db, actor, object_type="action_point", object_id=action_point_id)
    return action_point_done(db, actor=actor, action_point_id=point.id)


def action_point_done(db: Session, *, actor: Actor, action_point_id: int) -> ActionPoint:
    """Mark done and close its worklist task (also called when the assignee ticks the task)."""
    point = db.get(ActionPoint, action_point_id)
    if point is not None and point.done_at is None:
        point.done_at = utcnow()
        db.add(point)
        tasks.close_tasks_for(
            db, actor=actor, source_type="action_point", source_id=point.id, kind="atgardspunkt"
        )
        audit.record(db, actor, "update", object_type="action_point", object_id=point.id)
    return point


def my_upcoming_meetings(
    db: Session, *, actor: Actor, today: date | None = None, days: int = 60
) -> list[tuple[Meeting, MeetingGroup]]:
    """The meetings of the actor's groups in the coming `days` (the start page lists them)."""
    if actor.staff_id is None:
        return []
    today = today or local_today()
    rows = db.exec(
        select(Meeting, MeetingGroup)
        .join(MeetingGroup, MeetingGroup.id == Meeting.group_id)
        .where(
            Meeting.group_id.in_(my_groups(actor)),
            readable_groups(actor),
            Meeting.on >= today,
            Meeting.on <= today + timedelta(days=days),
            Meeting.cancelled_at.is_(None),
        )
        .order_by(Meeting.on, Meeting.starts_at)
    ).all()
    return [(meeting, group) for meeting, group in rows]


@dataclass(frozen=True)
class MyActionPoint:
    row: ActionRow
    group: MeetingGroup


def my_action_points(db: Session, *, actor: Actor, today: date | None = None):
    """The open action points assigned to the actor in any group (the start page lists them)."""
    if actor.staff_id is None:
        return []
    mine = select(GroupMember.id).where(GroupMember.staff_id == actor.staff_id)
    rows = action_rows(
        db,
        sa.and_(ActionPoint.member_id.in_(mine), ActionPoint.done_at.is_(None)),
        today,
        actor.staff_id,
    )
    groups = {g.id: g for g in db.exec(select(MeetingGroup).where(readable_groups(actor)))}
    return [MyActionPoint(r, groups[r.point.group_id]) for r in rows if r.point.group_id in groups]
