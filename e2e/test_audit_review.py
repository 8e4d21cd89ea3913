"""The log review and the register extract in Chromium: a manager finds a colleague's read of
another officer's young person and marks it reviewed; an officer makes an extract."""

from playwright.sync_api import expect
from sqlmodel import select

from e2e.conftest import assert_accessible, login, make_person
from kaa_web.models.auth import StaffUser


def test_a_manager_reviews_a_read_outside_the_caseload(page, server_url, db, browser):
    karin = db.exec(select(StaffUser).where(StaffUser.username == "kaa")).one()
    youth = make_person(db, "Karins", "Ungdom", 3, officer_id=karin.id)
    colleague = browser.new_context().new_page()
    login(colleague, server_url, "kaa2", check_accessibility=False)
    colleague.goto(f"{server_url}/ungdomar/{youth.id}")
    colleague.context.close()

    login(page, server_url, "chef")
    menu = page.get_by_role("navigation", name="Huvudmeny")
    menu.get_by_role("link", name="Behörighetsuppföljning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Behörighetsuppföljning")
    assert_accessible(page)
    card = page.locator(".flags li").filter(has_text="Utanför egna ärenden")
    expect(card).to_contain_text("Johan Wikström")
    card.get_by_label("Kommentar till granskningen").fill("Vikarierade för Karin.")
    card.get_by_role("button", name="Markera som granskad").click()
    expect(page.get_by_text("Flaggan är markerad som granskad.")).to_be_visible()
    card = page.locator(".flags li").filter(has_text="Utanför egna ärenden")
    expect(card).to_contain_text("Vikarierade för Karin.")
    assert_accessible(page)

    page.get_by_label("Personnummer").fill(youth.personnummer)
    page.get_by_role("button", name="Sök ungdom").click()
    expect(page.get_by_text("Karins Ungdom")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Exportera perioden (Excel)").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_an_officer_makes_the_register_extract_from_the_person_page(page, server_url, db):
    youth = make_person(db, "Alva", "Öberg", 4)
    login(page, server_url, "kaa")
    page.goto(f"{server_url}/ungdomar/{youth.id}")
    assert_accessible(page)
    page.get_by_role("link", name="Registerutdrag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registerutdrag för Alva Öberg")
    assert_accessible(page)
    page.get_by_label("Word (.docx)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Skapa registerutdraget").click()
    assert download.value.suggested_filename.startswith("registerutdrag_")
