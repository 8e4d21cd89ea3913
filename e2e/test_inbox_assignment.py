"""Work that lands somewhere, in Chromium: the new-report badge, taking in one click, the rule."""

from playwright.sync_api import expect
from sqlmodel import select

from e2e.conftest import assert_accessible, login
from kaa_web.models.auth import StaffUser
from kaa_web.models.school_reports import SchoolUnit
from tests import factories


def _risk_report(db, serial: int) -> str:
    """A risk-of-dropout report from Exempelgymnasiet, as its form would store it; the reference."""
    unit = db.exec(select(SchoolUnit).where(SchoolUnit.code == "90000001")).one()
    return factories.risk_report(db, unit=unit, serial=serial).reference


def test_new_reports_are_counted_in_the_menu_and_an_officer_takes_one_in_one_click(
    browser, page, server_url, db
):
    first, second = _risk_report(db, 701), _risk_report(db, 702)
    login(page, server_url, "kaa")
    menu = page.get_by_role("navigation", name="Huvudmeny")
    expect(menu.get_by_role("link", name="Inkorg, 2 nya", exact=True)).to_be_visible()
    expect(page.locator("section[aria-labelledby=inkorgen]")).to_contain_text(
        "2 nya anmälningar från skolor som ingen har tagit ännu."
    )
    assert_accessible(page)
    menu.get_by_role("link", name="Inkorg, 2 nya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inkorg – anmälningar från skolor")
    assert_accessible(page)
    page.get_by_role("button", name=f"Jag tar det: {first}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Risk för studieavbrott {first}")
    expect(page.get_by_text("Du har tagit ärendet")).to_be_visible()
    expect(page.locator("section[aria-labelledby=handlaggare]")).to_contain_text("Du har ärendet.")
    expect(menu.get_by_role("link", name="Inkorg, 1 ny", exact=True)).to_be_visible()
    assert_accessible(page)
    menu.get_by_role("link", name="Att göra").click()
    meeting = f"Gemensamt möte med Exempelgymnasiet om risk för studieavbrott ({first})"
    expect(page.get_by_role("rowheader", name=f"Möte med skolan: {meeting}")).to_be_visible()
    assert_accessible(page)

    # Without JavaScript a colleague takes the other report from its own page.
    context = browser.new_context(java_script_enabled=False)
    colleague = context.new_page()
    colleague.set_default_timeout(10_000)
    login(colleague, server_url, "kaa2", check_accessibility=False)
    colleague.goto(server_url + "/inkorg/")
    colleague.get_by_role("link", name=second).click()
    colleague.get_by_role("button", name="Ta ärendet").click()
    expect(colleague.get_by_text("Du har ärendet.")).to_be_visible()
    expect(
        colleague.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Inkorg")
    ).to_have_text("Inkorg")  # no badge: nothing new is left
    context.close()
    page.goto(server_url + "/inkorg/")
    expect(page.get_by_role("row", name=second)).to_contain_text("Johan Wikström")
    expect(page.get_by_role("button", name="Jag tar det", exact=False)).to_have_count(0)


def test_admin_sends_a_school_units_reports_to_an_officer(browser, page, server_url, db):
    login(page, server_url, "admin")
    page.goto(server_url + "/admin/")
    assert_accessible(page)
    page.get_by_role("link", name="Fördelning av nya ärenden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fördelning av nya ärenden")
    assert_accessible(page)
    page.get_by_role("button", name="Spara fördelningen").click()  # nothing chosen yet
    expect(page.get_by_role("heading", name="Det finns fel i formuläret")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Efter skolenhet").check()
    page.get_by_label("Handläggaren som har hand om inkorgen", exact=True).select_option(
        label="Karin Berg"
    )
    page.get_by_label("Exempelgymnasiet", exact=True).select_option(label="Johan Wikström")
    page.get_by_role("button", name="Spara fördelningen").click()
    expect(page.get_by_text("Fördelningen av nya ärenden är sparad.")).to_be_visible()
    expect(page.get_by_label("Exempelgymnasiet", exact=True)).to_have_value(
        str(db.exec(select(StaffUser.id).where(StaffUser.username == "kaa2")).one())
    )
    assert_accessible(page)

    reference = _risk_report(db, 703)
    officer = browser.new_page()
    login(officer, server_url, "kaa2")
    officer.goto(server_url + "/att-gora/?vy=mina")
    meeting = "Möte med skolan: Gemensamt möte med Exempelgymnasiet om risk för studieavbrott"
    expect(officer.get_by_role("rowheader", name=f"{meeting} ({reference})")).to_be_visible()
    assert_accessible(officer)
    officer.close()
