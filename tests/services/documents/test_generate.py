"""Generated documents are stored as sent, linked to each young person and logged; opening one
is logged."""

from __future__ import annotations

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.documents import GeneratedDocument, GeneratedDocumentYouth
from kaa_web.services import documents as service
from kaa_web.services.errors import NotFound
from tests.docx_samples import text_of
from tests.services.documents.helpers import KAA, letter_context


def test_a_generated_document_is_stored_as_sent_and_logged_with_the_young_person(
    db_session, person_id
):
    document = service.generate_document(
        db_session,
        actor=KAA,
        doc_type="brev_ungdom",
        context=letter_context(),
        youth_id=person_id(42),
    )
    stored = db_session.get(GeneratedDocument, document.id)
    assert (
        stored.youth_id == person_id(42) and stored.created_by == "kaa" and stored.letter_count == 1
    )
    assert "Alex Andersson" in text_of(stored.content)
    assert "Exempelkommun" in text_of(stored.content)  # the default letterhead
    events = db_session.exec(
        select(AuditEvent).where(AuditEvent.action == "document_generated")
    ).all()
    assert [(e.youth_id, e.object_id) for e in events] == [(person_id(42), str(document.id))]


def test_a_mail_out_is_one_document_with_a_letter_per_young_person(db_session, person_id):
    names = [f"Person {n}" for n in range(5)]
    document = service.generate_batch(
        db_session,
        actor=KAA,
        doc_type="brev_ungdom",
        contexts=[letter_context(name) for name in names],
        youth_ids=[person_id(10), person_id(11), person_id(12), person_id(13), person_id(14)],
    )
    assert document.letter_count == 5 and document.youth_id is None
    text = text_of(document.content)
    assert all(name in text for name in names)
    linked = db_session.exec(select(GeneratedDocumentYouth.youth_id)).all()
    assert sorted(linked) == sorted(person_id(n) for n in range(10, 15))
    events = db_session.exec(
        select(AuditEvent).where(AuditEvent.action == "document_generated")
    ).all()
    assert sorted(e.youth_id for e in events) == sorted(person_id(n) for n in range(10, 15))


def test_opening_a_stored_document_is_logged_per_young_person(db_session, person_id):
    document = service.generate_batch(
        db_session,
        actor=KAA,
        doc_type="vykort",
        contexts=[letter_context("A"), letter_context("B")],
        youth_ids=[person_id(1), person_id(2)],
    )
    service.open_generated_document(db_session, actor=KAA, document_id=document.id)
    views = db_session.exec(select(AuditEvent).where(AuditEvent.action == "view")).all()
    assert sorted(e.youth_id for e in views) == sorted([person_id(1), person_id(2)])
    with pytest.raises(NotFound):
        service.open_generated_document(db_session, actor=KAA, document_id=document.id + 99)
