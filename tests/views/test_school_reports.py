"""School reports at request level: submitting, drafts, receipts, isolation, the inbox, admin."""

import io
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.demo_data import seed_schools
from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import TimelineEntry, Youth
from kaa_web.models.school_reports import (
    FormHelpText,
    ReportDraft,
    SchoolReport,
    SchoolReportStudent,
    SchoolUnit,
)
from kaa_web.models.tasks import Task
from kaa_web.rules import personnummer as pnr
from kaa_web.services import register
from kaa_web.services import school_reports as service
from kaa_web.services.errors import Invalid
from kaa_web.services.register import new_youth
from tests import factories


@pytest.fixture
def schools(db_session, staff):
    """The two demo schools (Exempelgymnasiet for "skola", Fiktiva Friskolan for "skola2")."""
    seed_schools(db_session)
    db_session.commit()
    return {u.code: u for u in db_session.exec(select(SchoolUnit)).all()}


def _number(years: int = 17, serial: int = 311) -> str:
    return pnr.make_valid(local_today() - timedelta(days=years * 365 + 40), serial)


def dropout(unit: SchoolUnit, token: str = "tok-1", **overrides) -> dict:
    data = {
        "engangskod": token,
        "school_unit_id": str(unit.id),
        "contact_name": "Sara Lund",
        "contact_phone": "010-123 40 01",
        "personnummer": _number(),
        "first_name": "Ella",
        "last_name": "Exempelsson",
        "programme": "Ekonomiprogrammet",
        "school_year": "2",
        "programme_kind": "nationellt",
        "phone": "070-111 22 33",
        "guardian1_name": "Vera Exempelsson",
        "guardian1_phone": "070-222 33 44",
        "dropout_date": (local_today() - timedelta(days=2)).isoformat(),
        "reason": "motivation",
        "leaves_with_studiebevis": "ja",
        "support_given": "Samtal med mentor och studie- och yrkesvägledare.",
        "informed_consequences": "y",
        "informed_kaa": "y",
    }
    return {**data, **overrides}


def _reports(db_session):
    db_session.expire_all()
    return db_session.exec(select(SchoolReport).order_by(SchoolReport.id)).all()


def _submit(client, unit, kind="studieavbrott", **overrides):
    data = dropout(unit, **overrides) if kind == "studieavbrott" else overrides
    return client.post_form(f"/skola/anmalan/{kind}", data)


def _studiebevis(client, unit, token: str, rows: str, **extra):
    data = {
        "engangskod": token,
        "school_unit_id": str(unit.id),
        "contact_name": "Sara",
        "contact_phone": "010-1",
        "school_year": "2025/26",
        "rows": rows,
        **extra,
    }
    return client.post_form("/skola/anmalan/studiebevis", data, content_type="multipart/form-data")


# --- submitting -----------------------------------------------------------------------------


def test_school_submits_a_dropout_report_and_gets_a_receipt_with_a_reference(
    login_as, schools, db_session
):
    school = login_as("skola")
    response = _submit(school, schools["90000001"])
    assert response.status_code == 303
    [report] = _reports(db_session)
    assert re.fullmatch(rf"SA-{local_today().year}-\d{{5}}", report.reference)
    assert report.status == "mottagen"
    receipt = school.get(response.headers["Location"]).get_data(as_text=True)
    assert report.reference in receipt
    assert "Kvitto på anmälan" in receipt
    assert "Låg motivation / trivs inte" in receipt
    docx = school.get(f"/skola/anmalningar/{report.id}/kvitto.docx")
    assert docx.status_code == 200
    assert docx.data[:2] == b"PK"


def test_a_double_submit_creates_one_report_and_shows_the_same_receipt(
    login_as, schools, db_session
):
    school = login_as("skola")
    first = _submit(school, schools["90000001"], token="samma")
    second = _submit(school, schools["90000001"], token="samma")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_reports(db_session)) == 1


