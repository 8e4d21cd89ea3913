"""Who gets which letter at which address, signed by whom, and who is left out and why."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.docx import render as engine_module
from kaa_web.models.base import local_today
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.register import Youth
from kaa_web.services import documents as document_service
from kaa_web.services import mailout
from kaa_web.services.errors import Invalid
from tests.services.mailout.steps import (
    add_guardian,
    confirm,
    contacts,
    letters_in,
    run,
    years_ago,
)

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
