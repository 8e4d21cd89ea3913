"""What the school sees: its own units' reports, one report, and its Word receipt."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.school_reports import REPORT_KINDS, SchoolReport, SchoolReportStudent
from kaa_web.permissions import Actor
from kaa_web.rules.words import plural
from kaa_web.services.school_reports.reading import (
    ReportRow,
    ReportView,
    local_date,
    log_view,
    report_query,
    report_rows,
    report_view,
)


def list_school_reports(db: Session, *, actor: Actor, limit: int = 200) -> list[ReportRow]:
    """The school's own units' reports, newest first (nothing when bound to no unit), each
    one-student report with the student's name: the school may see its own students."""
    actor.need("school_reports.submit")
    if not actor.school_unit_ids:
        return []
    query = (
        report_query()
        .where(SchoolReport.school_unit_id.in_(actor.school_unit_ids))
        .order_by(SchoolReport.submitted_at.desc(), SchoolReport.id.desc())
        .limit(limit)
    )
    rows = report_rows(db, query)
    names = _student_names(db, actor, [row.id for row in rows if row.students == 1])
    return [replace(row, student_name=names.get(row.id, "")) for row in rows]


def _student_names(db: Session, actor: Actor, report_ids: list[int]) -> dict[int, str]:
    """Report id -> its student's name; every name shown is logged as a read of that student."""
    if not report_ids:
        return {}
    students = db.exec(
        select(SchoolReportStudent).where(SchoolReportStudent.report_id.in_(report_ids))
    ).all()
    audit.record_many(
        db,
        actor,
        "view",
        object_type="school_report_student",
        items=[(student.id, student.youth_id) for student in students],
    )
    return {student.report_id: f"{student.first_name} {student.last_name}" for student in students}


def get_own_report(db: Session, *, actor: Actor, report_id: int, log: bool = True) -> ReportView:
    """A report of one of the school user's own units; any other answers NotFound (logged)."""
    actor.need("school_reports.submit")
    report = db.get(SchoolReport, report_id)
    if report is None or report.school_unit_id not in actor.school_unit_ids:
        raise audit.record_denied(db, actor, object_type="school_report", object_id=report_id)
    view = report_view(db, report)
    if log:
        log_view(db, actor, view)
    return view


def receipt_context(view: ReportView) -> dict:
    first = view.students[0]
    names = (
        (first.first_name, first.last_name)
        if len(view.students) == 1
        else (plural(len(view.students), "elev", "elever"), "")
    )
    return {
        "mottagare": {
            "namn": f"{view.unit.name}, {view.report.contact_name}".strip(", "),
            "utdelningsadress": view.unit.street_address,
            "postnummer": view.unit.postal_code,
            "postort": view.unit.city,
        },
        "handlaggare": {"namn": "KAA-teamet", "telefon": "", "epost": ""},
        "ungdom": {"fornamn": names[0], "efternamn": names[1]},
        "anmalan": {
            "typ": REPORT_KINDS[view.report.kind],
            "skola": view.unit.name,
            "inkom": local_date(view.report.submitted_at),
            "referens": view.report.reference,
        },
    }


def receipt_document(db: Session, *, actor: Actor, report_id: int) -> tuple[str, bytes]:
    """The Word receipt for the school's own report: stored when first issued, then re-sent."""
    from kaa_web.models.documents import GeneratedDocument
    from kaa_web.services.documents import store_receipt

    view = get_own_report(db, actor=actor, report_id=report_id, log=False)
    report = view.report
    if report.receipt_document_id is not None:
        document = db.get(GeneratedDocument, report.receipt_document_id)
        audit.record(db, actor, "view", object_type="generated_document", object_id=document.id)
        return document.file_name, document.content
    youth_ids = [s.youth_id for s in view.students if s.youth_id] or [None]
    document = store_receipt(
        db,
        actor=actor,
        context=receipt_context(view),
        youth_ids=youth_ids,
        file_name=f"kvitto_{report.reference}.docx",
    )
    report.receipt_document_id = document.id
    db.add(report)
    return document.file_name, document.content
