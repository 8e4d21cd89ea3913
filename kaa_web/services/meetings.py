"""Collaboration groups and meetings: agendas, the consent rule, decisions, action points."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.db import chunks
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import LOCAL_TZ, local_today, utcnow
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.meetings import (
    ATTENDANCE,
    FREQUENCIES,
    GROUP_KINDS,
    ORGANISATIONS,
    YOUTH_FILTERS,
    ActionPoint,
    AgendaItem,
    Attendance,
    Decision,
    GroupMember,
    Meeting,
    MeetingGroup,
    MinutesAddendum,
    StandingItem,
)
from kaa_web.models.plans import Consent
from kaa_web.models.register import OCCUPATIONS, District, RegistrationPeriod, Youth
from kaa_web.permissions import Actor, has_permission
from kaa_web.rules import personnummer as pnr
from kaa_web.rules import small_numbers
from kaa_web.services import documents, letter_context, tasks, timeline
from kaa_web.services.access import youth_visibility
from kaa_web.services.consents import PARTY_COLUMNS, is_active
from kaa_web.services.errors import EditConflict, Invalid, NotFound

LOCKED = "Protokollet är justerat och kan inte ändras. Lägg till ett tillägg i stället."
CANCELLED = "Mötet är inställt och kan inte ändras."


# --- access -----------------------------------------------------------------------------------
#
# Who may do what is in the permission table (kaa_web/permissions.py): a group's name, settings
# and members are seen by its members and by those who manage groups ("see"); its meetings'
# content by members holding meetings.attend and by meetings.oversee ("read"); meetings are run
# by their convener (meetings.convene) and by meetings.oversee ("run"); settings and members are
# changed with meetings.manage_groups ("manage"); standing items by those who run or manage.


def _my_groups(actor: Actor):
    return select(GroupMember.group_id).where(
        GroupMember.staff_id == actor.staff_id, GroupMember.removed_at.is_(None)
    )


def visible_groups(actor: Actor):
    """A SQL condition on MeetingGroup: the groups whose name, settings and members the actor
    sees (those who manage or oversee groups see all, others the groups they are members of)."""
    if actor.can("meetings.manage_groups") or actor.can("meetings.oversee"):
        return sa.true()
    return MeetingGroup.id.in_(_my_groups(actor))


def readable_groups(actor: Actor):
    """A SQL condition on MeetingGroup: the groups whose meetings the actor may read."""
    if actor.can("meetings.oversee"):
        return sa.true()
    if actor.can("meetings.attend") and actor.staff_id is not None:
        return MeetingGroup.id.in_(_my_groups(actor))
    return sa.false()


def check_part(db: Session, actor: Actor, model, object_id: int, **parent: int) -> None:
    """NotFound (logged) unless row `object_id` of `model` belongs to `parent`, e.g.
    meeting_id=3: checked before a form is validated, so a foreign id is a 404, not a 400."""
    row = db.get(model, object_id)
    if row is None or any(getattr(row, name) != value for name, value in parent.items()):
        raise audit.record_denied(db, actor, object_type=model.__tablename__, object_id=object_id)


def can_run(db: Session, actor: Actor, group: MeetingGroup, meeting: Meeting | None = None) -> bool:
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
        or (may == "run" and can_run(db, actor, group))
        or (may == "edit" and (can_manage(actor) or can_run(db, actor, group)))
        or (may == "manage" and can_manage(actor))
    )
    if not allowed:
        raise audit.record_denied(db, actor, object_type="meeting_group", object_id=group_id)
    return group


def get_meeting(
    db: Session, *, actor: Actor, meeting_id: int, may: str = "read"
) -> tuple[Meeting, MeetingGroup]:
    """The meeting and its group if the actor may read it ("read") or run it ("run")."""
    if may not in ("read", "run"):
        raise ValueError(may)
    meeting = db.get(Meeting, meeting_id)
    group = None
    if meeting is not None:
        group = db.exec(
            select(MeetingGroup).where(MeetingGroup.id == meeting.group_id, readable_groups(actor))
        ).first()
    if group is None or (may == "run" and not can_run(db, actor, group, meeting)):
        raise audit.record_denied(db, actor, object_type="meeting", object_id=meeting_id)
    return meeting, group


def _runnable_meeting(db: Session, actor: Actor, meeting_id: int, *, unlocked=True):
    meeting, group = get_meeting(db, actor=actor, meeting_id=meeting_id, may="run")
    if unlocked and meeting.adjusted_at is not None:
        raise Invalid(LOCKED)
    if unlocked and meeting.cancelled_at is not None:
        raise Invalid(CANCELLED)
    return meeting, group


def list_groups(db: Session, *, actor: Actor) -> list[MeetingGroup]:
    return list(
        db.exec(select(MeetingGroup).where(visible_groups(actor)).order_by(MeetingGroup.name))
    )


# --- groups -----------------------------------------------------------------------------------


@dataclass
class MemberData:
    name: str = ""
    organisation: str = "kommunen"
    organisation_name: str = ""
    staff_id: int | None = None
    email: str = ""


def _organisation_of(staff: StaffUser) -> str:
    social_services = has_permission(staff.role_list, "meetings.for_social_services")
    return "socialtjansten" if social_services else "kommunen"


def may_take_part(staff: StaffUser) -> bool:
    """A directory user whose roles may be a member (school staff join as externals; an
    administrator, who manages groups but does not read their meetings, cannot)."""
    return has_permission(staff.role_list, "meetings.attend")


def may_convene(staff: StaffUser) -> bool:
    """A directory user whose roles may plan and record meetings."""
    return has_permission(staff.role_list, "meetings.convene")


def possible_conveners(db: Session, group_id: int) -> list[StaffUser]:
    """The group's active staff members who may convene one of its meetings."""
    staff_ids = [m.staff_id for m in members_of(db, group_id) if m.staff_id]
    rows = db.exec(
        select(StaffUser).where(StaffUser.id.in_(staff_ids)).order_by(StaffUser.display_name)
    )
    return [s for s in rows if may_convene(s)]


