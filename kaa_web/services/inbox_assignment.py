"""Who becomes responsible for what arrives in the inbox: the admin's rule, applying it to people
registered from reports and to the tasks reports create, and an officer taking a report."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import utcnow
from kaa_web.models.register import District, Youth
from kaa_web.models.school_reports import (
    ASSIGNMENT_RULES,
    InboxAssignment,
    SchoolReport,
    SchoolReportStudent,
    SchoolUnit,
)
from kaa_web.models.tasks import Task
from kaa_web.permissions import Actor
from kaa_web.services import register, staff
from kaa_web.services.errors import Invalid, NotFound

RULE_ID = 1
REPORT_TASKS = "school_report"  # the source_type of tasks a report creates


def current_rule(db: Session) -> InboxAssignment:
    """The saved rule, or the default: everything to the inbox officer (none chosen yet)."""
    return db.get(InboxAssignment, RULE_ID) or InboxAssignment(id=RULE_ID, rule="inkorg")


# --- the admin's rule -----------------------------------------------------------------------


@dataclass(frozen=True)
class RulePage:
    rule: InboxAssignment
    officers: list[staff.Officer]
    districts: list[District]
    units: list[SchoolUnit]
    updated_by: str


def rule_page(db: Session, *, actor: Actor) -> RulePage:
    """What the admin page shows: the rule, every officer, active district and school unit."""
    actor.need("admin.manage")
    rule = current_rule(db)
    editor = db.get(StaffUser, rule.updated_by) if rule.updated_by else None
    units = db.exec(select(SchoolUnit).where(SchoolUnit.active).order_by(SchoolUnit.name)).all()
    return RulePage(
        rule=rule,
        officers=staff.officers(db),
        districts=register.districts(db),
        units=list(units),
        updated_by=editor.display_name if editor else "",
    )


@dataclass
class RuleData:
    rule: str
    inbox_officer_id: int | None
    district_officers: dict[int, int | None] = field(default_factory=dict)
    unit_officers: dict[int, int | None] = field(default_factory=dict)


def save_rule(db: Session, *, actor: Actor, data: RuleData) -> InboxAssignment:
    """Save the rule and the officer of each district and school unit, all or nothing."""
    actor.need("admin.manage")
    if data.rule not in ASSIGNMENT_RULES:
        raise Invalid(field_errors={"rule": "Välj hur nya ärenden ska fördelas."})
    if data.rule == "inkorg" and data.inbox_officer_id is None:
        raise Invalid(
            field_errors={"inbox_officer_id": "Välj handläggaren som har hand om inkorgen."}
        )
    chosen = {data.inbox_officer_id, *data.district_officers.values(), *data.unit_officers.values()}
    if any(not staff.is_officer(db, staff_id) for staff_id in chosen - {None}):
        raise Invalid("Välj handläggare i listan: någon av dem kan inte längre ta ärenden.")
    _set_officers(db, District, data.district_officers)
    _set_officers(db, SchoolUnit, data.unit_officers)
    row = db.get(InboxAssignment, RULE_ID) or InboxAssignment(id=RULE_ID)
    row.rule, row.inbox_officer_id = data.rule, data.inbox_officer_id
    row.updated_by, row.updated_at = actor.staff_id, utcnow()
    db.add(row)
    audit.record(db, actor, "update", object_type="inbox_assignment", object_id=RULE_ID)
    return row


def _set_officers(db: Session, model, officers: dict[int, int | None]) -> None:
    if not officers:
        return
    rows = db.exec(select(model).where(model.id.in_(list(officers)))).all()
    if len(rows) != len(officers):
        raise NotFound
    for row in rows:
        row.officer_id = officers[row.id]
        db.add(row)


# --- applying it ----------------------------------------------------------------------------


def officer_for(db: Session, *, unit_id: int, district_id: int | None = None) -> int | None:
    """The officer the rule gives a report from this school unit about someone in this district.

    The inbox officer stands in when the rule names nobody (or someone who left)."""
    rule = current_rule(db)
    by_rule = None
    if rule.rule == "skolenhet":
        unit = db.get(SchoolUnit, unit_id)
        by_rule = unit.officer_id if unit else None
    elif rule.rule == "kommundel" and district_id:
        district = db.get(District, district_id)
        by_rule = district.officer_id if district else None
    for candidate in (by_rule, rule.inbox_officer_id):
        if candidate and staff.is_officer(db, candidate):
            return candidate
    return None


def officer_for_student(db: Session, *, unit_id: int, youth: Youth | None) -> int | None:
    """A registered person's own officer first; otherwise the rule."""
    if youth is not None and youth.officer_id:
        return youth.officer_id
    district_id = youth.district_id if youth is not None else None
    return officer_for(db, unit_id=unit_id, district_id=district_id)


