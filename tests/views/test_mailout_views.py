"""Mail-out pages: from the worklist to a preview, a started job, its progress and its files."""

from __future__ import annotations

import io
import re
import time
import uuid
from datetime import timedelta

import pytest
from docx import Document
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.mailout import MailoutJob
from kaa_web.models.register import ContactAttempt
from kaa_web.permissions import Actor
from kaa_web.services import mailout


@pytest.fixture
def due(make_youth, staff):
    """Two young people whose letter is overdue, assigned to the KAA officer."""
    return [
        make_youth(
            name,
            "Brevsson",
            birth_date=local_today().replace(year=local_today().year - 19),
            registered_on=local_today() - timedelta(days=40),
            officer_id=staff["kaa"].id,
        )
        for name in ("Alva", "Bruno")
    ]


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def wait_until_finished(client, location: str) -> str:
    for _ in range(100):
        fragment = client.get(location, headers={"HX-Request": "true"}).get_data(as_text=True)
        if "Klart" in fragment or "Misslyckades" in fragment:
            return fragment
        time.sleep(0.1)
    raise AssertionError("the mail-out did not finish")


def test_an_officer_previews_the_due_letters_starts_the_mail_out_and_downloads_the_file(
    login_as, due, db_session
):
    kaa = login_as("kaa")
    worklist = kaa.get("/att-gora/").get_data(as_text=True)
    assert "Förhandsgranska utskick" in worklist

    preview = kaa.post_form(
        "/utskick/forhandsgranska", {"youth_ids": [str(p.id) for p in due], "vy": "mina"}
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Brev till ungdom" in page and "Alva Brevsson" in page and "Bruno Brevsson" in page

    started = kaa.post_form(
        "/utskick/",
        {"token": hidden(page, "token"), "youth_ids": hidden(page, "youth_ids")},
    )
    assert started.status_code == 303
    fragment = wait_until_finished(kaa, started.location)
    assert "<html" not in fragment and "2 skickade brev registrerade" in fragment
    link = re.search(r'href="(/dokument/\d+)"', fragment).group(1)
    download = kaa.get(link)
    names = [t.rows[0].cells[0].text for t in Document(io.BytesIO(download.data)).tables]
    assert [n.splitlines()[0] for n in names] == ["Alva Brevsson", "Bruno Brevsson"]


def test_pressing_start_twice_opens_the_same_job_and_records_one_letter_each(
    login_as, due, db_session
):
    kaa = login_as("kaa")
    form = {"token": uuid.uuid4().hex, "youth_ids": ",".join(str(p.id) for p in due)}
    first = kaa.post_form("/utskick/", form)
    second = kaa.post_form("/utskick/", form)
    assert first.location == second.location
    wait_until_finished(kaa, first.location)
    assert len(db_session.exec(select(MailoutJob)).all()) == 1
    contacts = db_session.exec(select(ContactAttempt.youth_id)).all()
    assert sorted(contacts) == sorted(p.id for p in due)


def test_select_all_takes_every_due_letter_in_the_worklist_view(login_as, due):
    page = login_as("kaa").post_form("/utskick/forhandsgranska", {"alla": "ja", "vy": "alla"})
    text = page.get_data(as_text=True)
    assert "Alva Brevsson" in text and "Bruno Brevsson" in text
    assert hidden(text, "youth_ids") == ",".join(str(p.id) for p in due)


def test_the_progress_fragment_polls_every_second_until_the_job_is_done(
    login_as, due, db_session, staff
):
    actor = Actor(staff_id=staff["kaa"].id, username="kaa", roles=frozenset({"kaa"}))
    job, _ = mailout.start_mailout(
        db_session, actor=actor, token="t1", youth_ids=[due[0].id], on=local_today()
    )
    kaa = login_as("kaa")
    partial = kaa.get(f"/utskick/{job.id}", headers={"HX-Request": "true"})
    text = partial.get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in text and "<html" not in text
    assert "HX-Request" in partial.headers["Vary"]
    full = kaa.get(f"/utskick/{job.id}").get_data(as_text=True)
    assert "<html" in full and "Uppdatera sidan" in full  # the link for browsers without JS


def test_another_users_mail_out_is_not_found(login_as, due, db_session, staff):
    actor = Actor(staff_id=staff["kaa"].id, username="kaa", roles=frozenset({"kaa"}))
    job, _ = mailout.start_mailout(
        db_session, actor=actor, token="t2", youth_ids=[due[0].id], on=local_today()
    )
    other = login_as("arbetsmarknad")
    assert other.get(f"/utskick/{job.id}").status_code == 404
    assert f"Utskick {job.id}" not in other.get("/utskick/").get_data(as_text=True)
    kaa = login_as("kaa")
    assert kaa.get(f"/utskick/{job.id + 1}").status_code == 404
    assert f"Utskick {job.id}" in kaa.get("/utskick/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["chef", "ifo", "skola", "admin"])
def test_roles_without_document_generation_may_not_make_mail_outs(login_as, due, role):
    client = login_as(role)
    ids = {"youth_ids": str(due[0].id)}
    assert client.post_form("/utskick/forhandsgranska", ids).status_code == 403
    assert client.post_form("/utskick/", {**ids, "token": "x"}).status_code == 403
    assert client.get("/utskick/1").status_code == 403


def test_a_start_without_a_selection_shows_a_swedish_error(login_as, staff):
    response = login_as("kaa").post_form("/utskick/", {"token": "x", "youth_ids": ""})
    assert response.status_code == 400
    assert "Det finns fel i formuläret" in response.get_data(as_text=True)


def test_a_register_filter_selects_the_letters_due_among_the_people_it_lists(
    login_as, due, make_youth, staff
):
    make_youth("Annans", "Brevsson", registered_on=local_today() - timedelta(days=40))
    kaa = login_as("kaa")
    assert "Förhandsgranska utskick av brev och kort i urvalet" in kaa.get(
        "/ungdomar/?officer=mig"
    ).get_data(as_text=True)
    page = kaa.post_form("/utskick/forhandsgranska", {"urval": "register", "officer": "mig"})
    text = page.get_data(as_text=True)
    assert "Alva Brevsson" in text and "Bruno Brevsson" in text and "Annans" not in text


def test_the_preview_says_so_when_pdf_cannot_be_made(login_as, due, monkeypatch):
    monkeypatch.setattr(mailout, "pdf_available", lambda: False)
    page = login_as("kaa").post_form("/utskick/forhandsgranska", {"youth_ids": str(due[0].id)})
    text = page.get_data(as_text=True)
    assert "LibreOffice är inte installerat" in text and 'name="pdf"' not in text


def test_the_preview_names_people_so_it_is_logged_per_person(
    login_as, staff, make_youth, db_session
):
    from datetime import timedelta

    from sqlmodel import select

    from kaa_web.models.audit import AuditEvent
    from kaa_web.models.base import local_today

    people = [
        make_youth(f"P{n}", "Logg", registered_on=local_today() - timedelta(days=40))
        for n in range(2)
    ]
    client = login_as("kaa")
    response = client.post_form(
        "/utskick/forhandsgranska", {"youth_ids": [str(p.id) for p in people]}
    )
    assert response.status_code == 200
    views = db_session.exec(
        select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.object_type == "youth")
    ).all()
    assert sorted(v.youth_id for v in views) == sorted(p.id for p in people)