def _convener_errors(db: Session, convener_id: int | None) -> dict[str, str]:
    staff = db.get(StaffUser, convener_id) if convener_id is not None else None
    if staff is None:
        return {"convener_id": "Välj vem som kallar till mötena."}
    if not may_convene(staff):
        message = "Den sammankallande måste vara KAA-handläggare eller chef."
        return {"convener_id": message}
    return {}


def create_group(
    db: Session,
    *,
    actor: Actor,
    name: str,
    kind: str,
    frequency: str,
    convener_id: int | None,
    standing_items: list[tuple[str, str]] = (),
) -> MeetingGroup:
    """A new group (meetings.manage_groups); the convener becomes a member; standing items
    (title, filter)."""
    if not can_manage(actor):
        raise audit.record_denied(db, actor, object_type="meeting_group", object_id="new")
    errors = _group_errors(name, kind, frequency) | _convener_errors(db, convener_id)
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)
    group = MeetingGroup(
        name=name.strip()[:200], kind=kind, frequency=frequency, convener_id=convener_id
    )
    db.add(group)
    db.flush()
    for position, (title, youth_filter) in enumerate(standing_items, start=1):
        db.add(
            StandingItem(
                group_id=group.id, position=position, title=title[:200], youth_filter=youth_filter
            )
        )
    if convener_id:
        add_member(db, actor=actor, group_id=group.id, data=MemberData(staff_id=convener_id))
    audit.record(db, actor, "create", object_type="meeting_group", object_id=group.id)
    return group


def add_member(db: Session, *, actor: Actor, group_id: int, data: MemberData) -> GroupMember:
    """A directory user (organisation from their role) or a named external participant."""
    group = get_group(db, actor=actor, group_id=group_id, may="manage")
    if data.staff_id is not None:
        staff = db.get(StaffUser, data.staff_id)
        if staff is None:
            raise Invalid("Välj en användare.", field_errors={"staff_id": "Välj en användare."})
        if not may_take_part(staff):
            message = (
                f"{staff.display_name} har ingen roll som kan delta i samverkansgruppernas möten. "
                "Lägg till personen som extern deltagare i stället."
            )
            raise Invalid(message, field_errors={"staff_id": message})
        data = MemberData(
            name=staff.display_name,
            organisation=_organisation_of(staff),
            staff_id=staff.id,
            email=staff.email or "",
        )
    errors = {}
    if not data.name.strip():
        errors["name"] = "Ange deltagarens namn."
    if data.organisation not in ORGANISATIONS:
        errors["organisation"] = "Välj vilken organisation deltagaren företräder."
    if data.organisation == "skola" and not data.organisation_name.strip():
        errors["organisation_name"] = "Ange vilken skola."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)
    if data.staff_id is not None:
        return _add_staff_member(db, actor, group, data)
    member = GroupMember(
        group_id=group.id,
        staff_id=data.staff_id,
        name=data.name.strip()[:200],
        organisation=data.organisation,
        organisation_name=data.organisation_name.strip()[:200],
        email=data.email.strip()[:200],
    )
    db.add(member)
    db.flush()
    audit.record(db, actor, "update", object_type="meeting_group", object_id=group.id)
    return member


def _add_staff_member(
    db: Session, actor: Actor, group: MeetingGroup, data: MemberData
) -> GroupMember:
    """One active row per user: a user who left the group before is taken back in."""
    rows = db.exec(
        select(GroupMember)
        .where(GroupMember.group_id == group.id, GroupMember.staff_id == data.staff_id)
        .order_by(GroupMember.id.desc())
    ).all()
    if any(row.removed_at is None for row in rows):
        message = f"{data.name} är redan med i gruppen."
        raise Invalid(message, field_errors={"staff_id": message})
    member = rows[0] if rows else GroupMember(group_id=group.id, staff_id=data.staff_id)
    member.name, member.organisation = data.name.strip()[:200], data.organisation
    member.organisation_name, member.email = "", data.email.strip()[:200]
    member.removed_at = None
    db.add(member)
    db.flush()
    audit.record(db, actor, "update", object_type="meeting_group", object_id=group.id)
    return member


def members_of(db: Session, group_id: int, *, include_removed: bool = False) -> list[GroupMember]:
    """The group's members; those who left only with include_removed (for their history)."""
    query = select(GroupMember).where(GroupMember.group_id == group_id)
    if not include_removed:
        query = query.where(GroupMember.removed_at.is_(None))
    return list(db.exec(query.order_by(GroupMember.name, GroupMember.id)))


def standing_items_of(db: Session, group_id: int) -> list[StandingItem]:
    return list(
        db.exec(
            select(StandingItem)
            .where(StandingItem.group_id == group_id)
            .order_by(StandingItem.position, StandingItem.id)
        )
    )


def organisation_label(member: GroupMember) -> str:
    if member.organisation == "skola":
        return member.organisation_name or ORGANISATIONS["skola"]
    return ORGANISATIONS.get(member.organisation, member.organisation)


def members_for_meeting(db: Session, meeting: Meeting) -> list[GroupMember]:
    """The members to list at a meeting: the active ones and those who left but attended it."""
    recorded = select(Attendance.member_id).where(Attendance.meeting_id == meeting.id)
    return list(
        db.exec(
            select(GroupMember)
            .where(
                GroupMember.group_id == meeting.group_id,
                sa.or_(GroupMember.removed_at.is_(None), GroupMember.id.in_(recorded)),
            )
            .order_by(GroupMember.name, GroupMember.id)
        )
    )


def _group_errors(name: str, kind: str, frequency: str) -> dict[str, str]:
    errors = {}
    if not name.strip():
        errors["name"] = "Ange gruppens namn."
    if kind not in GROUP_KINDS:
        errors["kind"] = "Välj typ av grupp."
    if frequency not in FREQUENCIES:
        errors["frequency"] = "Välj hur ofta gruppen brukar träffas."
    return errors


