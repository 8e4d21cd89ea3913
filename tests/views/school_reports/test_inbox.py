"""The KAA inbox at request level: the list, registering a student, the timeline, the risk task,
another home municipality, status and answer, every read logged."""

from datetime import timedelta

from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import TimelineEntry, Youth
from kaa_web.models.school_reports import SchoolReport, SchoolReportStudent
from kaa_web.models.tasks import Task
from kaa_web.rules import personnummer as pnr
from kaa_web.services import register
from kaa_web.services.register import new_youth
from tests import factories
from tests.views.school_reports.helpers import reports, student_number, submit


def test_inbox_lists_reports_by_type_and_age_and_filters(login_as, schools, db_session):
    submit(login_as("skola"), schools["90000001"])
    [report] = reports(db_session)
    kaa = login_as("kaa")
    page = kaa.get(kaa.url("inbox.index")).get_data(as_text=True)
    assert report.reference in page and "0 dagar" in page and "Studieavbrott: 1" in page
    assert report.reference not in kaa.get("/inkorg/?typ=risk").get_data(as_text=True)
    assert report.reference not in kaa.get("/inkorg/?status=avslutad").get_data(as_text=True)


def test_kaa_creates_the_register_entry_from_a_dropout_report(login_as, schools, db_session):
    submit(login_as("skola"), schools["90000001"])
    [report] = reports(db_session)
    student = db_session.exec(select(SchoolReportStudent)).one()
    kaa = login_as("kaa")
    response = kaa.post_form(kaa.url("inbox.register_student", student_id=student.id))
    assert response.status_code == 303
    db_session.expire_all()
    youth = db_session.exec(select(Youth)).one()
    period = register.current_period(db_session, youth.id)
    assert (period.registration_source, period.registration_reason) == (
        "skolanmalan",
        "avbrott_nationellt",
    )
    assert youth.phone == "070-111 22 33"
    assert db_session.get(SchoolReportStudent, student.id).youth_id == youth.id
    assert db_session.get(SchoolReport, report.id).status == "under_handlaggning"
    entries = db_session.exec(select(TimelineEntry).where(TimelineEntry.youth_id == youth.id)).all()
    assert any(report.reference in e.title for e in entries)
    page = kaa.get(kaa.url("inbox.report", report_id=report.id)).get_data(as_text=True)
    assert f"/ungdomar/{youth.id}" in page


def test_a_new_mapping_starts_from_what_the_school_reported(login_as, schools, db_session):
    submit(login_as("skola"), schools["90000001"])  # left with a studiebevis
    [report] = reports(db_session)
    student = db_session.exec(select(SchoolReportStudent)).one()
    kaa = login_as("kaa")
    kaa.post_form(kaa.url("inbox.register_student", student_id=student.id))
    db_session.expire_all()
    youth = db_session.exec(select(Youth)).one()
    page = kaa.get(kaa.url("plans.mapping", youth_id=youth.id)).get_data(as_text=True)
    school = schools["90000001"].name
    assert f'name="last_school" type="text" value="{school}"' in page
    assert 'value="Ekonomiprogrammet, åk 2"' in page
    assert '<option selected value="studiebevis">Studiebevis</option>' in page
    assert f"Ifyllt från skolans anmälan {report.reference}" in page


def test_a_report_on_a_registered_person_goes_on_their_timeline(
    login_as, schools, make_youth, db_session
):
    youth = make_youth("Frida", "Frånvaro")
    school = login_as("skola")
    submit(
        school,
        schools["90000001"],
        "franvaro",
        token="bf",
        school_unit_id=str(schools["90000001"].id),
        contact_name="Sara",
        contact_phone="010",
        personnummer=youth.personnummer,
        first_name="Frida",
        last_name="Frånvaro",
        programme="IM",
        school_year="1",
        guardian1_name="Förälder",
        absence_extent="50 %",
        period_from="2026-09-01",
        period_to="2026-10-01",
        investigation_started="2026-09-15",
        support_given="Åtgärdsprogram.",
    )
    [report] = reports(db_session)
    student = db_session.exec(select(SchoolReportStudent)).one()
    assert student.youth_id == youth.id
    entries = db_session.exec(select(TimelineEntry).where(TimelineEntry.youth_id == youth.id)).all()
    assert [e.title for e in entries] == [
        f"Betydande frånvaro från Exempelgymnasiet ({report.reference})"
    ]
    person = login_as("kaa").get(f"/ungdomar/{youth.id}").get_data(as_text=True)
    assert report.reference in person


def test_a_risk_report_creates_a_meeting_task_in_the_worklist(login_as, schools, db_session):
    submit(
        login_as("skola2"),
        schools["90000002"],
        "risk",
        token="ra",
        school_unit_id=str(schools["90000002"].id),
        contact_name="Erik",
        contact_phone="010",
        personnummer=student_number(),
        first_name="Rut",
        last_name="Risk",
        programme="Teknik",
        school_year="1",
        guardian1_name="Förälder",
        situation="franvaro",
        support_given="Samtal.",
        meeting_requested="y",
    )
    [report] = reports(db_session)
    task = db_session.exec(select(Task)).one()
    assert (task.kind, task.source_type, task.source_id) == (
        "mote_skola",
        "school_report",
        report.id,
    )
    worklist = login_as("kaa").get("/att-gora/?vy=ofordelade").get_data(as_text=True)
    assert report.reference in worklist


