"""A KAA officer checks the half-year before the SCB file, follows a problem to its person, makes
the file and downloads it; the administrator copies the mapping for the next half-year."""

import csv
import io
from datetime import date

from playwright.sync_api import expect

from e2e.conftest import assert_accessible, login
from kaa_web.services.scb.mapping import load_example
from tests import factories


def _half_year(db):
    """H1 2025: one person reached without an occupation noted, one clean."""
    load_example(db)
    db.commit()
    anna = factories.history(
        db, [dict(registered_on=date(2024, 9, 1))], birth_date=date(2007, 3, 10), serial=801,
        first_name="Anna",
    )  # fmt: skip
    factories.outreach_contact(db, anna, "telefon", date(2025, 2, 3), "nadd")
    factories.history(
        db, [dict(registered_on=date(2025, 1, 15))], birth_date=date(2007, 5, 5), serial=802,
        first_name="Bo",
    )  # fmt: skip
    return anna


def test_an_officer_checks_the_half_year_and_makes_the_file(page, server_url, db):
    anna = _half_year(db)
    login(page, server_url, "kaa")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="SCB-filen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SCB-filen")
    assert_accessible(page)
    page.goto(server_url + "/scb-filen/2025/h1")
    expect(page.get_by_text("Problem att rätta: 1")).to_be_visible()
    expect(page.get_by_text("Exempelmappning.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Gör SCB-filen").click()
    expect(page.get_by_role("alert")).to_contain_text("Bekräfta att filen ska göras")
    assert_accessible(page)
    page.get_by_label("Jag har sett problemen som finns kvar").check()
    page.get_by_role("button", name="Gör SCB-filen").click()
    expect(page.get_by_text("SCB-filen är gjord.")).to_be_visible()
    expect(page.get_by_text("Problem som fanns kvar: 1 (bekräftade av kaa)")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hämta filen").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text("utf-8")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])
    assert len(rows) == 3 and rows[0][0] == "Personnummer"

    page.get_by_role("link", name="Tillbaka till kontrollen").click()
    page.get_by_role("link", name="rätta för Anna Testsson").click()
    expect(page).to_have_url(f"{server_url}/ungdomar/{anna.id}")
    assert_accessible(page)


def test_the_administrator_copies_the_mapping_for_the_next_half_year(page, server_url, db):
    _half_year(db)
    login(page, server_url, "admin")
    page.goto(server_url + "/admin/scb-mappningar")
    assert_accessible(page)
    page.get_by_role("button", name="Kopiera EXEMPEL").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kopia av EXEMPEL")
    assert_accessible(page)
    page.get_by_label("Gäller från halvåret").fill("2031-H7")
    page.get_by_role("button", name="Spara mappningen").click()
    expect(page.get_by_role("alert")).to_contain_text("Ange halvåret som ÅÅÅÅ-H1 eller ÅÅÅÅ-H2")
    expect(page.get_by_label("Gäller från halvåret")).to_have_value("2031-H7")
    assert_accessible(page)
    page.get_by_label("Gäller från halvåret").fill("2031-H1")
    page.get_by_role("button", name="Spara mappningen").click()
    expect(page.get_by_text("Mappningen är sparad.")).to_be_visible()
