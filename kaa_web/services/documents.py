"""Documents: the letterhead, template versions (upload, check, switch) and generating documents."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

import sqlalchemy as sa
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.db import insert_rows
from kaa_web.docx import checks, render
from kaa_web.docx.types import DOCUMENT_TYPES, DocumentType, get_type
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.documents import (
    BUILTIN_VERSION,
    ActiveDocumentTemplate,
    DocumentTemplateVersion,
    GeneratedDocument,
    GeneratedDocumentYouth,
    Letterhead,
)
from kaa_web.models.register import Youth
from kaa_web.models.school_reports import SchoolReport
from kaa_web.permissions import Actor
from kaa_web.services import letter_context, timeline
from kaa_web.services.access import youth_visibility
from kaa_web.services.auth import account_names
from kaa_web.services.errors import NotFound

MAX_LOGO_BYTES = 1024 * 1024


class TemplateRejected(Exception):
    """An uploaded template was refused; `problems` says why, in Swedish."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# --- letterhead -----------------------------------------------------------------------------


def logo_problem(data: bytes) -> str | None:
    """Why a logo cannot be used (Swedish), or None: PNG or JPEG by content, at most 1 MB."""
    if len(data) > MAX_LOGO_BYTES:
        return "Logotypen får vara högst 1 MB."
    if not data.startswith(render.IMAGE_SIGNATURES):
        return "Logotypen måste vara en PNG- eller JPEG-bild."
    return None


@dataclass(frozen=True)
class LetterheadChange:
    namn: str
    adress: str = ""
    telefon: str = ""
    webb: str = ""
    kaa_kontakt: str = ""
    logotyp: bytes | None = None  # a new logo; None keeps the present one
    remove_logo: bool = False


def save_letterhead(db: Session, *, actor: Actor, change: LetterheadChange) -> Letterhead:
    """Save the letterhead (creating the row the first time); raises ValueError for a bad logo."""
    actor.need("templates.manage")
    if change.logotyp is not None and (problem := logo_problem(change.logotyp)):
        raise ValueError(problem)
    row = db.get(Letterhead, letter_context.LETTERHEAD_ID)
    row = row or Letterhead(id=letter_context.LETTERHEAD_ID, namn=change.namn)
    row.namn, row.adress, row.telefon = change.namn, change.adress, change.telefon
    row.webb, row.kaa_kontakt = change.webb, change.kaa_kontakt
    if change.remove_logo:
        row.logotyp = None
    elif change.logotyp is not None:
        row.logotyp = change.logotyp
    row.updated_by, row.updated_at = actor.username, utcnow()
    db.add(row)
    audit.record(
        db, actor, "update", object_type="letterhead", object_id=letter_context.LETTERHEAD_ID
    )
    db.commit()
    return row


# --- template versions ----------------------------------------------------------------------


@dataclass
class TypeOverview:
    """One document type on the catalogue page: its variables, versions and the active one."""

    doc_type: DocumentType
    versions: list[DocumentTemplateVersion] = field(default_factory=list)
    active_version: int = BUILTIN_VERSION
    uploaders: dict[str, str] = field(default_factory=dict)  # account -> the person's name


def _active_row(db: Session, code: str) -> DocumentTemplateVersion | None:
    choice = db.get(ActiveDocumentTemplate, code)
    if choice is None or choice.version_id is None:
        return None
    return db.get(DocumentTemplateVersion, choice.version_id)


def _overviews(db: Session, doc_types: list[DocumentType]) -> list[TypeOverview]:
    """The types' versions (newest first, without the template files) and the active ones."""
    codes = [t.code for t in doc_types]
    versions = db.exec(
        select(DocumentTemplateVersion)
        .options(defer(DocumentTemplateVersion.content))
        .where(DocumentTemplateVersion.doc_type.in_(codes))
        .order_by(DocumentTemplateVersion.version.desc())
    ).all()
    actives = {
        c.doc_type: c.version_id
        for c in db.exec(
            select(ActiveDocumentTemplate).where(ActiveDocumentTemplate.doc_type.in_(codes))
        ).all()
    }
    names = account_names(db, (v.uploaded_by for v in versions))
    overviews = []
    for doc_type in doc_types:
        mine = [v for v in versions if v.doc_type == doc_type.code]
        active_id = actives.get(doc_type.code)
        active = next((v.version for v in mine if v.id == active_id), BUILTIN_VERSION)
        overviews.append(TypeOverview(doc_type, mine, active, names))
    return overviews


def list_document_types(db: Session, *, actor: Actor) -> list[TypeOverview]:
    """Every type with its versions (newest first) and which one is active."""
    actor.need("templates.manage")
    return _overviews(db, list(DOCUMENT_TYPES.values()))


def describe_document_type(db: Session, *, actor: Actor, code: str) -> TypeOverview:
    """One type's overview; KeyError for an unknown code."""
    actor.need("templates.manage")
    [overview] = _overviews(db, [get_type(code)])
    return overview


def _safe_file_name(name: str, fallback: str) -> str:
    base = PurePath(name.replace("\\", "/")).name.strip()
    return (base or fallback)[:200]


