"""The term-start mail-out: preview, files, confirmation as posted, jobs and their owners."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from docx import Document
from sqlmodel import Session, select

from kaa_web.docx import render as engine_module
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.mailout import MailoutJob, MailoutPerson
from kaa_web.models.register import ContactAttempt, Guardian, Youth
from kaa_web.services import documents as document_service
from kaa_web.services import mailout, register
from kaa_web.services.errors import Invalid, NotFound
from kaa_web.services.mailout import files as mailout_files
from kaa_web.services.mailout import runs as mailout_runs
from tests import factories

HOME = {"street_address": "Hemvägen 1", "postal_code": "123 45", "city": "Exempelstad"}


@pytest.fixture
def kaa(staff):
    return factories.actor("kaa", staff)


@pytest.fixture
def officer(staff):
    return factories.actor("arbetsmarknad", staff)


@pytest.fixture
def person(make_youth):
    """person(first, years, **fields): a young person whose letter is due, at HOME by default."""

    def _make(first: str, years: int = 19, last: str = "Svensson", **fields):
        fields = {"birth_date": years_ago(years), **HOME, **fields}
        return make_youth(first, last, **fields)

    return _make


def years_ago(years: int, days: int = 0):
    today = local_today()
    return today.replace(year=today.year - years) + timedelta(days=days)


def add_guardian(db, youth, name, street="", postal_code="", city=""):
    db.add(
        Guardian(
            youth_id=youth.id, name=name, street_address=street, postal_code=postal_code, city=city
        )
    )
    db.commit()


def letters_in(content: bytes) -> list[str]:
    """Each letter's address block (the first table of each letter), line by line."""
    return [t.rows[0].cells[0].text for t in Document(io.BytesIO(content)).tables]


def run(db, actor, people, on=None):
    """Start and run a job as the view and its thread do; the job as stored afterwards."""
    job = mailout.start_mailout(
        db, actor=actor, youth_ids=[p.id for p in people], on=on or local_today()
    )
    db.commit()
    mailout.run_mailout_job(db, job_id=job.id)
    db.expire_all()
    return db.get(MailoutJob, job.id)


def confirm(db, actor, job, posted_on=None):
    job = mailout.confirm_mailout(
        db, actor=actor, job_id=job.id, posted_on=posted_on or local_today()
    )
    db.commit()
    db.expire_all()
    return job


def contacts(db) -> list[tuple[int, str]]:
    return [
        (c.youth_id, c.kind)
        for c in db.exec(select(ContactAttempt).order_by(ContactAttempt.youth_id))
    ]


# --- who gets which letter at which address -----------------------------------------------


def test_preview_counts_letters_per_type_and_writes_to_each_guardian_while_under_18(
    db_session, kaa, person
):
    adult = person("Vuxen")
    minor = person("Minna", 16)
    add_guardian(db_session, minor, "Anna Förälder", "Vårdnadsvägen 1", "123 45", "Exempelstad")
    add_guardian(db_session, minor, "Bo Förälder", "Annanvägen 2", "543 21", "Annanstad")
    alone = person("Ensam", 16)

    preview = mailout.preview_mailout(
        db_session, actor=kaa, youth_ids=[adult.id, minor.id, alone.id], on=local_today()
    )

    assert preview.counts == [
        ("brev_ungdom", "Brev till ungdom", 1),
        ("brev_vardnadshavare", "Brev till vårdnadshavare", 3),
    ]
    to_guardians = [
        (r.name, r.street, r.at_youth_address) for r in preview.recipients if r.to_guardians
    ]
    assert to_guardians == [
        ("Anna Förälder", "Vårdnadsvägen 1", False),
        ("Bo Förälder", "Annanvägen 2", False),
        ("Vårdnadshavare till Ensam Svensson", "Hemvägen 1", True),
    ]
    assert preview.youth_ids == [adult.id, minor.id, alone.id] and not preview.missing


