"""Submitting a report once: the school's form data, checks, the students' rows, the risk
report's meeting task."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session

from kaa_web import audit
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from kaa_web.models.register import Youth
from kaa_web.models.school_reports import (
    REFERENCE_PREFIXES,
    REPORT_KINDS,
    SchoolReport,
    SchoolReportStudent,
    SchoolUnit,
)
from kaa_web.permissions import Actor
from kaa_web.rules import eligibility
from kaa_web.rules import personnummer as pnr
from kaa_web.services import inbox_assignment, tasks
from kaa_web.services.errors import Invalid
from kaa_web.services.school_reports.drafts import delete_draft
from kaa_web.services.school_reports.matching import (
    NOT_KAA_CASE,
    add_to_timeline,
    under_age_limit,
    youths_by_personnummer,
)

MEETING_TASK_DAYS = 14


@dataclass
class StudentData:
    personnummer: str
    first_name: str
    last_name: str
    programme: str = ""
    contact: dict = field(default_factory=dict)


@dataclass
class ReportData:
    kind: str
    school_unit_id: int | None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    details: dict = field(default_factory=dict)
    students: list[StudentData] = field(default_factory=list)


def _check_submission(db: Session, actor: Actor, data: ReportData) -> SchoolUnit:
    if data.kind not in REPORT_KINDS:
        raise Invalid("Okänd typ av anmälan.")
    unit = db.get(SchoolUnit, data.school_unit_id) if data.school_unit_id else None
    if unit is None or not unit.active or unit.id not in actor.school_unit_ids:
        raise Invalid(
            "Välj en av dina skolenheter.",
            field_errors={"school_unit_id": "Välj en av de skolenheter du är knuten till."},
        )
    if not data.students:
        raise Invalid("Ange minst en elev.")
    return unit


def _student_rows(data: ReportData) -> list[SchoolReportStudent]:
    rows, seen = [], set()
    for student in data.students:
        try:
            number = pnr.parse(student.personnummer)
        except pnr.InvalidPersonnummer as exc:
            raise Invalid(
                f"{student.first_name} {student.last_name}: {exc}".strip(),
                field_errors={"personnummer": str(exc)},
            ) from exc
        if not eligibility.covered_on(number.birth_date, local_today()):
            # Not a KAA case: the home municipality's register may not hold them.
            message = f"{eligibility.too_old_sv(number.birth_date, 'Eleven')} {NOT_KAA_CASE}"
            raise Invalid(
                f"{student.first_name} {student.last_name}: {message}".strip(),
                field_errors={"personnummer": message},
            )
        if number.canonical in seen:
            raise Invalid(f"Personnumret för {student.first_name} finns två gånger i listan.")
        seen.add(number.canonical)
        rows.append(
            SchoolReportStudent(
                report_id=0,
                personnummer=number.canonical,
                first_name=student.first_name.strip()[:100],
                last_name=student.last_name.strip()[:100],
                birth_date=number.birth_date,
                programme=student.programme.strip()[:200],
                contact=json.dumps(student.contact, ensure_ascii=False),
            )
        )
    return rows


def submit_report(db: Session, *, actor: Actor, data: ReportData) -> SchoolReport:
    """Store a report (the view's one-time code makes a double click store it once).

    The school learns nothing about the register: matching happens silently, for KAA's eyes.
    """
    actor.need("school_reports.submit")
    unit = _check_submission(db, actor, data)
    students = _student_rows(data)
    report = SchoolReport(
        reference=f"ny-{secrets.token_hex(8)}",  # until the id is known
        kind=data.kind,
        school_unit_id=unit.id,
        submitted_by=actor.staff_id,
        submitted_by_name=_display_name(db, actor),
        contact_name=data.contact_name.strip()[:200],
        contact_phone=data.contact_phone.strip()[:40],
        contact_email=data.contact_email.strip()[:200],
        details=json.dumps(data.details, ensure_ascii=False, default=str),
    )
    db.add(report)
    db.flush()
    report.reference = f"{REFERENCE_PREFIXES[data.kind]}-{local_today().year}-{report.id:05d}"
    db.add(report)
    for row in students:
        row.report_id = report.id
        db.add(row)
    db.flush()
    registered = youths_by_personnummer(db, [row.personnummer for row in students])
    for row in students:
        _link_if_registered(db, actor, report, unit, row, registered.get(row.personnummer))
    if data.kind == "risk":
        first = students[0]
        youth = registered.get(first.personnummer) if first.youth_id else None
        _meeting_task(db, actor, report, unit, first, youth)
    audit.record(db, actor, "create", object_type="school_report", object_id=report.id)
    delete_draft(db, actor=actor, form=data.kind)
    return report


def _display_name(db: Session, actor: Actor) -> str:
    """The person's name as the directory gives it (the receipt names a person, not an account)."""
    staff = db.get(StaffUser, actor.staff_id) if actor.staff_id else None
    return (staff.display_name if staff else "") or actor.username


def contact_defaults(db: Session, *, actor: Actor, units: list[SchoolUnit]) -> dict[str, str]:
    """The school's contact on a new form: the signed-in person, with the unit's phone and
    e-mail where the directory has none (only when the user reports for one unit)."""
    staff = db.get(StaffUser, actor.staff_id) if actor.staff_id else None
    unit = units[0] if len(units) == 1 else None
    return {
        "contact_name": _display_name(db, actor),
        "contact_phone": (staff.phone if staff else "") or (unit.contact_phone if unit else ""),
        "contact_email": (staff.email if staff else "") or (unit.contact_email if unit else ""),
    }


def _link_if_registered(
    db, actor, report, unit, row: SchoolReportStudent, youth: Youth | None
) -> None:
    """A report on a registered young person (under 20) goes on their timeline."""
    if youth is None or not under_age_limit(row):
        return
    row.youth_id = youth.id
    db.add(row)
    add_to_timeline(db, actor, report, unit, youth.id)


def _meeting_task(db, actor, report, unit, row: SchoolReportStudent, youth: Youth | None) -> None:
    """The joint meeting a risk report asks for, given to an officer by the inbox's rule."""
    tasks.create_task(
        db,
        actor=actor,
        kind="mote_skola",
        title=f"Gemensamt möte med {unit.name} om risk för studieavbrott ({report.reference})",
        due=local_today() + timedelta(days=MEETING_TASK_DAYS),
        youth_id=row.youth_id,
        assigned_to=inbox_assignment.officer_for_student(db, unit_id=unit.id, youth=youth),
        source=(inbox_assignment.REPORT_TASKS, report.id),
    )
