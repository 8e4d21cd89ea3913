"""A mail-out confirmed as posted records each letter once; cancelled, it records nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.register import ContactAttempt, Youth
from kaa_web.services import mailout, register
from kaa_web.services.errors import Invalid
from tests.services.mailout.steps import (
    confirm,
    contacts,
    run,
    years_ago,
)

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
