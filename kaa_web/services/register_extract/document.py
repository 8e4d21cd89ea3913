"""Making the register extract: the Word document for the young person (and its PDF),
stored as sent, on their timeline, and logged as an export of their data."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlmodel import Session

from kaa_web import audit
from kaa_web.docx import pdf
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.services import documents, letter_context
from kaa_web.services.access import get_youth, record_read
from kaa_web.services.register_extract.sections import Extract

DOC_TYPE = "registerutdrag"


def extract_context(db: Session, *, actor: Actor, youth: Youth) -> dict:
    """The extract's data for the template: the person as recipient (without an address when
    protected), the sender, and every section."""
    hidden = youth.protected_identity
    recipient = (
        letter_context.recipient(youth.full_name)
        if hidden
        else letter_context.recipient(
            youth.full_name, youth.street_address, youth.postal_code, youth.city
        )
    )
    return {
        "mottagare": recipient,
        "handlaggare": letter_context.sender(db, actor),
        "ungdom": letter_context.young_person(youth),
        "utdrag": {"skyddad": "Ja" if hidden else "", "avsnitt": Extract(db, youth).sections()},
    }


def make_extract(db: Session, *, actor: Actor, youth_id: int) -> GeneratedDocument:
    """The person's register extract as a Word document, stored as sent (on their timeline)
    and logged as an export of the person's data. The caller commits."""
    actor.need("register.extract")
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    record_read(db, actor, youth)
    context = extract_context(db, actor=actor, youth=youth)
    document = documents.generate_document(
        db, actor=actor, doc_type=DOC_TYPE, context=context, youth_id=youth.id
    )
    audit.record(
        db,
        actor,
        "export",
        object_type="register_extract",
        object_id=document.id,
        youth_id=youth.id,
    )
    return document


def stored_extract(
    db: Session, *, actor: Actor, youth_id: int, document_id: int
) -> GeneratedDocument:
    """An extract made earlier for this person (its read logged), else NotFound."""
    actor.need("register.extract")
    document = documents.open_generated_document(db, actor=actor, document_id=document_id)
    if document.doc_type != DOC_TYPE or document.youth_id != youth_id:
        raise audit.record_denied(
            db, actor, object_type="generated_document", object_id=document_id
        )
    return document


def as_pdf(document: GeneratedDocument) -> bytes:
    """The extract converted by LibreOffice; RuntimeError when it is not installed here."""
    with tempfile.TemporaryDirectory(prefix="kaa-extract-") as tmp:
        source = Path(tmp) / document.file_name
        source.write_bytes(document.content)
        made = pdf.convert_to_pdf([source], Path(tmp) / "pdf", timeout=60)
        if made is None:
            raise RuntimeError("LibreOffice is not installed")
        return made[0].read_bytes()
