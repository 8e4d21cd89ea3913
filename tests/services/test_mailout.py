"""The term-start mail-out: preview, generated files, recorded contacts, jobs and their owners."""

from __future__ import annotations

import io
import json
import uuid
from datetime import timedelta

import pytest
from docx import Document
from sqlmodel import select

from kaa_web import documents as engine_module
from kaa_web.models.base import local_today
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.mailout import MailoutJob
from kaa_web.models.register import ContactAttempt, Guardian, TimelineEntry, Youth
from kaa_web.permissions import Actor
from kaa_web.services import mailout
from kaa_web.services.errors import NotFound


@pytest.fixture
def kaa(staff):
    return Actor(staff_id=staff["kaa"].id, username="kaa", roles=frozenset({"kaa"}))


@pytest.fixture
def officer(staff):
    return Actor(
        staff_id=staff["arbetsmarknad"].id,
        username="arbetsmarknad",
        roles=frozenset({"arbetsmarknad"}),
    )


def years_ago(years: int, days: int = 0):
    today = local_today()
    return today.replace(year=today.year - years) + timedelta(days=days)


def add_guardians(db, youth, *names):
    for n, name in enumerate(names):
        db.add(
            Guardian(
                youth_id=youth.id,
                name=name,
                street_address=f"Vårdnadsvägen {n + 1}",
                postal_code="123 45",
                city="Exempelstad",
            )
        )
    db.commit()


def letter_names(content: bytes) -> list[str]:
    """Each letter's recipient (the address block is the first table of each letter)."""
    document = Document(io.BytesIO(content))
    return [t.rows[0].cells[0].text.splitlines()[0] for t in document.tables]


def run(db, actor, people, on=None):
    """Start and run a job as the view's thread does; the job as stored afterwards."""
    job, _ = mailout.start_mailout(
        db,
        actor=actor,
        token=uuid.uuid4().hex,
        youth_ids=[p.id for p in people],
        on=on or local_today(),
    )
    mailout.run_mailout_job(db.get_bind(), actor=actor, job_id=job.id)
    db.expire_all()
    return db.get(MailoutJob, job.id)


def test_preview_counts_letters_per_type_and_writes_to_each_guardian_while_under_18(
    db_session, kaa, make_youth
):
    adult = make_youth("Vuxen", "Svensson", birth_date=years_ago(19))
    minor = make_youth("Minna", "Minderårig", birth_date=years_ago(16))
    add_guardians(db_session, minor, "Anna Förälder", "Bo Förälder")
    alone = make_youth("Ensam", "Minderårig", birth_date=years_ago(16))

    preview = mailout.preview_mailout(
        db_session, actor=kaa, youth_ids=[adult.id, minor.id, alone.id], on=local_today()
    )

    assert preview.counts == [
        ("brev_ungdom", "Brev till ungdom", 1),
        ("brev_vardnadshavare", "Brev till vårdnadshavare", 3),
    ]
    to_guardians = [(r.name, r.street) for r in preview.recipients if r.to_guardians]
    assert to_guardians == [
        ("Anna Förälder", "Vårdnadsvägen 1"),
        ("Bo Förälder", "Vårdnadsvägen 2"),
        ("Vårdnadshavare till Ensam Minderårig", ""),
    ]
    assert preview.youth_ids == [adult.id, minor.id, alone.id]


def test_someone_turning_18_before_the_sending_date_gets_the_letter_themself(
    db_session, kaa, make_youth
):
    turning = make_youth("Snart", "Arton", birth_date=years_ago(18, days=1))
    add_guardians(db_session, turning, "Förälder Arton")

    today = mailout.preview_mailout(db_session, actor=kaa, youth_ids=[turning.id], on=local_today())
    on_birthday = mailout.preview_mailout(
        db_session, actor=kaa, youth_ids=[turning.id], on=local_today() + timedelta(days=1)
    )

    assert [(r.doc_type, r.name) for r in today.recipients] == [
        ("brev_vardnadshavare", "Förälder Arton")
    ]
    assert [(r.doc_type, r.name) for r in on_birthday.recipients] == [
        ("brev_ungdom", "Snart Arton")
    ]


