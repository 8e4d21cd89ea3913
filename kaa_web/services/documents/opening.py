"""Opening a stored document: what it belongs to decides who may, and the read is logged."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.documents import GeneratedDocument, GeneratedDocumentYouth
from kaa_web.models.register import Youth
from kaa_web.models.school_reports import SchoolReport
from kaa_web.permissions import Actor
from kaa_web.services.access import youth_visibility
from kaa_web.services.errors import NotFound


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
    A meeting's notice or minutes is the meetings feature's to check (services/downloads).
    The caller commits the read's log."""
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
    return document