def test_a_guardian_without_an_address_gets_the_letter_at_the_households_shared_with_the_other(
    db_session, kaa, person
):
    minor = person("Minna", 16)
    add_guardian(db_session, minor, "Anna Förälder")
    add_guardian(db_session, minor, "Bo Förälder", "hemvägen 1", "12345", "EXEMPELSTAD")

    preview = mailout.preview_mailout(db_session, actor=kaa, youth_ids=[minor.id], on=local_today())

    assert [(r.name, r.street, r.at_youth_address) for r in preview.recipients] == [
        ("Anna Förälder och Bo Förälder", "Hemvägen 1", True)
    ]


def test_a_letter_without_a_usable_address_is_listed_never_printed_nor_counted_as_sent(
    db_session, kaa, person
):
    homeless = person("Adresslös", street_address="", postal_code="", city="")
    minor = person("Minna", 16, street_address="", postal_code="", city="")
    add_guardian(db_session, minor, "Anna Förälder", "Vårdnadsvägen 1", "123 45", "Exempelstad")
    add_guardian(db_session, minor, "Bo Förälder")  # no address, and none at home to fall back on
    half = person("Halv", postal_code="")

    preview = mailout.preview_mailout(
        db_session, actor=kaa, youth_ids=[homeless.id, minor.id, half.id], on=local_today()
    )
    assert [r.name for r in preview.recipients] == ["Anna Förälder"]
    assert [(m.name, m.left_out) for m in preview.missing] == [
        ("Adresslös Svensson", True),
        ("Bo Förälder", False),
        ("Halv Svensson", True),
    ]
    assert [p.id for p in preview.left_out["saknar_adress"]] == [homeless.id, half.id]

    job = confirm(db_session, kaa, run(db_session, kaa, [homeless, minor, half]))

    (document,) = db_session.exec(select(GeneratedDocument)).all()
    assert [text.splitlines()[0] for text in letters_in(document.content)] == ["Anna Förälder"]
    assert contacts(db_session) == [(minor.id, "brev")]
    assert db_session.get(Youth, homeless.id).next_step == "brev"  # the ladder did not move
    view = mailout.get_mailout_job(db_session, actor=kaa, job_id=job.id)
    assert [(m.youth.id, m.name, m.left_out) for m in view.needs_address] == [
        (minor.id, "Bo Förälder", False),
        (homeless.id, "Adresslös Svensson", True),
        (half.id, "Halv Svensson", True),
    ]


def test_a_single_letter_to_someone_without_an_address_is_refused_in_swedish(
    db_session, kaa, person
):
    homeless = person("Adresslös", city="")
    with pytest.raises(Invalid, match="saknar fullständig adress"):
        mailout.generate_letter(
            db_session, actor=kaa, youth_id=homeless.id, step="brev", on=local_today()
        )
    assert contacts(db_session) == []


def test_someone_turning_18_before_the_sending_date_gets_the_letter_themself(
    db_session, kaa, person
):
    turning = person("Snart", birth_date=years_ago(18, days=1))
    add_guardian(db_session, turning, "Förälder Arton", "Vårdnadsvägen 1", "123 45", "Exempelstad")

    today = mailout.preview_mailout(db_session, actor=kaa, youth_ids=[turning.id], on=local_today())
    on_birthday = mailout.preview_mailout(
        db_session, actor=kaa, youth_ids=[turning.id], on=local_today() + timedelta(days=1)
    )

    assert [(r.doc_type, r.name) for r in today.recipients] == [
        ("brev_vardnadshavare", "Förälder Arton")
    ]
    assert [(r.doc_type, r.name) for r in on_birthday.recipients] == [
        ("brev_ungdom", "Snart Svensson")
    ]


