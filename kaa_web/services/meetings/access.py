"""Who may see, read, run and manage collaboration groups and their meetings: the loaders.

Who may do what is in the permission table (kaa_web/permissions.py): a group's name, settings
and members are seen by its members and by those who manage groups ("see"); its meetings'
content by members holding meetings.attend and by meetings.oversee ("read"; a meeting's "see");
meetings are run by their convener (meetings.convene) and by meetings.oversee ("run"); settings
and members are changed with meetings.manage_groups ("manage"); standing items by those who run
or manage ("edit").
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.meetings import (
    GroupMember,
    Meeting,
    MeetingGroup,
)
from kaa_web.permissions import Actor
from kaa_web.services.errors import Invalid

LOCKED = "Protokollet är justerat och kan inte ändras. Lägg till ett tillägg i stället."
CANCELLED = "Mötet är inställt och kan inte ändras."


def my_groups(actor: Actor):
    """The ids of the groups the actor is an active member of (a SELECT)."""
    return select(GroupMember.group_id).where(
        GroupMember.staff_id == actor.staff_id, GroupMember.removed_at.is_(None)
    )


def visible_groups(actor: Actor):
    """A SQL condition on MeetingGroup: the groups whose name, settings and members the actor
    sees (those who manage or oversee groups see all, others the groups they are members of)."""
    if actor.can("meetings.manage_groups") or actor.can("meetings.oversee"):
        return sa.true()
    return MeetingGroup.id.in_(my_groups(actor))


def readable_groups(actor: Actor):
    """A SQL condition on MeetingGroup: the groups whose meetings the actor may read."""
    if actor.can("meetings.oversee"):
        return sa.true()
    if actor.can("meetings.attend") and actor.staff_id is not None:
        return MeetingGroup.id.in_(my_groups(actor))
    return sa.false()


def check_part(db: Session, actor: Actor, model, object_id: int, **parent: int) -> None:
    """NotFound (logged) unless row `object_id` of `model` belongs to `parent`, e.g.
    meeting_id=3: checked before a form is validated, so a foreign id is a 404, not a 400."""
    row = db.get(model, object_id)
    if row is None or any(getattr(row, name) != value for name, value in parent.items()):
        raise audit.record_denied(db, actor, object_type=model.__tablename__, object_id=object_id)


def can_run(actor: Actor, group: MeetingGroup, meeting: Meeting | None = None) -> bool:
    """Plans and records meetings: the group's convener, meetings.oversee, or (for one
    meeting) the staff member named its convener."""
    if actor.can("meetings.oversee"):
        return True
    conveners = {group.convener_id, meeting.convener_id if meeting else None}
    return (
        actor.can("meetings.convene")
        and actor.staff_id is not None
        and (actor.staff_id in conveners)
    )


def can_read(db: Session, actor: Actor, group: MeetingGroup) -> bool:
    """Reads the group's meetings: a member holding meetings.attend, or meetings.oversee."""
    condition = sa.and_(MeetingGroup.id == group.id, readable_groups(actor))
    return db.exec(select(MeetingGroup.id).where(condition)).first() is not None


def can_manage(actor: Actor) -> bool:
    """Creates groups and changes their settings and members."""
    return actor.can("meetings.manage_groups")


GROUP_ACCESS = ("see", "read", "run", "edit", "manage")


def get_group(db: Session, *, actor: Actor, group_id: int, may: str = "see") -> MeetingGroup:
    """The group if the actor may `may` it (see GROUP_ACCESS); otherwise a logged NotFound."""
    if may not in GROUP_ACCESS:
        raise ValueError(may)
    condition = readable_groups(actor) if may in ("read", "run") else visible_groups(actor)
    group = db.exec(select(MeetingGroup).where(MeetingGroup.id == group_id, condition)).first()
    allowed = group is not None and (
        may in ("see", "read")
        or (may == "run" and can_run(actor, group))
        or (may == "edit" and (can_manage(actor) or can_run(actor, group)))
        or (may == "manage" and can_manage(actor))
    )
    if not allowed:
        raise audit.record_denied(db, actor, object_type="meeting_group", object_id=group_id)
    return group


MEETING_ACCESS = ("see", "run")


def get_meeting(
    db: Session, *, actor: Actor, meeting_id: int, may: str = "see"
) -> tuple[Meeting, MeetingGroup]:
    """The meeting and its group if the actor may see its content ("see": a member holding
    meetings.attend, or meetings.oversee) or run it ("run"); otherwise a logged NotFound."""
    if may not in MEETING_ACCESS:
        raise ValueError(may)
    meeting = db.get(Meeting, meeting_id)
    group = None
    if meeting is not None:
        group = db.exec(
            select(MeetingGroup).where(MeetingGroup.id == meeting.group_id, readable_groups(actor))
        ).first()
    if group is None or (may == "run" and not can_run(actor, group, meeting)):
        raise audit.record_denied(db, actor, object_type="meeting", object_id=meeting_id)
    return meeting, group


def get_open_meeting(db: Session, *, actor: Actor, meeting_id: int) -> tuple[Meeting, MeetingGroup]:
    """A meeting the actor runs that can still change: Invalid once adjusted or cancelled."""
    meeting, group = get_meeting(db, actor=actor, meeting_id=meeting_id, may="run")
    if meeting.adjusted_at is not None:
        raise Invalid(LOCKED)
    if meeting.cancelled_at is not None:
        raise Invalid(CANCELLED)
    return meeting, group
