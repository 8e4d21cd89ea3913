"""Making a mail-out's files: the job a worker runs, who is in, one .docx per type, PDF copies."""

from __future__ import annotations

import json
import logging
import tempfile
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from kaa_web import audit
from kaa_web.db import insert_rows
from kaa_web.docx import pdf as docx_pdf
from kaa_web.models.base import utcnow
from kaa_web.models.documents import GeneratedDocument, GeneratedDocumentYouth
from kaa_web.models.mailout import MailoutJob, MailoutPerson
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.services import documents as document_service
from kaa_web.services import letter_context
from kaa_web.services.errors import NotFound
from kaa_web.services.mailout.letter import letter_fields
from kaa_web.services.mailout.preview import (
    TYPE_ORDER,
    Preview,
    checked_selection,
    classify,
    load_people,
    visible_people,
)

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
LETTERS_PER_FILE = 1000  # a print run Word and the printer queue handle comfortably
FAILED_MESSAGE = (
    "Utskicket kunde inte skapas, och inget är registrerat som skickat. Försök igen, och "
    "kontakta systemförvaltningen om det händer igen."
)
STALE_MESSAGE = (
    "Utskicket avbröts innan det blev klart (servern startades om), och inget är registrerat "
    "som skickat. Starta det igen från Att göra."
)
PDF_FAILED = "PDF-filerna kunde inte skapas. Word-filerna går att skriva ut som de är."


def start_mailout(
    db: Session, *, actor: Actor, youth_ids: list[int], on: date, make_pdf: bool = False
) -> MailoutJob:
    """A queued job for these people (the view's one-time code makes a double click start one).
    NotFound for people not visible. The caller commits, then starts run_mailout_job."""
    actor.need("documents.generate")
    wanted = checked_selection(youth_ids)
    if len(visible_people(db, actor, wanted, what=Youth.id)) != len(wanted):
        raise NotFound("mail-out selection")
    job = MailoutJob(
        created_by=actor.username,
        created_by_id=actor.staff_id,
        sending_date=on,
        make_pdf=make_pdf,
        youth_ids=json.dumps(wanted),
        person_count=len(wanted),
    )
    db.add(job)
    db.flush()
    audit.record(db, actor, "create", object_type="mailout_job", object_id=job.id)
    return job


def run_mailout_job(engine: sa.Engine, *, actor: Actor, job_id: int) -> None:
    """Run a queued job in a session of its own (the thread's); at most once per job."""
    with Session(engine, expire_on_commit=False) as db:
        claimed = db.exec(
            sa.update(MailoutJob)
            .where(MailoutJob.id == job_id, MailoutJob.status == "queued")
            .values(status="running", phase="Skapar brev", started_at=utcnow())
        ).rowcount
        db.commit()
        if not claimed:
            return
        job = db.get(MailoutJob, job_id)
        try:
            made = _make_files(db, actor, job)
        except Exception:
            log.exception("mail-out job %s failed", job_id)
            db.rollback()
            _fail(db, job_id, FAILED_MESSAGE)
            return
        if job.make_pdf and made:
            _add_pdfs(db, actor, job, made)
        else:
            _ready(db, job)


def _make_files(db: Session, actor: Actor, job: MailoutJob) -> list[GeneratedDocument]:
    """Who is in, then each file, committed one at a time so the page can show the progress."""
    people = load_people(db, actor, json.loads(job.youth_ids))
    preview = classify(db, people, job.sending_date, job.id)
    _store_people(db, job, preview)
    job.letter_count = len(preview.recipients)
    db.add(job)
    db.commit()
    by_id = {p.id: p for p in people}
    signers = letter_context.signers(db, actor, [by_id[i] for i in preview.youth_ids])
    made = []
    for code in TYPE_ORDER:
        letters = [r for r in preview.recipients if r.doc_type == code]
        for start in range(0, len(letters), LETTERS_PER_FILE):
            part = letters[start : start + LETTERS_PER_FILE]
            document = document_service.generate_batch(
                db,
                actor=actor,
                doc_type=code,
                contexts=[
                    letter_fields(r, by_id[r.youth.id], signers[r.youth.id], job.sending_date)
                    for r in part
                ],
                youth_ids=[r.youth.id for r in part],
            )
            made.append(document)
            job.document_ids = json.dumps([d.id for d in made])
            job.letters_done += len(part)
            db.add(job)
            db.commit()
    return made