def upload_template(
    db: Session, *, actor: Actor, code: str, file_name: str, data: bytes
) -> DocumentTemplateVersion:
    """Check an uploaded template and, if it passes, store it as the type's new active version.

    Raises TemplateRejected with every problem found; nothing is stored then.
    """
    actor.need("templates.manage")
    doc_type = get_type(code)
    if not file_name.lower().endswith(".docx"):
        raise TemplateRejected(["Mallen måste vara en Word-fil som slutar på .docx."])
    problems = checks.check_template(data, doc_type)
    if problems:
        raise TemplateRejected(problems)
    latest = db.exec(
        select(DocumentTemplateVersion.version)
        .where(DocumentTemplateVersion.doc_type == code)
        .order_by(DocumentTemplateVersion.version.desc())
    ).first()
    version = DocumentTemplateVersion(
        doc_type=code,
        version=(latest or 0) + 1,
        file_name=_safe_file_name(file_name, doc_type.template_file),
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor.username,
    )
    db.add(version)
    db.flush()
    _set_active(db, actor, code, version.id)
    audit.record(db, actor, "update", object_type="document_template", object_id=version.id)
    db.commit()
    return version


def _set_active(db: Session, actor: Actor, code: str, version_id: int | None) -> None:
    choice = db.get(ActiveDocumentTemplate, code) or ActiveDocumentTemplate(
        doc_type=code, changed_by=actor.username
    )
    choice.version_id, choice.changed_by, choice.changed_at = version_id, actor.username, utcnow()
    db.add(choice)


def activate_template(db: Session, *, actor: Actor, code: str, version: int) -> None:
    """Make an earlier version (or the built-in one, version 0) the type's active template."""
    actor.need("templates.manage")
    get_type(code)
    row = None
    if version != BUILTIN_VERSION:
        row = db.exec(
            select(DocumentTemplateVersion).where(
                DocumentTemplateVersion.doc_type == code,
                DocumentTemplateVersion.version == version,
            )
        ).first()
        if row is None:
            raise LookupError(f"{code} version {version}")
    _set_active(db, actor, code, row.id if row else None)
    audit.record(
        db,
        actor,
        "update",
        object_type="document_template",
        object_id=row.id if row else f"{code}:builtin",
    )
    db.commit()


def template_file(db: Session, *, actor: Actor, code: str, version: int) -> tuple[str, bytes]:
    """(file name, bytes) of one version of a type's template; LookupError when there is none."""
    actor.need("templates.manage")
    doc_type = get_type(code)
    if version == BUILTIN_VERSION:
        return doc_type.template_file, doc_type.builtin_path.read_bytes()
    row = db.exec(
        select(DocumentTemplateVersion).where(
            DocumentTemplateVersion.doc_type == code, DocumentTemplateVersion.version == version
        )
    ).first()
    if row is None:
        raise LookupError(f"{code} version {version}")
    stem = PurePath(doc_type.template_file).stem
    return f"{stem}_v{row.version}.docx", row.content


def active_template(db: Session, code: str) -> tuple[int, bytes]:
    """(version number, bytes) of the template a type uses now."""
    row = _active_row(db, code)
    if row is None:
        return BUILTIN_VERSION, get_type(code).builtin_path.read_bytes()
    return row.version, row.content


# --- generating -----------------------------------------------------------------------------


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
    return get_type(doc_type), version, content


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
    kind = get_type(doc_type)
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


def _may_see_all(db: Session, actor: Actor, youth_ids: list[int]) -> bool:
    visible = db.exec(
        select(sa.func.count())
        .select_from(Youth)
        .where(Youth.id.in_(youth_ids), youth_visibility(actor))
    ).one()
    return visible == len(youth_ids)


def youth_ids_of(db: Session, document: GeneratedDocument) -> list[int]:
    """The young people a stored document concerns (one for a letter, many for a mail-out)."""
    rows = db.exec(
        select(GeneratedDocumentYouth.youth_id)
        .where(GeneratedDocumentYouth.document_id == document.id)
        .order_by(GeneratedDocumentYouth.youth_id)
    ).all()
    return list(rows)


def _may_open(db: Session, actor: Actor, document: GeneratedDocument, youth: list[int]) -> bool:
    """What a document belongs to decides who may open it: a school report's receipt, the
    report's inbox handlers and school; a letter or mail-out, whoever may see every young
    person in it; anything else, its creator."""
    receipt_of = db.exec(
        select(SchoolReport.school_unit_id).where(SchoolReport.receipt_document_id == document.id)
    ).first()
    if receipt_of is not None:
        return actor.can("inbox.handle") or (
            actor.can("school_reports.submit") and receipt_of in actor.school_unit_ids
        )
    if youth:
        return _may_see_all(db, actor, youth)
    return document.created_by == actor.username


def open_generated_document(db: Session, *, actor: Actor, document_id: int) -> GeneratedDocument:
    """A stored document for download, checked against what it belongs to; the read is logged
    (per young person). NotFound, after logging the denial, when the actor may not open it.
    A meeting's notice or minutes is the meetings feature's to check (services/downloads)."""
    actor.need("documents.generate")
    document = db.get(GeneratedDocument, document_id)
    if document is None:
        raise NotFound(document_id)
    youth = youth_ids_of(db, document)
    if document.meeting_id is not None or not _may_open(db, actor, document, youth):
        raise audit.record_denied(
            db, actor, object_type="generated_document", object_id=document_id
        )
    audit.record_many(
        db,
        actor,
        "view",
        object_type="generated_document",
        items=[(document.id, youth_id) for youth_id in youth or [None]],
    )
    db.commit()
    return document
