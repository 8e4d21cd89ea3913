"""What a school may see and do: its own units' reports, their status and answer, the receipt."""

from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.school_reports import SchoolReport, SchoolReportStudent
from tests.views.school_reports.helpers import reports, student_number, studiebevis, submit


def test_school_cannot_read_another_schools_report_and_the_attempt_is_logged(
    login_as, schools, db_session
):
    submit(login_as("skola"), schools["90000001"])
    [report] = reports(db_session)
    other = login_as("skola2")
    assert other.get(other.url("school_reports.report", report_id=report.id)).status_code == 404
    assert other.get(other.url("school_reports.receipt", report_id=report.id)).status_code == 404
    assert report.reference not in other.get(other.url("school_reports.index")).get_data(
        as_text=True
    )
    denied = db_session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "denied", AuditEvent.object_type == "school_report"
        )
    ).all()
    assert {(d.username, d.object_id) for d in denied} == {("skola2", str(report.id))}


def test_school_list_shows_its_own_units_reports_with_status(login_as, schools, db_session):
    submit(login_as("skola"), schools["90000001"], token="a")
    submit(login_as("skola2"), schools["90000002"], token="b")
    own, other = reports(db_session)
    page = login_as("skola").get("/skola/anmalan").get_data(as_text=True)
    assert own.reference in page and other.reference not in page
    assert "Mottagen" in page


def test_school_without_a_unit_sees_nothing_and_cannot_submit(login_as, schools, db_session):
    submit(login_as("skola"), schools["90000001"])
    nobody = login_as("nyskola")
    page = nobody.get(nobody.url("school_reports.index")).get_data(as_text=True)
    assert "inte knuten till någon skolenhet" in page
    assert reports(db_session)[0].reference not in page
    assert nobody.get(nobody.url("school_reports.form", kind="studieavbrott")).status_code == 403
    response = submit(nobody, schools["90000001"], token="x")
    assert response.status_code == 403
    assert len(reports(db_session)) == 1


def test_posted_unit_status_id_and_reference_the_school_may_not_set_are_refused_or_ignored(
    login_as, schools, db_session
):
    school = login_as("skola")
    foreign = submit(school, schools["90000001"], school_unit_id=str(schools["90000002"].id))
    assert foreign.status_code == 400
    assert reports(db_session) == []
    submit(
        school,
        schools["90000001"],
        status="avslutad",
        id="4711",
        reference="SA-1999-00001",
        answer="hackat",
        youth_id="1",
    )
    [report] = reports(db_session)
    assert report.status == "mottagen"
    assert report.id != 4711
    assert report.reference != "SA-1999-00001"
    assert report.answer == ""


def test_a_personnummer_reveals_nothing_about_the_register_to_the_school(
    login_as, schools, make_youth, db_session
):
    known = make_youth("Känd", "Registrerad")
    school = login_as("skola")
    response = submit(
        school, schools["90000001"], personnummer=known.personnummer, first_name="Känd"
    )
    receipt = school.get(response.headers["Location"]).get_data(as_text=True)
    unknown = school.get(
        submit(school, schools["90000001"], token="t-2").headers["Location"]
    ).get_data(as_text=True)
    for page in (receipt, unknown):
        assert "registret" not in page and "Registrerad" not in page
        assert "/ungdomar/" not in page


def test_staff_outside_schools_cannot_use_the_school_pages(login_as, schools):
    assert login_as("kaa").get("/skola/anmalan").status_code == 403
    assert login_as("skola").get("/inkorg/").status_code == 403


def test_a_receipt_is_stored_when_first_issued_and_sent_again_unchanged(
    login_as, schools, db_session
):
    from kaa_web.models.documents import GeneratedDocument

    school = login_as("skola")
    assert submit(school, schools["90000001"]).status_code == 303
    [report] = reports(db_session)
    first = school.get(school.url("school_reports.receipt", report_id=report.id))
    second = school.get(school.url("school_reports.receipt", report_id=report.id))
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    db_session.expire_all()
    stored = db_session.get(SchoolReport, report.id).receipt_document_id
    assert db_session.get(GeneratedDocument, stored).content == first.data
    assert len(db_session.exec(select(GeneratedDocument)).all()) == 1


def test_the_receipt_names_the_person_who_sent_it_not_the_account(login_as, schools, db_session):
    school = login_as("skola")
    receipt = school.get(submit(school, schools["90000001"]).headers["Location"])
    page = receipt.get_data(as_text=True)
    assert " av Sara Lund</dd>" in page and " av skola<" not in page
    assert reports(db_session)[0].submitted_by_name == "Sara Lund"


def test_the_school_list_names_its_own_students_and_logs_each_name_shown(
    login_as, schools, make_youth, db_session
):
    known = make_youth("Känd", "Elevsson")
    school = login_as("skola")
    submit(school, schools["90000001"], token="a", first_name="Ella", last_name="Listad")
    submit(
        school,
        schools["90000001"],
        token="b",
        personnummer=known.personnummer,
        first_name="Känd",
        last_name="Elevsson",
    )
    submit(
        login_as("skola2"), schools["90000002"], token="c", first_name="Annans", last_name="Elev"
    )
    rows = f"{student_number(19, 341)};Lista;Ett\n{student_number(19, 342)};Lista;Två"
    assert studiebevis(school, schools["90000001"], "sb", rows).status_code == 303
    page = school.get(school.url("school_reports.index")).get_data(as_text=True)
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
    submit(school, schools["90000001"])
    [report] = reports(db_session)
    assert "<td>–</td>" in school.get(school.url("school_reports.index")).get_data(as_text=True)
    login_as("kaa").post_form(
        f"/inkorg/{report.id}/status",
        {"status": "under_handlaggning", "answer": "Vi ringer eleven i veckan."},
    )
    page = school.get(school.url("school_reports.index")).get_data(as_text=True)
    assert "<td>Vi ringer eleven i veckan.</td>" in page
    assert "<td>Ja</td>" not in page