def test_protected_identities_are_listed_for_manual_handling_never_printed_nor_recorded(
    db_session, kaa, make_youth
):
    open_person = make_youth("Öppen", "Person", birth_date=years_ago(19))
    hidden = make_youth("Skyddad", "Person", birth_date=years_ago(19), protected_identity=True)

    preview = mailout.preview_mailout(
        db_session, actor=kaa, youth_ids=[open_person.id, hidden.id], on=local_today()
    )
    assert [p.name for p in preview.protected] == ["Skyddad Person"]
    assert [r.name for r in preview.recipients] == ["Öppen Person"]

    job = run(db_session, kaa, [open_person, hidden])
    assert job.status == "done" and json.loads(job.protected_ids) == [hidden.id]
    printed = db_session.exec(select(GeneratedDocument)).all()
    assert all("Skyddad" not in " ".join(letter_names(d.content)) for d in printed)
    contacted = db_session.exec(select(ContactAttempt.youth_id)).all()
    assert contacted == [open_person.id]
    view = mailout.get_mailout_job(db_session, actor=kaa, job_id=job.id)
    assert [p.name for p in view.protected] == ["Skyddad Person"]


def test_the_docx_opens_with_one_letter_per_page_and_the_right_names(db_session, kaa, make_youth):
    people = [
        make_youth(f"Förnamn{n}", "Efternamn & <Söner>", birth_date=years_ago(19)) for n in range(3)
    ]

    job = run(db_session, kaa, people)

    (document,) = db_session.exec(select(GeneratedDocument)).all()
    assert json.loads(job.document_ids) == [document.id]
    assert document.doc_type == "brev_ungdom" and document.letter_count == 3
    assert letter_names(document.content) == [f"Förnamn{n} Efternamn & <Söner>" for n in range(3)]
    assert engine_module.count_letters(document.content) == 3  # a page break between letters


def test_each_person_gets_a_letter_sent_contact_and_their_next_step_moves_on(
    db_session, kaa, make_youth
):
    adult = make_youth("Vuxen", "Svensson", birth_date=years_ago(19))
    minor = make_youth("Minna", "Minderårig", birth_date=years_ago(16))
    assert {adult.next_step, minor.next_step} == {"brev"}

    job = run(db_session, kaa, [adult, minor])

    contacts = db_session.exec(select(ContactAttempt).order_by(ContactAttempt.youth_id)).all()
    assert [(c.youth_id, c.kind, c.on, c.to_guardians) for c in contacts] == [
        (adult.id, "brev", local_today(), False),
        (minor.id, "brev", local_today(), True),
    ]
    assert job.contact_count == 2 and job.letter_count == 2
    for youth in (db_session.get(Youth, adult.id), db_session.get(Youth, minor.id)):
        assert youth.next_step == "vykort" and youth.next_step_due > local_today()
    timeline = db_session.exec(select(TimelineEntry.youth_id)).all()
    assert sorted(timeline) == sorted([adult.id, minor.id])


def test_pressing_start_twice_creates_one_job_and_records_one_contact_per_person(
    db_session, kaa, make_youth
):
    people = [make_youth(f"P{n}", "Dubbel", birth_date=years_ago(19)) for n in range(3)]
    ids = [p.id for p in people]
    token = uuid.uuid4().hex

    first, created = mailout.start_mailout(
        db_session, actor=kaa, token=token, youth_ids=ids, on=local_today()
    )
    again, created_again = mailout.start_mailout(
        db_session, actor=kaa, token=token, youth_ids=ids, on=local_today()
    )
    assert created and not created_again and again.id == first.id
    engine = db_session.get_bind()
    mailout.run_mailout_job(engine, actor=kaa, job_id=first.id)
    mailout.run_mailout_job(engine, actor=kaa, job_id=first.id)  # a second thread: a no-op
    second_job = run(db_session, kaa, people)  # a new preview of the same people, started

    assert len(db_session.exec(select(MailoutJob)).all()) == 2
    contacts = db_session.exec(select(ContactAttempt.youth_id)).all()
    assert sorted(contacts) == sorted(ids)
    assert len(db_session.exec(select(GeneratedDocument)).all()) == 1
    assert second_job.status == "done" and second_job.contact_count == 0


def test_if_rendering_fails_nothing_is_recorded(db_session, kaa, make_youth, monkeypatch):
    adult = make_youth("Vuxen", "Svensson", birth_date=years_ago(19))
    minor = make_youth("Minna", "Minderårig", birth_date=years_ago(16))
    real = engine_module.render_letters
    calls = []

    def fail_on_the_second_type(template, contexts):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the template broke")
        return real(template, contexts)

    monkeypatch.setattr(engine_module, "render_letters", fail_on_the_second_type)

    job = run(db_session, kaa, [adult, minor])

    assert job.status == "failed" and "inget har registrerats" in job.error
    assert db_session.exec(select(GeneratedDocument)).all() == []
    assert db_session.exec(select(ContactAttempt)).all() == []
    assert db_session.exec(select(TimelineEntry)).all() == []
    assert db_session.get(Youth, adult.id).next_step == "brev"


