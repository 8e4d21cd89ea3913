"""The KAA inbox: the list and its counts, one report, matching and registering its students,
another home municipality, status and answer."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import utcnow
from kaa_web.models.register import RegistrationPeriod, Youth
from kaa_web.models.school_reports import (
    REGISTRATION_REASON_FOR_KIND,
    REPORT_KINDS,
    REPORT_STATUSES,
    SchoolReport,
    SchoolReportStudent,
    SchoolUnit,
)
from kaa_web.permissions import Actor
from kaa_web.rules import eligibility, municipalities
from kaa_web.services import inbox_assignment, register
from kaa_web.services.errors import Invalid
from kaa_web.services.school_reports.matching import (
    NOT_KAA_CASE,
    add_to_timeline,
    under_age_limit,
    youths_by_personnummer,
)
from kaa_web.services.school_reports.reading import (
    ReportView,
    log_view,
    report_query,
    report_rows,
    report_view,
)


def list_inbox(db: Session, *, actor: Actor, kind: str = "", status: str = "oppna") -> list:
    """Reports by type and age (oldest first); `status` "oppna" means not yet avslutad."""
    actor.need("inbox.handle")
    query = report_query()
    if kind in REPORT_KINDS:
        query = query.where(SchoolReport.kind == kind)
    if status == "oppna":
        query = query.where(SchoolReport.status != "avslutad")
    elif status in REPORT_STATUSES:
        query = query.where(SchoolReport.status == status)
    query = query.order_by(SchoolReport.submitted_at, SchoolReport.id).limit(500)
    return report_rows(db, query)


def inbox_counts(db: Session, *, actor: Actor) -> dict[str, int]:
    """Open reports per kind, for the inbox's headings."""
    actor.need("inbox.handle")
    counts = dict.fromkeys(REPORT_KINDS, 0)
    query = (
        select(SchoolReport.kind, sa.func.count())
        .where(SchoolReport.status != "avslutad")
        .group_by(SchoolReport.kind)
    )
    for kind, count in db.exec(query):
        counts[kind] = count
    return counts


def count_new_reports(db: Session, *, actor: Actor) -> int:
    """Reports nobody has started handling yet (the inbox badge and the start page)."""
    actor.need("inbox.handle")
    query = select(sa.func.count()).where(SchoolReport.status == "mottagen")
    return db.exec(query.select_from(SchoolReport)).one()


def get_report(db: Session, *, actor: Actor, report_id: int, log: bool = True) -> ReportView:
    """A report for KAA's handling; each read is logged with the matched youth_ids."""
    actor.need("inbox.handle")
    report = db.get(SchoolReport, report_id)
    if report is None:
        raise audit.record_denied(db, actor, object_type="school_report", object_id=report_id)
    view = report_view(db, report)
    if log:
        log_view(db, actor, view)
    return view


def _student(
    db: Session, actor: Actor, student_id: int
) -> tuple[SchoolReportStudent, SchoolReport]:
    actor.need("inbox.handle")
    row = db.get(SchoolReportStudent, student_id)
    if row is None:
        raise audit.record_denied(
            db, actor, object_type="school_report", object_id=f"student:{student_id}"
        )
    return row, db.get(SchoolReport, row.report_id)


def _start_handling(report: SchoolReport) -> None:
    """Acting on a report ends its being new; who handles it is whoever takes it."""
    if report.status == "mottagen":
        report.status, report.status_changed_at = "under_handlaggning", utcnow()


def link_student(db: Session, *, actor: Actor, student_id: int) -> int | None:
    """Match the student to the register by personnummer; returns the youth id or None."""
    row, report = _student(db, actor, student_id)
    if row.youth_id:
        return row.youth_id
    youth = youths_by_personnummer(db, [row.personnummer]).get(row.personnummer)
    if youth is None:
        return None
    row.youth_id = youth.id
    db.add(row)
    add_to_timeline(db, actor, report, db.get(SchoolUnit, report.school_unit_id), youth.id)
    _start_handling(report)
    db.add(report)
    inbox_assignment.attach_report_tasks(db, report=report, youth=youth)
    audit.record(
        db, actor, "update", object_type="school_report", object_id=report.id, youth_id=youth.id
    )
    return youth.id


def register_student(
    db: Session, *, actor: Actor, student_id: int, district_id: int | None = None
) -> Youth:
    """Create the register entry from the report (source skolanmalan, reason from the report),
    with the officer the inbox's rule gives and the guardians the school named."""
    actor.need("register.write")
    row, report = _student(db, actor, student_id)
    if row.home_municipality:
        raise Invalid("Eleven har en annan hemkommun och ska inte finnas i kommunens register.")
    youth_id = row.youth_id or link_student(db, actor=actor, student_id=student_id)
    if youth_id and db.get(Youth, youth_id).status != "avregistrerad":
        raise Invalid("Eleven finns redan i registret och är nu kopplad till anmälan.")
    if not under_age_limit(row):
        raise Invalid(f"{eligibility.too_old_sv(row.birth_date, 'Eleven')} {NOT_KAA_CASE}")
    contact = json.loads(row.contact or "{}")
    details = json.loads(report.details or "{}")
    reason = details.get("registration_reason") or REGISTRATION_REASON_FOR_KIND[report.kind]
    if youth_id:  # left KAA earlier and comes back: a new period, the earlier ones kept
        register.register_again(
            db, actor=actor, youth_id=youth_id, reason=reason, source="skolanmalan"
        )
        _start_handling(report)
        db.add(report)
        return db.get(Youth, youth_id)
    youth = register.register_youth(
        db,
        actor=actor,
        personnummer=row.personnummer,
        data=register.YouthData(
            first_name=row.first_name,
            last_name=row.last_name,
            street_address=contact.get("street_address", ""),
            postal_code=contact.get("postal_code", ""),
            city=contact.get("city", ""),
            phone=contact.get("phone", ""),
            email=contact.get("email", ""),
            district_id=district_id,
            officer_id=inbox_assignment.officer_for_registration(
                db, report=report, district_id=district_id
            ),
            registration_reason=reason,
            registration_source="skolanmalan",
            guardians=_guardians(contact),
        ),
    )
    row.youth_id = youth.id
    db.add(row)
    add_to_timeline(db, actor, report, db.get(SchoolUnit, report.school_unit_id), youth.id)
    _start_handling(report)
    db.add(report)
    inbox_assignment.attach_report_tasks(db, report=report, youth=youth)
    return youth


