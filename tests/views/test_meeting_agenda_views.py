"""Meeting pages at request level: editing the agenda, documents for members, the start page."""

from datetime import timedelta

from sqlmodel import select

from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.meetings import Decision
from kaa_web.services import meetings
from tests import factories
from tests.views.conftest import TODAY, RecordingPage


def test_chef_produces_the_notice_and_a_member_without_document_rights_downloads_it(
    login_as, planned
):
    _, meeting, _ = planned
    response = login_as("chef").post_form(f"/samverkan/moten/{meeting.id}/kallelse")
    assert response.status_code == 303
    download = response.headers["Location"]
    assert download.startswith(f"/samverkan/moten/{meeting.id}/dokument/")

    ifo = login_as("ifo")
    page = ifo.get(f"/samverkan/moten/{meeting.id}").get_data(as_text=True)
    assert download in page and "Kallelse skapad" in page
    assert "Skapa kallelse" not in page  # only those who run the group produce documents
    document = ifo.get(download)
    assert document.status_code == 200 and document.data[:2] == b"PK"
    disposition = document.headers["Content-Disposition"]
    assert "attachment" in disposition
    assert f"kallelse_Samverkansgruppen-KAA_{meeting.on.isoformat()}.docx" in disposition
    assert login_as("arbetsmarknad").get(download).status_code == 404
    assert ifo.post_form(f"/samverkan/moten/{meeting.id}/protokoll").status_code == 403


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


def test_a_cancelled_meeting_says_so_and_offers_no_recording(login_as, planned):
    _, meeting, _ = planned
    client = login_as("kaa")
    response = client.post_form(f"/samverkan/moten/{meeting.id}/stall-in")
    assert response.status_code == 303
    page = client.get(f"/samverkan/moten/{meeting.id}").get_data(as_text=True)
    assert "Mötet är inställt" in page and "Protokollför mötet" not in page


def test_a_decision_on_a_plain_item_names_a_person_by_personnummer(
    recording, planned, make_youth, db_session
):
    group, meeting, kaa = planned
    youth = make_youth("Bea", "Nummersson", occupation="studier")
    factories.consent(db_session, kaa, youth, parties={"socialtjansten", "arbetsformedlingen"})
    item = meetings.add_agenda_item(
        db_session, actor=kaa, meeting_id=meeting.id, data=meetings.ExtraItem("Övrigt")
    )
    db_session.commit()
    page = recording(meeting)
    assert f"beslut{item.id}-personnummer" in page.fields
    button = ("spara", f"punkt-{item.id}")

    typed = {f"beslut{item.id}-text": "SIP bokas.", f"beslut{item.id}-personnummer": "121212-1212"}
    response = page.submit(typed, button)
    assert response.status_code == 400
    assert "SIP bokas." in response.get_data(as_text=True)  # what was typed is kept
    typed[f"beslut{item.id}-personnummer"] = youth.personnummer
    response = page.submit(typed, button)
    assert response.status_code == 303
    assert db_session.exec(select(Decision.youth_id)).all() == [youth.id]


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


def test_no_meeting_document_is_stored_when_the_request_is_refused(login_as, planned, db_session):
    _, meeting, _ = planned
    assert login_as("kaa2").post_form(f"/samverkan/moten/{meeting.id}/kallelse").status_code == 404
    assert db_session.exec(select(GeneratedDocument)).all() == []


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


def test_a_number_that_is_not_a_number_gets_a_swedish_error(login_as, planned):
    _, meeting, _ = planned
    response = login_as("kaa").post_form(
        f"/samverkan/moten/{meeting.id}/dagordning/ny-punkt",
        {"ny-title": "Sommarjobb", "ny-minutes": "1,5"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Inte ett giltigt heltal" in page and "Not a valid" not in page


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


def test_documents_of_a_cancelled_meeting_are_refused_with_a_message(login_as, planned):
    _, meeting, _ = planned
    client = login_as("kaa")
    assert client.post_form(f"/samverkan/moten/{meeting.id}/stall-in").status_code == 303
    for kind in ("kallelse", "protokoll"):
        response = client.post_form(f"/samverkan/moten/{meeting.id}/{kind}")
        assert response.status_code == 400
        assert "Mötet är inställt" in response.get_data(as_text=True)


def test_a_double_click_on_create_notice_stores_one_notice(login_as, planned, db_session):
    _, meeting, _ = planned
    client = login_as("kaa")
    data = {"kallelse-engangskod": "kod-kallelse"}
    first = client.post_form(f"/samverkan/moten/{meeting.id}/kallelse", data)
    second = client.post_form(f"/samverkan/moten/{meeting.id}/kallelse", data)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(db_session.exec(select(GeneratedDocument)).all()) == 1


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


def test_notes_typed_are_saved_for_htmx_without_replacing_the_text_being_typed(
    login_as, planned, db_session
):
    _, meeting, _ = planned
    item = meetings.agenda.agenda_of(db_session, meeting.id)[0]
    response = login_as("kaa").post_form(
        f"/samverkan/moten/{meeting.id}/punkter/{item.id}/anteckningar",
        {
            f"punkt{item.id}-notes": "Gruppen går igenom listan.",
            f"punkt{item.id}-version": meetings.notes_version(""),
        },
        headers={"HX-Request": "true"},
    )
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert "<textarea" not in fragment  # what is typed meanwhile stays in the browser
    assert "Sparat kl." in fragment
    version = meetings.notes_version("Gruppen går igenom listan.")
    assert f'value="{version}" form="protokoll" hx-swap-oob="true"' in fragment
    db_session.refresh(item)
    assert item.notes == "Gruppen går igenom listan."


def test_the_start_page_lists_the_members_coming_meetings(login_as, planned):
    _, meeting, _ = planned
    page = login_as("ifo").get("/").get_data(as_text=True)
    assert "Dina kommande möten" in page and f"/samverkan/moten/{meeting.id}" in page