def update_group(
    db: Session,
    *,
    actor: Actor,
    group_id: int,
    name: str,
    kind: str,
    frequency: str,
    convener_id: int | None,
) -> MeetingGroup:
    """Name, kind, usual frequency and convener (chef/admin); a new convener becomes a member."""
    group = get_group(db, actor=actor, group_id=group_id, may="manage")
    errors = _group_errors(name, kind, frequency) | _convener_errors(db, convener_id)
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)
    group.name, group.kind, group.frequency = name.strip()[:200], kind, frequency
    group.convener_id = convener_id
    db.add(group)
    db.flush()
    active = {m.staff_id for m in members_of(db, group.id) if m.staff_id}
    if convener_id and convener_id not in active:
        add_member(db, actor=actor, group_id=group.id, data=MemberData(staff_id=convener_id))
    audit.record(db, actor, "update", object_type="meeting_group", object_id=group.id)
    return group


def _active_member(db: Session, actor: Actor, group: MeetingGroup, member_id: int) -> GroupMember:
    member = db.get(GroupMember, member_id)
    if member is None or member.group_id != group.id or member.removed_at is not None:
        raise audit.record_denied(db, actor, object_type="group_member", object_id=member_id)
    return member


def update_member(
    db: Session, *, actor: Actor, group_id: int, member_id: int, data: MemberData
) -> GroupMember:
    """An external participant's name, organisation, school and e-mail (chef/admin).

    A user's name and organisation come from the directory and are not edited here.
    """
    group = get_group(db, actor=actor, group_id=group_id, may="manage")
    member = _active_member(db, actor, group, member_id)
    if member.staff_id is not None:
        raise Invalid("Användare i kommunen ändras i katalogen, inte här.")
    errors = {}
    if not data.name.strip():
        errors["name"] = "Ange deltagarens namn."
    if data.organisation not in ORGANISATIONS:
        errors["organisation"] = "Välj vilken organisation deltagaren företräder."
    if data.organisation == "skola" and not data.organisation_name.strip():
        errors["organisation_name"] = "Ange vilken skola."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)
    member.name, member.organisation = data.name.strip()[:200], data.organisation
    member.organisation_name = (
        data.organisation_name.strip()[:200] if data.organisation == "skola" else ""
    )
    member.email = data.email.strip()[:200]
    db.add(member)
    db.flush()
    audit.record(db, actor, "update", object_type="meeting_group", object_id=group.id)
    return member


def remove_member(db: Session, *, actor: Actor, group_id: int, member_id: int) -> GroupMember:
    """The member leaves (chef/admin); their attendance and action points keep their name."""
    group = get_group(db, actor=actor, group_id=group_id, may="manage")
    gone = db.get(GroupMember, member_id)
    if gone is not None and gone.group_id == group.id and gone.removed_at is not None:
        return gone  # a second click
    member = _active_member(db, actor, group, member_id)
    if member.staff_id is not None and member.staff_id == group.convener_id:
        raise Invalid(
            f"{member.name} är gruppens sammankallande. Välj en annan sammankallande först."
        )
    convenes = select(Meeting.id).where(
        Meeting.group_id == group.id,
        Meeting.convener_id == member.staff_id,
        Meeting.adjusted_at.is_(None),
        Meeting.cancelled_at.is_(None),
        Meeting.on >= local_today(),
    )
    if member.staff_id is not None and db.exec(convenes).first() is not None:
        raise Invalid(
            f"{member.name} är sammankallande för ett planerat möte. "
            "Välj en annan sammankallande för mötet först."
        )
    open_points = select(ActionPoint.id).where(
        ActionPoint.member_id == member.id, ActionPoint.done_at.is_(None)
    )
    if db.exec(open_points).first() is not None:
        raise Invalid(
            f"{member.name} har öppna åtgärdspunkter. Ge dem till någon annan i gruppen först "
            "(på gruppens sida)."
        )
    member.removed_at = utcnow()
    db.add(member)
    db.flush()
    audit.record(db, actor, "update", object_type="meeting_group", object_id=group.id)
    return member


def _standing_item(db: Session, actor: Actor, group: MeetingGroup, item_id: int) -> StandingItem:
    item = db.get(StandingItem, item_id)
    if item is None or item.group_id != group.id:
        raise audit.record_denied(db, actor, object_type="standing_item", object_id=item_id)
    return item


def _renumber(db: Session, items: list[StandingItem] | list[AgendaItem]) -> None:
    """Positions 1..n in list order (standing items and agenda items alike)."""
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            db.add(item)
    db.flush()


def add_standing_item(
    db: Session,
    *,
    actor: Actor,
    group_id: int,
    title: str,
    youth_filter: str = "",
    minutes: int | None = 10,
) -> StandingItem:
    """A new standing item last in the list (the convener or chef/admin)."""
    group = get_group(db, actor=actor, group_id=group_id, may="edit")
    _checked_item(ExtraItem(title, minutes=minutes, youth_filter=youth_filter))
    items = standing_items_of(db, group.id)
    _renumber(db, items)
    item = StandingItem(
        group_id=group.id,
        position=len(items) + 1,
        title=title.strip()[:200],
        youth_filter=youth_filter,
        minutes=minutes,
    )
    db.add(item)
    db.flush()
    audit.record(db, actor, "update", object_type="meeting_group", object_id=group.id)
    return item


def update_standing_item(
    db: Session,
    *,
    actor: Actor,
    group_id: int,
    item_id: int,
    title: str,
    youth_filter: str = "",
    minutes: int | None = 10,
) -> StandingItem:
    """Change a standing item; agendas already planned keep their own copy."""
    group = get_group(db, actor=actor, group_id=group_id, may="edit")
    item = _standing_item(db, actor, group, item_id)
    _checked_item(ExtraItem(title, minutes=minutes, youth_filter=youth_filter))
    item.title, item.youth_filter, item.minutes = title.strip()[:200], youth_filter, minutes
    db.add(item)
    db.flush()
    audit.record(db, actor, "update", object_type="meeting_group", object_id=group.id)
    return item


