"""/dokument/<id>: every stored document is checked against what it belongs to; denials are 404s."""

from __future__ import annotations

from sqlmodel import select

from kaa_web.docx.types import get_type
from kaa_web.models.audit import AuditEvent
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.school_reports import SchoolReport
from kaa_web.services import documents as service
from tests import factories
from tests.views.school_reports.helpers import submit


def denials(db, username: str, document_id: int) -> list[AuditEvent]:
    return db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "denied",
            AuditEvent.username == username,
            AuditEvent.object_type == "generated_document",
            AuditEvent.object_id == str(document_id),
        )
    ).all()


def minutes_of(login_as, db_session, meeting) -> GeneratedDocument:
    response = login_as("kaa").post_form(f"/samverkan/moten/{meeting.id}/protokoll")
    assert response.status_code == 303
    return db_session.exec(
        select(GeneratedDocument).where(GeneratedDocument.meeting_id == meeting.id)
    ).one()


def test_someone_outside_the_group_cannot_download_its_minutes(login_as, db_session, planned):
    _, meeting, _ = planned
    minutes = minutes_of(login_as, db_session, meeting)
    outsider = login_as("arbetsmarknad")  # may generate documents, but is no member
    assert outsider.get(f"/samverkan/moten/{meeting.id}").status_code == 404
    assert outsider.get(f"/dokument/{minutes.id}").status_code == 404
    assert len(denials(db_session, "arbetsmarknad", minutes.id)) == 1


def test_a_member_downloads_the_minutes_from_the_generic_link_too(login_as, db_session, planned):
    _, meeting, _ = planned
    minutes = minutes_of(login_as, db_session, meeting)
    response = login_as("kaa2").get(f"/dokument/{minutes.id}")
    assert response.status_code == 200 and response.data == minutes.content
    views = db_session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "view",
            AuditEvent.username == "kaa2",
            AuditEvent.object_id == str(minutes.id),
        )
    ).all()
    assert len(views) == 1


def test_a_receipt_for_an_unregistered_student_is_for_the_inbox_only(
    login_as,
    db_session,
    schools,  # noqa: F811 (the fixture)
):
    school = login_as("skola")
    assert submit(school, schools["90000001"]).status_code == 303
    [report] = db_session.exec(select(SchoolReport)).all()
    assert school.get(f"/skola/anmalningar/{report.id}/kvitto.docx").status_code == 200
    db_session.expire_all()
    receipt_id = db_session.get(SchoolReport, report.id).receipt_document_id
    assert login_as("kaa").get(f"/dokument/{receipt_id}").status_code == 200  # the inbox
    assert login_as("arbetsmarknad").get(f"/dokument/{receipt_id}").status_code == 404
    assert len(denials(db_session, "arbetsmarknad", receipt_id)) == 1


def test_a_document_about_no_one_is_for_its_creator_only(login_as, db_session, staff):
    kaa = factories.actor("kaa", staff)
    context = get_type("brev_ungdom").example_context()
    del context["kommun"]
    document = service.generate_document(
        db_session, actor=kaa, doc_type="brev_ungdom", context=context
    )
    db_session.commit()
    assert login_as("kaa").get(f"/dokument/{document.id}").status_code == 200
    for other in ("kaa2", "arbetsmarknad"):
        assert login_as(other).get(f"/dokument/{document.id}").status_code == 404
        assert len(denials(db_session, other, document.id)) == 1