def _guardians(contact: dict) -> list[register.GuardianData]:
    """The guardians a school named, each with the address it gave (if any)."""
    return [
        register.GuardianData(
            name=contact[f"guardian{n}_name"],
            street_address=contact.get(f"guardian{n}_street_address", ""),
            postal_code=contact.get(f"guardian{n}_postal_code", ""),
            city=contact.get(f"guardian{n}_city", ""),
            phone=contact.get(f"guardian{n}_phone", ""),
        )
        for n in (1, 2)
        if contact.get(f"guardian{n}_name")
    ]


def mark_other_municipality(
    db: Session, *, actor: Actor, student_id: int, code: str, note: str, own_code: str = ""
) -> SchoolReportStudent:
    """Mark the student as belonging to another home municipality (or clear it with "")."""
    row, report = _student(db, actor, student_id)
    if code and (code not in municipalities.municipalities() or code == own_code):
        raise Invalid(
            "Välj en annan kommun i listan.",
            field_errors={"municipality": "Välj en annan kommun i listan."},
        )
    if code and row.youth_id:
        raise Invalid(
            "Eleven är kopplad till kommunens register. Avregistrera eleven (flyttat) i registret "
            "i stället."
        )
    row.home_municipality, row.forward_note = code, note.strip()[:500] if code else ""
    db.add(row)
    _start_handling(report)
    db.add(report)
    audit.record(db, actor, "update", object_type="school_report", object_id=report.id)
    return row


def set_status(db: Session, *, actor: Actor, report_id: int, status: str, answer: str) -> None:
    """Change the status and the short answer the school sees."""
    actor.need("inbox.handle")
    if status not in REPORT_STATUSES:
        raise Invalid("Välj en status.", field_errors={"status": "Välj en status."})
    report = db.get(SchoolReport, report_id)
    if report is None:
        raise audit.record_denied(db, actor, object_type="school_report", object_id=report_id)
    answer = answer.strip()[:1000]
    if report.status != status:
        report.status, report.status_changed_at = status, utcnow()
    if answer != report.answer:
        report.answer, report.answered_at = answer, utcnow() if answer else None
    db.add(report)
    audit.record(db, actor, "update", object_type="school_report", object_id=report.id)


def returning_students(
    db: Session, actor: Actor, students: list[SchoolReportStudent]
) -> dict[int, date]:
    """Student id -> the day the linked person left KAA, for those deregistered: registered
    from the report they come back (återkommer) with a new period."""
    actor.need("inbox.handle")
    linked = {s.youth_id: s.id for s in students if s.youth_id}
    if not linked:
        return {}
    rows = db.exec(
        select(RegistrationPeriod.youth_id, RegistrationPeriod.deregistered_on).where(
            RegistrationPeriod.youth_id.in_(list(linked)),
            RegistrationPeriod.latest,
            RegistrationPeriod.deregistered_on.is_not(None),
        )
    )
    return {linked[youth_id]: left_on for youth_id, left_on in rows.all()}


def returning_reports(db: Session, *, actor: Actor, report_ids: list[int]) -> set[int]:
    """The reports among these with a student linked to someone who has left KAA: registered
    from the report they come back (återkommer), as the inbox list marks them."""
    actor.need("inbox.handle")
    if not report_ids:
        return set()
    rows = db.exec(
        select(SchoolReportStudent.report_id)
        .join(RegistrationPeriod, RegistrationPeriod.youth_id == SchoolReportStudent.youth_id)
        .where(
            SchoolReportStudent.report_id.in_(report_ids),
            SchoolReportStudent.home_municipality == "",
            RegistrationPeriod.latest,
            RegistrationPeriod.deregistered_on.is_not(None),
        )
        .distinct()
    )
    return set(rows.all())


def register_candidates(
    db: Session, actor: Actor, students: list[SchoolReportStudent]
) -> dict[int, Youth]:
    """Student id -> the register entry with the student's personnummer (KAA's eyes only).

    One query for all the students; each match is logged as a read of that person, since the
    caller shows the name."""
    actor.need("inbox.handle")
    registered = youths_by_personnummer(db, [s.personnummer for s in students])
    matches = {s.id: registered[s.personnummer] for s in students if s.personnummer in registered}
    audit.record_many(
        db,
        actor,
        "view",
        object_type="youth",
        items=[(youth.id, youth.id) for youth in {y.id: y for y in matches.values()}.values()],
    )
    return matches