def remove_standing_item(db: Session, *, actor: Actor, group_id: int, item_id: int) -> None:
    """Remove a standing item; agendas already planned keep theirs."""
    group = get_group(db, actor=actor, group_id=group_id, may="edit")
    if db.get(StandingItem, item_id) is None:  # removed already: a second click
        return
    item = _standing_item(db, actor, group, item_id)
    db.delete(item)
    db.flush()
    _renumber(db, standing_items_of(db, group.id))
    audit.record(db, actor, "update", object_type="meeting_group", object_id=group.id)


MOVES = {"upp": -1, "ned": 1}


def _move(db: Session, items: list, item, direction: str, from_position: int) -> bool:
    """One step up or down; False when the item has left `from_position` (a second click)."""
    if direction not in MOVES:
        raise Invalid("Välj om punkten ska flyttas upp eller ned.")
    if item.position != from_position:
        return False
    index = next(i for i, other in enumerate(items) if other.id == item.id)
    other = index + MOVES[direction]
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    _renumber(db, items)
    return True


def move_standing_item(
    db: Session, *, actor: Actor, group_id: int, item_id: int, direction: str, from_position: int
) -> None:
    """One step up ("upp") or down ("ned"); positions become 1..n."""
    group = get_group(db, actor=actor, group_id=group_id, may="edit")
    item = _standing_item(db, actor, group, item_id)
    if _move(db, standing_items_of(db, group.id), item, direction, from_position):
        audit.record(db, actor, "update", object_type="meeting_group", object_id=group.id)


# --- planning ---------------------------------------------------------------------------------


@dataclass
class ExtraItem:
    """An ad-hoc agenda item (or the new values of any item when the agenda is edited)."""

    title: str
    owner: str = ""
    minutes: int = 10
    youth_filter: str = ""


def _item_errors(item: ExtraItem) -> dict[str, str]:
    """Swedish errors per field of an agenda item's values (an empty dict when all is well)."""
    errors = {}
    if not item.title.strip():
        errors["title"] = "Ange punktens rubrik."
    if not 1 <= (item.minutes or 0) <= 240:
        errors["minutes"] = "Ange 1–240 minuter."
    if item.youth_filter not in YOUTH_FILTERS:
        errors["youth_filter"] = "Välj ett urval av ungdomar i listan."
    return errors


def _extra(item: ExtraItem) -> AgendaItem:
    return AgendaItem(
        kind="extra",
        title=item.title.strip()[:300],
        owner=item.owner.strip()[:200],
        minutes=item.minutes,
        youth_filter=item.youth_filter,
    )


def _details_errors(db: Session, group: MeetingGroup, place: str, convener_id: int | None):
    errors = {}
    if not place.strip():
        errors["place"] = "Ange plats eller länk."
    staff_members = {m.staff_id for m in members_of(db, group.id) if m.staff_id}
    if convener_id is not None and convener_id not in staff_members:
        errors["convener_id"] = "Välj en sammankallande bland gruppens deltagare."
    elif convener_id is not None:
        errors |= _convener_errors(db, convener_id)
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
            errors |= {f"extra_items-{i}-{k}": v for k, v in _item_errors(extra).items()}
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
    items += [_extra(e) for e in extra_items if e.title.strip()]
    items += [_carried_item(row.point, row.who) for row in action_points(db, group.id)]
    for item in items:
        item.meeting_id = meeting.id
        db.add(item)
    _renumber(db, items)
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
    meeting, group = _runnable_meeting(db, actor, meeting_id)
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
    meeting, _ = _runnable_meeting(db, actor, meeting_id, unlocked=False)
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


def _checked_item(item: ExtraItem) -> None:
    if errors := _item_errors(item):
        raise Invalid(*errors.values(), field_errors=errors)


def add_agenda_item(db: Session, *, actor: Actor, meeting_id: int, data: ExtraItem) -> AgendaItem:
    """An ad-hoc item at the end of the agenda."""
    meeting, _ = _runnable_meeting(db, actor, meeting_id)
    _checked_item(data)
    item = _extra(data)
    item.meeting_id, item.position = meeting.id, len(agenda_of(db, meeting.id)) + 1
    db.add(item)
    db.flush()
    audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    return item


def update_agenda_item(
    db: Session, *, actor: Actor, meeting_id: int, item_id: int, data: ExtraItem
) -> AgendaItem:
    """New title, owner, time or list of young people for an item."""
    meeting, _ = _runnable_meeting(db, actor, meeting_id)
    item = _item(db, meeting, item_id)
    _checked_item(data)
    item.title, item.owner = data.title.strip()[:300], data.owner.strip()[:200]
    item.minutes, item.youth_filter = data.minutes, data.youth_filter
    db.add(item)
    audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    return item


def remove_agenda_item(db: Session, *, actor: Actor, meeting_id: int, item_id: int) -> None:
    """Take an item off the agenda unless decisions were made under it."""
    meeting, _ = _runnable_meeting(db, actor, meeting_id)
    if db.get(AgendaItem, item_id) is None:  # removed already: a second click
        return
    item = _item(db, meeting, item_id)
    if db.exec(select(Decision.id).where(Decision.agenda_item_id == item.id)).first():
        raise Invalid("Punkten har beslut och kan inte tas bort.")
    db.delete(item)
    db.flush()
    _renumber(db, agenda_of(db, meeting.id))
    audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)


def move_agenda_item(
    db: Session,
    *,
    actor: Actor,
    meeting_id: int,
    item_id: int,
    direction: str,
    from_position: int,
) -> None:
    """One step up ("upp") or down ("ned") the agenda."""
    meeting, _ = _runnable_meeting(db, actor, meeting_id)
    item = _item(db, meeting, item_id)
    if _move(db, agenda_of(db, meeting.id), item, direction, from_position):
        audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)


