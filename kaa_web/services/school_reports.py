"""School reports: submitting once, the school's own list, the KAA inbox, drafts, help texts."""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import LOCAL_TZ, local_today, utcnow
from kaa_web.models.register import RegistrationPeriod, Youth
from kaa_web.models.school_reports import (
    REFERENCE_PREFIXES,
    REGISTRATION_REASON_FOR_KIND,
    REPORT_KINDS,
    REPORT_STATUSES,
    FormHelpText,
    ReportDraft,
    SchoolReport,
    SchoolReportStudent,
    SchoolUnit,
)
from kaa_web.permissions import Actor
from kaa_web.rules import eligibility, municipalities
from kaa_web.rules import personnummer as pnr
from kaa_web.rules.words import plural
from kaa_web.services import inbox_assignment, register, tasks, timeline
from kaa_web.services.errors import Invalid, NotFound

MAX_DRAFT_CHARS = 50_000
MEETING_TASK_DAYS = 14
NOT_KAA_CASE = "Det är inte ett KAA-ärende."


# --- school units ---------------------------------------------------------------------------


def my_units(db: Session, *, actor: Actor) -> list[SchoolUnit]:
    """The active school units the school user is bound to (none: they cannot report)."""
    if not actor.school_unit_ids:
        return []
    return list(
        db.exec(
            select(SchoolUnit)
            .where(SchoolUnit.id.in_(actor.school_unit_ids), SchoolUnit.active)
            .order_by(SchoolUnit.name)
        ).all()
    )


def all_units(db: Session) -> list[SchoolUnit]:
    return list(db.exec(select(SchoolUnit).order_by(SchoolUnit.name)).all())


@dataclass
class SchoolUnitData:
    code: str
    name: str
    huvudman: str = ""
    own_huvudman: bool = False
    municipality_code: str = ""
    directory_group: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    street_address: str = ""
    postal_code: str = ""
    city: str = ""
    active: bool = True


def save_school_unit(
    db: Session, *, actor: Actor, data: SchoolUnitData, unit_id: int | None = None
) -> SchoolUnit:
    """Add or change a school unit; the skolenhetskod is unique."""
    actor.need("admin.manage")
    clash = db.exec(select(SchoolUnit).where(SchoolUnit.code == data.code)).first()
    if clash is not None and clash.id != unit_id:
        raise Invalid(
            "Skolenhetskoden används redan.", field_errors={"code": "Koden används redan."}
        )
    if data.municipality_code and data.municipality_code not in municipalities.municipalities():
        raise Invalid(
            "Välj en kommun i listan.", field_errors={"municipality_code": "Okänd kommun."}
        )
    unit = db.get(SchoolUnit, unit_id) if unit_id else SchoolUnit(code=data.code, name=data.name)
    if unit is None:
        raise NotFound
    for name, value in asdict(data).items():
        setattr(unit, name, value)
    db.add(unit)
    db.flush()
    action = "update" if unit_id else "create"
    audit.record(db, actor, action, object_type="school_unit", object_id=unit.id)
    return unit


def get_school_unit(db: Session, *, actor: Actor, unit_id: int) -> SchoolUnit:
    actor.need("admin.manage")
    unit = db.get(SchoolUnit, unit_id)
    if unit is None:
        raise NotFound
    return unit


# --- submitting -----------------------------------------------------------------------------


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
    registered = _youths_by_personnummer(db, [row.personnummer for row in students])
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


def _under_age_limit(row: SchoolReportStudent) -> bool:
    return eligibility.covered_on(row.birth_date, local_today())


def _link_if_registered(
    db, actor, report, unit, row: SchoolReportStudent, youth: Youth | None
) -> None:
    """A report on a registered young person (under 20) goes on their timeline."""
    if youth is None or not _under_age_limit(row):
        return
    row.youth_id = youth.id
    db.add(row)
    _timeline(db, actor, report, unit, youth.id)


def _timeline(db, actor, report: SchoolReport, unit: SchoolUnit, youth_id: int) -> None:
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth_id,
        kind="skolanmalan",
        title=f"{REPORT_KINDS[report.kind]} från {unit.name} ({report.reference})",
        ref_type="school_report",
        ref_id=report.id,
    )


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


# --- what the school sees -------------------------------------------------------------------


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


def _report_query():
    """Reports with their unit's name and the name of the officer handling them."""
    return (
        select(SchoolReport, SchoolUnit.name, StaffUser.display_name)
        .join(SchoolUnit, SchoolUnit.id == SchoolReport.school_unit_id)
        .outerjoin(StaffUser, StaffUser.id == SchoolReport.handled_by)
    )


def _rows(db: Session, query) -> list[ReportRow]:
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
            (today - _local_date(report.submitted_at)).days,
            report.status,
            report.answer,
            *summary.get(report.id, (0, False)),
            report.handled_by,
            handler or "",
        )
        for report, unit_name, handler in found
    ]


def _local_date(value: datetime) -> date:
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ).date()