def test_protected_identities_are_listed_for_manual_handling_never_printed_nor_recorded(
    db_session, kaa, person
):
    open_person = person("Öppen")
    hidden = person("Skyddad", protected_identity=True)

    preview = mailout.preview_mailout(
        db_session, actor=kaa, youth_ids=[open_person.id, hidden.id], on=local_today()
    )
    assert [p.name for p in preview.left_out["skyddad"]] == ["Skyddad Svensson"]
    assert [r.name for r in preview.recipients] == ["Öppen Svensson"]

    job = confirm(db_session, kaa, run(db_session, kaa, [open_person, hidden]))
    assert job.status == "sent"
    printed = db_session.exec(select(GeneratedDocument)).all()
    assert all("Skyddad" not in " ".join(letters_in(d.content)) for d in printed)
    assert contacts(db_session) == [(open_person.id, "brev")]
    view = mailout.get_mailout_job(db_session, actor=kaa, job_id=job.id)
    assert [p.person.name for p in view.left_out["skyddad"]] == ["Skyddad Svensson"]
    assert [p.person.name for p in view.included] == ["Öppen Svensson"]


def test_the_docx_opens_with_one_letter_per_page_and_the_right_names(db_session, kaa, person):
    people = [person(f"Förnamn{n}", last="Efternamn & <Söner>") for n in range(3)]

    job = run(db_session, kaa, people)

    (document,) = db_session.exec(select(GeneratedDocument)).all()
    assert json.loads(job.document_ids) == [document.id]
    assert document.doc_type == "brev_ungdom" and document.letter_count == 3
    assert [t.splitlines()[0] for t in letters_in(document.content)] == [
        f"Förnamn{n} Efternamn & <Söner>" for n in range(3)
    ]
    assert engine_module.count_letters(document.content) == 3  # a page break between letters


# --- signed by each person's officer -------------------------------------------------------


def test_each_letter_is_signed_by_the_young_persons_officer_or_else_by_the_sender(
    db_session, kaa, person, staff, monkeypatch
):
    mine = person("Min", officer_id=staff["kaa"].id)
    theirs = person("Deras", officer_id=staff["arbetsmarknad"].id)
    nobodys = person("Ingens")
    gone = person("Lämnad", officer_id=staff["kaa2"].id)
    staff["kaa2"].active = False  # the officer has left: the sender signs instead
    db_session.add(staff["kaa2"])
    db_session.commit()
    signed = []
    real = document_service.generate_batch

    def spy(db, **kwargs):
        signed.extend(c["handlaggare"]["namn"] for c in kwargs["contexts"])
        return real(db, **kwargs)

    monkeypatch.setattr(document_service, "generate_batch", spy)

    preview = mailout.preview_mailout(
        db_session, actor=kaa, youth_ids=[mine.id, theirs.id, nobodys.id, gone.id], on=local_today()
    )
    run(db_session, kaa, [mine, theirs, nobodys, gone])

    names = {u: staff[u].display_name for u in ("kaa", "arbetsmarknad")}
    expected = [names["kaa"], names["arbetsmarknad"], names["kaa"], names["kaa"]]
    assert signed == expected
    assert [preview.signers[p.id] for p in (mine, theirs, nobodys, gone)] == expected


# --- made, then confirmed as posted -------------------------------------------------------


def test_making_the_files_records_nothing_confirming_records_each_letter_and_moves_the_ladder(
    db_session, kaa, person
):
    adult = person("Vuxen")
    minor = person("Minna", 16)
    assert {adult.next_step, minor.next_step} == {"brev"}

    sent_out = local_today() - timedelta(days=3)
    job = run(db_session, kaa, [adult, minor], on=sent_out)

    assert job.status == "ready" and job.letters_done == job.letter_count == 2
    assert contacts(db_session) == []
    assert db_session.get(Youth, adult.id).next_step == "brev"

    posted = local_today() - timedelta(days=1)
    job = confirm(db_session, kaa, job, posted_on=posted)
    stored = db_session.exec(select(ContactAttempt).order_by(ContactAttempt.youth_id)).all()
    assert [(c.youth_id, c.kind, c.on, c.to_guardians) for c in stored] == [
        (adult.id, "brev", posted, False),
        (minor.id, "brev", posted, True),
    ]
    assert job.status == "sent" and job.contact_count == 2 and job.confirmed_by == "kaa"
    assert job.posted_on == posted and job.sending_date == sent_out
    for youth in (db_session.get(Youth, adult.id), db_session.get(Youth, minor.id)):
        assert youth.next_step == "vykort" and youth.next_step_due > local_today()