def agenda_of(db: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        db.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def meetings_of(db: Session, group_id: int, today: date) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, past) meetings of a group."""
    rows = list(db.exec(select(Meeting).where(Meeting.group_id == group_id).order_by(Meeting.on)))
    return [m for m in rows if m.on >= today], [m for m in reversed(rows) if m.on < today]


# --- the consent rule -------------------------------------------------------------------------


def represented_organisations(db: Session, meeting: Meeting) -> set[tuple[str, str]]:
    """(organisation, school name) of the members present, or of all members before the meeting."""
    present = set(
        db.exec(
            select(Attendance.member_id).where(
                Attendance.meeting_id == meeting.id, Attendance.status == "narvarande"
            )
        )
    )
    members = members_of(db, meeting.group_id, include_removed=bool(present))
    if present:
        members = [m for m in members if m.id in present]
    return {(m.organisation, m.organisation_name.strip().casefold()) for m in members}


def covers(consent: Consent, organisation: tuple[str, str], today: date) -> bool:
    """A consent in force that allows sharing with this organisation."""
    code, school = organisation
    if not is_active(consent, today):
        return False
    if code == "skola":
        return bool(school) and consent.school_name.strip().casefold() == school
    return bool(getattr(consent, PARTY_COLUMNS[code], False))


def may_name(consents: list[Consent], organisations: set[tuple[str, str]], today: date) -> bool:
    """By name only if ONE consent in force covers every organisation outside the municipality.

    Consents given separately (say, one for Arbetsförmedlingen, one for social services) were
    given for other purposes and do not add up to a consent to discuss the person with both.
    """
    outside = [o for o in organisations if o[0] != "kommunen"]
    if not outside:
        return True
    return any(all(covers(c, o, today) for o in outside) for c in consents)


@dataclass(frozen=True)
class YouthLine:
    """A young person named on an agenda item (the consent rule allows it)."""

    youth_id: int
    name: str
    age: int
    district: str
    situation: str
    overdue: bool


@dataclass(frozen=True)
class Count:
    label: str
    shown: str  # the count, "<5", or "dolt" (see rules/small_numbers.py)


@dataclass(frozen=True)
class YouthSummary:
    """How many young people an item's list holds, by district, age and situation."""

    total: int
    total_shown: str
    by_district: list[Count]
    by_age: list[Count]
    by_situation: list[Count]
    limit: int | None  # counts under it are hidden (people from outside the municipality)

    @property
    def secondary(self) -> bool:
        """Some count is hidden so that a small one cannot be worked out from the total."""
        tables = (self.by_district, self.by_age, self.by_situation)
        return any(c.shown == small_numbers.HIDDEN for table in tables for c in table)


@dataclass(frozen=True)
class Review:
    """An item's list: everyone summarised, and by name those the consent rule allows."""

    summary: YouthSummary
    named: list[YouthLine]  # at most REVIEW_LIMIT
    named_total: int

    @property
    def more(self) -> bool:
        """More people may be named than the page lists."""
        return self.named_total > len(self.named)

    @property
    def unnamed(self) -> bool:
        return self.summary.total > self.named_total


def _previous_meeting_on(db: Session, meeting: Meeting) -> date | None:
    return db.exec(
        select(sa.func.max(Meeting.on)).where(
            Meeting.group_id == meeting.group_id,
            Meeting.on < meeting.on,
            Meeting.cancelled_at.is_(None),
        )
    ).first()


def _filter_condition(db: Session, meeting: Meeting, youth_filter: str, today: date):
    if youth_filter == "nya":
        since = _previous_meeting_on(db, meeting)
        if since is None:
            return sa.true()
        # registered (or registered again) since the group last met
        return Youth.id.in_(
            select(RegistrationPeriod.youth_id).where(
                RegistrationPeriod.latest, RegistrationPeriod.registered_on > since
            )
        )
    if youth_filter == "ingen_sysselsattning":
        return Youth.occupation.in_(("ingen", "okand"))
    return Youth.next_step_due < today


REVIEW_LIMIT = 200
UNKNOWN_DISTRICT = "Okänt område"


def _consent_in_force(today: date):
    """A SQL condition on Consent: given, not withdrawn, not expired (consents.is_active)."""
    return sa.and_(
        Consent.given_on <= today,
        Consent.withdrawn_on.is_(None),
        sa.or_(Consent.expires_on.is_(None), Consent.expires_on >= today),
    )


def _counted(counts: dict, labels: dict, limit: int | None) -> list[Count]:
    """`counts` in the order of `labels` (never by size: the order must not hint at a hidden
    count), each shown under the small-number rule when `limit` is set."""
    shown = (
        small_numbers.protect(counts, limit) if limit else {k: str(v) for k, v in counts.items()}
    )
    return [Count(label, shown[key]) for key, label in labels.items() if key in counts]


def _summary(rows, today: date, limit: int | None) -> YouthSummary:
    """Counts from (district, protected identity, birth date, occupation, number) rows."""
    districts, ages, situations = Counter(), Counter(), Counter()
    for district, protected, birth_date, occupation, number in rows:
        # a protected person's district could point to where they live
        districts[UNKNOWN_DISTRICT if protected or not district else district] += number
        ages[pnr.age_on(birth_date, today)] += number
        situations[occupation] += number
    total = sum(ages.values())
    district_labels = {d: d for d in sorted(districts, key=str.casefold) if d != UNKNOWN_DISTRICT}
    district_labels[UNKNOWN_DISTRICT] = UNKNOWN_DISTRICT
    situation_labels = OCCUPATIONS | {o: o for o in situations if o not in OCCUPATIONS}
    return YouthSummary(
        total=total,
        total_shown=small_numbers.shown_total(total, limit) if limit else str(total),
        by_district=_counted(districts, district_labels, limit),
        by_age=_counted(ages, {age: f"{age} år" for age in sorted(ages)}, limit),
        by_situation=_counted(situations, situation_labels, limit),
        limit=limit,
    )


