"""A manager follows up the half-year: chooses a period, reads a definition, opens the people
behind a figure, downloads the workbook and writes and makes the tertial report."""

import io
from datetime import date, timedelta

import openpyxl
from docx import Document
from playwright.sync_api import expect

from e2e.conftest import assert_accessible, login
from kaa_web.models.base import local_today
from kaa_web.rules.report_periods import latest_half_year
from tests import factories

TODAY = local_today()


def _covered(db):
    """Six people registered this half-year (one reached by phone), and one who came back."""
    half = latest_half_year(TODAY)
    people = []
    for i in range(6):
        on = min(half.start + timedelta(days=i), TODAY)
        people.append(
            factories.history(
                db,
                [dict(registered_on=on)],
                birth_date=date(TODAY.year - 17, 3, 1 + i),
                serial=700 + i,
                gender="kvinna" if i % 2 else "man",
            )
        )
    factories.outreach_contact(
        db, people[0], "telefon", min(half.start + timedelta(days=3), TODAY), "nadd", "studier"
    )
    return half, people


def test_a_manager_reads_the_figures_opens_the_people_and_exports(page, server_url, db):
    half, people = _covered(db)
    login(page, server_url, "chef")
    menu = page.get_by_role("navigation", name="Huvudmeny")
    menu.get_by_role("link", name="Uppföljning", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning")
    assert_accessible(page)

    page.get_by_label("Dela upp efter").select_option("kon")
    page.get_by_role("button", name="Visa").click()
    section = page.locator("#figur-omfattade")
    expect(section.get_by_role("heading", level=3)).to_contain_text("Omfattade under perioden: 6")
    section.get_by_text("Så räknas det").click()
    expect(section.locator("details p")).to_contain_text("registrerade i KAA någon dag")
    expect(page.locator("#figur-nadda_kanal img")).to_have_attribute(
        "alt", "Hur de nåddes: stapeldiagram, perioden och året innan."
    )
    assert_accessible(page)

    page.locator("#figur-nadda").get_by_role("link", name="Visa nådda, hela kommunen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nådda")
    expect(page.locator("tbody tr")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("link", name="Tillbaka till uppföljningen").click()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Hämta alla tabeller som Excel-fil (xlsx)").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    overview = {row[0]: row[1] for row in book["Översikt"].iter_rows(values_only=True)}
    assert overview["Omfattade under perioden"] == 6 and overview["Nådda"] == "<5"


def test_a_manager_writes_and_makes_the_tertial_report(page, server_url, db):
    _covered(db)
    login(page, server_url, "chef")
    page.goto(server_url + "/statistik")
    assert_accessible(page)
    page.get_by_role("link", name="Nämndrapporter").click()
    assert_accessible(page)
    page.get_by_label("Rapport", exact=True).select_option("t1")
    page.get_by_label("År").fill(str(TODAY.year))
    page.get_by_role("button", name="Öppna rapporten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tertialrapport 1 {TODAY.year}")
    assert_accessible(page)
    page.get_by_label("Omfattning: analys").fill("Fler nya än året innan.")
    page.get_by_role("button", name="Spara utkastet").click()
    expect(page.get_by_text("Utkastet är sparat.")).to_be_visible()
    page.get_by_role("button", name="Skapa rapporten").click()
    expect(page.get_by_text("Utkastet är sparat. Rapporten skapas.")).to_be_visible()
    assert_accessible(page)  # the job's page while the worker makes the report
    # htmx polls the status every second (the page also reloads itself without JavaScript)
    expect(page.get_by_text("Rapporten är skapad")).to_be_visible(timeout=60_000)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hämta rapporten (Word)").click()
    word = Document(io.BytesIO(download.value.path().read_bytes()))
    assert "Fler nya än året innan." in "\n".join(p.text for p in word.paragraphs)


def test_the_statistics_page_works_without_javascript(kaa_without_javascript, server_url, db):
    _covered(db)
    page = kaa_without_javascript
    page.goto(server_url + "/statistik?typ=ar&ar=" + str(TODAY.year))
    expect(page.locator("#figur-omfattade h3")).to_contain_text("Omfattade under perioden: 6")
    page.locator("#figur-omfattade summary").click()
    expect(page.locator("#figur-omfattade details p")).to_be_visible()
