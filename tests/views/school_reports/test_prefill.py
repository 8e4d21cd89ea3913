"""What the school does not have to retype: the contact prefilled from the directory or the unit."""

import re

from kaa_web.models.school_reports import SchoolUnit


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
    page = school.get(school.url("school_reports.form", kind="risk")).get_data(as_text=True)
    assert _contact_values(page)["contact_name"] == "Annan Kontakt"
    assert _contact_values(page)["contact_phone"] == ""