def test_a_posted_letter_is_one_timeline_line_that_opens_the_file_it_was_printed_in(
    db_session, kaa, person
):
    adult = person("Vuxen")
    job = run(db_session, kaa, [adult])
    assert _timeline_titles(db_session, kaa, adult) == []  # made, not posted: nothing yet
    confirm(db_session, kaa, job)
    [line] = register.person_timeline(db_session, actor=kaa, youth=db_session.get(Youth, adult.id))
    [docx] = json.loads(job.document_ids)
    assert (line.kind, line.ref_type, line.ref_id) == ("kontakt", "generated_document", docx)


def test_a_single_letter_is_one_timeline_line_with_its_document(db_session, kaa, person):
    adult = person("Ensam")
    document, _missing = mailout.generate_letter(
        db_session, actor=kaa, youth_id=adult.id, step="brev", on=local_today()
    )
    db_session.commit()
    [line] = register.person_timeline(db_session, actor=kaa, youth=db_session.get(Youth, adult.id))
    assert (line.ref_type, line.ref_id) == ("generated_document", document.id)
    assert line.title == "Brev skickat"


def _timeline_titles(db, actor, youth) -> list[str]:
    return [i.title for i in register.person_timeline(db, actor=actor, youth=youth)]


def test_confirming_twice_or_from_two_tabs_records_each_letter_once(db_session, kaa, person):
    people = [person(f"P{n}") for n in range(3)]
    job = run(db_session, kaa, people)

    confirm(db_session, kaa, job)
    again = confirm(db_session, kaa, job)

    assert again.status == "sent" and again.contact_count == 3
    assert sorted(contacts(db_session)) == sorted((p.id, "brev") for p in people)


def test_a_letter_marked_as_sent_by_hand_while_the_files_waited_is_not_recorded_twice(
    db_session, kaa, person
):
    from kaa_web.services import outreach

    marked, other = person("Markerad"), person("Annan")
    job = run(db_session, kaa, [marked, other], on=local_today() - timedelta(days=2))
    outreach.mark_letters_sent(
        db_session, actor=kaa, youth_ids=[marked.id], on=local_today() - timedelta(days=1)
    )
    db_session.commit()

    job = confirm(db_session, kaa, job)

    assert sorted(contacts(db_session)) == sorted([(marked.id, "brev"), (other.id, "brev")])
    assert job.contact_count == 1


def test_the_posting_date_must_lie_between_the_mail_out_and_today(db_session, kaa, person):
    job = run(db_session, kaa, [person("Vuxen")])
    for wrong in (job.sending_date - timedelta(days=1), local_today() + timedelta(days=1)):
        with pytest.raises(Invalid, match="Ange ett datum från") as error:
            mailout.confirm_mailout(db_session, actor=kaa, job_id=job.id, posted_on=wrong)
        assert "posted_on" in error.value.field_errors
        db_session.rollback()
    assert contacts(db_session) == []


