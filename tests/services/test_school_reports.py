"""School report services against the real database: idempotency, matching, demo data."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from kaa_web.demo import seed_demo, seed_schools
from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import Youth
from kaa_web.models.school_reports import SchoolReport, SchoolReportStudent, SchoolUnit
from kaa_web.models.tasks import Task
from kaa_web.permissions import Actor
from kaa_web.rules import personnummer as pnr
from kaa_web.services import register
from kaa_web.services import school_reports as service
from kaa_web.services.errors import Invalid
from kaa_web.services.register import new_youth
from tests import factories


@pytest.fixture
def unit(db_session, staff):
    seed_schools(db_session)
    db_session.commit()
    return db_session.exec(select(SchoolUnit).where(SchoolUnit.code == "90000001")).one()


def _school(staff, unit, username="skola") -> Actor:
    return factories.actor(username, staff, school_units={unit.id})


def _kaa(staff) -> Actor:
    return factories.actor("kaa", staff)


def _data(unit, kind="studiebevis", years=17, serials=(501,)) -> service.ReportData:
    today = local_today()
    return service.ReportData(
        kind=kind,
        school_unit_id=unit.id,
        contact_name="Sara",
        contact_phone="010",
        details={"fields": []},
        students=[
            service.StudentData(
                pnr.make_valid(today - timedelta(days=years * 365 + s), s), f"Elev{s}", "Prov"
            )
            for s in serials
        ],
    )


def test_only_school_staff_may_submit_and_only_for_their_units(db_session, staff, unit):
    with pytest.raises(PermissionError):
        service.submit_report(db_session, actor=_kaa(staff), data=_data(unit))
    stranger = factories.actor("skola2", staff)
    with pytest.raises(Invalid):
        service.submit_report(db_session, actor=stranger, data=_data(unit))


def test_a_report_about_a_student_of_20_or_more_is_refused_as_not_a_kaa_case(
    db_session, staff, unit
):
    data = _data(unit, kind="franvaro", years=21)
    with pytest.raises(Invalid) as refused:
        service.submit_report(db_session, actor=_school(staff, unit), data=data)
    assert "inte ett KAA-ärende" in refused.value.field_errors["personnummer"]
    assert "fyllde 20 år den" in refused.value.field_errors["personnummer"]
    db_session.rollback()
    assert db_session.exec(select(SchoolReport)).all() == []


def test_a_student_who_turned_20_before_the_report_was_handled_is_not_registered(
    db_session, staff, unit
):
    report = service.submit_report(db_session, actor=_school(staff, unit), data=_data(unit))
    [row] = service.report_students(db_session, report.id)
    row.birth_date = local_today() - timedelta(days=20 * 365 + 30)  # time has passed
    db_session.add(row)
    db_session.flush()
    with pytest.raises(Invalid, match="fyllde 20 år.*inte ett KAA-ärende"):
        service.register_student(db_session, actor=_kaa(staff), student_id=row.id)
    assert db_session.exec(select(Youth)).all() == []


def test_students_on_a_studiebevis_list_are_registered_with_reason_studiebevis(
    db_session, staff, unit
):
    report = service.submit_report(
        db_session, actor=_school(staff, unit), data=_data(unit, serials=(511, 512))
    )
    rows = service.report_students(db_session, report.id)
    youth = service.register_student(db_session, actor=_kaa(staff), student_id=rows[0].id)
    period = register.current_period(db_session, youth.id)
    assert (period.registration_reason, period.registration_source) == (
        "studiebevis",
        "skolanmalan",
    )
    with pytest.raises(Invalid, match="redan"):
        service.register_student(db_session, actor=_kaa(staff), student_id=rows[0].id)


def test_seeding_the_demo_adds_reports_from_both_schools_once(db_session, staff):
    seed_demo(db_session)
    seed_demo(db_session)
    reports = db_session.exec(select(SchoolReport)).all()
    assert {r.kind for r in reports} == {"studieavbrott", "franvaro", "risk", "studiebevis"}
    assert len({r.school_unit_id for r in reports}) == 2
    assert len(reports) == 5
    assert db_session.exec(
        select(SchoolReportStudent).where(SchoolReportStudent.youth_id.is_not(None))
    ).first()
    assert db_session.exec(select(Youth.id)).first()
    [risk] = [r for r in reports if r.kind == "risk"]
    meeting = db_session.exec(
        select(Task).where(Task.source_type == "school_report", Task.source_id == risk.id)
    ).one()
    assert risk.handled_by == meeting.assigned_to == staff["kaa"].id


def test_the_nightly_job_deletes_only_drafts_untouched_for_the_retention_period(
    db_session, staff, unit
):
    from kaa_web.models.base import utcnow
    from kaa_web.models.school_reports import ReportDraft

    school = _school(staff, unit)
    service.save_draft(db_session, actor=school, form="studieavbrott", data={"first_name": "Ny"})
    db_session.add(
        ReportDraft(
            staff_id=staff["skola2"].id,
            form="studieavbrott",
            data='{"first_name": "Gammal"}',
            updated_at=utcnow() - timedelta(days=15),
        )
    )
    db_session.commit()

    assert service.purge_old_drafts(db_session, retention_days=14) == 1
    assert service.get_draft(db_session, actor=school, form="studieavbrott") == {"first_name": "Ny"}
    assert [d.staff_id for d in db_session.exec(select(ReportDraft)).all()] == [staff["skola"].id]


def test_register_candidates_finds_all_students_in_one_query_and_logs_each_match_shown(
    db_session, staff, unit
):
    data = _data(unit, kind="studiebevis", serials=(531, 532, 533))
    report = service.submit_report(db_session, actor=_school(staff, unit), data=data)
    db_session.commit()
    rows = service.report_students(db_session, report.id)
    assert all(row.youth_id is None for row in rows)
    # Registered afterwards (e.g. from an extract): matches the inbox has not linked yet.
    first, second = (
        new_youth(
            pnr.parse(row.personnummer),
            row.first_name,
            row.last_name,
        )
        for row in rows[:2]
    )
    db_session.add_all([first, second])
    db_session.commit()

    youth_selects = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and " youth" in statement:
            youth_selects.append(statement)

    engine = db_session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        found = service.register_candidates(db_session, _kaa(staff), rows)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(youth_selects) == 1
    assert {sid: y.id for sid, y in found.items()} == {rows[0].id: first.id, rows[1].id: second.id}
    views = db_session.exec(
        select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.object_type == "youth")
    ).all()
    assert sorted((v.object_id, v.youth_id, v.username) for v in views) == sorted(
        [(str(first.id), first.id, "kaa"), (str(second.id), second.id, "kaa")]
    )
    with pytest.raises(PermissionError):
        service.register_candidates(db_session, _school(staff, unit), rows)
