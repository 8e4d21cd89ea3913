"""Sharing the review with a collaboration group: only coming meetings' items, a share goes with
its agenda item, and only the plan's own shares can be undone."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.action_plan import ActionPlanReviewShare
from kaa_web.models.base import local_today
from kaa_web.services import action_plan, meetings
from kaa_web.services.errors import Invalid, NotFound
from tests import factories


@pytest.fixture
def chef(staff):
    return factories.actor("chef", staff)


def test_only_items_of_coming_open_meetings_can_be_shared_under(db_session, staff, chef):
    group = factories.group(db_session, staff)
    coming = factories.planned_meeting(db_session, group)
    past = factories.planned_meeting(db_session, group, on=local_today() - timedelta(days=7))
    cancelled = factories.planned_meeting(db_session, group, in_days=10)
    meetings.cancel_meeting(db_session, actor=chef, meeting_id=cancelled.id)
    db_session.commit()
    shareable = dict(action_plan.shareable_items(db_session, actor=chef))
    (item,) = meetings.agenda.agenda_of(db_session, coming.id)
    assert list(shareable) == [item.id]
    assert shareable[item.id].startswith(f"Samverkansgruppen KAA, {coming.on.isoformat()}: § 1")
    action_plan.start_draft(db_session, actor=chef, year=2026)
    (old,) = meetings.agenda.agenda_of(db_session, past.id)
    with pytest.raises(Invalid):
        action_plan.share_review(db_session, actor=chef, year=2026, agenda_item_id=old.id)
    with pytest.raises(PermissionError):
        action_plan.shareable_items(db_session, actor=factories.actor("kaa", staff))


def test_a_share_goes_with_its_agenda_item_and_is_undone_only_for_its_own_plan(
    db_session, staff, chef
):
    group = factories.group(db_session, staff)
    meeting = factories.planned_meeting(db_session, group)
    (item,) = meetings.agenda.agenda_of(db_session, meeting.id)
    for year in (2025, 2026):
        action_plan.start_draft(db_session, actor=chef, year=year)
    share = action_plan.share_review(db_session, actor=chef, year=2026, agenda_item_id=item.id)
    db_session.commit()
    with pytest.raises(NotFound):
        action_plan.unshare_review(db_session, actor=chef, year=2025, share_id=share.id)
    meetings.remove_agenda_item(db_session, actor=chef, meeting_id=meeting.id, item_id=item.id)
    db_session.commit()
    assert db_session.exec(select(ActionPlanReviewShare)).all() == []
