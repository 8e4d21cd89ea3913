"""Work that lands somewhere, at request level: the admin's rule, the new-report badge, taking."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.demo import seed_schools
from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import District, Youth
from kaa_web.models.school_reports import InboxAssignment, SchoolReport, SchoolUnit
from kaa_web.models.tasks import Task
from kaa_web.rules import personnummer as pnr
from kaa_web.services import school_reports


@pytest.fixture
def units(db_session, staff):
    seed_schools(db_session)
    db_session.commit()
    return {u.code: u for u in db_session.exec(select(SchoolUnit)).all()}


def _report(client, unit, serial=611) -> None:
    """A risk-of-dropout report sent through the school's form."""
    number = pnr.make_valid(local_today() - timedelta(days=17 * 365 + serial), serial)
    data = {
        "engangskod": f"t-{serial}",
        "school_unit_id": str(unit.id),
        "contact_name": "Sara Lund",
        "contact_phone": "010-123 40 01",
        "personnummer": number,
        "first_name": "Rut",
        "last_name": f"Risk{serial}",
        "programme": "Bygg",
        "school_year": "1",
        "guardian1_name": "Vera Risk",
        "situation": "franvaro",
        "support_given": "Samtal med mentor.",
        "meeting_requested": "y",
    }
    assert client.post_form("/skola/anmalan/risk", data).status_code == 303


def _meeting_task(db_session, report) -> Task:
    return db_session.exec(
        select(Task).where(Task.source_type == "school_report", Task.source_id == report.id)
    ).one()


def _reports(db_session):
    db_session.expire_all()
    return db_session.exec(select(SchoolReport).order_by(SchoolReport.id)).all()


def _assignment_form(staff, units, districts, rule="skolenhet", **overrides):
    data = {"rule": rule, "inbox_officer_id": str(staff["kaa"].id)}
    data.update({f"unit_{u.id}": "" for u in units.values()})
    data.update({f"district_{d.id}": "" for d in districts})
    data.update(overrides)
    return data


# --- the admin's rule -----------------------------------------------------------------------


def test_admin_sets_the_rule_per_school_unit_and_new_risk_tasks_follow_it(
    login_as, staff, units, db_session
):
    admin = login_as("admin")
    page = admin.get("/admin/fordelning")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Handläggare per skolenhet" in html and "Exempelgymnasiet" in html
    assert "Karin Berg" in html and "Sara Lund" not in html  # officers only, not school staff
    districts = db_session.exec(select(District)).all()
    unit = units["90000001"]
    response = admin.post_form(
        "/admin/fordelning",
        _assignment_form(staff, units, districts, **{f"unit_{unit.id}": str(staff["kaa2"].id)}),
    )
    assert response.status_code == 303
    assert "Johan Wikström" in admin.get("/admin/fordelning").get_data(as_text=True)
    _report(login_as("skola"), unit)
    [report] = _reports(db_session)
    task = _meeting_task(db_session, report)
    assert task.assigned_to == staff["kaa2"].id
    worklist = login_as("kaa2").get("/att-gora/?vy=mina").get_data(as_text=True)
    assert report.reference in worklist
    unassigned = login_as("kaa").get("/att-gora/?vy=ofordelade").get_data(as_text=True)
    assert report.reference not in unassigned
    changes = db_session.exec(
        select(AuditEvent).where(AuditEvent.object_type == "inbox_assignment")
    ).all()
    assert [(c.username, c.action) for c in changes] == [("admin", "update")]


