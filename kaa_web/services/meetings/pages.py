"""One query per meeting page: access checked, the read logged, a frozen dataclass back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.action_plan import ActionPlanReviewShare, ActionPlanVersion
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.meetings import (
    ActionPoint,
    AgendaItem,
    Decision,
    GroupMember,
    Meeting,
    MeetingGroup,
    MinutesAddendum,
    StandingItem,
)
from kaa_web.permissions import Actor
from kaa_web.services.meetings.access import can_manage, can_read, can_run, get_group, get_meeting
from kaa_web.services.meetings.action_points import ActionRow, action_points, action_rows
from kaa_web.services.meetings.agenda import agenda_of, standing_items_of
from kaa_web.services.meetings.groups import (
    list_groups,
    members_for_meeting,
    members_of,
    possible_conveners,
)
from kaa_web.services.meetings.minutes import addenda_of, meeting_documents
from kaa_web.services.meetings.planning import meetings_of
from kaa_web.services.meetings.recording import attendance_of, decisions_by_item
from kaa_web.services.meetings.review import Review, YouthLine, review_for_item


@dataclass
class ItemView:
    item: AgendaItem
    review: Review | None = None  # the item's list of young people, if it has one
    decisions: list[Decision] = field(default_factory=list)
    action: ActionRow | None = None  # a carried-over action point, with whether it is done
    shared_reviews: list[tuple[int, int]] = field(default_factory=list)  # (share id, plan year)

    @property
    def listed(self) -> list[YouthLine]:
        return self.review.named if self.review else []


@dataclass(frozen=True)
class GroupsPage:
    groups: list[MeetingGroup]
    can_create: bool


def groups_page(db: Session, *, actor: Actor) -> GroupsPage:
    """The groups the actor sees, and whether they may start one."""
    return GroupsPage(list_groups(db, actor=actor), can_manage(actor))


@dataclass(frozen=True)
class GroupPage:
    """A group as its page shows it: meetings and action points only for those who read them."""

    group: MeetingGroup
    members: list[GroupMember]
    standing: list[StandingItem]
    can_read: bool
    upcoming: list[Meeting]
    past: list[Meeting]
    actions: list[ActionRow]
    can_run: bool
    can_edit: bool
    can_manage: bool

    @property
    def reassign_to(self) -> list[tuple[int, str]]:
        return [(m.id, m.name) for m in self.members]


def group_page(db: Session, *, actor: Actor, group_id: int, today: date | None = None) -> GroupPage:
    """The group page of anyone who sees the group (a logged NotFound for anyone else)."""
    group = get_group(db, actor=actor, group_id=group_id, may="see")
    today = today or local_today()
    readable = can_read(db, actor, group)
    upcoming, past = meetings_of(db, group.id, today) if readable else ([], [])
    actions = action_points(db, group.id, today=today, staff_id=actor.staff_id) if readable else []
    runs = can_run(actor, group)
    return GroupPage(
        group=group,
        members=members_of(db, group.id),
        standing=standing_items_of(db, group.id),
        can_read=readable,
        upcoming=upcoming,
        past=past,
        actions=actions,
        can_run=runs,
        can_edit=runs or can_manage(actor),
        can_manage=can_manage(actor),
    )


@dataclass(frozen=True)
class EditGroupPage:
    """What the group's edit page changes: settings and members (managers), standing items."""

    group: MeetingGroup
    can_manage: bool
    members: list[GroupMember]  # only for those who manage groups
    standing: list[StandingItem]


def edit_group_page(db: Session, *, actor: Actor, group_id: int) -> EditGroupPage:
    """For the convener and those who manage groups (a logged NotFound for anyone else)."""
    group = get_group(db, actor=actor, group_id=group_id, may="edit")
    manages = can_manage(actor)
    return EditGroupPage(
        group=group,
        can_manage=manages,
        members=members_of(db, group.id) if manages else [],
        standing=standing_items_of(db, group.id),
    )


@dataclass(frozen=True)
class PlanPage:
    """Planning a meeting of a group: its standing items, conveners and open action points."""

    group: MeetingGroup
    standing: list[StandingItem]
    conveners: list[StaffUser]
    open_points: list[ActionRow]


def plan_page(db: Session, *, actor: Actor, group_id: int) -> PlanPage:
    """For those who run the group's meetings (a logged NotFound for anyone else)."""
    group = get_group(db, actor=actor, group_id=group_id, may="run")
    return PlanPage(
        group=group,
        standing=standing_items_of(db, group.id),
        conveners=possible_conveners(db, group.id),
        open_points=action_points(db, group.id),
    )


@dataclass(frozen=True)
class EditMeetingPage:
    """A planned meeting's details and agenda, for those who run it."""

    meeting: Meeting
    group: MeetingGroup
    member_names: list[str]
    agenda: list[AgendaItem]
    conveners: list[StaffUser]


