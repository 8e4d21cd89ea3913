"""The inbox's assignment rule and taking a report, against the real database."""

import pytest
from sqlmodel import select

from kaa_web.demo import seed_schools
from kaa_web.models.register import District, TimelineEntry, Youth
from kaa_web.models.school_reports import SchoolReport, SchoolUnit
from kaa_web.models.tasks import Task
from kaa_web.permissions import Actor
from kaa_web.services import inbox_assignment as assignment
from kaa_web.services import register, school_reports
from kaa_web.services.errors import Invalid
from tests import factories


def _actor(staff, username, role) -> Actor:
    return factories.actor(username, staff, roles={role})


@pytest.fixture
def units(db_session, staff):
    seed_schools(db_session)
    db_session.commit()
    return {u.code: u for u in db_session.exec(select(SchoolUnit)).all()}


@pytest.fixture
def admin(staff):
    return _actor(staff, "admin", "admin")


@pytest.fixture
def kaa(staff):
    return _actor(staff, "kaa", "kaa")


@pytest.fixture
def kaa2(staff):
    return _actor(staff, "kaa2", "kaa")


def _districts(db_session) -> dict[str, District]:
    return {d.code: d for d in db_session.exec(select(District)).all()}


def _save(db_session, admin, rule, inbox=None, units=None, districts=None):
    assignment.save_rule(
        db_session,
        actor=admin,
        data=assignment.RuleData(
            rule=rule,
            inbox_officer_id=inbox,
            unit_officers=units or {},
            district_officers=districts or {},
        ),
    )
    db_session.commit()


def _risk_report(db_session, unit, serial=601, personnummer=None):
    return factories.risk_report(db_session, unit=unit, serial=serial, personnummer=personnummer)


def _task(db_session, report) -> Task:
    db_session.expire_all()
    return db_session.exec(
        select(Task).where(Task.source_type == "school_report", Task.source_id == report.id)
    ).one()


def _register(db_session, kaa, report, district_id=None) -> Youth:
    student = school_reports.report_students(db_session, report.id)[0]
    youth = school_reports.register_student(
        db_session, actor=kaa, student_id=student.id, district_id=district_id
    )
    db_session.commit()
    return youth


def test_without_a_saved_rule_reports_land_with_nobody(db_session, staff, units, kaa):
    report = _risk_report(db_session, units["90000001"])
    assert _task(db_session, report).assigned_to is None
    assert _register(db_session, kaa, report).officer_id is None


def test_the_inbox_officer_gets_the_meeting_task_and_the_person_registered_from_the_report(
    db_session, staff, units, admin, kaa
):
    _save(db_session, admin, "inkorg", inbox=staff["kaa2"].id)
    report = _risk_report(db_session, units["90000001"])
    assert _task(db_session, report).assigned_to == staff["kaa2"].id
    youth = _register(db_session, kaa, report)
    assert youth.officer_id == staff["kaa2"].id
    task = _task(db_session, report)
    assert (task.youth_id, task.assigned_to) == (youth.id, staff["kaa2"].id)


def test_by_school_unit_each_units_officer_gets_its_reports_and_others_go_to_the_inbox(
    db_session, staff, units, admin
):
    first, second = units["90000001"], units["90000002"]
    _save(
        db_session,
        admin,
        "skolenhet",
        inbox=staff["kaa"].id,
        units={first.id: staff["arbetsmarknad"].id, second.id: None},
    )
    assert _task(db_session, _risk_report(db_session, first)).assigned_to == (
        staff["arbetsmarknad"].id
    )
    assert _task(db_session, _risk_report(db_session, second, 602)).assigned_to == (staff["kaa"].id)


def test_by_district_the_district_chosen_when_registering_decides_the_officer(
    db_session, staff, units, admin, kaa
):
    districts = _districts(db_session)
    north, south = list(districts.values())[:2]
    _save(
        db_session,
        admin,
        "kommundel",
        inbox=staff["kaa"].id,
        districts={north.id: staff["kaa2"].id, south.id: None},
    )
    in_north = _register(db_session, kaa, _risk_report(db_session, units["90000001"]), north.id)
    in_south = _register(
        db_session, kaa, _risk_report(db_session, units["90000001"], 602), south.id
    )
    nowhere = _register(db_session, kaa, _risk_report(db_session, units["90000001"], 603))
    assert (in_north.district_id, in_north.officer_id) == (north.id, staff["kaa2"].id)
    assert in_south.officer_id == staff["kaa"].id  # the district has nobody: the inbox officer
    assert nowhere.officer_id == staff["kaa"].id


