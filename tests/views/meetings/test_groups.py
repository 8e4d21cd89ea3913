"""The groups list, a new group and a group's page at request level: who sees what, and
action points."""

from datetime import timedelta

from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.meetings import Decision
from kaa_web.services import meetings
from tests.views.conftest import RecordingPage

TODAY = local_today()


def test_a_member_sees_the_group_and_an_outsider_gets_404(client_request, planned):
    group, meeting, _ = planned
    page = client_request.as_("ifo").get("meetings.group", group_id=group.id)
    assert "Samverkansgruppen KAA" in page.text
    client_request.as_("arbetsmarknad").get("meetings.meeting", meeting_id=meeting.id, status=404)
    client_request.as_("chef").get("meetings.meeting", meeting_id=meeting.id)


def test_chef_creates_a_group_with_standing_items(client_request, staff):
    form = client_request.as_("chef").get("meetings.new_group").form(button="Skapa gruppen")
    created = form.submit(
        {
            "name": "Ledningsgruppen",
            "kind": "ledningsgrupp",
            "frequency": "en_gang_per_termin",
            "convener_id": str(staff["kaa"].id),
            "standing_items": "Uppföljning av handlingsplanen\nStatistik",
        }
    )
    page = client_request.follow(created)  # the convener, kaa, opens the new group
    assert "Uppföljning av handlingsplanen" in page.text and "Planera möte" in page.text


