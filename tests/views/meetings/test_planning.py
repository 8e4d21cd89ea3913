"""Changing a planned meeting at request level: its agenda, bad input, foreign ids."""

from datetime import timedelta

from kaa_web.models.base import local_today
from kaa_web.services import meetings
from tests.views.conftest import RecordingPage

TODAY = local_today()


def test_the_convener_edits_the_agenda_and_the_order_shows_on_the_agenda(
    login_as, planned, db_session
):
    _, meeting, _ = planned
    client = login_as("kaa")
    edit_page = client.get(f"/samverkan/moten/{meeting.id}/redigera").get_data(as_text=True)
    assert 'list="deltagarnamn"' in edit_page and '<option value="Petra Af">' in edit_page
    assert 'list="False"' not in edit_page
    added = client.post_form(
        f"/samverkan/moten/{meeting.id}/dagordning/ny-punkt",
        {"ny-title": "Sommarjobb", "ny-owner": "Petra", "ny-minutes": "20", "ny-youth_filter": ""},
    )
    assert added.status_code == 303
    item = meetings.agenda.agenda_of(db_session, meeting.id)[-1]
    moved = client.post_form(
        f"/samverkan/moten/{meeting.id}/dagordning/{item.id}/flytta",
        {"direction": "upp", "position": "2"},
    )
    assert moved.status_code == 303
    page = client.get(f"/samverkan/moten/{meeting.id}").get_data(as_text=True)
    assert page.index("§ 1 Sommarjobb") < page.index("§ 2 Genomgång av aktuella ungdomar")


def test_bad_values_for_an_item_come_back_with_what_was_typed(login_as, planned):
    _, meeting, _ = planned
    response = login_as("kaa").post_form(
        f"/samverkan/moten/{meeting.id}/dagordning/ny-punkt",
        {"ny-title": "Sommarjobb för alla", "ny-minutes": "999"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ange 1–240 minuter." in page and 'value="Sommarjobb för alla"' in page


def test_a_member_who_does_not_run_the_group_cannot_open_the_edit_page(login_as, planned):
    _, meeting, _ = planned
    assert login_as("ifo").get(f"/samverkan/moten/{meeting.id}/redigera").status_code == 403
    assert login_as("kaa2").get(f"/samverkan/moten/{meeting.id}/redigera").status_code == 404
    response = login_as("kaa2").post_form(f"/samverkan/moten/{meeting.id}/stall-in")
    assert response.status_code == 404


def test_a_number_that_is_not_a_number_gets_a_swedish_error(login_as, planned):
    _, meeting, _ = planned
    response = login_as("kaa").post_form(
        f"/samverkan/moten/{meeting.id}/dagordning/ny-punkt",
        {"ny-title": "Sommarjobb", "ny-minutes": "1,5"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Inte ett giltigt heltal" in page and "Not a valid" not in page


def test_crafted_ids_in_form_fields_get_400_not_a_server_error(login_as, planned, db_session):
    group, meeting, kaa = planned
    member = meetings.groups.members_of(db_session, group.id)[0]
    point = meetings.add_action_point(
        db_session, actor=kaa, meeting_id=meeting.id, what="x", member_id=member.id, due=TODAY
    )
    db_session.commit()
    client = login_as("kaa")
    page = RecordingPage(client, meeting.id)
    huge = "99999999999999999999"
    responses = [
        page.submit({"what": "y", "member_id": huge, "due": TODAY.isoformat()}),
        client.post_form(f"/samverkan/atgardspunkter/{point.id}/ge-till", {"member_id": "²"}),
        client.post_form(f"/samverkan/atgardspunkter/{point.id}/ge-till", {"member_id": huge}),
        page.reload().submit({"klar": str(point.id)}),  # not on this agenda
        page.reload().submit({"narvaro-²": "narvarande"}),
    ]
    assert [r.status_code for r in responses] == [400, 400, 400, 404, 303]


def test_an_item_of_another_meeting_is_404_even_with_bad_input(login_as, planned, db_session):
    group, meeting, kaa = planned
    other = meetings.plan_meeting(
        db_session,
        actor=kaa,
        group_id=group.id,
        on=TODAY + timedelta(days=30),
        starts_at=meeting.starts_at,
        place="Rum 9",
        standing_item_ids=[],
        extra_items=[meetings.ExtraItem("Annan punkt")],
    )
    db_session.commit()
    foreign = meetings.agenda.agenda_of(db_session, other.id)[0]
    client = login_as("kaa")
    for path, data in (
        (f"dagordning/{foreign.id}", {f"punkt{foreign.id}-title": ""}),
        (f"punkter/{foreign.id}/anteckningar", {f"punkt{foreign.id}-notes": "x"}),
    ):
        response = client.post_form(f"/samverkan/moten/{meeting.id}/{path}", data)
        assert response.status_code == 404, path
