"""Collaboration groups: their settings and members."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.meetings import (
    FREQUENCIES,
    GROUP_KINDS,
    ORGANISATIONS,
    ActionPoint,
    Attendance,
    GroupMember,
    Meeting,
    MeetingGroup,
    StandingItem,
)
from kaa_web.permissions import Actor, has_permission
from kaa_web.services.errors import Invalid
from kaa_web.services.meetings.access import can_manage, get_group, visible_groups


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


def convener_errors(db: Session, convener_id: int | None) -> dict[str, str]:
    staff = db.get(StaffUser, convener_id) if convener_id is not None else None
    if staff is None:
        return {"convener_id": "Välj vem som kallar till mötena."}
    if not may_convene(staff):
        message = "Den sammankallande måste vara KAA-handläggare eller chef."
        return {"convener_id": message}
    return {}


def _group_errors(name: str, kind: str, frequency: str) -> dict[str, str]:
    errors = {}
    if not name.strip():
        errors["name"] = "Ange gruppens namn."
    if kind not in GROUP_KINDS:
        errors["kind"] = "Välj typ av grupp."
    if frequency not in FREQUENCIES:
        errors["frequency"] = "Välj hur ofta gruppen brukar träffas."
    return errors


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
    errors = _group_errors(name, kind, frequency) | convener_errors(db, convener_id)
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


def _check_member(data: MemberData) -> None:
    """Invalid, with Swedish errors per field, unless the member is named and placed."""
    errors = {}
    if not data.name.strip():
        errors["name"] = "Ange deltagarens namn."
    if data.organisation not in ORGANISATIONS:
        errors["organisation"] = "Välj vilken organisation deltagaren företräder."
    if data.organisation == "skola" and not data.organisation_name.strip():
        errors["organisation_name"] = "Ange vilken skola."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)


def staff_choices(db: Session, *, convening: bool = False) -> list[tuple[int, str]]:
    """(id, name) of the directory users who may take part in meetings (or convene them)."""
    allowed = may_convene if convening else may_take_part
    staff = db.exec(select(StaffUser).order_by(StaffUser.display_name)).all()
    return [(s.id, s.display_name) for s in staff if allowed(s)]


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
    _check_member(data)
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
    errors = _group_errors(name, kind, frequency) | convener_errors(db, convener_id)
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
    _check_member(data)
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


def list_groups(db: Session, *, actor: Actor) -> list[MeetingGroup]:
    return list(
        db.exec(select(MeetingGroup).where(visible_groups(actor)).order_by(MeetingGroup.name))
    )