def test_errors_are_in_swedish_and_keep_what_was_typed(login_as, schools, db_session):
    school = login_as("skola")
    response = _submit(
        school,
        schools["90000001"],
        personnummer="20090101-0000",
        dropout_date="",
        guardian1_name="",
        first_name="Ebba Skrivenfel",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Det finns fel i formuläret" in page
    assert "Ange datum för avbrottet som ÅÅÅÅ-MM-DD." in page
    assert "Ebba Skrivenfel" in page
    assert "20090101-0000" in page
    assert _reports(db_session) == []


def test_guardians_are_required_under_18_only(login_as, schools, db_session):
    school = login_as("skola")
    young = _submit(school, schools["90000001"], guardian1_name="")
    assert "ange minst en vårdnadshavare" in young.get_data(as_text=True)
    adult = _submit(
        school, schools["90000001"], token="t2", guardian1_name="", personnummer=_number(19)
    )
    assert adult.status_code == 303


def test_a_draft_survives_a_session_timeout_and_is_restored_after_logging_in(
    login_as, schools, db_session
):
    school = login_as("skola")
    typed = dropout(schools["90000001"], token="utkast-1", first_name="Maja Utkast")
    response = school.post_form("/skola/anmalan/studieavbrott/utkast", typed)
    assert response.status_code == 204
    again = login_as("skola")  # a new session, as after a timeout
    page = again.get("/skola/anmalan/studieavbrott").get_data(as_text=True)
    assert "Maja Utkast" in page
    assert "Vi har återställt det du skrev senast" in page
    assert 'value="utkast-1"' in page
    assert (
        login_as("skola2")
        .get("/skola/anmalan/studieavbrott")
        .get_data(as_text=True)
        .count("Maja Utkast")
        == 0
    )
    again.post_form("/skola/anmalan/studieavbrott", typed)
    db_session.expire_all()
    assert db_session.exec(select(ReportDraft)).all() == []


def test_a_failed_submit_is_kept_as_a_draft(login_as, schools, db_session):
    school = login_as("skola")
    _submit(school, schools["90000001"], reason="", first_name="Kvar Efterfel")
    page = login_as("skola").get("/skola/anmalan/studieavbrott").get_data(as_text=True)
    assert "Kvar Efterfel" in page


def test_the_form_autosaves_with_htmx_and_warns_about_sensitive_data(login_as, schools):
    page = login_as("skola").get("/skola/anmalan/studieavbrott").get_data(as_text=True)
    assert 'hx-post="/skola/anmalan/studieavbrott/utkast"' in page
    assert 'hx-trigger="change delay:1s"' in page
    assert "Skriv inte känsliga personuppgifter" in page
    assert "<script>" not in page


def test_every_report_kind_can_be_submitted(login_as, schools, db_session):
    school = login_as("skola")
    unit = schools["90000001"]
    common = {
        "school_unit_id": str(unit.id),
        "contact_name": "Sara Lund",
        "contact_phone": "010-1",
        "personnummer": _number(17, 321),
        "first_name": "Alva",
        "last_name": "Prov",
        "programme": "Bygg",
        "school_year": "1",
        "guardian1_name": "Förälder Prov",
        "support_given": "Extra anpassningar.",
    }
    absence = {
        **common,
        "engangskod": "bf",
        "absence_extent": "40 %",
        "period_from": "2026-09-01",
        "period_to": "2026-10-31",
        "investigation_started": "2026-10-01",
        "atgardsprogram": "y",
    }
    risk = {**common, "engangskod": "ra", "situation": "motivation", "meeting_requested": "y"}
    assert _submit(school, unit, "franvaro", **absence).status_code == 303
    assert _submit(school, unit, "risk", **risk).status_code == 303
    assert [r.reference[:2] for r in _reports(db_session)] == ["BF", "RA"]


def test_studiebevis_list_from_rows_and_a_csv_file(login_as, schools, db_session):
    school = login_as("skola")
    rows = f"{_number(19, 331)};Ada;Listsson;Samhäll\n{_number(19, 332)};Bo;Listsson;Teknik"
    csv = f"personnummer;fornamn;efternamn;program\n{_number(19, 333)};Cia;Filsson;El\n"
    response = _studiebevis(
        school, schools["90000001"], "sb", rows, file=(io.BytesIO(csv.encode()), "elever.csv")
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    [report] = _reports(db_session)
    students = db_session.exec(
        select(SchoolReportStudent).where(SchoolReportStudent.report_id == report.id)
    ).all()
    assert sorted(s.first_name for s in students) == ["Ada", "Bo", "Cia"]


def test_a_bad_studiebevis_row_is_named_in_swedish(login_as, schools, db_session):
    response = _studiebevis(
        login_as("skola"),
        schools["90000001"],
        "sb2",
        f"{_number(19, 334)};Ada;Listsson\n12345;Bo;Fel",
    )
    assert response.status_code == 400
    assert "Rad 2:" in response.get_data(as_text=True)
    assert _reports(db_session) == []


# --- what the school may see and do ---------------------------------------------------------


def test_school_cannot_read_another_schools_report_and_the_attempt_is_logged(
    login_as, schools, db_session
):
    _submit(login_as("skola"), schools["90000001"])
    [report] = _reports(db_session)
    other = login_as("skola2")
    assert other.get(f"/skola/anmalningar/{report.id}").status_code == 404
    assert other.get(f"/skola/anmalningar/{report.id}/kvitto.docx").status_code == 404
    assert report.reference not in other.get("/skola/anmalan").get_data(as_text=True)
    denied = db_session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "denied", AuditEvent.object_type == "school_report"
        )
    ).all()
    assert {(d.username, d.object_id) for d in denied} == {("skola2", str(report.id))}


