"""School report journeys in Chromium: a keyboard-only dropout report, the receipt, the inbox."""

from datetime import timedelta

from playwright.sync_api import expect

from e2e.conftest import assert_accessible, login
from kaa_web.models.base import local_today
from kaa_web.rules import personnummer as pnr


def _type_into(page, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).focus()
    page.keyboard.type(text)


def _press_on(page, label: str, key: str) -> None:
    page.get_by_label(label, exact=True).focus()
    page.keyboard.press(key)


def _fill_dropout_form_with_the_keyboard(page, number: str, submit: bool = True) -> None:
    # The school's contact is already filled in from the signed-in person's directory entry.
    expect(page.get_by_label("Skolans kontaktperson")).to_have_value("Sara Lund")
    _type_into(page, "Elevens personnummer", number)
    page.keyboard.press("Tab")
    page.keyboard.type("Ella")
    page.keyboard.press("Tab")
    page.keyboard.type("Webbsson")
    page.keyboard.press("Tab")
    page.keyboard.type("Ekonomiprogrammet")
    page.keyboard.press("Tab")
    page.keyboard.type("2")  # the årskurs select picks "2"
    _press_on(page, "Nationellt program", "Space")
    _type_into(page, "Elevens telefon", "070-111 22 33")
    _type_into(page, "Vårdnadshavare 1, namn", "Vera Webbsson")
    page.keyboard.press("Tab")
    page.keyboard.type("070-222 33 44")
    dropout_day = local_today() - timedelta(days=2)
    page.get_by_label("Datum för avbrottet").focus()
    page.keyboard.type(dropout_day.strftime("%m%d%Y"))  # Chromium's en-US date field order
    _type_into(page, "Orsak till avbrottet", "L")  # type-ahead picks "Låg motivation …"
    _press_on(page, "Ja", "Space")
    _type_into(page, "Stöd och vägledning skolan har gett", "Samtal med mentor och SYV.")
    _press_on(page, "Eleven har informerats om konsekvenserna av avbrottet", "Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    if submit:
        page.get_by_role("button", name="Skicka anmälan").focus()
        page.keyboard.press("Enter")


def test_school_reports_a_dropout_with_the_keyboard_and_kaa_registers_the_student(
    browser, page, server_url
):
    number = pnr.make_valid(local_today() - timedelta(days=17 * 365), 371)
    login(page, server_url, "skola")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Anmälningar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmälan till KAA")
    assert_accessible(page)
    page.get_by_role("link", name="Studieavbrott", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Studieavbrott")
    assert_accessible(page)

    # A mistake first: the error summary is announced and keeps what was typed.
    page.get_by_role("button", name="Skicka anmälan").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Det finns fel i formuläret")).to_be_visible()
    assert_accessible(page)

    _fill_dropout_form_with_the_keyboard(page, number)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kvitto på anmälan SA-")
    reference = page.get_by_role("heading", level=1).inner_text().rsplit(" ", 1)[-1]
    expect(page.locator(".facts")).to_contain_text("Låg motivation / trivs inte")
    assert_accessible(page)
    receipt_url = page.url

    other = browser.new_page()
    login(other, server_url, "skola2")
    other.goto(server_url + "/skola/anmalan")
    expect(other.get_by_text(reference)).to_have_count(0)
    assert_accessible(other)
    response = other.goto(receipt_url)
    assert response.status == 404
    assert_accessible(other)
    other.close()

    officer = browser.new_page()
    login(officer, server_url, "kaa")
    officer.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Inkorg").click()
    assert_accessible(officer)
    officer.get_by_role("link", name=reference).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(f"Studieavbrott {reference}")
    assert_accessible(officer)
    officer.get_by_role("button", name="Skapa registerpost från anmälan").click()
    expect(officer.get_by_text("Eleven är registrerad i KAA från anmälan.")).to_be_visible()
    assert_accessible(officer)
    officer.get_by_role("link", name="visa personen och tidslinjen").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Ella Webbsson")
    expect(officer.locator(".timeline")).to_contain_text(reference)
    expect(officer.get_by_text("(anmälan från skola)")).to_be_visible()
    assert_accessible(officer)
    officer.close()


def test_a_double_click_sends_one_report_and_a_draft_survives_logging_out(page, server_url, db):
    from sqlmodel import select

    from kaa_web.models.school_reports import SchoolReport

    number = pnr.make_valid(local_today() - timedelta(days=17 * 365), 372)
    login(page, server_url, "skola")
    page.goto(server_url + "/skola/anmalan/studieavbrott")
    page.get_by_label("Elevens förnamn").fill("Utkast")
    page.get_by_label("Elevens efternamn").fill("Webbsson")
    page.get_by_label("Program eller studieväg").fill("Bygg")
    page.wait_for_timeout(1500)  # the autosave fires a second after the change
    page.get_by_role("button", name="Logga ut").click()
    login(page, server_url, "skola", check_accessibility=False)
    page.goto(server_url + "/skola/anmalan/studieavbrott")
    expect(page.get_by_label("Elevens förnamn")).to_have_value("Utkast")
    expect(page.get_by_text("Vi har återställt det du skrev senast.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Elevens förnamn").fill("")
    page.get_by_label("Elevens efternamn").fill("")
    page.get_by_label("Program eller studieväg").fill("")
    _fill_dropout_form_with_the_keyboard(page, number, submit=False)
    page.get_by_role("button", name="Skicka anmälan").dblclick()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kvitto på anmälan SA-")
    db.expire_all()
    assert_accessible(page)
    assert len(db.exec(select(SchoolReport)).all()) == 1


def test_admin_pages_for_school_units_and_help_texts_are_accessible(page, server_url):
    login(page, server_url, "admin")
    page.goto(server_url + "/admin/")
    assert_accessible(page)
    page.get_by_role("link", name="Skolenheter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skolenheter")
    assert_accessible(page)
    page.get_by_role("link", name="Fiktiva Friskolan").click()
    assert_accessible(page)
    page.get_by_label("Kontaktperson").fill("Rektor Påhittad")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Skolenheten är sparad.")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Rektor Påhittad")
    page.goto(server_url + "/admin/skolenheter/ny")
    assert_accessible(page)
    page.goto(server_url + "/admin/hjalptexter")
    assert_accessible(page)


def test_the_school_finds_its_contact_prefilled_and_follows_its_students_by_name(
    browser, page, server_url
):
    number = pnr.make_valid(local_today() - timedelta(days=16 * 365), 373)
    login(page, server_url, "skola")
    page.goto(server_url + "/skola/anmalan/risk")
    expect(page.get_by_label("Skolans kontaktperson")).to_have_value("Sara Lund")
    expect(page.get_by_label("Kontaktpersonens telefon")).to_have_value("010-123 45 67")
    expect(page.get_by_label("Kontaktpersonens e-post")).to_have_value("skola@exempelkommun.se")
    assert_accessible(page)
    page.get_by_label("Elevens personnummer").fill(number)
    page.get_by_label("Elevens förnamn").fill("Rut")
    page.get_by_label("Elevens efternamn").fill("Webbsson")
    page.get_by_label("Program eller studieväg").fill("Bygg- och anläggningsprogrammet")
    page.get_by_label("Årskurs").select_option("1")
    page.get_by_label("Elevens utdelningsadress").fill("Elevvägen 3")
    page.get_by_label("Postnummer", exact=True).fill("123 45")
    page.get_by_label("Postort", exact=True).fill("Exempelstad")
    page.get_by_label("Vårdnadshavare 1, namn").fill("Vera Webbsson")
    page.get_by_label("Vårdnadshavare 1, postnummer").fill("123")  # a typing slip first
    page.get_by_label("Elevens situation").select_option(label="Ökande frånvaro")
    page.get_by_label("Stöd skolan redan har gett").fill("Veckovisa samtal med mentor.")
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.get_by_role("heading", name="Det finns fel i formuläret")).to_be_visible()
    expect(page.locator(".error-summary")).to_contain_text("Ange postnumret med fem siffror.")
    expect(page.get_by_label("Elevens förnamn")).to_have_value("Rut")
    assert_accessible(page)
    page.get_by_label("Vårdnadshavare 1, postnummer").fill("")
    page.get_by_label("Vårdnadshavare 1 bor på elevens adress").check()
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kvitto på anmälan RA-")
    reference = page.get_by_role("heading", level=1).inner_text().rsplit(" ", 1)[-1]
    expect(page.locator(".facts")).to_contain_text("av Sara Lund")
    assert_accessible(page)

    officer = browser.new_page()
    login(officer, server_url, "kaa")
    officer.goto(server_url + "/inkorg/")
    officer.get_by_role("link", name=reference).click()
    expect(
        officer.get_by_text("Vårdnadshavare 1: Vera Webbsson, Elevvägen 3, 123 45 Exempelstad")
    ).to_be_visible()
    officer.get_by_label("Kort svar till skolan").fill("Vi bokar ett möte med er och eleven.")
    officer.get_by_role("button", name="Spara", exact=True).click()
    expect(officer.get_by_text("Status och svar till skolan är sparade.")).to_be_visible()
    officer.close()

    page.get_by_role("link", name="← Anmälningar").click()
    row = page.get_by_role("row", name=reference)
    expect(row).to_contain_text("Rut Webbsson")
    expect(row).to_contain_text("Vi bokar ett möte med er och eleven.")
    assert_accessible(page)