def test_a_cancelled_mail_out_records_nothing_and_frees_its_people_for_a_new_one(
    db_session, kaa, person
):
    adult = person("Vuxen")
    first = run(db_session, kaa, [adult])

    busy = mailout.preview_mailout(db_session, actor=kaa, youth_ids=[adult.id], on=local_today())
    assert [p.id for p in busy.left_out["i_utskick"]] == [adult.id] and not busy.recipients
    db_session.rollback()

    mailout.cancel_mailout(db_session, actor=kaa, job_id=first.id)
    db_session.commit()
    with pytest.raises(Invalid):
        mailout.confirm_mailout(db_session, actor=kaa, job_id=first.id, posted_on=local_today())
    db_session.rollback()
    assert contacts(db_session) == []

    second = confirm(db_session, kaa, run(db_session, kaa, [adult]))
    assert second.status == "sent" and contacts(db_session) == [(adult.id, "brev")]
    with pytest.raises(Invalid, match="kan inte makuleras"):
        mailout.cancel_mailout(db_session, actor=kaa, job_id=second.id)


def test_a_letter_is_recorded_as_printed_even_if_the_ladder_moved_before_the_confirmation(
    db_session, kaa, person
):
    from kaa_web.services import outreach

    adult = person("Vuxen")
    job = run(db_session, kaa, [adult])
    outreach.record_contact(
        db_session,
        actor=kaa,
        youth=db_session.get(Youth, adult.id),
        data=outreach.ContactData(kind="telefon", on=local_today(), outcome="ej_nadd"),
    )
    db_session.commit()

    confirm(db_session, kaa, job)

    assert sorted(contacts(db_session)) == [(adult.id, "brev"), (adult.id, "telefon")]


# --- progress, files and failures ---------------------------------------------------------


def test_each_file_is_committed_as_it_is_made_so_the_page_can_count_the_progress(
    db_session, kaa, person, monkeypatch
):
    monkeypatch.setattr(mailout_files, "LETTERS_PER_FILE", 2)
    people = [person(f"P{n}") for n in range(5)]
    seen = []
    real = document_service.generate_batch
    engine = db_session.get_bind()

    def watch(db, **kwargs):
        with Session(engine) as other:  # what a polling request sees meanwhile
            job = other.exec(select(MailoutJob)).one()
            seen.append((job.letters_done, job.letter_count))
        return real(db, **kwargs)

    monkeypatch.setattr(document_service, "generate_batch", watch)

    job = run(db_session, kaa, people)

    assert seen == [(0, 5), (2, 5), (4, 5)]
    files = db_session.exec(select(GeneratedDocument).order_by(GeneratedDocument.id)).all()
    assert [d.letter_count for d in files] == [2, 2, 1]
    assert job.status == "ready" and job.letters_done == 5


def test_if_rendering_fails_the_job_fails_and_nothing_is_recorded(
    db_session, kaa, person, monkeypatch
):
    adult = person("Vuxen")
    minor = person("Minna", 16)
    real = engine_module.render_letters
    calls = []

    def fail_on_the_second_type(template, contexts):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the template broke")
        return real(template, contexts)

    monkeypatch.setattr(engine_module, "render_letters", fail_on_the_second_type)

    job = run(db_session, kaa, [adult, minor])

    assert job.status == "failed" and "inget är registrerat" in job.error
    with pytest.raises(Invalid):
        mailout.confirm_mailout(db_session, actor=kaa, job_id=job.id, posted_on=local_today())
    assert contacts(db_session) == []
    assert db_session.get(Youth, adult.id).next_step == "brev"
    again = mailout.preview_mailout(db_session, actor=kaa, youth_ids=[adult.id], on=local_today())
    assert again.youth_ids == [adult.id]  # a failed job holds nobody back


def test_a_job_is_seen_only_by_its_creator_and_kaa(db_session, kaa, officer, person):
    someone = person("Vuxen")
    job = run(db_session, officer, [someone])
    other_officer = factories.actor("arbetsmarknad2", roles=officer.roles)

    assert mailout.get_mailout_job(db_session, actor=officer, job_id=job.id).job.id == job.id
    assert mailout.get_mailout_job(db_session, actor=kaa, job_id=job.id).documents
    for call in (mailout.get_mailout_job, mailout.cancel_mailout):
        with pytest.raises(NotFound):
            call(db_session, actor=other_officer, job_id=job.id)
    with pytest.raises(NotFound):
        mailout.confirm_mailout(
            db_session, actor=other_officer, job_id=job.id, posted_on=local_today()
        )


