"""Mail-out pages: from the worklist to a preview, a job's progress, its files and confirmation."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta

import pytest
from docx import Document
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.mailout import MailoutJob
from kaa_web.models.register import ContactAttempt, Youth
from kaa_web.services import mailout
from tests import factories

HOME = {"street_address": "Hemvägen 1", "postal_code": "123 45", "city": "Exempelstad"}


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
            **HOME,
        )
        for name in ("Alva", "Bruno")
    ]


@pytest.fixture
def kaa_actor(staff):
    return factories.actor("kaa", staff)


def made(db, actor, youth_ids):
    """A mail-out whose files are made (as its thread makes them): ready to be confirmed."""
    job = mailout.start_mailout(db, actor=actor, youth_ids=youth_ids, on=local_today())
    db.commit()
    mailout.run_mailout_job(db, job_id=job.id)
    return job


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def wait_until_made(client, location: str) -> str:
    for _ in range(100):
        fragment = client.get(location, headers={"HX-Request": "true"}).get_data(as_text=True)
        if "hx-trigger" not in fragment:
            return fragment
        time.sleep(0.1)
    raise AssertionError("the mail-out did not finish")


def start(client, page: str):
    return client.post_form(
        "/utskick/",
        {"engangskod": hidden(page, "engangskod"), "youth_ids": hidden(page, "youth_ids")},
    )


def test_an_officer_previews_makes_the_files_confirms_they_were_posted_and_only_then_sent(
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
    assert "Inget registreras som skickat när filerna skapas" in page
    assert "en vårdnadshavare utan adress får det till ungdomens adress" in page

    started = start(kaa, page)
    assert started.status_code == 303
    fragment = wait_until_made(kaa, started.location)
    assert "<html" not in fragment and "2 av 2 brev klara" in fragment
    assert "Inget är registrerat som skickat ännu" in fragment
    assert db_session.exec(select(ContactAttempt)).all() == []
    link = re.search(r'href="(/dokument/\d+)"', fragment).group(1)
    names = [t.rows[0].cells[0].text for t in Document(io.BytesIO(kaa.get(link).data)).tables]
    assert [n.splitlines()[0] for n in names] == ["Alva Brevsson", "Bruno Brevsson"]

    job_page = kaa.get(started.location).get_data(as_text=True)
    confirmed = kaa.post_form(
        started.location + "/bekrafta",
        {"engangskod": hidden(job_page, "engangskod"), "posted_on": local_today().isoformat()},
    )
    assert confirmed.status_code == 303 and confirmed.location == started.location
    after = kaa.get(started.location).get_data(as_text=True)
    assert "2 skickade brev är registrerade" in after and "Skickat" in after
    assert sorted(db_session.exec(select(ContactAttempt.youth_id)).all()) == sorted(
        p.id for p in due
    )


def test_the_job_page_lists_who_was_included_and_who_was_left_out_and_why(
    login_as, due, make_youth, db_session
):
    nowhere = make_youth("Adresslös", "Person", registered_on=local_today() - timedelta(days=40))
    hidden_person = make_youth(
        "Skyddad",
        "Person",
        registered_on=local_today() - timedelta(days=40),
        protected_identity=True,
        **HOME,
    )
    kaa = login_as("kaa")
    ids = [str(p.id) for p in (*due, nowhere, hidden_person)]
    page = kaa.post_form("/utskick/forhandsgranska", {"youth_ids": ids}).get_data(as_text=True)
    assert "Saknar adress (1)" in page
    assert f'href="/ungdomar/{nowhere.id}/redigera"' in page

    fragment = wait_until_made(kaa, start(kaa, page).location)

    assert "Med i utskicket (2)" in fragment
    assert "Saknar adress (1)" in fragment and f'href="/ungdomar/{nowhere.id}/redigera"' in fragment
    assert "Skyddade personuppgifter (1)" in fragment and "Skyddad Person" in fragment
    assert "2 av 4 markerade ungdomar är med i utskicket" in fragment


def test_a_confirmation_without_a_date_comes_back_with_a_swedish_error(
    login_as, due, kaa_actor, db_session
):
    job = made(db_session, kaa_actor, [due[0].id])
    kaa = login_as("kaa")
    for value, message in (("", "Ange ett datum"), ("2001-01-01", "Ange ett datum från")):
        response = kaa.post_form(f"/utskick/{job.id}/bekrafta", {"posted_on": value})
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and "Det finns fel i formuläret" in text
        assert message in text and "Breven är utskrivna och postade" in text
    assert db_session.exec(select(ContactAttempt)).all() == []


def test_cancelling_records_nothing_and_the_people_can_be_sent_again(
    login_as, due, kaa_actor, db_session
):
    job = made(db_session, kaa_actor, [due[0].id])
    kaa = login_as("kaa")
    busy = kaa.post_form("/utskick/forhandsgranska", {"youth_ids": str(due[0].id)})
    assert "Finns i ett annat utskick som inte är bekräftat (1)" in busy.get_data(as_text=True)

    cancelled = kaa.post_form(f"/utskick/{job.id}/makulera")

    assert cancelled.status_code == 303
    assert "Makulerat" in kaa.get(f"/utskick/{job.id}").get_data(as_text=True)
    assert db_session.exec(select(ContactAttempt)).all() == []
    again = kaa.post_form("/utskick/forhandsgranska", {"youth_ids": str(due[0].id)})
    assert "Skapa utskick" in again.get_data(as_text=True)


def test_pressing_start_twice_opens_the_same_job(login_as, due, db_session):
    kaa = login_as("kaa")
    form = {"engangskod": "samma-kod", "youth_ids": ",".join(str(p.id) for p in due)}
    first = kaa.post_form("/utskick/", form)
    second = kaa.post_form("/utskick/", form)
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    wait_until_made(kaa, first.location)
    assert len(db_session.exec(select(MailoutJob)).all()) == 1


def test_select_all_takes_every_due_letter_in_the_worklist_view(login_as, due):
    page = login_as("kaa").post_form("/utskick/forhandsgranska", {"alla": "ja", "vy": "alla"})
    text = page.get_data(as_text=True)
    assert "Alva Brevsson" in text and "Bruno Brevsson" in text
    assert hidden(text, "youth_ids") == ",".join(str(p.id) for p in due)


def test_the_progress_polls_every_second_and_counts_letters_also_without_javascript(
    login_as, due, db_session, kaa_actor
):
    job = mailout.start_mailout(
        db_session, actor=kaa_actor, youth_ids=[due[0].id], on=local_today()
    )
    job.status, job.letter_count, job.letters_done = "running", 1000, 312
    db_session.add(job)
    db_session.commit()
    kaa = login_as("kaa")
    partial = kaa.get(f"/utskick/{job.id}", headers={"HX-Request": "true"})
    text = partial.get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in text and "<html" not in text
    assert "312 av 1\u00a0000 brev klara" in text
    assert "HX-Request" in partial.headers["Vary"]
    full = kaa.get(f"/utskick/{job.id}").get_data(as_text=True)
    assert "<html" in full and "Uppdatera sidan" in full  # the link for browsers without JS
    assert "312 av 1\u00a0000" in full


def test_another_users_mail_out_is_not_found(login_as, due, db_session, kaa_actor):
    job = mailout.start_mailout(
        db_session, actor=kaa_actor, youth_ids=[due[0].id], on=local_today()
    )
    db_session.commit()
    other = login_as("arbetsmarknad")
    assert other.get(f"/utskick/{job.id}").status_code == 404
    assert (
        other.post_form(f"/utskick/{job.id}/bekrafta", {"posted_on": "2026-01-01"}).status_code
        == 404
    )
    assert other.post_form(f"/utskick/{job.id}/makulera").status_code == 404
    assert f"Utskick {job.id}" not in other.get("/utskick/").get_data(as_text=True)
    kaa = login_as("kaa")
    assert kaa.get(f"/utskick/{job.id + 1}").status_code == 404
    assert f"Utskick {job.id}" in kaa.get("/utskick/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["chef", "ifo", "skola", "admin"])
def test_roles_without_document_generation_may_not_make_mail_outs(login_as, due, role):
    client = login_as(role)
    ids = {"youth_ids": str(due[0].id)}
    assert client.post_form("/utskick/forhandsgranska", ids).status_code == 403
    assert client.post_form("/utskick/", ids).status_code == 403
    assert client.get("/utskick/1").status_code == 403
    assert client.post_form("/utskick/1/bekrafta").status_code == 403


def test_a_start_without_a_selection_shows_a_swedish_error(login_as, staff):
    response = login_as("kaa").post_form("/utskick/", {"youth_ids": ""})
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


def test_the_preview_and_the_finished_job_name_people_so_each_is_logged(
    login_as, due, make_youth, db_session
):
    nowhere = make_youth("Adresslös", "Logg", registered_on=local_today() - timedelta(days=40))
    people = [*due, nowhere]
    client = login_as("kaa")
    response = client.post_form(
        "/utskick/forhandsgranska", {"youth_ids": [str(p.id) for p in people]}
    )
    assert response.status_code == 200

    def viewed():
        return sorted(
            db_session.exec(
                select(AuditEvent.youth_id).where(
                    AuditEvent.action == "view", AuditEvent.object_type == "youth"
                )
            ).all()
        )

    assert viewed() == sorted(p.id for p in people)
    wait_until_made(client, start(client, response.get_data(as_text=True)).location)
    assert viewed() == sorted(2 * [p.id for p in people])


def test_a_single_letter_to_a_household_without_an_address_is_refused(login_as, make_youth):
    youth = make_youth("Adresslös", "Brevsson", registered_on=local_today() - timedelta(days=40))
    response = login_as("kaa").post_form(f"/ungdomar/{youth.id}/dokument", {"step": "brev"})
    assert response.status_code == 400
    assert "saknar fullständig adress" in response.get_data(as_text=True)


def test_a_confirmed_mail_out_moves_each_ladder_on(login_as, due, db_session, kaa_actor):
    job = made(db_session, kaa_actor, [p.id for p in due])
    kaa = login_as("kaa")
    kaa.post_form(f"/utskick/{job.id}/bekrafta", {"posted_on": local_today().isoformat()})
    db_session.expire_all()
    assert {db_session.get(Youth, p.id).next_step for p in due} == {"vykort"}
    assert "Skickat" in kaa.get("/utskick/").get_data(as_text=True)
