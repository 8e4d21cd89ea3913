"""Generating documents with a type's active template: one letter, a meeting's, the nämnd
report, a mail-out batch, a receipt, an internal one; stored, linked and logged."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from kaa_web import audit
from kaa_web.db import insert_rows
from kaa_web.docx import render
from kaa_web.docx.types import DocumentType
from kaa_web.models.base import local_today
from kaa_web.models.documents import GeneratedDocument, GeneratedDocumentYouth
from kaa_web.permissions import Actor
from kaa_web.services import letter_context, timeline
from kaa_web.services.documents.templates import active_template, document_type


def _full_context(context: dict, kommun: dict) -> dict:
    """The caller's values plus the letterhead (always from the database) and today's date."""
    return {"datum": local_today(), **context, "kommun": kommun}


def _file_name(doc_type: DocumentType, suffix: str) -> str:
    return f"{doc_type.code}_{local_today().isoformat()}{suffix}.docx"


def _render_one(db: Session, doc_type: str, context: dict) -> tuple[DocumentType, int, bytes]:
    """(type, template version, .docx bytes) of one document with the type's active template."""
    version, template = active_template(db, doc_type)
    content = render.render_document(
        template, _full_context(context, letter_context.letterhead(db))
    )
    return document_type(doc_type), version, content


def render_internal(db: Session, *, doc_type: str, context: dict) -> bytes:
    """A document that stays inside the administration (the read log for the data-protection
    officer): rendered with the type's active template like any other, never stored or linked
    to a young person. The caller logs it."""
    return _render_one(db, doc_type, context)[2]


def generate_document(
    db: Session,
    *,
    actor: Actor,
    doc_type: str,
    context: dict,
    youth_id: int | None = None,
    on_timeline: bool = True,
) -> GeneratedDocument:
    """Render one document with the type's active template, store it as sent, log it.

    `context` is plain data (see kaa_web.docx.types for each type's variables); `kommun`
    comes from the saved letterhead and `datum` defaults to today. The document gets its own
    line on the person's timeline unless `on_timeline` is False: then the caller's own line
    (a referral, a letter's contact) links it. The caller commits.
    """
    actor.need("documents.generate")
    kind, version, content = _render_one(db, doc_type, context)
    suffix = f"_{youth_id}" if youth_id is not None else ""
    name = _file_name(kind, suffix)
    return _store(db, actor, kind, version, content, 1, [youth_id], name, on_timeline)


def generate_meeting_document(
    db: Session, *, actor: Actor, doc_type: str, context: dict, meeting_id: int, file_name: str
) -> GeneratedDocument:
    """A meeting's notice or minutes, stored with the meeting; the caller commits.

    The meetings service has checked that the actor runs the meeting (a chef without
    `documents.generate` may convene); the document names no young person.
    """
    kind, version, content = _render_one(db, doc_type, context)
    document = _store(db, actor, kind, version, content, 1, [], file_name)
    document.meeting_id = meeting_id
    db.add(document)
    return document


def generate_statistics_report(
    db: Session, *, actor: Actor, context: dict, file_name: str
) -> GeneratedDocument:
    """A nämnd report, stored as generated; the statistics service has checked that the actor
    makes reports, and the report names no young person. The caller commits."""
    kind, version, content = _render_one(db, "namndrapport", context)
    return _store(db, actor, kind, version, content, 1, [], file_name)


ACTION_PLAN_TYPES = ("handlingsplan", "handlingsplan_uppfoljning")


def generate_action_plan_document(
    db: Session, *, actor: Actor, doc_type: str, context: dict, file_name: str
) -> GeneratedDocument:
    """The adopted action plan or its review, stored as generated; the action plan service has
    checked that the actor writes the plan, which names no young person. The caller commits."""
    if doc_type not in ACTION_PLAN_TYPES:
        raise ValueError(f"not an action plan document: {doc_type!r}")
    kind, version, content = _render_one(db, doc_type, context)
    return _store(db, actor, kind, version, content, 1, [], file_name)


def generate_batch(
    db: Session,
    *,
    actor: Actor,
    doc_type: str,
    contexts: Sequence[dict],
    youth_ids: Sequence[int | None],
) -> GeneratedDocument:
    """Render many letters of one type into ONE document (a mail-out), store it and log each.

    `contexts[i]` is the letter for `youth_ids[i]`; one `document_generated` audit event is
    recorded per young person. No timeline line: a letter is the one line of its contact
    ("brev skickat", which links the document) once it is posted. The caller commits.
    """
    actor.need("documents.generate")
    if len(contexts) != len(youth_ids):
        raise ValueError("one youth id per letter")
    kind = document_type(doc_type)
    version, template = active_template(db, doc_type)
    kommun = letter_context.letterhead(db)
    letters = [_full_context(c, kommun) for c in contexts]
    content = render.render_letters(template, letters)
    name = _file_name(kind, f"_{len(letters)}_brev")
    return _store(db, actor, kind, version, content, len(letters), youth_ids, name, False)


def store_receipt(
    db: Session, *, actor: Actor, context: dict, youth_ids: Sequence[int | None], file_name: str
) -> GeneratedDocument:
    """A school report's receipt, rendered with the active template and stored as sent.

    Schools may have their own receipts (the report service checks whose report it is). The
    report's own line on the student's timeline stands for it.
    """
    actor.need("school_reports.receipt")
    kind, version, content = _render_one(db, "kvitto_skolanmalan", context)
    return _store(db, actor, kind, version, content, 1, list(youth_ids), file_name, False)


def _store(
    db, actor, kind, version, content, count, youth_ids, file_name, on_timeline=True
) -> GeneratedDocument:
    """Keep the document as generated, link it to each young person and log it for each."""
    youth = list(dict.fromkeys(y for y in youth_ids if y is not None))
    document = GeneratedDocument(
        doc_type=kind.code,
        template_version=version,
        file_name=file_name,
        content_type=render.DOCX_CONTENT_TYPE,
        content=content,
        letter_count=count,
        created_by=actor.username,
        youth_id=youth[0] if count == 1 and youth else None,
    )
    db.add(document)
    db.flush()
    if youth:
        links = [{"document_id": document.id, "youth_id": youth_id} for youth_id in youth]
        insert_rows(db, GeneratedDocumentYouth.__table__, links)
    if youth and on_timeline:
        timeline.add_entries(
            db,
            actor=actor,
            youth_ids=youth,
            kind="dokument",
            title=f"Dokument skapat: {kind.name}",
            ref_type="generated_document",
            ref_id=document.id,
        )
    audit.record_many(
        db,
        actor,
        "document_generated",
        object_type="generated_document",
        items=[(document.id, youth_id) for youth_id in youth or [None]],
    )
    return document