def test_a_bad_rule_comes_back_in_swedish_with_what_was_chosen(login_as, staff, units, db_session):
    admin = login_as("admin")
    districts = db_session.exec(select(District)).all()
    unit = units["90000002"]
    response = admin.post_form(
        "/admin/fordelning",
        _assignment_form(
            staff,
            units,
            districts,
            rule="inkorg",
            inbox_officer_id="",
            **{f"unit_{unit.id}": str(staff["arbetsmarknad"].id)},
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Välj handläggaren som har hand om inkorgen." in page
    assert re.search(rf'<option selected value="{staff["arbetsmarknad"].id}">', page)
    crafted = admin.post_form(
        "/admin/fordelning",
        _assignment_form(staff, units, districts, **{f"unit_{unit.id}": str(staff["skola"].id)}),
    )
    assert crafted.status_code == 400
    assert db_session.exec(select(InboxAssignment)).all() == []
    assert db_session.get(SchoolUnit, unit.id).officer_id is None


def test_only_admin_may_set_the_rule(login_as, units):
    assert login_as("kaa").get("/admin/fordelning").status_code == 403
    assert login_as("kaa").post_form("/admin/fordelning", {"rule": "inkorg"}).status_code == 403


# --- new reports are seen -------------------------------------------------------------------


def test_new_reports_show_as_a_count_in_the_navigation_and_on_the_start_page(
    login_as, units, db_session
):
    kaa = login_as("kaa")
    start = kaa.get("/").get_data(as_text=True)
    assert "Inga nya anmälningar från skolor." in start
    assert 'class="badge"' not in start
    school = login_as("skola")
    _report(school, units["90000001"], 611)
    _report(school, units["90000001"], 612)
    start = kaa.get("/").get_data(as_text=True)
    assert "<strong>2 nya anmälningar</strong> från skolor som ingen har tagit ännu." in start
    nav = start.split('aria-label="Huvudmeny"', 1)[1].split("</nav>", 1)[0]
    assert (
        '<a href="/inkorg/" aria-label="Inkorg, 2 nya">Inkorg<span class="badge">2</span></a>'
        in nav
    )
    assert "/inkorg/?status=mottagen" in start
    other_page = kaa.get("/ungdomar/").get_data(as_text=True)
    assert 'aria-label="Inkorg, 2 nya"' in other_page
    assert 'class="badge"' not in school.get("/").get_data(as_text=True)


def test_one_new_report_is_worded_in_the_singular(login_as, units):
    _report(login_as("skola"), units["90000001"])
    start = login_as("kaa").get("/").get_data(as_text=True)
    assert "<strong>1 ny anmälan</strong> från skolor" in start
    assert "Visa den nya anmälan" in start
    assert 'aria-label="Inkorg, 1 ny"' in start


# --- taking a report ------------------------------------------------------------------------


def test_jag_tar_det_in_the_inbox_list_takes_the_report_in_one_click(
    login_as, staff, units, db_session
):
    _report(login_as("skola"), units["90000001"])
    [report] = _reports(db_session)
    kaa = login_as("kaa")
    listing = kaa.get("/inkorg/").get_data(as_text=True)
    assert f'aria-label="Jag tar det: {report.reference}">Jag tar det</button>' in listing
    response = kaa.post_form(f"/inkorg/{report.id}/ta-arendet", {"current_handler": ""})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/inkorg/{report.id}"
    page = kaa.get(response.headers["Location"]).get_data(as_text=True)
    assert "Du har tagit ärendet" in page and "Du har ärendet." in page
    [report] = _reports(db_session)
    assert (report.handled_by, report.status) == (staff["kaa"].id, "under_handlaggning")
    task = _meeting_task(db_session, report)
    assert task.assigned_to == staff["kaa"].id
    assert "Inkorg, 0" not in kaa.get("/").get_data(as_text=True)
    assert "Jag tar det" not in kaa.get("/inkorg/").get_data(as_text=True)


def test_taking_over_from_another_officer_needs_the_page_to_show_them(
    login_as, staff, units, db_session
):
    _report(login_as("skola"), units["90000001"])
    [report] = _reports(db_session)
    kaa, kaa2 = login_as("kaa"), login_as("kaa2")
    kaa2.post_form(f"/inkorg/{report.id}/ta-arendet", {"current_handler": ""})
    stale = kaa.post_form(f"/inkorg/{report.id}/ta-arendet", {"current_handler": ""})
    page = kaa.get(stale.headers["Location"]).get_data(as_text=True)
    assert "Johan Wikström har redan tagit ärendet." in page
    assert "Johan Wikström har ärendet." in page and "Ta över ärendet" in page
    assert _reports(db_session)[0].handled_by == staff["kaa2"].id
    kaa.post_form(f"/inkorg/{report.id}/ta-arendet", {"current_handler": str(staff["kaa2"].id)})
    assert _reports(db_session)[0].handled_by == staff["kaa"].id


def test_taking_a_report_that_does_not_exist_or_a_crafted_handler_is_refused(
    login_as, units, db_session
):
    _report(login_as("skola"), units["90000001"])
    [report] = _reports(db_session)
    kaa = login_as("kaa")
    assert kaa.post_form("/inkorg/999999/ta-arendet", {"current_handler": ""}).status_code == 404
    crafted = kaa.post_form(f"/inkorg/{report.id}/ta-arendet", {"current_handler": "1 OR 1=1"})
    assert crafted.status_code == 400
    assert _reports(db_session)[0].handled_by is None
    assert login_as("skola").post_form(f"/inkorg/{report.id}/ta-arendet").status_code == 403
    assert kaa.get(f"/inkorg/{report.id}/ta-arendet").status_code == 405


def test_registering_from_the_inbox_in_a_district_gives_that_districts_officer(
    login_as, staff, units, db_session
):
    district = db_session.exec(select(District).order_by(District.id)).first()
    admin = login_as("admin")
    form = _assignment_form(
        staff,
        units,
        db_session.exec(select(District)).all(),
        rule="kommundel",
        **{f"district_{district.id}": str(staff["arbetsmarknad"].id)},
    )
    assert admin.post_form("/admin/fordelning", form).status_code == 303
    _report(login_as("skola"), units["90000001"])
    [report] = _reports(db_session)
    student = school_reports.report_students(db_session, report.id)[0]
    kaa = login_as("kaa")
    page = kaa.get(f"/inkorg/{report.id}").get_data(as_text=True)
    assert f'<label class="label" for="kommundel-{student.id}">Kommundel</label>' in page
    assert "enligt regeln för nya ärenden: efter kommundel." in page
    crafted = kaa.post_form(f"/inkorg/elev/{student.id}/registrera", {"district_id": "4711"})
    assert crafted.status_code == 400
    assert db_session.exec(select(Youth)).all() == []
    response = kaa.post_form(
        f"/inkorg/elev/{student.id}/registrera", {"district_id": str(district.id)}
    )
    assert response.status_code == 303
    db_session.expire_all()
    youth = db_session.exec(select(Youth)).one()
    assert (youth.district_id, youth.officer_id) == (district.id, staff["arbetsmarknad"].id)
    task = _meeting_task(db_session, report)
    assert (task.youth_id, task.assigned_to) == (youth.id, staff["arbetsmarknad"].id)