def test_a_job_is_seen_only_by_its_creator_and_kaa(db_session, kaa, officer, staff, make_youth):
    person = make_youth("Vuxen", "Svensson", birth_date=years_ago(19))
    job = run(db_session, officer, [person])
    other_officer = Actor(staff_id=None, username="arbetsmarknad2", roles=officer.roles)

    assert mailout.get_mailout_job(db_session, actor=officer, job_id=job.id).job.id == job.id
    assert mailout.get_mailout_job(db_session, actor=kaa, job_id=job.id).documents
    with pytest.raises(NotFound):
        mailout.get_mailout_job(db_session, actor=other_officer, job_id=job.id)
    with pytest.raises(NotFound):
        mailout.start_mailout(
            db_session,
            actor=other_officer,
            token=job.token,
            youth_ids=[person.id],
            on=local_today(),
        )


def test_a_mail_out_of_someone_the_actor_cannot_see_is_refused(db_session, kaa, make_youth):
    person = make_youth("Vuxen", "Svensson", birth_date=years_ago(19))
    ifo = Actor(staff_id=None, username="ifo", roles=frozenset({"ifo"}))
    with pytest.raises(PermissionError):
        mailout.preview_mailout(db_session, actor=ifo, youth_ids=[person.id], on=local_today())
    with pytest.raises(NotFound):
        mailout.preview_mailout(
            db_session, actor=kaa, youth_ids=[person.id, person.id + 999], on=local_today()
        )
    assert db_session.exec(select(MailoutJob)).all() == []


def test_a_pdf_copy_of_each_file_is_made_after_the_letters_are_recorded(
    db_session, kaa, make_youth
):
    person = make_youth("Pdf", "Persson", birth_date=years_ago(19))
    job, _ = mailout.start_mailout(
        db_session,
        actor=kaa,
        token=uuid.uuid4().hex,
        youth_ids=[person.id],
        on=local_today(),
        make_pdf=True,
    )
    mailout.run_mailout_job(db_session.get_bind(), actor=kaa, job_id=job.id)
    db_session.expire_all()

    view = mailout.get_mailout_job(db_session, actor=kaa, job_id=job.id)
    assert view.job.status == "done" and view.job.error == ""
    assert [(d.type_name, d.is_pdf) for d in view.documents] == [
        ("Brev till ungdom", False),
        ("Brev till ungdom", True),
    ]
    pdf = db_session.get(GeneratedDocument, view.documents[1].id)
    assert pdf.content.startswith(b"%PDF") and pdf.content_type == "application/pdf"


def test_recording_letters_in_bulk_leaves_each_person_as_recording_one_by_one_would(
    db_session, kaa, make_youth
):
    from kaa_web.services import outreach

    history = [("brev", local_today() - timedelta(days=40), None)]
    one = make_youth("Ett", "Ensam", birth_date=years_ago(16), contacts=history)
    bulk = make_youth("Två", "Ihop", birth_date=years_ago(16), contacts=history)
    assert one.next_step == bulk.next_step == "vykort"

    single = outreach.record_contact(
        db_session,
        actor=kaa,
        youth=one,
        data=outreach.ContactData(kind="vykort", on=local_today()),
    )
    (batch,) = outreach.record_letters_sent(db_session, actor=kaa, people=[bulk], on=local_today())
    db_session.commit()
    db_session.expire_all()

    stored = db_session.get(ContactAttempt, batch.id)
    assert (stored.kind, stored.to_guardians) == (single.kind, single.to_guardians)
    one, bulk = db_session.get(Youth, one.id), db_session.get(Youth, bulk.id)
    assert (bulk.next_step, bulk.next_step_due, bulk.last_contact_on) == (
        one.next_step,
        one.next_step_due,
        one.last_contact_on,
    )
    assert (
        outreach.record_letters_sent(db_session, actor=kaa, people=[bulk], on=local_today()) == []
    )


def test_a_job_its_server_stopped_running_is_shown_as_failed_with_nothing_recorded(
    db_session, kaa, make_youth
):
    person = make_youth("Vuxen", "Svensson", birth_date=years_ago(19))
    job, _ = mailout.start_mailout(
        db_session, actor=kaa, token="gammal", youth_ids=[person.id], on=local_today()
    )
    job.created_at = job.created_at - mailout.STALE_AFTER - timedelta(minutes=1)
    db_session.add(job)
    db_session.commit()

    view = mailout.get_mailout_job(db_session, actor=kaa, job_id=job.id)

    assert view.job.status == "failed" and "inget har registrerats" in view.job.error
    mailout.run_mailout_job(db_session.get_bind(), actor=kaa, job_id=job.id)  # too late: no-op
    assert db_session.exec(select(ContactAttempt)).all() == []