def test_ticking_an_action_point_never_redirects_to_another_site(login_as, planned, db_session):
    group, meeting, kaa = planned
    member = meetings.groups.members_of(db_session, group.id)[0]
    point = meetings.add_action_point(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        what="Boka lokal",
        member_id=member.id,
        due=TODAY,
    )
    db_session.commit()
    response = login_as("kaa").post_form(
        f"/samverkan/atgardspunkter/{point.id}/klar", {"tillbaka": "//example.com/"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/samverkan/grupper/{group.id}")


def test_admin_changes_a_groups_members_but_cannot_open_its_meetings(login_as, planned, db_session):
    """F11: admin is a system role; meeting content is for members and, for oversight, chef."""
    group, meeting, kaa = planned
    item = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    meetings.record_notes(
        db_session, actor=kaa, meeting_id=meeting.id, item_id=item.id, notes="Hemlig anteckning"
    )
    notice = meetings.generate_notice(db_session, actor=kaa, meeting_id=meeting.id)
    db_session.commit()
    admin = login_as("admin")

    for url in (
        f"/samverkan/moten/{meeting.id}",
        f"/samverkan/moten/{meeting.id}/protokollfor",
        f"/samverkan/moten/{meeting.id}/dokument/{notice.id}",
    ):
        response = admin.get(url)
        assert response.status_code == 403, url
        assert "Hemlig anteckning" not in response.get_data(as_text=True)
    assert admin.post_form(f"/samverkan/moten/{meeting.id}/protokoll").status_code == 403
    notes = admin.post_form(
        f"/samverkan/moten/{meeting.id}/punkter/{item.id}/anteckningar",
        {f"punkt{item.id}-notes": "Ändrat av admin"},
    )
    assert notes.status_code == 403

    group_page = admin.get(f"/samverkan/grupper/{group.id}").get_data(as_text=True)
    assert f"/samverkan/moten/{meeting.id}" not in group_page
    assert "visas bara för gruppens deltagare och för chefer" in group_page
    assert admin.get(f"/samverkan/grupper/{group.id}/redigera").status_code == 200
    renamed = admin.post_form(
        f"/samverkan/grupper/{group.id}/andra",
        {
            "name": "Samverkan Norr",
            "kind": group.kind,
            "frequency": group.frequency,
            "convener_id": str(group.convener_id),
        },
    )
    assert renamed.status_code == 303
    # chef, not a member, reads the meeting for oversight
    chef_page = login_as("chef").get(f"/samverkan/moten/{meeting.id}").get_data(as_text=True)
    assert "Hemlig anteckning" in chef_page
    db_session.refresh(item)
    assert item.notes == "Hemlig anteckning"


def test_an_ifo_member_sees_their_action_point_on_the_start_page(
    login_as, planned, db_session, staff
):
    group, meeting, kaa = planned
    ifo_member = next(
        m for m in meetings.groups.members_of(db_session, group.id) if m.staff_id == staff["ifo"].id
    )
    meetings.add_action_point(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        what="Återkoppla om SIP",
        member_id=ifo_member.id,
        due=TODAY + timedelta(days=5),
    )
    db_session.commit()
    page = login_as("ifo").get("/").get_data(as_text=True)
    assert "Återkoppla om SIP" in page and "Samverkansgruppen KAA" in page


def test_the_convener_hands_an_action_point_over_on_the_group_page(
    login_as, planned, db_session, staff
):
    group, meeting, kaa = planned
    members = {m.name: m for m in meetings.groups.members_of(db_session, group.id)}
    point = meetings.add_action_point(
        db_session,
        actor=kaa,
        meeting_id=meeting.id,
        what="Boka lokal",
        member_id=members["Petra Af"].id,
        due=TODAY + timedelta(days=7),
    )
    db_session.commit()
    client = login_as("kaa")
    page = client.get(f"/samverkan/grupper/{group.id}").get_data(as_text=True)
    assert f"/samverkan/atgardspunkter/{point.id}/ge-till" in page

    refused = client.post_form(f"/samverkan/atgardspunkter/{point.id}/ge-till", {"member_id": ""})
    assert refused.status_code == 400 and "Välj vem i gruppen" in refused.get_data(as_text=True)
    kaa2 = next(m for m in members.values() if m.staff_id == staff["kaa2"].id)
    response = client.post_form(
        f"/samverkan/atgardspunkter/{point.id}/ge-till", {"member_id": str(kaa2.id)}
    )
    assert response.status_code == 303
    assert "Boka lokal" in login_as("kaa2").get("/").get_data(as_text=True)
    assert (
        login_as("ifo")
        .post_form(f"/samverkan/atgardspunkter/{point.id}/ge-till", {"member_id": str(kaa2.id)})
        .status_code
        == 403
    )


def test_the_same_form_submitted_twice_saves_once(login_as, planned, db_session):
    from kaa_web.models.meetings import Meeting

    group, meeting, _ = planned
    client = login_as("kaa")
    form = {
        "engangskod": "kod-1",
        "on": (TODAY + timedelta(days=20)).isoformat(),
        "starts_at": "10:00",
        "place": "Rum 3",
    }
    first = client.post_form(f"/samverkan/grupper/{group.id}/planera", form)
    second = client.post_form(f"/samverkan/grupper/{group.id}/planera", form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(db_session.exec(select(Meeting).where(Meeting.place == "Rum 3")).all()) == 1

    item = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    page = RecordingPage(client, meeting.id)
    decision = {f"beslut{item.id}-text": "Bifalls."}
    first, second = page.submit(decision), page.submit(decision)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert db_session.exec(select(Decision.text)).all() == ["Bifalls."]
    # a new page (a new code) is a new decision
    assert page.reload().submit(decision).status_code == 303
    assert len(db_session.exec(select(Decision)).all()) == 2


def test_every_create_form_on_the_meeting_pages_carries_a_one_time_code(login_as, planned):
    group, meeting, _ = planned
    client = login_as("kaa")
    for url in (
        f"/samverkan/grupper/{group.id}/planera",
        f"/samverkan/moten/{meeting.id}/protokollfor",
        f"/samverkan/moten/{meeting.id}/redigera",
    ):
        page = client.get(url).get_data(as_text=True)
        assert 'engangskod" type="hidden" value="' in page, url


def test_ticking_an_action_point_done_cannot_send_the_user_to_another_site(
    login_as, planned, db_session
):
    group, meeting, kaa = planned
    member = meetings.groups.members_of(db_session, group.id)[0]
    client = login_as("kaa")
    for back in ("/\t/evil.example/", "//evil.example/", "https://evil.example/", "/\\evil"):
        point = meetings.add_action_point(
            db_session, actor=kaa, meeting_id=meeting.id, what="x", member_id=member.id, due=TODAY
        )
        db_session.commit()
        response = client.post_form(
            f"/samverkan/atgardspunkter/{point.id}/klar", {"tillbaka": back}
        )
        assert response.headers["Location"] == f"/samverkan/grupper/{group.id}", back


def test_the_start_page_lists_the_members_coming_meetings(login_as, planned):
    _, meeting, _ = planned
    page = login_as("ifo").get("/").get_data(as_text=True)
    assert "Dina kommande möten" in page and f"/samverkan/moten/{meeting.id}" in page