def test_another_home_municipality_keeps_the_student_out_of_the_register(
    login_as, schools, db_session
):
    submit(login_as("skola"), schools["90000001"])
    [report] = reports(db_session)
    student = db_session.exec(select(SchoolReportStudent)).one()
    kaa = login_as("kaa")
    response = kaa.post_form(
        kaa.url("inbox.other_municipality", student_id=student.id),
        {"municipality": "0182", "forward_note": "Skickad till Nacka per e-post."},
    )
    assert response.status_code == 303
    kaa.post_form(kaa.url("inbox.register_student", student_id=student.id))
    db_session.expire_all()
    assert db_session.exec(select(Youth)).all() == []
    assert db_session.get(SchoolReportStudent, student.id).home_municipality == "0182"
    page = kaa.get(kaa.url("inbox.report", report_id=report.id)).get_data(as_text=True)
    assert "Annan hemkommun: Nacka" in page
    assert "Skickad till Nacka per e-post." in page
    bad = kaa.post_form(
        kaa.url("inbox.other_municipality", student_id=student.id), {"municipality": "9999"}
    )
    assert bad.status_code == 400


def test_status_and_a_short_answer_reach_the_school(login_as, schools, db_session):
    school = login_as("skola")
    submit(school, schools["90000001"])
    [report] = reports(db_session)
    kaa = login_as("kaa")
    page = kaa.get(kaa.url("inbox.report", report_id=report.id)).get_data(as_text=True)
    assert "Skriv inte känsliga personuppgifter" in page
    response = kaa.post_form(
        kaa.url("inbox.change_status", report_id=report.id),
        {"status": "avslutad", "answer": "KAA har kontaktat eleven.", "school_unit_id": "999"},
    )
    assert response.status_code == 303
    school_page = school.get(school.url("school_reports.report", report_id=report.id)).get_data(
        as_text=True
    )
    assert "Avslutad" in school_page and "KAA har kontaktat eleven." in school_page
    db_session.expire_all()
    assert db_session.get(SchoolReport, report.id).school_unit_id == schools["90000001"].id
    assert (
        kaa.post_form(
            kaa.url("inbox.change_status", report_id=report.id), {"status": "hemlig"}
        ).status_code
        == 400
    )


def test_every_read_of_a_report_is_logged_with_the_matched_youth(
    login_as, schools, make_youth, db_session
):
    youth = make_youth()
    school = login_as("skola")
    submit(school, schools["90000001"], personnummer=youth.personnummer)
    [report] = reports(db_session)
    login_as("kaa").get(f"/inkorg/{report.id}")
    school.get(school.url("school_reports.report", report_id=report.id))
    views = db_session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "view", AuditEvent.object_type == "school_report"
        )
    ).all()
    assert {(v.username, v.youth_id) for v in views} == {("kaa", youth.id), ("skola", youth.id)}
    assert login_as("kaa").get("/inkorg/999999").status_code == 404


def test_the_register_match_shown_on_a_report_is_logged_as_a_read_of_that_person(
    login_as, schools, db_session
):
    submit(login_as("skola"), schools["90000001"])
    [report] = reports(db_session)
    student = db_session.exec(select(SchoolReportStudent)).one()
    assert student.youth_id is None
    # Registered after the report came in (e.g. from an extract): a match not yet linked.
    later = new_youth(
        pnr.parse(student.personnummer),
        "Ella",
        "Matchsson",
    )
    db_session.add(later)
    db_session.commit()
    page = login_as("kaa").get(f"/inkorg/{report.id}").get_data(as_text=True)
    assert "Koppla anmälan till Ella Matchsson" in page
    views = db_session.exec(
        select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.object_type == "youth")
    ).all()
    assert [(v.username, v.object_id, v.youth_id) for v in views] == [
        ("kaa", str(later.id), later.id)
    ]


def test_the_inbox_does_not_offer_to_register_a_student_who_has_turned_20(
    login_as, schools, db_session
):
    submit(login_as("skola"), schools["90000001"])
    [report] = reports(db_session)
    student = db_session.exec(select(SchoolReportStudent)).one()
    student.birth_date = local_today() - timedelta(days=20 * 365 + 10)  # since turned 20
    db_session.add(student)
    db_session.commit()
    kaa = login_as("kaa")
    page = kaa.get(kaa.url("inbox.report", report_id=report.id)).get_data(as_text=True)
    assert "Det är inte ett KAA-ärende" in page
    assert "Skapa registerpost från anmälan" not in page
    refused = kaa.post_form(kaa.url("inbox.register_student", student_id=student.id))
    assert refused.status_code == 303
    assert "inte ett KAA-ärende" in kaa.get(refused.location).get_data(as_text=True)
    assert db_session.exec(select(Youth)).all() == []