def test_school_list_shows_its_own_units_reports_with_status(login_as, schools, db_session):
    _submit(login_as("skola"), schools["90000001"], token="a")
    _submit(login_as("skola2"), schools["90000002"], token="b")
    own, other = _reports(db_session)
    page = login_as("skola").get("/skola/anmalan").get_data(as_text=True)
    assert own.reference in page and other.reference not in page
    assert "Mottagen" in page


def test_school_without_a_unit_sees_nothing_and_cannot_submit(login_as, schools, db_session):
    _submit(login_as("skola"), schools["90000001"])
    nobody = login_as("nyskola")
    page = nobody.get("/skola/anmalan").get_data(as_text=True)
    assert "inte knuten till någon skolenhet" in page
    assert _reports(db_session)[0].reference not in page
    assert nobody.get("/skola/anmalan/studieavbrott").status_code == 403
    response = _submit(nobody, schools["90000001"], token="x")
    assert response.status_code == 403
    assert len(_reports(db_session)) == 1


def test_posted_unit_status_id_and_reference_the_school_may_not_set_are_refused_or_ignored(
    login_as, schools, db_session
):
    school = login_as("skola")
    foreign = _submit(school, schools["90000001"], school_unit_id=str(schools["90000002"].id))
    assert foreign.status_code == 400
    assert _reports(db_session) == []
    _submit(
        school,
        schools["90000001"],
        status="avslutad",
        id="4711",
        reference="SA-1999-00001",
        answer="hackat",
        youth_id="1",
    )
    [report] = _reports(db_session)
    assert report.status == "mottagen"
    assert report.id != 4711
    assert report.reference != "SA-1999-00001"
    assert report.answer == ""


def test_a_personnummer_reveals_nothing_about_the_register_to_the_school(
    login_as, schools, make_youth, db_session
):
    known = make_youth("Känd", "Registrerad")
    school = login_as("skola")
    response = _submit(
        school, schools["90000001"], personnummer=known.personnummer, first_name="Känd"
    )
    receipt = school.get(response.headers["Location"]).get_data(as_text=True)
    unknown = school.get(
        _submit(school, schools["90000001"], token="t-2").headers["Location"]
    ).get_data(as_text=True)
    for page in (receipt, unknown):
        assert "registret" not in page and "Registrerad" not in page
        assert "/ungdomar/" not in page


def test_staff_outside_schools_cannot_use_the_school_pages(login_as, schools):
    assert login_as("kaa").get("/skola/anmalan").status_code == 403
    assert login_as("skola").get("/inkorg/").status_code == 403


# --- the KAA inbox --------------------------------------------------------------------------