def test_an_officer_who_left_is_passed_over_for_the_inbox_officer(db_session, staff, units, admin):
    unit = units["90000001"]
    _save(db_session, admin, "skolenhet", inbox=staff["kaa"].id, units={unit.id: staff["kaa2"].id})
    staff["kaa2"].active = False
    db_session.add(staff["kaa2"])
    db_session.commit()
    assert _task(db_session, _risk_report(db_session, unit)).assigned_to == staff["kaa"].id


def test_a_registered_persons_own_officer_gets_the_meeting_task(
    db_session, staff, units, admin, make_youth
):
    _save(db_session, admin, "inkorg", inbox=staff["kaa"].id)
    known = make_youth("Känd", "Person", officer_id=staff["arbetsmarknad"].id)
    report = _risk_report(db_session, units["90000001"], personnummer=known.personnummer)
    task = _task(db_session, report)
    assert (task.youth_id, task.assigned_to) == (known.id, staff["arbetsmarknad"].id)


def test_linking_a_report_to_a_registered_person_gives_its_open_task_their_officer(
    db_session, staff, units, kaa
):
    report = _risk_report(db_session, units["90000001"])
    student = school_reports.report_students(db_session, report.id)[0]
    later = register.register_youth(  # registered after the report came in, e.g. by an import
        db_session,
        actor=kaa,
        personnummer=student.personnummer,
        data=register.YouthData(first_name="Rut", last_name="Risk", officer_id=staff["kaa2"].id),
    )
    db_session.commit()
    assert school_reports.link_student(db_session, actor=kaa, student_id=student.id) == later.id
    db_session.commit()
    task = _task(db_session, report)
    assert (task.youth_id, task.assigned_to) == (later.id, staff["kaa2"].id)


def test_taking_a_report_makes_the_officer_responsible_for_report_person_and_tasks(
    db_session, staff, units, kaa, kaa2
):
    report = _risk_report(db_session, units["90000001"])
    assignment.take_report(db_session, actor=kaa2, report_id=report.id, current_handler=None)
    youth = _register(db_session, kaa2, report)
    assert youth.officer_id == staff["kaa2"].id  # the taker, whatever the rule says
    taken = assignment.take_report(
        db_session, actor=kaa, report_id=report.id, current_handler=staff["kaa2"].id
    )
    db_session.commit()
    db_session.expire_all()
    assert (taken.handled_by, taken.status) == (staff["kaa"].id, "under_handlaggning")
    assert db_session.get(Youth, youth.id).officer_id == staff["kaa"].id
    assert _task(db_session, report).assigned_to == staff["kaa"].id
    titles = db_session.exec(
        select(TimelineEntry.title).where(TimelineEntry.youth_id == youth.id)
    ).all()
    assert "Ny handläggare: Karin Berg" in titles


def test_a_new_report_taken_moves_from_new_to_under_handling(db_session, staff, units, kaa):
    report = _risk_report(db_session, units["90000001"])
    assert school_reports.count_new_reports(db_session, actor=kaa) == 1
    assignment.take_report(db_session, actor=kaa, report_id=report.id, current_handler=None)
    db_session.commit()
    assert school_reports.count_new_reports(db_session, actor=kaa) == 0
    assert db_session.get(SchoolReport, report.id).status == "under_handlaggning"


def test_a_report_taken_meanwhile_by_someone_else_is_not_taken_over_unseen(
    db_session, staff, units, kaa, kaa2
):
    report = _risk_report(db_session, units["90000001"])
    assignment.take_report(db_session, actor=kaa2, report_id=report.id, current_handler=None)
    db_session.commit()
    with pytest.raises(Invalid, match="Johan Wikström har redan tagit ärendet"):
        assignment.take_report(db_session, actor=kaa, report_id=report.id, current_handler=None)
    db_session.rollback()
    assert db_session.get(SchoolReport, report.id).handled_by == staff["kaa2"].id
    assert _task(db_session, report).assigned_to == staff["kaa2"].id


def test_the_rule_needs_an_inbox_officer_and_only_officers_can_be_chosen(
    db_session, staff, units, admin, kaa
):
    with pytest.raises(Invalid) as missing:
        _save(db_session, admin, "inkorg", inbox=None)
    assert "inbox_officer_id" in missing.value.field_errors
    with pytest.raises(Invalid):
        _save(db_session, admin, "skolenhet", inbox=staff["skola"].id)
    db_session.rollback()
    with pytest.raises(PermissionError):
        _save(db_session, kaa, "inkorg", inbox=staff["kaa"].id)
    assert assignment.current_rule(db_session).inbox_officer_id is None