def list_school_reports(db: Session, *, actor: Actor, limit: int = 200) -> list[ReportRow]:
    """The school's own units' reports, newest first (nothing when bound to no unit), each
    one-student report with the student's name: the school may see its own students."""
    actor.need("school_reports.submit")
    if not actor.school_unit_ids:
        return []
    query = (
        _report_query()
        .where(SchoolReport.school_unit_id.in_(actor.school_unit_ids))
        .order_by(SchoolReport.submitted_at.desc(), SchoolReport.id.desc())
        .limit(limit)
    )
    rows = _rows(db, query)
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


@dataclass(frozen=True)
class SchoolBackground:
    """What schools have reported about a person's schooling: a new mapping starts from it."""

    reference: str
    last_school: str
    programme: str
    school_ending: str | None  # a mapping SCHOOL_ENDINGS code, or None while still at school


SCHOOL_ENDING_FOR_KIND = {"studieavbrott": "avbrott", "studiebevis": "studiebevis"}


def school_background(db: Session, *, youth_id: int) -> SchoolBackground | None:
    """From the latest report that says how the schooling ended (a dropout or a studiebevis
    list), else the latest report about the person (the school they are at); None if none."""
    rows = db.exec(
        select(SchoolReportStudent.programme, SchoolReport, SchoolUnit.name)
        .join(SchoolReport, SchoolReport.id == SchoolReportStudent.report_id)
        .join(SchoolUnit, SchoolUnit.id == SchoolReport.school_unit_id)
        .where(SchoolReportStudent.youth_id == youth_id)
        .order_by(SchoolReport.submitted_at.desc(), SchoolReport.id.desc())
    ).all()
    if not rows:
        return None
    programme, report, school = next(
        (r for r in rows if r[1].kind in SCHOOL_ENDING_FOR_KIND), rows[0]
    )
    ending = json.loads(report.details or "{}").get("school_ending")
    return SchoolBackground(
        report.reference,
        school,
        programme,
        ending or SCHOOL_ENDING_FOR_KIND.get(report.kind),
    )


@dataclass
class ReportView:
    report: SchoolReport
    unit: SchoolUnit
    students: list[SchoolReportStudent]
    details: dict
    handler: str = ""  # the name of the officer handling the report


def _view(db: Session, report: SchoolReport) -> ReportView:
    handler = db.get(StaffUser, report.handled_by) if report.handled_by else None
    return ReportView(
        report,
        db.get(SchoolUnit, report.school_unit_id),
        report_students(db, report.id),
        json.loads(report.details),
        handler.display_name if handler else "",
    )


def _log_view(db: Session, actor: Actor, view: ReportView) -> None:
    youth_ids = [s.youth_id for s in view.students if s.youth_id] or [None]
    audit.record_many(
        db,
        actor,
        "view",
        object_type="school_report",
        items=[(view.report.id, youth_id) for youth_id in youth_ids],
    )


def get_own_report(db: Session, *, actor: Actor, report_id: int, log: bool = True) -> ReportView:
    """A report of one of the school user's own units; any other answers NotFound (logged)."""
    actor.need("school_reports.submit")
    report = db.get(SchoolReport, report_id)
    if report is None or report.school_unit_id not in actor.school_unit_ids:
        raise audit.record_denied(db, actor, object_type="school_report", object_id=report_id)
    view = _view(db, report)
    if log:
        _log_view(db, actor, view)
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
            "inkom": _local_date(view.report.submitted_at),
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


# --- the KAA inbox --------------------------------------------------------------------------


def list_inbox(db: Session, *, actor: Actor, kind: str = "", status: str = "oppna") -> list:
    """Reports by type and age (oldest first); `status` "oppna" means not yet avslutad."""
    actor.need("inbox.handle")
    query = _report_query()
    if kind in REPORT_KINDS:
        query = query.where(SchoolReport.kind == kind)
    if status == "oppna":
        query = query.where(SchoolReport.status != "avslutad")
    elif status in REPORT_STATUSES:
        query = query.where(SchoolReport.status == status)
    query = query.order_by(SchoolReport.submitted_at, SchoolReport.id).limit(500)
    return _rows(db, query)


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
    view = _view(db, report)
    if log:
        _log_view(db, actor, view)
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
    youth = _youths_by_personnummer(db, [row.personnummer]).get(row.personnummer)
    if youth is None:
        return None
    row.youth_id = youth.id
    db.add(row)
    _timeline(db, actor, report, db.get(SchoolUnit, report.school_unit_id), youth.id)
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
    if not _under_age_limit(row):
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
    _timeline(db, actor, report, db.get(SchoolUnit, report.school_unit_id), youth.id)
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


def _youths_by_personnummer(db: Session, personnummers) -> dict[str, Youth]:
    """The register entries with these personnummer, in one query (not logged)."""
    wanted = sorted(set(personnummers))
    if not wanted:
        return {}
    found = db.exec(select(Youth).where(Youth.personnummer.in_(wanted))).all()
    return {youth.personnummer: youth for youth in found}


