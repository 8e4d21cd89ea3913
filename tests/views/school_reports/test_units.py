"""Admin's school units and help texts at request level."""

from sqlmodel import select

from kaa_web.models.school_reports import FormHelpText, SchoolUnit
from kaa_web.services import school_reports as service
from kaa_web.services.errors import Invalid


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
