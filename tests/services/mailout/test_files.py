"""Making the files: each committed as it is made, failures that record nothing, PDF copies."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from kaa_web.docx import render as engine_module
from kaa_web.models.base import local_today
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.mailout import MailoutJob
from kaa_web.models.register import Youth
from kaa_web.services import documents as document_service
from kaa_web.services import mailout
from kaa_web.services.errors import Invalid
from kaa_web.services.mailout import files as mailout_files
from tests.services.mailout.steps import (
    contacts,
    run,
)

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