def _store_people(db: Session, job: MailoutJob, preview: Preview) -> None:
    missing: dict[int, list[str]] = {}
    for m in preview.missing:
        missing.setdefault(m.youth.id, []).append(m.name)
    rows = [
        {
            "job_id": job.id,
            "youth_id": youth_id,
            "outcome": "med",
            "step": step,
            "to_guardians": to_guardians,
            "missing": "; ".join(missing.get(youth_id, []))[:500],
        }
        for youth_id, (step, to_guardians) in preview.steps.items()
    ]
    rows += [
        {
            "job_id": job.id,
            "youth_id": person.id,
            "outcome": reason,
            "step": "",
            "to_guardians": False,
            "missing": "; ".join(missing.get(person.id, []))[:500],
        }
        for reason, people in preview.left_out.items()
        for person in people
    ]
    insert_rows(db, MailoutPerson.__table__, rows)


def _ready(db: Session, job: MailoutJob) -> None:
    job.status, job.phase, job.finished_at = "ready", "", utcnow()
    db.add(job)
    db.commit()


def _fail(db: Session, job_id: int, message: str) -> None:
    job = db.get(MailoutJob, job_id)
    job.status, job.phase, job.error, job.finished_at = "failed", "", message, utcnow()
    db.add(job)
    db.commit()


def give_up(db: Session, job: MailoutJob) -> None:
    """A job its server stopped running: failed before its last file, or only its PDFs missing."""
    if job.letter_count and job.letters_done == job.letter_count:
        job.error = PDF_FAILED
        _ready(db, job)
    else:
        _fail(db, job.id, STALE_MESSAGE)


def _add_pdfs(db: Session, actor: Actor, job: MailoutJob, made: list[GeneratedDocument]) -> None:
    """PDF copies of the committed .docx files, after the fact: LibreOffice may be slow."""
    job.phase = "Skapar PDF-filer"
    db.add(job)
    db.commit()
    try:
        with tempfile.TemporaryDirectory(prefix="kaa-mailout-") as tmp:
            files = []
            for n, document in enumerate(made):
                path = Path(tmp) / f"{n:03d}_{document.file_name}"
                path.write_bytes(document.content)
                files.append(path)
            pdfs = docx_pdf.convert_to_pdf(files, Path(tmp) / "pdf") or []
            ids = [
                _store_pdf(db, actor, d, p.read_bytes()) for d, p in zip(made, pdfs, strict=True)
            ]
    except Exception:
        log.exception("mail-out job %s: PDF conversion failed", job.id)
        db.rollback()
        ids, job.error = [], PDF_FAILED
    job.document_ids = json.dumps([*json.loads(job.document_ids), *ids])
    _ready(db, job)


def _store_pdf(db: Session, actor: Actor, docx: GeneratedDocument, content: bytes) -> int:
    youth_ids = document_service.youth_ids_of(db, docx)
    pdf = GeneratedDocument(
        doc_type=docx.doc_type,
        template_version=docx.template_version,
        file_name=docx.file_name.removesuffix(".docx") + ".pdf",
        content_type=docx_pdf.PDF_CONTENT_TYPE,
        content=content,
        letter_count=docx.letter_count,
        created_by=actor.username,
    )
    db.add(pdf)
    db.flush()
    links = [{"document_id": pdf.id, "youth_id": y} for y in youth_ids]
    insert_rows(db, GeneratedDocumentYouth.__table__, links)
    audit.record_many(
        db,
        actor,
        "document_generated",
        object_type="generated_document",
        items=[(pdf.id, youth_id) for youth_id in youth_ids],
    )
    return pdf.id


def pdf_available() -> bool:
    return docx_pdf.soffice_path() is not None