def _named_lines(db, actor, condition, organisations, today) -> tuple[list, int]:
    """(the first REVIEW_LIMIT named lines, how many may be named): the people the viewer sees
    in the register whom ONE consent in force covers for every organisation represented."""
    outside = any(code != "kommunen" for code, _ in organisations)
    query = (
        select(Youth, District.name)
        .outerjoin(District, District.id == Youth.district_id)
        .where(condition, youth_visibility(actor, today))
        .order_by(Youth.last_name_key, Youth.first_name_key, Youth.id)
    )
    if outside:  # only those with a consent in force can be named: evaluate just them
        consented = select(Consent.youth_id).where(_consent_in_force(today))
        rows = db.exec(query.where(Youth.id.in_(consented))).all()
        consents: dict[int, list[Consent]] = {}
        for ids in chunks([youth.id for youth, _ in rows]):
            for consent in db.exec(select(Consent).where(Consent.youth_id.in_(ids))):
                consents.setdefault(consent.youth_id, []).append(consent)
        rows = [r for r in rows if may_name(consents.get(r[0].id, []), organisations, today)]
        total = len(rows)
    else:  # everyone there belongs to the municipality: the viewer's register access decides
        total = db.exec(
            select(sa.func.count())
            .select_from(Youth)
            .where(condition, youth_visibility(actor, today))
        ).one()
        rows = db.exec(query.limit(REVIEW_LIMIT)).all()
    lines = [
        YouthLine(
            youth.id,
            youth.full_name,
            pnr.age_on(youth.birth_date, today),
            "Skyddad uppgift" if youth.protected_identity else district or UNKNOWN_DISTRICT,
            OCCUPATIONS.get(youth.occupation, youth.occupation),
            youth.next_step_due is not None and youth.next_step_due < today,
        )
        for youth, district in rows[:REVIEW_LIMIT]
    ]
    return lines, total


def review_for_item(
    db: Session,
    actor: Actor,
    meeting: Meeting,
    item: AgendaItem,
    today: date | None = None,
    small_limit: int = 5,
) -> Review | None:
    """The young people currently covered that the item's filter selects.

    Everyone is counted by district, age and situation; where an organisation outside the
    municipality is represented, counts under `small_limit` are hidden. A name is shown only
    if the consent rule allows it AND the viewer may see the person in the register.
    Evaluated on every view: a consent withdrawn after planning makes the name disappear.
    """
    if item.youth_filter not in YOUTH_FILTERS or not item.youth_filter:
        return None
    today = today or local_today()
    condition = sa.and_(
        Youth.status == "aktiv", _filter_condition(db, meeting, item.youth_filter, today)
    )
    organisations = represented_organisations(db, meeting)
    outside = any(code != "kommunen" for code, _ in organisations)
    rows = db.exec(
        select(
            District.name,
            Youth.protected_identity,
            Youth.birth_date,
            Youth.occupation,
            sa.func.count(),
        )
        .select_from(Youth)
        .outerjoin(District, District.id == Youth.district_id)
        .where(condition)
        .group_by(District.name, Youth.protected_identity, Youth.birth_date, Youth.occupation)
    ).all()
    summary = _summary(rows, today, small_limit if outside else None)
    named, named_total = _named_lines(db, actor, condition, organisations, today)
    return Review(summary, named, named_total)


@dataclass
class ItemView:
    item: AgendaItem
    review: Review | None = None  # the item's list of young people, if it has one
    decisions: list[Decision] = field(default_factory=list)
    action: ActionRow | None = None  # a carried-over action point, with whether it is done

    @property
    def listed(self) -> list[YouthLine]:
        return self.review.named if self.review else []


def view_agenda(
    db: Session,
    *,
    actor: Actor,
    meeting_id: int,
    today: date | None = None,
    small_limit: int = 5,
) -> tuple[Meeting, MeetingGroup, list[ItemView]]:
    """The agenda with its lists and decisions; every named person shown is audit-logged."""
    meeting, group = get_meeting(db, actor=actor, meeting_id=meeting_id)
    decisions: dict[int, list[Decision]] = {}
    for decision in db.exec(
        select(Decision).where(Decision.meeting_id == meeting.id).order_by(Decision.number)
    ):
        decisions.setdefault(decision.agenda_item_id, []).append(decision)
    items = agenda_of(db, meeting.id)
    carried = [i.action_point_id for i in items if i.action_point_id]
    rows = _action_rows(db, ActionPoint.id.in_(carried), today, actor.staff_id) if carried else []
    actions = {row.point.id: row for row in rows}
    views = [
        ItemView(
            item,
            review_for_item(db, actor, meeting, item, today, small_limit),
            decisions.get(item.id, []),
            actions.get(item.action_point_id),
        )
        for item in items
    ]
    named = {line.youth_id for v in views for line in v.listed}
    named |= {d.youth_id for ds in decisions.values() for d in ds if d.youth_id}
    audit.record_many(
        db, actor, "view", object_type="meeting", items=[(meeting.id, yid) for yid in sorted(named)]
    )
    audit.record(db, actor, "view", object_type="meeting", object_id=meeting.id)
    return meeting, group, views


# --- during and after the meeting -------------------------------------------------------------


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
    meeting, group = _runnable_meeting(db, actor, meeting_id)
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


