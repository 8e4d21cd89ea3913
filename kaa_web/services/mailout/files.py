"""Making a mail-out's files: who is in (stored once), one .docx per document type, PDF copies.

Each step is stored as it is done, so a job a worker stopped in the middle (`runs`) goes on
from what is stored: the people are classified once, a person whose letter is in a stored
file gets no second one, and the PDF copies are stored together with the job being ready.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.db import insert_rows
from kaa_web.docx import pdf as docx_pdf
from kaa_web.docx.render import DOCX_CONTENT_TYPE
from kaa_web.models.documents import GeneratedDocument, GeneratedDocumentYouth
from kaa_web.models.mailout import MailoutJob, MailoutPerson
from kaa_web.permissions import Actor
from kaa_web.services import documents as document_service
from kaa_web.services import letter_context
from kaa_web.services.mailout.letter import letter_fields
from kaa_web.services.mailout.preview import (
    TYPE_ORDER,
    Preview,
    Recipient,
    classify,
    guardians_of,
    load_people,
    recipients_for,
)

log = logging.getLogger(__name__)

# A whole term-start print run in one file per document type: a print shop and Word take
# 5,000 pages, and the render's limits grow with the letters (kaa_web.docx.limits).
LETTERS_PER_FILE = 5000
PDF_FAILED = "PDF-filerna kunde inte skapas. Word-filerna går att skriva ut som de är."

# Stores the job's progress (letter_count, letters_done, document_ids, phase) and commits;
# raises if another worker has taken the job over, so nothing of this one is stored.
Progress = Callable[..., None]


def make_files(db: Session, actor: Actor, job: MailoutJob, progress: Progress) -> list[int]:
    """The job's Word files, made or found made: their ids, in order."""
    made = _word_files(db, json.loads(job.document_ids))
    printed = _letters_in(db, made)
    if _people_stored(db, job.id):  # a stopped job's: go on from what it stored
        youth, letters = _letters_to_make(db, actor, job, set(printed))
    else:
        people = load_people(db, actor, json.loads(job.youth_ids))
        preview = classify(db, people, job.sending_date, job.id)
        _store_people(db, job, preview)
        progress(letter_count=len(preview.recipients))
        youth = {y.id: y for y in people if y.id in preview.steps}
        letters = preview.recipients
    parts = [
        (code, part)
        for code in TYPE_ORDER
        for part in _files_of([r for r in letters if r.doc_type == code])
    ]
    signers = letter_context.signers(db, actor, list(youth.values()))
    done = len(printed)
    for code, part in parts:
        people = [r.youth.id for r in part]
        document = document_service.generate_batch(
            db,
            actor=actor,
            doc_type=code,
            contexts=[
                letter_fields(r, youth[r.youth.id], signers[r.youth.id], job.sending_date)
                for r in part
            ],
            youth_ids=people,
        )
        made.append(document.id)
        done += len(part)
        progress(letters_done=done, document_ids=json.dumps(made))
    return made


def _people_stored(db: Session, job_id: int) -> bool:
    found = db.exec(select(MailoutPerson.id).where(MailoutPerson.job_id == job_id).limit(1))
    return found.first() is not None


def _word_files(db: Session, ids: list[int]) -> list[int]:
    rows = db.exec(
        select(GeneratedDocument.id)
        .where(GeneratedDocument.id.in_(ids), GeneratedDocument.content_type == DOCX_CONTENT_TYPE)
        .order_by(GeneratedDocument.id)
    )
    return list(rows)


def _letters_in(db: Session, document_ids: list[int]) -> list[int]:
    """The people with a letter in these files (one entry per letter's person and file)."""
    if not document_ids:
        return []
    rows = db.exec(
        select(GeneratedDocumentYouth.youth_id).where(
            GeneratedDocumentYouth.document_id.in_(document_ids)
        )
    )
    return list(rows)


def _files_of(letters: list[Recipient]) -> list[list[Recipient]]:
    return [letters[i : i + LETTERS_PER_FILE] for i in range(0, len(letters), LETTERS_PER_FILE)]


def _letters_to_make(db: Session, actor: Actor, job: MailoutJob, printed: set[int]):
    """The people still to print for, by id, and their letters: those of everyone stored as
    included whose letter is in no stored file, addressed as the household rule says."""
    rows = db.exec(
        select(MailoutPerson.youth_id, MailoutPerson.step)
        .where(MailoutPerson.job_id == job.id, MailoutPerson.outcome == "med")
        .order_by(MailoutPerson.id)
    ).all()
    todo = [(youth_id, step) for youth_id, step in rows if youth_id not in printed]
    people = load_people(db, actor, [youth_id for youth_id, _ in todo]) if todo else []
    guardians = guardians_of(db, [y.id for y in people])
    letters: list[Recipient] = []
    for youth, (_, step) in zip(people, todo, strict=True):
        letters += recipients_for(youth, guardians[youth.id], job.sending_date, step)[0]
    return {y.id: y for y in people}, letters


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


def add_pdfs(db: Session, actor: Actor, job_id: int, made: list[int]) -> tuple[list[int], str]:
    """PDF copies of the stored .docx files (not committed: they are stored with the job being
    ready); the ids and, when LibreOffice failed, the message to show."""
    documents = [db.get(GeneratedDocument, i) for i in made]
    try:
        with tempfile.TemporaryDirectory(prefix="kaa-mailout-") as tmp:
            files = []
            for n, document in enumerate(documents):
                path = Path(tmp) / f"{n:03d}_{document.file_name}"
                path.write_bytes(document.content)
                files.append(path)
            pdfs = docx_pdf.convert_to_pdf(files, Path(tmp) / "pdf") or []
            return [
                _store_pdf(db, actor, d, p.read_bytes())
                for d, p in zip(documents, pdfs, strict=True)
            ], ""
    except Exception:
        log.exception("mail-out job %s: PDF conversion failed", job_id)
        db.rollback()
        return [], PDF_FAILED


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
