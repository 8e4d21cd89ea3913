"""One query per meeting page: access checked, the read logged, a frozen dataclass back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.meetings import (
    ActionPoint,
    AgendaItem,
    Decision,
    Meeting,
    MeetingGroup,
)
from kaa_web.permissions import Actor
from kaa_web.services.meetings.access import get_meeting
from kaa_web.services.meetings.action_points import ActionRow, action_rows
from kaa_web.services.meetings.agenda import agenda_of
from kaa_web.services.meetings.review import Review, YouthLine, review_for_item


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
    rows = action_rows(db, ActionPoint.id.in_(carried), today, actor.staff_id) if carried else []
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


def named_people(views: list[ItemView]) -> list[tuple[int, str]]:
    """(id, name) of everyone named on the agenda: the people a decision may be about."""
    named = {line.youth_id: line.name for v in views for line in v.listed}
    return sorted(named.items(), key=lambda pair: (pair[1], pair[0]))
