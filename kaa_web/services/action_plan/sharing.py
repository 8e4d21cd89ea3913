"""The review shared with a collaboration group: a manager links it to an agenda item of one of
the group's coming meetings, and the group's members open it read-only from there (with its
small numbers hidden) even without the right to read the plan; nobody else does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.action_plan import ActionPlanReviewShare, ActionPlanVersion
from kaa_web.models.base import local_today
from kaa_web.models.meetings import AgendaItem, GroupMember, Meeting, MeetingGroup
from kaa_web.permissions import Actor
from kaa_web.services.action_plan.base import get_plan
from kaa_web.services.action_plan.review import ReviewPage, build_review
from kaa_web.services.errors import Invalid

ALREADY = "Uppföljningen är redan delad under den punkten."
NOT_OPEN = "Välj en punkt på dagordningen för ett kommande möte."


@dataclass(frozen=True)
class Share:
    id: int
    group: str
    meeting_on: date
    item: str


def _items(db: Session, today: date):
    """(item, meeting, group) of every agenda item of a coming meeting still open for changes."""
    return db.exec(
        select(AgendaItem, Meeting, MeetingGroup)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(MeetingGroup, MeetingGroup.id == Meeting.group_id)
        .where(
            Meeting.on >= today,
            Meeting.cancelled_at.is_(None),
            Meeting.adjusted_at.is_(None),
        )
        .order_by(Meeting.on, MeetingGroup.name, AgendaItem.position, AgendaItem.id)
    ).all()


def shareable_items(db: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """(agenda item id, what it is) of the coming meetings' items a manager may share under."""
    actor.need("action_plan.write")
    return [
        (item.id, f"{group.name}, {meeting.on.isoformat()}: § {item.position} {item.title}")
        for item, meeting, group in _items(db, local_today())
    ]


def share_review(
    db: Session, *, actor: Actor, year: int, agenda_item_id: int
) -> ActionPlanReviewShare:
    """Share the review of `year` with the group whose coming meeting has the item. The caller
    commits."""
    plan = get_plan(db, actor=actor, year=year, may="write")
    if agenda_item_id not in dict(shareable_items(db, actor=actor)):
        raise Invalid(field_errors={"agenda_item": NOT_OPEN})
    share = ActionPlanReviewShare(
        plan_id=plan.id, agenda_item_id=agenda_item_id, shared_by_id=actor.staff_id
    )
    try:
        with db.begin_nested():
            db.add(share)
            db.flush()
    except IntegrityError:
        raise Invalid(field_errors={"agenda_item": ALREADY}) from None
    audit.record(db, actor, "create", object_type="action_plan_review_share", object_id=share.id)
    return share


def review_shares(db: Session, *, actor: Actor, year: int) -> list[Share]:
    """Where the review of `year` is shared, by meeting."""
    plan = get_plan(db, actor=actor, year=year)
    rows = db.exec(
        select(ActionPlanReviewShare, AgendaItem, Meeting, MeetingGroup)
        .join(AgendaItem, AgendaItem.id == ActionPlanReviewShare.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(MeetingGroup, MeetingGroup.id == Meeting.group_id)
        .where(ActionPlanReviewShare.plan_id == plan.id)
        .order_by(Meeting.on, ActionPlanReviewShare.id)
    ).all()
    return [Share(s.id, g.name, m.on, f"§ {i.position} {i.title}") for s, i, m, g in rows]


def unshare_review(db: Session, *, actor: Actor, year: int, share_id: int) -> None:
    """Stop sharing: the link opens nothing any more. The caller commits."""
    plan = get_plan(db, actor=actor, year=year, may="write")
    share = db.get(ActionPlanReviewShare, share_id)
    if share is None or share.plan_id != plan.id:
        raise audit.record_denied(
            db, actor, object_type="action_plan_review_share", object_id=share_id
        )
    audit.record(db, actor, "delete", object_type="action_plan_review_share", object_id=share.id)
    db.delete(share)


def _member_of(db: Session, actor: Actor, group_id: int) -> bool:
    return (
        actor.staff_id is not None
        and db.exec(
            select(GroupMember.id).where(
                GroupMember.group_id == group_id,
                GroupMember.staff_id == actor.staff_id,
                GroupMember.removed_at.is_(None),
            )
        ).first()
        is not None
    )


def shared_review(db: Session, *, actor: Actor, share_id: int, limit: int) -> ReviewPage:
    """The shared review, read-only and with small numbers hidden under `limit`, for a present
    member of the group the share's meeting belongs to (or a reader of the plan); anyone else
    gets a logged NotFound. The read is logged. The caller commits."""
    actor.need("action_plan.shared")
    found = db.exec(
        select(ActionPlanReviewShare, Meeting.group_id)
        .join(AgendaItem, AgendaItem.id == ActionPlanReviewShare.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(ActionPlanReviewShare.id == share_id)
    ).first()
    allowed = found is not None and (
        actor.can("action_plan.read") or _member_of(db, actor, found[1])
    )
    if not allowed:
        raise audit.record_denied(
            db, actor, object_type="action_plan_review_share", object_id=share_id
        )
    audit.record(db, actor, "view", object_type="action_plan_review_share", object_id=share_id)
    return build_review(db, db.get(ActionPlanVersion, found[0].plan_id), limit)