def test_inbox_lists_reports_by_type_and_age_and_filters(login_as, schools, db_session):
    _submit(login_as("skola"), schools["90000001"])
    [report] = _reports(db_session)
    kaa = login_as("kaa")
    page = kaa.get("/inkorg/").get_data(as_text=True)
    assert report.reference in page and "0 dagar" in page and "Studieavbrott: 1" in page
    assert report.reference not in kaa.get("/inkorg/?typ=risk").get_data(as_text=True)
    assert report.reference not in kaa.get("/inkorg/?status=avslutad").get_data(as_text=True)


def test_kaa_creates_the_register_entry_from_a_dropout_report(login_as, schools, db_session):
    _submit(login_as("skola"), schools["90000001"])
    [report] = _reports(db_session)
    student = db_session.exec(select(SchoolReportStudent)).one()
    kaa = login_as("kaa")
    response = kaa.post_form(f"/inkorg/elev/{student.id}/registrera")
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
    page = kaa.get(f"/inkorg/{report.id}").get_data(as_text=True)
    assert f"/ungdomar/{youth.id}" in page


def test_a_new_mapping_starts_from_what_the_school_reported(login_as, schools, db_session):
    _submit(login_as("skola"), schools["90000001"])  # left with a studiebevis
    [report] = _reports(db_session)
    student = db_session.exec(select(SchoolReportStudent)).one()
    kaa = login_as("kaa")
    kaa.post_form(f"/inkorg/elev/{student.id}/registrera")
    db_session.expire_all()
    youth = db_session.exec(select(Youth)).one()
    page = kaa.get(f"/ungdomar/{youth.id}/kartlaggning").get_data(as_text=True)
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
    _submit(
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
    [report] = _reports(db_session)
    student = db_session.exec(select(SchoolReportStudent)).one()
    assert student.youth_id == youth.id
    entries = db_session.exec(select(TimelineEntry).where(TimelineEntry.youth_id == youth.id)).all()
    assert [e.title for e in entries] == [
        f"Betydande frånvaro från Exempelgymnasiet ({report.reference})"
    ]
    person = login_as("kaa").get(f"/ungdomar/{youth.id}").get_data(as_text=True)
    assert report.reference in person


def test_a_risk_report_creates_a_meeting_task_in_the_worklist(login_as, schools, db_session):
    _submit(
        login_as("skola2"),
        schools["90000002"],
        "risk",
        token="ra",
        school_unit_id=str(schools["90000002"].id),
        contact_name="Erik",
        contact_phone="010",
        personnummer=_number(),
        first_name="Rut",
        last_name="Risk",
        programme="Teknik",
        school_year="1",
        guardian1_name="Förälder",
        situation="franvaro",
        support_given="Samtal.",
        meeting_requested="y",
    )
    [report] = _reports(db_session)
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
    _submit(login_as("skola"), schools["90000001"])
    [report] = _reports(db_session)
    student = db_session.exec(select(SchoolReportStudent)).one()
    kaa = login_as("kaa")
    response = kaa.post_form(
        f"/inkorg/elev/{student.id}/hemkommun",
        {"municipality": "0182", "forward_note": "Skickad till Nacka per e-post."},
    )
    assert response.status_code == 303
    kaa.post_form(f"/inkorg/elev/{student.id}/registrera")
    db_session.expire_all()
    assert db_session.exec(select(Youth)).all() == []
    assert db_session.get(SchoolReportStudent, student.id).home_municipality == "0182"
    page = kaa.get(f"/inkorg/{report.id}").get_data(as_text=True)
    assert "Annan hemkommun: Nacka" in page
    assert "Skickad till Nacka per e-post." in page
    bad = kaa.post_form(f"/inkorg/elev/{student.id}/hemkommun", {"municipality": "9999"})
    assert bad.status_code == 400


def test_status_and_a_short_answer_reach_the_school(login_as, schools, db_session):
    school = login_as("skola")
    _submit(school, schools["90000001"])
    [report] = _reports(db_session)
    kaa = login_as("kaa")
    page = kaa.get(f"/inkorg/{report.id}").get_data(as_text=True)
    assert "Skriv inte känsliga personuppgifter" in page
    response = kaa.post_form(
        f"/inkorg/{report.id}/status",
        {"status": "avslutad", "answer": "KAA har kontaktat eleven.", "school_unit_id": "999"},
    )
    assert response.status_code == 303
    school_page = school.get(f"/skola/anmalningar/{report.id}").get_data(as_text=True)
    assert "Avslutad" in school_page and "KAA har kontaktat eleven." in school_page
    db_session.expire_all()
    assert db_session.get(SchoolReport, report.id).school_unit_id == schools["90000001"].id
    assert kaa.post_form(f"/inkorg/{report.id}/status", {"status": "hemlig"}).status_code == 400


def test_every_read_of_a_report_is_logged_with_the_matched_youth(
    login_as, schools, make_youth, db_session
):
    youth = make_youth()
    school = login_as("skola")
    _submit(school, schools["90000001"], personnummer=youth.personnummer)
    [report] = _reports(db_session)
    login_as("kaa").get(f"/inkorg/{report.id}")
    school.get(f"/skola/anmalningar/{report.id}")
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
    _submit(login_as("skola"), schools["90000001"])
    [report] = _reports(db_session)
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


def test_a_report_about_someone_of_20_or_older_is_refused_as_not_a_kaa_case(
    login_as, schools, db_session
):
    school = login_as("skola")
    form = school.get("/skola/anmalan/studieavbrott").get_data(as_text=True)
    assert "Anmäl bara elever som är under 20 år" in form
    older = _number(years=21, serial=312)
    response = _submit(school, schools["90000001"], personnummer=older)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "fyllde 20 år den" in page and "inte ett KAA-ärende" in page
    assert 'value="Ella"' in page  # what was typed comes back
    assert _reports(db_session) == []


def test_a_studiebevis_list_names_the_row_of_someone_of_20_or_older(login_as, schools, db_session):
    rows = f"{_number(serial=313)};Unga;Elev;Ekonomi\n{_number(years=20, serial=314)};Äldre;Elev;"
    response = _submit(
        login_as("skola"),
        schools["90000001"],
        kind="studiebevis",
        token="tok-sb",
        school_unit_id=str(schools["90000001"].id),
        contact_name="Sara Lund",
        contact_phone="010-123 40 01",
        school_year="2025/26",
        rows=rows,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Rad 2: Eleven fyllde 20 år den" in page
    assert _reports(db_session) == []


def test_the_inbox_does_not_offer_to_register_a_student_who_has_turned_20(
    login_as, schools, db_session
):
    _submit(login_as("skola"), schools["90000001"])
    [report] = _reports(db_session)
    student = db_session.exec(select(SchoolReportStudent)).one()
    student.birth_date = local_today() - timedelta(days=20 * 365 + 10)  # since turned 20
    db_session.add(student)
    db_session.commit()
    kaa = login_as("kaa")
    page = kaa.get(f"/inkorg/{report.id}").get_data(as_text=True)
    assert "Det är inte ett KAA-ärende" in page
    assert "Skapa registerpost från anmälan" not in page
    refused = kaa.post_form(f"/inkorg/elev/{student.id}/registrera")
    assert refused.status_code == 303
    assert "inte ett KAA-ärende" in kaa.get(refused.location).get_data(as_text=True)
    assert db_session.exec(select(Youth)).all() == []


# --- administration -------------------------------------------------------------------------


def test_admin_adds_and_edits_a_school_unit_of_another_huvudman(login_as, schools, db_session):
    admin = login_as("admin")
    assert admin.get("/admin/skolenheter").status_code == 200
    response = admin.post_form(
        "/admin/skolenheter/ny",
        {
            "code": "90000003",
            "name": "Påhittade Tekniska",
            "huvudman": "Påhittad Utbildning AB",
            "municipality_code": "0180",
            "directory_group": "cn=skola-90000003,ou=grupper,dc=kommun,dc=se",
            "contact_name": "Rektor Exempel",
            "contact_email": "rektor@example.se",
            "active": "y",
        },
    )
    assert response.status_code == 303
    unit = db_session.exec(select(SchoolUnit).where(SchoolUnit.code == "90000003")).one()
    assert (unit.huvudman, unit.own_huvudman, unit.municipality_code) == (
        "Påhittad Utbildning AB",
        False,
        "0180",
    )
    clash = admin.post_form(
        f"/admin/skolenheter/{unit.id}", {"code": "90000001", "name": "X", "huvudman": "Y"}
    )
    assert clash.status_code == 400
    assert "Koden används redan." in clash.get_data(as_text=True)
    assert login_as("kaa").get("/admin/skolenheter").status_code == 403


def test_a_service_error_on_a_school_unit_goes_on_its_field_or_in_the_summary(
    login_as, schools, monkeypatch
):
    def refuse(db, *, actor, data, unit_id=None):
        raise Invalid(field_errors={"name": "Namnet krockar.", "ingen_ruta": "Något annat fel."})

    monkeypatch.setattr(service, "save_school_unit", refuse)
    response = login_as("admin").post_form(
        "/admin/skolenheter/ny",
        {
            "code": "90000004",
            "name": "Påhittade Skolan",
            "huvudman": "Påhittad AB",
            "municipality_code": "0180",
            "directory_group": "cn=skola-90000004,ou=grupper,dc=kommun,dc=se",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Namnet krockar." in page and "Något annat fel." in page


def test_admin_changes_a_help_text_without_a_deploy(login_as, schools, db_session):
    admin = login_as("admin")
    assert admin.get("/admin/hjalptexter").status_code == 200
    admin.post_form(
        "/admin/hjalptexter/spara",
        {"form": "studieavbrott", "field_name": "dropout_date", "text": "Sista skoldagen."},
    )
    page = login_as("skola").get("/skola/anmalan/studieavbrott").get_data(as_text=True)
    assert "Sista skoldagen." in page
    admin.post_form(
        "/admin/hjalptexter/spara",
        {"form": "studieavbrott", "field_name": "dropout_date", "text": ""},
    )
    db_session.expire_all()
    assert db_session.exec(select(FormHelpText)).all() == []
    unknown = admin.post_form(
        "/admin/hjalptexter/spara", {"form": "studieavbrott", "field_name": "x", "text": "y"}
    )
    assert unknown.status_code == 404


def test_a_receipt_is_stored_when_first_issued_and_sent_again_unchanged(
    login_as, schools, db_session
):
    from kaa_web.models.documents import GeneratedDocument

    school = login_as("skola")
    assert _submit(school, schools["90000001"]).status_code == 303
    [report] = _reports(db_session)
    first = school.get(f"/skola/anmalningar/{report.id}/kvitto.docx")
    second = school.get(f"/skola/anmalningar/{report.id}/kvitto.docx")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    db_session.expire_all()
    stored = db_session.get(SchoolReport, report.id).receipt_document_id
    assert db_session.get(GeneratedDocument, stored).content == first.data
    assert len(db_session.exec(select(GeneratedDocument)).all()) == 1


# --- what the school does not have to retype --------------------------------------------------


def _contact_values(page: str) -> dict[str, str]:
    return {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)
        if re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
        else ""
        for name in ("contact_name", "contact_phone", "contact_email")
    }


def test_the_form_is_prefilled_with_the_signed_in_persons_name_and_directory_phone(
    login_as, schools
):
    page = login_as("skola").get("/skola/anmalan/risk").get_data(as_text=True)
    assert _contact_values(page) == {
        "contact_name": "Sara Lund",
        "contact_phone": "010-123 45 67",
        "contact_email": "skola@exempelkommun.se",
    }


def test_without_a_directory_phone_the_school_units_phone_is_prefilled(
    login_as, schools, db_session
):
    unit = db_session.get(SchoolUnit, schools["90000002"].id)
    unit.contact_phone = "010-999 88 77"
    db_session.commit()
    page = login_as("skola2").get("/skola/anmalan/studieavbrott").get_data(as_text=True)
    assert _contact_values(page)["contact_name"] == "Erik Holm"
    assert _contact_values(page)["contact_phone"] == "010-999 88 77"


def test_a_restored_draft_keeps_what_was_typed_over_the_prefill(login_as, schools):
    school = login_as("skola")
    school.post_form(
        "/skola/anmalan/risk/utkast", {"contact_name": "Annan Kontakt", "contact_phone": ""}
    )
    page = school.get("/skola/anmalan/risk").get_data(as_text=True)
    assert _contact_values(page)["contact_name"] == "Annan Kontakt"
    assert _contact_values(page)["contact_phone"] == ""


def test_the_receipt_names_the_person_who_sent_it_not_the_account(login_as, schools, db_session):
    school = login_as("skola")
    receipt = school.get(_submit(school, schools["90000001"]).headers["Location"])
    page = receipt.get_data(as_text=True)
    assert " av Sara Lund</dd>" in page and " av skola<" not in page
    assert _reports(db_session)[0].submitted_by_name == "Sara Lund"


def test_the_school_list_names_its_own_students_and_logs_each_name_shown(
    login_as, schools, make_youth, db_session
):
    known = make_youth("Känd", "Elevsson")
    school = login_as("skola")
    _submit(school, schools["90000001"], token="a", first_name="Ella", last_name="Listad")
    _submit(
        school,
        schools["90000001"],
        token="b",
        personnummer=known.personnummer,
        first_name="Känd",
        last_name="Elevsson",
    )
    _submit(
        login_as("skola2"), schools["90000002"], token="c", first_name="Annans", last_name="Elev"
    )
    rows = f"{_number(19, 341)};Lista;Ett\n{_number(19, 342)};Lista;Två"
    assert _studiebevis(school, schools["90000001"], "sb", rows).status_code == 303
    page = school.get("/skola/anmalan").get_data(as_text=True)
    assert "<td>Ella Listad</td>" in page and "<td>Känd Elevsson</td>" in page
    assert "<td>2 elever</td>" in page
    assert "Annans" not in page and "Lista Ett" not in page
    students = {
        s.first_name: s
        for s in db_session.exec(select(SchoolReportStudent)).all()
        if s.first_name in ("Ella", "Känd")
    }
    logged = db_session.exec(
        select(AuditEvent).where(AuditEvent.object_type == "school_report_student")
    ).all()
    assert sorted((e.username, e.action, e.object_id, e.youth_id) for e in logged) == sorted(
        [
            ("skola", "view", str(students["Ella"].id), None),
            ("skola", "view", str(students["Känd"].id), known.id),
        ]
    )


def test_kaas_answer_shows_as_its_text_in_the_schools_list(login_as, schools, db_session):
    school = login_as("skola")
    _submit(school, schools["90000001"])
    [report] = _reports(db_session)
    assert "<td>–</td>" in school.get("/skola/anmalan").get_data(as_text=True)
    login_as("kaa").post_form(
        f"/inkorg/{report.id}/status",
        {"status": "under_handlaggning", "answer": "Vi ringer eleven i veckan."},
    )
    page = school.get("/skola/anmalan").get_data(as_text=True)
    assert "<td>Vi ringer eleven i veckan.</td>" in page
    assert "<td>Ja</td>" not in page


# --- the guardians' addresses ---------------------------------------------------------------


def test_a_guardians_address_is_optional_but_whole_and_valid(login_as, schools, db_session):
    school = login_as("skola")
    unit = schools["90000001"]
    partial = _submit(school, unit, guardian1_street_address="Storgatan 1")
    page = partial.get_data(as_text=True)
    assert partial.status_code == 400
    assert "Ange postnumret, eller lämna hela adressen tom." in page
    assert "Ange postorten, eller lämna hela adressen tom." in page
    assert 'value="Storgatan 1"' in page
    bad = _submit(
        school,
        unit,
        guardian1_street_address="Storgatan 1",
        guardian1_postal_code="1234",
        guardian1_city="Exempelstad",
    )
    assert "Ange postnumret med fem siffror." in bad.get_data(as_text=True)
    nobody = _submit(school, unit, guardian2_street_address="Lillgatan 2")
    assert "Ange namnet på vårdnadshavare 2, eller lämna adressen tom." in nobody.get_data(
        as_text=True
    )
    same = _submit(school, unit, guardian1_same_address="y")
    assert "Fyll i elevens hela adress ovan" in same.get_data(as_text=True)
    both = _submit(
        school,
        unit,
        street_address="Elevvägen 3",
        postal_code="123 45",
        city="Exempelstad",
        guardian1_same_address="y",
        guardian1_street_address="Storgatan 1",
    )
    assert "inte båda" in both.get_data(as_text=True)
    assert _reports(db_session) == []


def test_guardians_addresses_reach_the_register_when_kaa_registers_the_student(
    login_as, schools, db_session
):
    from kaa_web.models.register import Guardian

    school = login_as("skola")
    response = _submit(
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
    [report] = _reports(db_session)
    kaa = login_as("kaa")
    page = kaa.get(f"/inkorg/{report.id}").get_data(as_text=True)
    assert (
        "Vårdnadshavare 1: Vera Exempelsson, tel. 070-222 33 44, Storgatan 1, 111 22 Annanstad"
        in page
    )
    assert "Vårdnadshavare 2: Olof Exempelsson, Elevvägen 3, 123 45 Exempelstad" in page
    student = db_session.exec(select(SchoolReportStudent)).one()
    assert kaa.post_form(f"/inkorg/elev/{student.id}/registrera").status_code == 303
    db_session.expire_all()
    guardians = db_session.exec(select(Guardian).order_by(Guardian.id)).all()
    assert [(g.name, g.street_address, g.postal_code, g.city) for g in guardians] == [
        ("Vera Exempelsson", "Storgatan 1", "111 22", "Annanstad"),
        ("Olof Exempelsson", "Elevvägen 3", "123 45", "Exempelstad"),
    ]


def _inbox_row(client, reference: str) -> str:
    """The inbox list's row (its text) for the report with this reference."""
    page = client.get("/inkorg/?status=").get_data(as_text=True)
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
            birth_date=pnr.parse(_number(serial=serial)).birth_date,
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
    _submit(school, schools["90000001"], personnummer=left.personnummer)
    _submit(school, schools["90000001"], token="tok-2", personnummer=stays.personnummer)
    first, second = sorted(_reports(db_session), key=lambda r: r.id)
    kaa = login_as("kaa")
    assert "återkommer" in _inbox_row(kaa, first.reference)
    assert "återkommer" not in _inbox_row(kaa, second.reference)


def test_a_report_on_someone_who_left_kaa_says_they_come_back_and_registers_a_new_period(
    login_as, schools, db_session, staff
):
    number = _number(serial=377)
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
    _submit(login_as("skola"), schools["90000001"], personnummer=person.personnummer)
    [report] = _reports(db_session)
    kaa = login_as("kaa")
    assert "återkommer" in _inbox_row(kaa, report.reference)
    page = kaa.get(f"/inkorg/{report.id}").get_data(as_text=True)
    assert "<strong>Återkommer.</strong>" in page
    assert "Registrera eleven i KAA igen" in page
    student = db_session.exec(select(SchoolReportStudent)).one()
    assert kaa.post_form(f"/inkorg/elev/{student.id}/registrera").status_code == 303
    assert _reports(db_session)[0].status == "under_handlaggning"
    periods = register.periods_of(db_session, person.id)
    assert [(p.registration_source, p.registration_reason, p.deregistered_on) for p in periods] == [
        ("skolanmalan", "avbrott_nationellt", None),
        ("import", "aldrig_borjat", local_today() - timedelta(days=300)),
    ]
    again = kaa.get(f"/inkorg/{report.id}").get_data(as_text=True)
    assert "Återkommer" not in again and "Registrera eleven i KAA igen" not in again
    assert "återkommer" not in _inbox_row(kaa, report.reference)  # registered again
    assert kaa.post_form(f"/inkorg/elev/{student.id}/registrera").status_code in (303, 400)
    assert len(register.periods_of(db_session, person.id)) == 2  # a second click adds nothing
