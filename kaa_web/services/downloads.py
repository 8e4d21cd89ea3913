"""Downloading any stored document by its id (composition: a meeting's notice and minutes are
checked by the meetings feature, every other document by the documents feature)."""

from __future__ import annotations

from sqlmodel import Session

from kaa_web import audit
from kaa_web.models.documents import GeneratedDocument
from kaa_web.permissions import Actor
from kaa_web.services import documents, meetings
from kaa_web.services.errors import NotFound


def open_document(db: Session, *, actor: Actor, document_id: int) -> GeneratedDocument:
    """The document if the actor may open it, its read logged; NotFound (the denial logged)
    otherwise. A meeting's document: whoever sees the meeting, exactly as on its page. The
    caller commits the read's log."""
    actor.need("documents.generate")
    document = db.get(GeneratedDocument, document_id)
    if document is None or document.meeting_id is None:
        return documents.open_generated_document(db, actor=actor, document_id=document_id)
    try:
        document = meetings.open_meeting_document(
            db, actor=actor, meeting_id=document.meeting_id, document_id=document.id
        )
    except NotFound:
        raise audit.record_denied(
            db, actor, object_type="generated_document", object_id=document_id
        ) from None
    return document