def edit_meeting_page(db: Session, *, actor: Actor, meeting_id: int) -> EditMeetingPage:
    """For those who run the meeting (a logged NotFound for anyone else)."""
    meeting, group = get_meeting(db, actor=actor, meeting_id=meeting_id, may="run")
    return EditMeetingPage(
        meeting=meeting,
        group=group,
        member_names=[m.name for m in members_of(db, group.id)],
        agenda=agenda_of(db, meeting.id),
        conveners=possible_conveners(db, meeting.group_id),
    )


@dataclass(frozen=True)
class RecordingState:
    """What the recording form is drawn from: the agenda and the attendance saved."""

    meeting: Meeting
    group: MeetingGroup
    items: list[AgendaItem]
    attendance: dict[int, str]


def recording_state(db: Session, *, actor: Actor, meeting_id: int) -> RecordingState:
    """For a save from the recording page, by those who run the meeting (no young person's
    data: the agenda's lists are not read)."""
    meeting, group = get_meeting(db, actor=actor, meeting_id=meeting_id, may="run")
    return RecordingState(meeting, group, agenda_of(db, meeting.id), attendance_of(db, meeting.id))


@dataclass(frozen=True)
class MeetingPage:
    """The agenda as members see it, or (recording) as the one who runs the meeting does."""

    meeting: Meeting
    group: MeetingGroup
    agenda: list[ItemView]
    members: list[GroupMember]  # those listed at the meeting, also some who left
    attendance: dict[int, str]
    actions: list[ActionRow]  # decided at this meeting
    addenda: list[MinutesAddendum]
    documents: list[GeneratedDocument]
    can_run: bool
    recording: bool

    @property
    def named(self) -> list[tuple[int, str]]:
        """(id, name) of everyone named on the agenda: the people a decision may be about."""
        named = {line.youth_id: line.name for v in self.agenda for line in v.listed}
        return sorted(named.items(), key=lambda pair: (pair[1], pair[0]))

    @property
    def active_members(self) -> list[tuple[int, str]]:
        return [(m.id, m.name) for m in self.members if m.removed_at is None]


def meeting_page(
    db: Session,
    *,
    actor: Actor,
    meeting_id: int,
    recording: bool = False,
    today: date | None = None,
    small_limit: int = 5,
) -> MeetingPage:
    """The meeting with its agenda's lists and decisions for those who see it (recording: who
    run it); every named person shown is audit-logged, and so is the meeting's read."""
    may = "run" if recording else "see"
    meeting, group = get_meeting(db, actor=actor, meeting_id=meeting_id, may=may)
    decisions = decisions_by_item(db, meeting.id)
    items = agenda_of(db, meeting.id)
    carried = [i.action_point_id for i in items if i.action_point_id]
    rows = action_rows(db, ActionPoint.id.in_(carried), today, actor.staff_id) if carried else []
    actions = {row.point.id: row for row in rows}
    shared = _shared_reviews(db, [item.id for item in items])
    views = [
        ItemView(
            item,
            review_for_item(db, actor, meeting, item, today, small_limit),
            decisions.get(item.id, []),
            actions.get(item.action_point_id),
            shared.get(item.id, []),
        )
        for item in items
    ]
    named = {line.youth_id for v in views for line in v.listed}
    named |= {d.youth_id for ds in decisions.values() for d in ds if d.youth_id}
    audit.record_many(
        db, actor, "view", object_type="meeting", items=[(meeting.id, yid) for yid in sorted(named)]
    )
    audit.record(db, actor, "view", object_type="meeting", object_id=meeting.id)
    return MeetingPage(
        meeting=meeting,
        group=group,
        agenda=views,
        members=members_for_meeting(db, meeting),
        attendance=attendance_of(db, meeting.id),
        actions=action_points(db, group.id, meeting_id=meeting.id, staff_id=actor.staff_id),
        addenda=addenda_of(db, meeting.id),
        documents=meeting_documents(db, meeting.id),
        can_run=can_run(actor, group, meeting),
        recording=recording,
    )


def _shared_reviews(db: Session, item_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """{agenda item id: [(share id, plan year)]}: the action plan reviews shared under the
    items, which the group's members open from the agenda."""
    rows = db.exec(
        select(
            ActionPlanReviewShare.agenda_item_id, ActionPlanReviewShare.id, ActionPlanVersion.year
        )
        .join(ActionPlanVersion, ActionPlanVersion.id == ActionPlanReviewShare.plan_id)
        .where(ActionPlanReviewShare.agenda_item_id.in_(item_ids or [0]))
        .order_by(ActionPlanReviewShare.id)
    ).all()
    found: dict[int, list[tuple[int, int]]] = {}
    for item_id, share_id, year in rows:
        found.setdefault(item_id, []).append((share_id, year))
    return found