def officer_for_registration(
    db: Session, *, report: SchoolReport, district_id: int | None
) -> int | None:
    """The officer of a person registered from a report: whoever took the report, else the rule."""
    if report.handled_by and staff.is_officer(db, report.handled_by):
        return report.handled_by
    return officer_for(db, unit_id=report.school_unit_id, district_id=district_id)


def attach_report_tasks(db: Session, *, report: SchoolReport, youth: Youth) -> None:
    """A report's open tasks once its student is in the register: about them, and with their
    officer unless someone has taken the report (the tasks are then the taker's)."""
    open_tasks = (
        Task.source_type == REPORT_TASKS,
        Task.source_id == report.id,
        Task.done_at.is_(None),
    )
    db.exec(sa.update(Task).where(*open_tasks, Task.youth_id.is_(None)).values(youth_id=youth.id))
    if youth.officer_id and report.handled_by is None:
        db.exec(sa.update(Task).where(*open_tasks).values(assigned_to=youth.officer_id))


# --- taking a report ------------------------------------------------------------------------


def take_report(
    db: Session, *, actor: Actor, report_id: int, current_handler: int | None
) -> SchoolReport:
    """The actor becomes responsible for the report, its students in the register and its open
    tasks. `current_handler` is who the page showed: if someone else took the report since, the
    caller is told so and nothing changes (two officers clicking at once never both win)."""
    actor.need("inbox.handle")
    report = db.get(SchoolReport, report_id)
    if report is None:
        raise audit.record_denied(db, actor, object_type="school_report", object_id=report_id)
    handler = SchoolReport.handled_by
    shown = handler.is_(None) if current_handler is None else handler == current_handler
    taken = db.exec(
        sa.update(SchoolReport)
        .where(SchoolReport.id == report_id, sa.or_(shown, handler == actor.staff_id))
        .values(handled_by=actor.staff_id)
        .execution_options(synchronize_session=False)
    )
    db.refresh(report)
    if taken.rowcount != 1:
        holder = db.get(StaffUser, report.handled_by) if report.handled_by else None
        name = holder.display_name if holder else "En annan handläggare"
        raise Invalid(f"{name} har redan tagit ärendet. Sidan visar nu vem som har det.")
    if report.status == "mottagen":
        report.status, report.status_changed_at = "under_handlaggning", utcnow()
        db.add(report)
    _assign_students(db, actor, report_id)
    db.exec(
        sa.update(Task)
        .where(
            Task.source_type == REPORT_TASKS,
            Task.source_id == report_id,
            Task.done_at.is_(None),
        )
        .values(assigned_to=actor.staff_id)
    )
    audit.record(db, actor, "update", object_type="school_report", object_id=report.id)
    return report


def _assign_students(db: Session, actor: Actor, report_id: int) -> None:
    youth_ids = db.exec(
        select(SchoolReportStudent.youth_id).where(
            SchoolReportStudent.report_id == report_id, SchoolReportStudent.youth_id.is_not(None)
        )
    ).all()
    if youth_ids:
        register.assign_officer(
            db, actor=actor, youth_ids=sorted(set(youth_ids)), officer_id=actor.staff_id
        )
