"""Reading reports: the rows of a list, one report with its students, and the read's log entry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import LOCAL_TZ, local_today
from kaa_web.models.school_reports import SchoolReport, SchoolReportStudent, SchoolUnit
from kaa_web.permissions import Actor


@dataclass(frozen=True)
class ReportRow:
    id: int
    reference: str
    kind: str
    unit_name: str
    submitted_at: object
    age_days: int
    status: str
    answer: str
    students: int
    other_municipality: bool
    handler_id: int | None = None
    handler: str = ""
    student_name: str = ""  # a one-student report on the school's own list


def _student_summary(db: Session, report_ids: list[int]) -> dict[int, tuple[int, bool]]:
    """Per report: how many students, and whether any has another home municipality."""
    if not report_ids:
        return {}
    other = sa.case((SchoolReportStudent.home_municipality != "", 1), else_=0)
    rows = db.exec(
        select(
            SchoolReportStudent.report_id,
            sa.func.count(SchoolReportStudent.id),
            sa.func.max(other),
        )
        .where(SchoolReportStudent.report_id.in_(report_ids))
        .group_by(SchoolReportStudent.report_id)
    ).all()
    return {report_id: (count, bool(flag)) for report_id, count, flag in rows}


def report_query():
    """Reports with their unit's name and the name of the officer handling them."""
    return (
        select(SchoolReport, SchoolUnit.name, StaffUser.display_name)
        .join(SchoolUnit, SchoolUnit.id == SchoolReport.school_unit_id)
        .outerjoin(StaffUser, StaffUser.id == SchoolReport.handled_by)
    )


def report_rows(db: Session, query) -> list[ReportRow]:
    today = local_today()
    found = db.exec(query).all()
    summary = _student_summary(db, [report.id for report, _unit, _handler in found])
    return [
        ReportRow(
            report.id,
            report.reference,
            report.kind,
            unit_name,
            report.submitted_at,
            (today - local_date(report.submitted_at)).days,
            report.status,
            report.answer,
            *summary.get(report.id, (0, False)),
            report.handled_by,
            handler or "",
        )
        for report, unit_name, handler in found
    ]


def local_date(value: datetime) -> date:
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ).date()


@dataclass
class ReportView:
    report: SchoolReport
    unit: SchoolUnit
    students: list[SchoolReportStudent]
    details: dict
    handler: str = ""  # the name of the officer handling the report


def report_view(db: Session, report: SchoolReport) -> ReportView:
    handler = db.get(StaffUser, report.handled_by) if report.handled_by else None
    return ReportView(
        report,
        db.get(SchoolUnit, report.school_unit_id),
        report_students(db, report.id),
        json.loads(report.details),
        handler.display_name if handler else "",
    )


def log_view(db: Session, actor: Actor, view: ReportView) -> None:
    youth_ids = [s.youth_id for s in view.students if s.youth_id] or [None]
    audit.record_many(
        db,
        actor,
        "view",
        object_type="school_report",
        items=[(view.report.id, youth_id) for youth_id in youth_ids],
    )


def report_id_of(db: Session, student_id: int) -> int | None:
    row = db.get(SchoolReportStudent, student_id)
    return row.report_id if row else None


def report_students(db: Session, report_id: int) -> list[SchoolReportStudent]:
    return list(
        db.exec(
            select(SchoolReportStudent)
            .where(SchoolReportStudent.report_id == report_id)
            .order_by(SchoolReportStudent.id)
        ).all()
    )