def register_candidates(
    db: Session, actor: Actor, students: list[SchoolReportStudent]
) -> dict[int, Youth]:
    """Student id -> the register entry with the student's personnummer (KAA's eyes only).

    One query for all the students; each match is logged as a read of that person, since the
    caller shows the name."""
    actor.need("inbox.handle")
    registered = _youths_by_personnummer(db, [s.personnummer for s in students])
    matches = {s.id: registered[s.personnummer] for s in students if s.personnummer in registered}
    audit.record_many(
        db,
        actor,
        "view",
        object_type="youth",
        items=[(youth.id, youth.id) for youth in {y.id: y for y in matches.values()}.values()],
    )
    return matches


# --- drafts ---------------------------------------------------------------------------------


def save_draft(db: Session, *, actor: Actor, form: str, data: dict) -> None:
    """Keep what the user has typed (never the CSRF token) until the report is sent."""
    if actor.staff_id is None or form not in REPORT_KINDS:
        return
    clean = {k: v for k, v in data.items() if k not in ("csrf_token", "file")}
    text = json.dumps(clean, ensure_ascii=False)
    if len(text) > MAX_DRAFT_CHARS:
        raise Invalid("Utkastet är för stort för att sparas.")
    draft = db.exec(
        select(ReportDraft).where(ReportDraft.staff_id == actor.staff_id, ReportDraft.form == form)
    ).first() or ReportDraft(staff_id=actor.staff_id, form=form)
    draft.data, draft.updated_at = text, utcnow()
    db.add(draft)


def get_draft(db: Session, *, actor: Actor, form: str) -> dict | None:
    draft = db.exec(
        select(ReportDraft).where(ReportDraft.staff_id == actor.staff_id, ReportDraft.form == form)
    ).first()
    return json.loads(draft.data) if draft else None


def purge_old_drafts(db: Session, *, retention_days: int) -> int:
    """Delete drafts untouched for `retention_days` (the nightly job): they hold personal data."""
    cutoff = utcnow() - timedelta(days=retention_days)
    result = db.exec(sa.delete(ReportDraft).where(ReportDraft.updated_at < cutoff))
    db.commit()
    return result.rowcount


def delete_draft(db: Session, *, actor: Actor, form: str) -> None:
    for draft in db.exec(
        select(ReportDraft).where(ReportDraft.staff_id == actor.staff_id, ReportDraft.form == form)
    ).all():
        db.delete(draft)


# --- help texts -----------------------------------------------------------------------------

DEFAULT_HELP_TEXTS: dict[tuple[str, str], str] = {
    (
        "studieavbrott",
        "personnummer",
    ): "Tolv siffror, t.ex. 20090315-1234. Samordningsnummer går också.",
    ("studieavbrott", "dropout_date"): "Sista dagen eleven var inskriven, ÅÅÅÅ-MM-DD.",
    ("studieavbrott", "support_given"): "Vilket stöd och vilken vägledning skolan har gett eleven.",
    ("studieavbrott", "informed_kaa"): "Eleven ska få veta att hemkommunen kommer att höra av sig.",
    ("franvaro", "absence_extent"): "T.ex. 40 % av lektionerna, eller antal hela dagar.",
    ("franvaro", "investigation_started"): "Datum då rektorn startade utredningen av frånvaron.",
    (
        "franvaro",
        "support_given",
    ): "Stöd och åtgärder, t.ex. att ett åtgärdsprogram har upprättats.",
    ("risk", "situation"): "Det som bäst beskriver läget. Skriv inga känsliga uppgifter.",
    ("risk", "meeting_proposal"): "Förslag på tider för ett gemensamt möte med eleven och KAA.",
    ("studiebevis", "rows"): (
        "En elev per rad: personnummer;förnamn;efternamn;program. Samma format som CSV-filen."
    ),
    ("studiebevis", "file"): (
        "CSV-fil med semikolon, UTF-8, rubrikraden personnummer;fornamn;efternamn;program."
    ),
}


def help_texts(db: Session, form: str) -> dict[str, str]:
    """The field -> help text map for a form: admin's wording over the defaults in code."""
    texts = {f: t for (k, f), t in DEFAULT_HELP_TEXTS.items() if k == form}
    for row in db.exec(select(FormHelpText).where(FormHelpText.form == form)).all():
        texts[row.field] = row.text
    return texts


def save_help_text(db: Session, *, actor: Actor, form: str, field_name: str, text: str) -> None:
    """Change a help text; an empty text restores the default."""
    actor.need("admin.manage")
    if (form, field_name) not in DEFAULT_HELP_TEXTS:
        raise NotFound
    row = db.exec(
        select(FormHelpText).where(FormHelpText.form == form, FormHelpText.field == field_name)
    ).first()
    text = text.strip()[:1000]
    if not text:
        if row is not None:
            db.delete(row)
    else:
        row = row or FormHelpText(form=form, field=field_name, text=text)
        row.text, row.updated_at = text, utcnow()
        db.add(row)
    audit.record(
        db, actor, "update", object_type="form_help_text", object_id=f"{form}.{field_name}"
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
