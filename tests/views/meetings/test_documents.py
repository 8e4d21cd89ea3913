"""The notice and the minutes at request level: made once, downloaded by members, refused
when the meeting is cancelled."""

from sqlmodel import select

from kaa_web.models.documents import GeneratedDocument


def test_the_notice_and_minutes_download_as_word_documents(login_as, planned):
    _, meeting, _ = planned
    client = login_as("kaa")
    for path in ("kallelse", "protokoll"):
        response = client.post_form(f"/samverkan/moten/{meeting.id}/{path}")
        assert response.status_code == 303
        document = client.get(response.headers["Location"])
        assert document.status_code == 200 and document.data[:2] == b"PK"
    page = client.get(f"/samverkan/moten/{meeting.id}").get_data(as_text=True)
    assert "Kallelse skapad" in page and "Protokoll skapat" in page  # ett protokoll
    assert "Protokoll skapad" not in page


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


def test_no_meeting_document_is_stored_when_the_request_is_refused(login_as, planned, db_session):
    _, meeting, _ = planned
    assert login_as("kaa2").post_form(f"/samverkan/moten/{meeting.id}/kallelse").status_code == 404
    assert db_session.exec(select(GeneratedDocument)).all() == []


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