def test_a_mail_out_of_someone_the_actor_cannot_see_is_refused(db_session, kaa, person):
    someone = person("Vuxen")
    ifo = factories.actor("ifo")
    with pytest.raises(PermissionError):
        mailout.preview_mailout(db_session, actor=ifo, youth_ids=[someone.id], on=local_today())
    with pytest.raises(NotFound):
        mailout.preview_mailout(
            db_session, actor=kaa, youth_ids=[someone.id, someone.id + 999], on=local_today()
        )
    with pytest.raises(NotFound):
        mailout.start_mailout(db_session, actor=kaa, youth_ids=[someone.id + 999], on=local_today())
    assert db_session.exec(select(MailoutJob)).all() == []


def test_a_pdf_copy_of_each_file_is_made_before_the_job_is_ready(db_session, kaa, person):
    someone = person("Pdf")
    job = mailout.start_mailout(
        db_session, actor=kaa, youth_ids=[someone.id], on=local_today(), make_pdf=True
    )
    db_session.commit()
    mailout.run_mailout_job(db_session, job_id=job.id)
    db_session.expire_all()

    view = mailout.get_mailout_job(db_session, actor=kaa, job_id=job.id)
    assert view.job.status == "ready" and view.job.error == ""
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


def test_a_job_whose_worker_fell_silent_is_taken_over_by_the_minutely_check(
    app, db_session, kaa, person
):
    someone = person("Vuxen")
    job = mailout.start_mailout(db_session, actor=kaa, youth_ids=[someone.id], on=local_today())
    job.status, job.attempts = "running", 1
    job.heartbeat_at = utcnow() - timedelta(seconds=61)  # past the 60 s lease
    db_session.add(job)
    db_session.commit()

    app.extensions["kaa_jobs"].minutely()  # what a worker runs at its start and every minute

    db_session.expire_all()
    job = db_session.get(MailoutJob, job.id)
    assert (job.status, job.attempts, job.letters_done) == ("ready", 2, 1)


def test_a_job_no_worker_could_finish_is_given_up_with_nothing_recorded(
    app, db_session, kaa, person
):
    someone = person("Vuxen")
    job = mailout.start_mailout(db_session, actor=kaa, youth_ids=[someone.id], on=local_today())
    job.status, job.attempts = "running", mailout_runs.MAX_ATTEMPTS
    job.heartbeat_at = utcnow() - timedelta(minutes=5)
    db_session.add(job)
    db_session.commit()

    app.extensions["kaa_jobs"].minutely()

    view = mailout.get_mailout_job(db_session, actor=kaa, job_id=job.id)
    assert view.job.status == "failed" and "inget är registrerat" in view.job.error
    mailout.run_mailout_job(db_session, job_id=job.id)  # too late: no-op
    assert db_session.exec(select(MailoutPerson)).all() == []
    assert contacts(db_session) == []


def test_a_worker_that_lost_its_job_to_another_stores_nothing(db_session, kaa, person, monkeypatch):
    someone = person("Vuxen")
    job = mailout.start_mailout(db_session, actor=kaa, youth_ids=[someone.id], on=local_today())
    db_session.commit()
    real = document_service.generate_batch

    def taken_over_meanwhile(db, **kwargs):
        with Session(db.get_bind()) as other:  # another worker claims it while this one renders
            other.exec(sa.update(MailoutJob).values(worker_token="another-worker"))
            other.commit()
        return real(db, **kwargs)

    monkeypatch.setattr(document_service, "generate_batch", taken_over_meanwhile)
    mailout.run_mailout_job(db_session, job_id=job.id)

    db_session.expire_all()
    assert db_session.get(MailoutJob, job.id).letters_done == 0
    assert db_session.exec(select(GeneratedDocument)).all() == []