def _item(db: Session, meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound
    return item


def notes_version(notes: str) -> str:
    return _fingerprint(notes)


def clean_notes(text: str) -> str:
    """Line ends as one (a form sends CRLF, a script LF), without surrounding space."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _save_notes(db: Session, item: AgendaItem, notes: str, version: str | None) -> bool:
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
    meeting, _ = _runnable_meeting(db, actor, meeting_id)
    item = _item(db, meeting, item_id)
    if _save_notes(db, item, notes, version):
        audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    return item


def may_name_person(
    db: Session, actor: Actor, meeting: Meeting, youth_id: int, today: date | None = None
) -> bool:
    """The actor sees the person and a consent covers every organisation at the meeting."""
    today = today or local_today()
    visible = db.exec(
        select(Youth.id).where(Youth.id == youth_id, youth_visibility(actor, today))
    ).first()
    if visible is None:
        return False
    consents = list(db.exec(select(Consent).where(Consent.youth_id == youth_id)))
    return may_name(consents, represented_organisations(db, meeting), today)


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


def named_people(views: list[ItemView]) -> list[tuple[int, str]]:
    """(id, name) of everyone named on the agenda: the people a decision may be about."""
    named = {line.youth_id: line.name for v in views for line in v.listed}
    return sorted(named.items(), key=lambda pair: (pair[1], pair[0]))


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
    meeting, group = _runnable_meeting(db, actor, meeting_id)
    item = _item(db, meeting, item_id)
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
    meeting, group = _runnable_meeting(db, actor, meeting_id)
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
        item = _carried_item(point, member.name)
        item.meeting_id, item.position = meeting.id, len(agenda_of(db, meeting.id)) + 1
        db.add(item)


def _carried_item(point: ActionPoint, who: str) -> AgendaItem:
    """An open action point as an agenda item (it comes back until it is done)."""
    return AgendaItem(
        kind="atgardspunkt",
        title=f"Åtgärdspunkt: {point.what}"[:300],
        owner=who[:200],
        minutes=5,
        action_point_id=point.id,
    )


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


def reassign_action_point(
    db: Session, *, actor: Actor, action_point_id: int, member_id: int | None
) -> ActionPoint:
    """Give an open action point to another member: the task moves to their worklist."""
    point = db.get(ActionPoint, action_point_id)
    if point is None:
        raise audit.record_denied(db, actor, object_type="action_point", object_id=action_point_id)
    try:
        group = get_group(db, actor=actor, group_id=point.group_id, may="run")
    except NotFound:
        raise audit.record_denied(
            db, actor, object_type="action_point", object_id=action_point_id
        ) from None
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
    if not (mine or can_run(db, actor, group)):
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


@dataclass(frozen=True)
class ActionRow:
    point: ActionPoint
    who: str
    overdue: bool
    mine: bool = False


def _action_rows(db: Session, condition, today: date | None, staff_id: int | None):
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
    return _action_rows(db, condition, today, staff_id)


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
            Meeting.group_id.in_(_my_groups(actor)),
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
    rows = _action_rows(
        db,
        sa.and_(ActionPoint.member_id.in_(mine), ActionPoint.done_at.is_(None)),
        today,
        actor.staff_id,
    )
    groups = {g.id: g for g in db.exec(select(MeetingGroup).where(readable_groups(actor)))}
    return [MyActionPoint(r, groups[r.point.group_id]) for r in rows if r.point.group_id in groups]


def adjust_minutes(db: Session, *, actor: Actor, meeting_id: int, adjuster: str) -> Meeting:
    """Mark the minutes adjusted (justerade): from now on they are locked, as a snapshot."""
    meeting, group = _runnable_meeting(db, actor, meeting_id, unlocked=False)
    if meeting.adjusted_at is not None and meeting.adjusted_by == adjuster.strip()[:200]:
        return meeting  # a second click
    if meeting.adjusted_at is not None:
        raise Invalid(LOCKED)
    if meeting.cancelled_at is not None:
        raise Invalid(CANCELLED)
    if meeting.on > local_today():
        raise Invalid("Mötet har inte hållits ännu. Protokollet justeras efter mötet.")
    if not adjuster.strip():
        message = "Ange justerarens namn."
        raise Invalid(message, field_errors={"adjuster": message})
    meeting.adjusted_by, meeting.adjusted_at = adjuster.strip()[:200], utcnow()
    context = _minutes_context(db, actor, meeting, group)
    meeting.minutes_snapshot = json.dumps(context, default=_date_to_json, ensure_ascii=False)
    db.add(meeting)
    audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    return meeting


def add_addendum(db: Session, *, actor: Actor, meeting_id: int, text: str) -> MinutesAddendum:
    """A later correction to adjusted minutes, kept beside them."""
    meeting, _ = _runnable_meeting(db, actor, meeting_id, unlocked=False)
    if meeting.adjusted_at is None:
        raise Invalid("Protokollet är inte justerat ännu: ändra direkt i mötet.")
    if not text.strip():
        raise Invalid("Skriv tillägget.", field_errors={"text": "Skriv tillägget."})
    addendum = MinutesAddendum(meeting_id=meeting.id, text=text.strip(), created_by=actor.staff_id)
    db.add(addendum)
    db.flush()
    audit.record(db, actor, "update", object_type="meeting", object_id=meeting.id)
    return addendum


def addenda_of(db: Session, meeting_id: int) -> list[MinutesAddendum]:
    return list(
        db.exec(
            select(MinutesAddendum)
            .where(MinutesAddendum.meeting_id == meeting_id)
            .order_by(MinutesAddendum.created_at)
        )
    )


# --- the recording page: everything typed on it, saved together -----------------------------


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
    meeting, _ = _runnable_meeting(db, actor, meeting_id)
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
        bool(refusals.attempt(_save_notes, db, items[item_id], text, version, conflict=item_id))
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


# --- documents --------------------------------------------------------------------------------


def _meeting_context(db: Session, actor: Actor, meeting: Meeting, group: MeetingGroup) -> dict:
    convener = db.get(StaffUser, meeting.convener_id) if meeting.convener_id else None
    members = members_for_meeting(db, meeting)
    return {
        "mottagare": letter_context.recipient(f"Deltagarna i {group.name}"),
        "handlaggare": letter_context.sender(db, actor),
        "motet": {
            "grupp": group.name,
            "datum": meeting.on,
            "tid": meeting.starts_at.strftime("%H.%M"),
            "plats": meeting.place,
            "sammankallande": convener.display_name if convener else "",
            "deltagare": [{"namn": m.name, "organisation": organisation_label(m)} for m in members],
            "dagordning": [
                {"nr": i.position, "rubrik": i.title, "ansvarig": i.owner, "minuter": i.minutes}
                for i in agenda_of(db, meeting.id)
            ],
        },
    }


def _document_name(kind: str, group: MeetingGroup, meeting: Meeting) -> str:
    """E.g. kallelse_Samverkansgruppen-KAA_2026-12-03.docx: the group and the meeting's date."""
    group_name = re.sub(r"[^\w]+", "-", group.name).strip("-")[:80] or "grupp"
    return f"{kind}_{group_name}_{meeting.on.isoformat()}.docx"


def generate_notice(db: Session, *, actor: Actor, meeting_id: int):
    """The notice with the agenda (kallelse) as a Word document; the caller commits."""
    meeting, group = _runnable_meeting(db, actor, meeting_id, unlocked=False)
    if meeting.cancelled_at is not None:
        raise Invalid(CANCELLED)
    context = _meeting_context(db, actor, meeting, group)
    return documents.generate_meeting_document(
        db,
        actor=actor,
        doc_type="kallelse",
        context=context,
        meeting_id=meeting.id,
        file_name=_document_name("kallelse", group, meeting),
    )


def _minutes_items(db: Session, meeting: Meeting) -> list[dict]:
    decisions: dict[int, list[Decision]] = {}
    for decision in db.exec(
        select(Decision).where(Decision.meeting_id == meeting.id).order_by(Decision.number)
    ):
        decisions.setdefault(decision.agenda_item_id, []).append(decision)
    items = agenda_of(db, meeting.id)
    ids = [i.action_point_id for i in items if i.action_point_id]
    carried = {p.id: p for p in db.exec(select(ActionPoint).where(ActionPoint.id.in_(ids)))}

    def title(item: AgendaItem) -> str:
        point = carried.get(item.action_point_id)
        if point is None:
            return item.title
        return f"{item.title} ({'klar' if point.done_at else 'ej klar'})"

    return [
        {
            "nr": item.position,
            "rubrik": title(item),
            "anteckningar": item.notes,
            "beslut": [{"nr": d.number, "text": d.text} for d in decisions.get(item.id, [])],
        }
        for item in items
    ]


def _date_to_json(value):
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    raise TypeError(type(value).__name__)


def _date_from_json(obj: dict):
    """The snapshot's dates come back as dates, so a template may use `.year` and the like."""
    return date.fromisoformat(obj["__date__"]) if obj.keys() == {"__date__"} else obj


def _minutes_context(db: Session, actor: Actor, meeting: Meeting, group: MeetingGroup) -> dict:
    """Everything the minutes say, except the addenda (added after adjustment)."""
    context = _meeting_context(db, actor, meeting, group)
    attendance = attendance_of(db, meeting.id)
    context["datum"] = local_today()
    context["motet"] |= {
        "narvaro": [
            {"namn": m.name, "organisation": organisation_label(m), "status": ATTENDANCE[s]}
            for m in members_for_meeting(db, meeting)
            if (s := attendance.get(m.id))
        ],
        "punkter": _minutes_items(db, meeting),
        "atgarder": [
            {
                "vad": row.point.what,
                "vem": row.who,
                "senast": row.point.due,
                "klar": "Klar" if row.point.done_at else "",
            }
            for row in action_points(db, group.id, meeting_id=meeting.id)
        ],
        "justerare": meeting.adjusted_by,
        "justerat": meeting.adjusted_at.astimezone(LOCAL_TZ).date() if meeting.adjusted_at else "",
    }
    return context


def generate_minutes(db: Session, *, actor: Actor, meeting_id: int):
    """The minutes (protokoll) at a button press; the caller commits.

    Once adjusted, the minutes are the snapshot taken then (later renamed members or handed-
    over action points do not change them), followed by the addenda.
    """
    meeting, group = _runnable_meeting(db, actor, meeting_id, unlocked=False)
    if meeting.cancelled_at is not None:
        raise Invalid(CANCELLED)
    if meeting.minutes_snapshot:
        context = json.loads(meeting.minutes_snapshot, object_hook=_date_from_json)
    else:
        context = _minutes_context(db, actor, meeting, group)
    context["motet"]["tillagg"] = [
        {"datum": a.created_at.astimezone(LOCAL_TZ).date(), "text": a.text}
        for a in addenda_of(db, meeting.id)
    ]
    return documents.generate_meeting_document(
        db,
        actor=actor,
        doc_type="protokoll",
        context=context,
        meeting_id=meeting.id,
        file_name=_document_name("protokoll", group, meeting),
    )


def meeting_documents(db: Session, meeting_id: int) -> list[GeneratedDocument]:
    """The notices and minutes generated for a meeting, newest first (content not loaded)."""
    return list(
        db.exec(
            select(GeneratedDocument)
            .options(sa.orm.defer(GeneratedDocument.content))
            .where(GeneratedDocument.meeting_id == meeting_id)
            .order_by(GeneratedDocument.created_at.desc(), GeneratedDocument.id.desc())
        )
    )


def open_meeting_document(
    db: Session, *, actor: Actor, meeting_id: int, document_id: int
) -> GeneratedDocument:
    """A notice or minutes for download by anyone who sees the meeting; the read is logged."""
    meeting, _ = get_meeting(db, actor=actor, meeting_id=meeting_id)
    document = db.get(GeneratedDocument, document_id)
    if document is None or document.meeting_id != meeting.id:
        raise audit.record_denied(
            db, actor, object_type="generated_document", object_id=document_id
        )
    audit.record(db, actor, "view", object_type="generated_document", object_id=document.id)
    return document