def test_guardians_addresses_reach_the_register_when_kaa_registers_the_student(
    login_as, schools, db_session
):
    from kaa_web.models.register import Guardian

    school = login_as("skola")
    response = submit(
        school,
        schools["90000001"],
        street_address="Elevvägen 3",
        postal_code="123 45",
        city="Exempelstad",
        guardian1_street_address="Storgatan 1",
        guardian1_postal_code="111 22",
        guardian1_city="Annanstad",
        guardian2_name="Olof Exempelsson",
        guardian2_same_address="y",
    )
    assert response.status_code == 303
    [report] = reports(db_session)
    kaa = login_as("kaa")
    page = kaa.get(kaa.url("inbox.report", report_id=report.id)).get_data(as_text=True)
    assert (
        "Vårdnadshavare 1: Vera Exempelsson, tel. 070-222 33 44, Storgatan 1, 111 22 Annanstad"
        in page
    )
    assert "Vårdnadshavare 2: Olof Exempelsson, Elevvägen 3, 123 45 Exempelstad" in page
    student = db_session.exec(select(SchoolReportStudent)).one()
    assert (
        kaa.post_form(kaa.url("inbox.register_student", student_id=student.id)).status_code == 303
    )
    db_session.expire_all()
    guardians = db_session.exec(select(Guardian).order_by(Guardian.id)).all()
    assert [(g.name, g.street_address, g.postal_code, g.city) for g in guardians] == [
        ("Vera Exempelsson", "Storgatan 1", "111 22", "Annanstad"),
        ("Olof Exempelsson", "Elevvägen 3", "123 45", "Exempelstad"),
    ]


def _inbox_row(client, reference: str) -> str:
    """The inbox list's row (its text) for the report with this reference."""
    page = client.get(client.url("inbox.index", status="")).get_data(as_text=True)
    [row] = [r for r in page.split("<tr>") if f">{reference}</a>" in r]
    return row.split("</tr>")[0]


def test_the_inbox_list_marks_only_a_report_on_someone_who_left_kaa_as_coming_back(
    login_as, schools, db_session, staff
):
    left, stays = (
        factories.youth(
            db_session,
            name,
            "Exempelsson",
            birth_date=pnr.parse(student_number(serial=serial)).birth_date,
            serial=serial,
            registered_on=local_today() - timedelta(days=400),
        )
        for name, serial in (("Lisa", 381), ("Stina", 383))
    )
    register.deregister_youth(
        db_session,
        actor=factories.actor("kaa", staff),
        youth_id=left.id,
        reason="nationellt_program",
        on=local_today() - timedelta(days=30),
    )
    db_session.commit()
    school = login_as("skola")
    submit(school, schools["90000001"], personnummer=left.personnummer)
    submit(school, schools["90000001"], token="tok-2", personnummer=stays.personnummer)
    first, second = sorted(reports(db_session), key=lambda r: r.id)
    kaa = login_as("kaa")
    assert "återkommer" in _inbox_row(kaa, first.reference)
    assert "återkommer" not in _inbox_row(kaa, second.reference)


def test_a_report_on_someone_who_left_kaa_says_they_come_back_and_registers_a_new_period(
    login_as, schools, db_session, staff
):
    number = student_number(serial=377)
    person = factories.youth(
        db_session,
        "Ella",
        "Exempelsson",
        birth_date=pnr.parse(number).birth_date,
        serial=377,
        registered_on=local_today() - timedelta(days=400),
        registration_reason="aldrig_borjat",
    )
    kaa_actor = factories.actor("kaa", staff)
    register.deregister_youth(
        db_session,
        actor=kaa_actor,
        youth_id=person.id,
        reason="nationellt_program",
        on=local_today() - timedelta(days=300),
    )
    db_session.commit()
    submit(login_as("skola"), schools["90000001"], personnummer=person.personnummer)
    [report] = reports(db_session)
    kaa = login_as("kaa")
    assert "återkommer" in _inbox_row(kaa, report.reference)
    page = kaa.get(kaa.url("inbox.report", report_id=report.id)).get_data(as_text=True)
    assert "<strong>Återkommer.</strong>" in page
    assert "Registrera eleven i KAA igen" in page
    student = db_session.exec(select(SchoolReportStudent)).one()
    assert (
        kaa.post_form(kaa.url("inbox.register_student", student_id=student.id)).status_code == 303
    )
    assert reports(db_session)[0].status == "under_handlaggning"
    periods = register.periods_of(db_session, person.id)
    assert [(p.registration_source, p.registration_reason, p.deregistered_on) for p in periods] == [
        ("skolanmalan", "avbrott_nationellt", None),
        ("import", "aldrig_borjat", local_today() - timedelta(days=300)),
    ]
    again = kaa.get(kaa.url("inbox.report", report_id=report.id)).get_data(as_text=True)
    assert "Återkommer" not in again and "Registrera eleven i KAA igen" not in again
    assert "återkommer" not in _inbox_row(kaa, report.reference)  # registered again
    assert kaa.post_form(kaa.url("inbox.register_student", student_id=student.id)).status_code in (
        303,
        400,
    )
    assert len(register.periods_of(db_session, person.id)) == 2  # a second click adds nothing
