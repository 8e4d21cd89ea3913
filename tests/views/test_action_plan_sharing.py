"""The review shared with a collaboration group: a manager shares it under an agenda item of a
coming meeting; the group's members open it read-only from the agenda, small numbers hidden,
even without the right to read the plan; anyone else gets a 404 that is logged."""

from datetime import date

import pytest
from sqlmodel import select

from kaa_web.models.action_plan import ActionPlanReviewShare
from kaa_web.models.audit import AuditEvent
from kaa_web.models.meetings import GroupMember
from kaa_web.services import meetings
from tests import factories
from tests.views.test_action_plan import _draft


@pytest.fixture
def chef_pages(client_request):
    return client_request.as_("chef")


@pytest.fixture
def shared(chef_pages, db_session, staff):
    """2026's review shared under the first item of the group's coming meeting (ifo and an
    external from Arbetsförmedlingen are members; kaa convenes); two reached young people."""
    for i in range(2):
        person = factories.history(
            db_session, [dict(registered_on=date(2026, 1, 5))], birth_date=date(2009, 3, 1 + i)
        )
        factories.outreach_contact(db_session, person, "telefon", date(2026, 2, 2), "nadd")
    group = factories.group(db_session, staff)
    meeting = factories.planned_meeting(db_session, group)
    (item,) = meetings.agenda.agenda_of(db_session, meeting.id)
    _draft(chef_pages)
    review = chef_pages.get("action_plan.review", year=2026)
    review.form(button="Spara uppföljningen").submit({"conclusions": "Samverkan fungerar."})
    page = chef_pages.get("action_plan.review", year=2026)
    done = chef_pages.follow(
        page.form(button="Dela uppföljningen").submit({"agenda_item": str(item.id)})
    )
    assert "Uppföljningen är delad med gruppen." in done.text
    share = db_session.exec(select(ActionPlanReviewShare)).one()
    return {"share": share, "meeting": meeting, "group": group, "item": item}


def test_a_member_without_the_plan_opens_the_shared_review_from_the_agenda(
    client_request, shared, db_session
):
    ifo = client_request.as_("ifo")
    ifo.get("action_plan.review", year=2026, status=403)  # IFO does not read the plan
    agenda = ifo.get("meetings.meeting", meeting_id=shared["meeting"].id)
    link = agenda.document.xpath(
        "//a[normalize-space(.)='Uppföljning av handlingsplanen 2026']/@href"
    )
    assert link == [f"/handlingsplan/delad/{shared['share'].id}"]
    page = ifo.check(ifo.client.get(link[0]), 200)
    assert "Samverkan fungerar." in page.text
    assert "Spara uppföljningen" not in page.text and "Dela uppföljningen" not in page.text
    answers = dict(
        zip(
            page.document.xpath("//dl[@class='answers']/dt/text()"),
            page.document.xpath("//dl[@class='answers']/dd/text()"),
            strict=True,
        )
    )
    assert answers["Hur många nåddes?"] == "dolt (färre än 5)"  # two: too few to show
    chart = ifo.client.get(f"/handlingsplan/delad/{shared['share'].id}/diagram.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    db_session.expire_all()
    assert db_session.exec(
        select(AuditEvent).where(
            AuditEvent.object_type == "action_plan_review_share",
            AuditEvent.action == "view",
            AuditEvent.username == "ifo",
        )
    ).first()


def test_nobody_outside_the_group_opens_the_shared_review(
    client_request, shared, db_session, staff
):
    share_id = shared["share"].id
    member = db_session.exec(
        select(GroupMember).where(
            GroupMember.group_id == shared["group"].id,
            GroupMember.staff_id == staff["ifo"].id,
        )
    ).one()
    client_request.as_("skola").get("action_plan.shared_review", share_id=share_id, status=403)
    client_request.as_("admin").get("action_plan.shared_review", share_id=share_id, status=403)
    ifo = client_request.as_("ifo")
    ifo.get("action_plan.shared_review", share_id=share_id + 999, status=404)
    meetings.remove_member(
        db_session,
        actor=factories.actor("chef", staff),
        group_id=shared["group"].id,
        member_id=member.id,
    )
    db_session.commit()
    ifo.get("action_plan.shared_review", share_id=share_id, status=404)  # left the group
    ifo.check(ifo.client.get(f"/handlingsplan/delad/{share_id}/diagram.svg"), 404)
    db_session.expire_all()
    denied = db_session.exec(
        select(AuditEvent).where(
            AuditEvent.object_type == "action_plan_review_share",
            AuditEvent.action == "denied",
        )
    ).all()
    assert [e.username for e in denied] == ["ifo", "ifo", "ifo"]


def test_a_share_can_be_undone_and_a_past_or_repeated_item_is_refused_in_swedish(
    chef_pages, client_request, shared, db_session
):
    page = chef_pages.get("action_plan.review", year=2026)
    again = page.form(button="Dela uppföljningen").submit(
        {"agenda_item": str(shared["item"].id)}, status=400
    )
    assert "Uppföljningen är redan delad under den punkten." in again.text
    refused = page.form(button="Dela uppföljningen").submit({"agenda_item": "999999"}, status=400)
    assert "Välj en punkt på dagordningen för ett kommande möte." in refused.text
    empty = page.form(button="Dela uppföljningen").submit({"agenda_item": ""}, status=400)
    assert "Välj en punkt på dagordningen." in empty.text
    client_request.post(
        "action_plan.share_review", {"agenda_item": shared["item"].id}, year=2026, status=403
    )
    assert page.document.xpath("//button[starts-with(normalize-space(.), 'Sluta dela')]")
    chef_pages.post("action_plan.unshare_review", year=2026, share_id=shared["share"].id)
    assert db_session.exec(select(ActionPlanReviewShare)).all() == []
    client_request.as_("ifo").get(
        "action_plan.shared_review", share_id=shared["share"].id, status=404
    )
