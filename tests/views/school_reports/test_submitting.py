"""A school submits a report at request level: once, drafts, every kind, the studiebevis list,
the age limit, the guardians' addresses."""

import io
import re

from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.school_reports import ReportDraft, SchoolReportStudent
from tests.views.school_reports.helpers import dropout, reports, student_number, studiebevis, submit


def test_school_submits_a_dropout_report_and_gets_a_receipt_with_a_reference(
    login_as, schools, db_session
):
    school = login_as("skola")
    response = submit(school, schools["90000001"])
    assert response.status_code == 303
    [report] = reports(db_session)
    assert re.fullmatch(rf"SA-{local_today().year}-\d{{5}}", report.reference)
    assert report.status == "mottagen"
    receipt = school.get(response.headers["Location"]).get_data(as_text=True)
    assert report.reference in receipt
    assert "Kvitto på anmälan" in receipt
    assert "Låg motivation / trivs inte" in receipt
    docx = school.get(school.url("school_reports.receipt", report_id=report.id))
    assert docx.status_code == 200
    assert docx.data[:2] == b"PK"


def test_a_double_submit_creates_one_report_and_shows_the_same_receipt(
    login_as, schools, db_session
):
    school = login_as("skola")
    first = submit(school, schools["90000001"], token="samma")
    second = submit(school, schools["90000001"], token="samma")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(reports(db_session)) == 1


def test_errors_are_in_swedish_and_keep_what_was_typed(login_as, schools, db_session):
    school = login_as("skola")
    response = submit(
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
    assert reports(db_session) == []


def test_guardians_are_required_under_18_only(login_as, schools, db_session):
    school = login_as("skola")
    young = submit(school, schools["90000001"], guardian1_name="")
    assert "ange minst en vårdnadshavare" in young.get_data(as_text=True)
    adult = submit(
        school, schools["90000001"], token="t2", guardian1_name="", personnummer=student_number(19)
    )
    assert adult.status_code == 303


def test_a_draft_survives_a_session_timeout_and_is_restored_after_logging_in(
    login_as, schools, db_session
):
    school = login_as("skola")
    typed = dropout(schools["90000001"], token="utkast-1", first_name="Maja Utkast")
    response = school.post_form(
        school.url("school_reports.save_draft", kind="studieavbrott"), typed
    )
    assert response.status_code == 204
    again = login_as("skola")  # a new session, as after a timeout
    page = again.get(again.url("school_reports.form", kind="studieavbrott")).get_data(as_text=True)
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
    again.post_form(again.url("school_reports.form", kind="studieavbrott"), typed)
    db_session.expire_all()
    assert db_session.exec(select(ReportDraft)).all() == []


def test_a_failed_submit_is_kept_as_a_draft(login_as, schools, db_session):
    school = login_as("skola")
    submit(school, schools["90000001"], reason="", first_name="Kvar Efterfel")
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
        "personnummer": student_number(17, 321),
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
    assert submit(school, unit, "franvaro", **absence).status_code == 303
    assert submit(school, unit, "risk", **risk).status_code == 303
    assert [r.reference[:2] for r in reports(db_session)] == ["BF", "RA"]


def test_studiebevis_list_from_rows_and_a_csv_file(login_as, schools, db_session):
    school = login_as("skola")
    rows = (
        f"{student_number(19, 331)};Ada;Listsson;Samhäll\n"
        f"{student_number(19, 332)};Bo;Listsson;Teknik"
    )
    csv = f"personnummer;fornamn;efternamn;program\n{student_number(19, 333)};Cia;Filsson;El\n"
    response = studiebevis(
        school, schools["90000001"], "sb", rows, file=(io.BytesIO(csv.encode()), "elever.csv")
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    [report] = reports(db_session)
    students = db_session.exec(
        select(SchoolReportStudent).where(SchoolReportStudent.report_id == report.id)
    ).all()
    assert sorted(s.first_name for s in students) == ["Ada", "Bo", "Cia"]


def test_a_bad_studiebevis_row_is_named_in_swedish(login_as, schools, db_session):
    response = studiebevis(
        login_as("skola"),
        schools["90000001"],
        "sb2",
        f"{student_number(19, 334)};Ada;Listsson\n12345;Bo;Fel",
    )
    assert response.status_code == 400
    assert "Rad 2:" in response.get_data(as_text=True)
    assert reports(db_session) == []


def test_a_report_about_someone_of_20_or_older_is_refused_as_not_a_kaa_case(
    login_as, schools, db_session
):
    school = login_as("skola")
    form = school.get(school.url("school_reports.form", kind="studieavbrott")).get_data(
        as_text=True
    )
    assert "Anmäl bara elever som är under 20 år" in form
    older = student_number(years=21, serial=312)
    response = submit(school, schools["90000001"], personnummer=older)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "fyllde 20 år den" in page and "inte ett KAA-ärende" in page
    assert 'value="Ella"' in page  # what was typed comes back
    assert reports(db_session) == []


def test_a_studiebevis_list_names_the_row_of_someone_of_20_or_older(login_as, schools, db_session):
    rows = (
        f"{student_number(serial=313)};Unga;Elev;Ekonomi\n"
        f"{student_number(years=20, serial=314)};Äldre;Elev;"
    )
    response = submit(
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
    assert reports(db_session) == []


def test_a_guardians_address_is_optional_but_whole_and_valid(login_as, schools, db_session):
    school = login_as("skola")
    unit = schools["90000001"]
    partial = submit(school, unit, guardian1_street_address="Storgatan 1")
    page = partial.get_data(as_text=True)
    assert partial.status_code == 400
    assert "Ange postnumret, eller lämna hela adressen tom." in page
    assert "Ange postorten, eller lämna hela adressen tom." in page
    assert 'value="Storgatan 1"' in page
    bad = submit(
        school,
        unit,
        guardian1_street_address="Storgatan 1",
        guardian1_postal_code="1234",
        guardian1_city="Exempelstad",
    )
    assert "Ange postnumret med fem siffror." in bad.get_data(as_text=True)
    nobody = submit(school, unit, guardian2_street_address="Lillgatan 2")
    assert "Ange namnet på vårdnadshavare 2, eller lämna adressen tom." in nobody.get_data(
        as_text=True
    )
    same = submit(school, unit, guardian1_same_address="y")
    assert "Fyll i elevens hela adress ovan" in same.get_data(as_text=True)
    both = submit(
        school,
        unit,
        street_address="Elevvägen 3",
        postal_code="123 45",
        city="Exempelstad",
        guardian1_same_address="y",
        guardian1_street_address="Storgatan 1",
    )
    assert "inte båda" in both.get_data(as_text=True)
    assert reports(db_session) == []
