"""The extract's sections from other features: school reports, documents, meeting decisions and
tasks."""

from __future__ import annotations

import json

from sqlmodel import select

from kaa_web.docx.types import DOCUMENT_TYPES
from kaa_web.models.documents import GeneratedDocument, GeneratedDocumentYouth
from kaa_web.models.meetings import Decision, Meeting, MeetingGroup
from kaa_web.models.school_reports import (
    REPORT_KINDS,
    REPORT_STATUSES,
    SchoolReport,
    SchoolReportStudent,
    SchoolUnit,
)
from kaa_web.models.tasks import Task
from kaa_web.services.register_extract.sections.reader import Reader
from kaa_web.services.register_extract.sections.shown import joined, section, shown


def school_reports(extract: Reader) -> dict:
    found = extract.all(
        select(SchoolReportStudent, SchoolReport, SchoolUnit.name)
        .join(SchoolReport, SchoolReport.id == SchoolReportStudent.report_id)
        .join(SchoolUnit, SchoolUnit.id == SchoolReport.school_unit_id)
        .where(
            (SchoolReportStudent.youth_id == extract.youth.id)
            | (SchoolReportStudent.personnummer == extract.youth.personnummer)
        )
        .order_by(SchoolReport.submitted_at)
    )
    rows = []
    for student, report, unit in found:
        rows.append(
            {
                "falt": report.reference,
                "varde": joined(
                    REPORT_KINDS.get(report.kind, report.kind),
                    unit,
                    report.submitted_at,
                    student.programme,
                    REPORT_STATUSES.get(report.status, report.status),
                    *_own_details(extract, report),
                    f"KAA:s svar: {report.answer}" if report.answer else "",
                ),
            }
        )
    return section("Anmälningar från skolan", rows)


def _own_details(extract: Reader, report: SchoolReport) -> list[str]:
    """What the school wrote, when the report is about this student alone (a list of
    several students would show the others)."""
    count = extract.db.exec(
        select(SchoolReportStudent.id).where(SchoolReportStudent.report_id == report.id)
    ).all()
    if len(count) != 1:
        return []
    fields = json.loads(report.details or "{}").get("fields", [])
    return [f"{label}: {value}" for label, value in fields if value]


def documents(extract: Reader) -> dict:
    names = {code: t.name for code, t in DOCUMENT_TYPES.items()}
    sent = extract.all(
        select(GeneratedDocument.doc_type, GeneratedDocument.created_at)
        .join(GeneratedDocumentYouth, GeneratedDocumentYouth.document_id == GeneratedDocument.id)
        .where(GeneratedDocumentYouth.youth_id == extract.youth.id)
        .order_by(GeneratedDocument.created_at)
    )
    rows = [{"falt": shown(at), "varde": names.get(code, code)} for code, at in sent]
    return section("Dokument som skapats och skickats", rows)


def decisions(extract: Reader) -> dict:
    found = extract.all(
        select(Decision, Meeting.on, MeetingGroup.name)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .join(MeetingGroup, MeetingGroup.id == Meeting.group_id)
        .where(Decision.youth_id == extract.youth.id)
        .order_by(Meeting.on, Decision.number)
    )
    rows = [
        {"falt": f"{on}, beslut {d.number}", "varde": joined(group, d.text)}
        for d, on, group in found
    ]
    return section("Beslut i samverkansmöten", rows)


def tasks(extract: Reader) -> dict:
    tasks = extract.all(select(Task).where(Task.youth_id == extract.youth.id).order_by(Task.id))
    rows = [{"falt": t.title, "varde": joined(t.created_at)} for t in tasks]
    return section("Uppgifter för handläggarna", rows)
