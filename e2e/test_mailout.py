"""An officer sends the term-start letters: preview, files, confirmation that they were posted."""

import io

from docx import Document
from playwright.sync_api import expect
from sqlmodel import select

from e2e.conftest import assert_accessible, login, make_person
from kaa_web.models.base import local_today
from kaa_web.models.register import ContactAttempt, Guardian

HOME = {"street_address": "Hemvägen 1", "postal_code": "123 45", "city": "Exempelstad"}


def _letters(path) -> str:
    content = Document(io.BytesIO(open(path, "rb").read()))
    return " ".join(t.rows[0].cells[0].text for t in content.tables)


def test_officer_makes_the_files_confirms_they_were_posted_and_only_then_they_count(
    page, server_url, db
):
    alva = make_person(db, "Alva", "Öberg", 1, **HOME)
    make_person(db, "Bruno", "Åkesson", 2, **HOME)
    make_person(db, "Skyddad", "Person", 3, protected_identity=True, **HOME)
    nowhere = make_person(db, "Adresslös", "Ek", 4)
    db.add(Guardian(youth_id=alva.id, name="Anna Öberg"))  # no address: Alva's is used
    db.commit()
    login(page, server_url, "kaa")
    page.goto(server_url + "/att-gora/?vy=alla")
    assert_accessible(page)
    for name in ("Alva Öberg", "Bruno Åkesson", "Skyddad Person", "Adresslös Ek"):
        page.get_by_label(f"Markera brev till {name}").check()
    page.get_by_role("button", name="Förhandsgranska utskick").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Förhandsgranska utskick")
    counts = page.get_by_role("table", name="Antal brev per dokumenttyp")
    expect(counts.get_by_role("row", name="Brev till vårdnadshavare 2")).to_be_visible()
    recipients = page.get_by_role("table", name="Mottagare i utskicket")
    expect(recipients.get_by_role("row", name="Anna Öberg")).to_contain_text("(ungdomens adress)")
    expect(recipients.get_by_role("row", name="Vårdnadshavare till Bruno Åkesson")).to_be_visible()
    missing = page.locator("section", has=page.get_by_role("heading", name="Saknar adress"))
    expect(
        missing.get_by_role("link", name="Lägg till adressen för Vårdnadshavare till Adresslös Ek")
    ).to_have_attribute("href", f"/ungdomar/{nowhere.id}/redigera")
    manual = page.locator(
        "section", has=page.get_by_role("heading", name="Skyddade personuppgifter")
    )
    expect(manual.get_by_role("link", name="Skyddad Person")).to_be_visible()
    expect(page.get_by_text("Inget registreras som skickat när filerna skapas.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Skapa utskick").click()

    status = page.locator("#utskick-status").get_by_role("status")
    expect(status).to_contain_text("Klart att skriva ut", timeout=15_000)
    expect(status).to_contain_text("2 av 2 brev klara")
    expect(page.get_by_role("heading", name="Med i utskicket (2)")).to_be_visible()
    expect(page.get_by_role("heading", name="Saknar adress (1)")).to_be_visible()
    assert db.exec(select(ContactAttempt)).all() == []  # made, not yet sent
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Brev till vårdnadshavare (Word), 2 brev").click()
    text = _letters(download.value.path())
    assert "Anna Öberg" in text and "Hemvägen 1" in text
    assert "Skyddad" not in text and "Adresslös" not in text

    expect(page.get_by_label("Breven postades")).to_have_value(local_today().isoformat())
    page.get_by_role("button", name="Breven är utskrivna och postade").click()
    expect(page.get_by_text("2 skickade brev är registrerade.")).to_be_visible()
    expect(status).to_contain_text("Skickat")
    expect(page.get_by_role("button", name="Breven är utskrivna och postade")).to_have_count(0)
    assert_accessible(page)
    db.expire_all()
    assert len(db.exec(select(ContactAttempt)).all()) == 2

    page.goto(server_url + "/att-gora/?vy=alla")
    expect(page.get_by_label("Markera brev till Alva Öberg")).to_have_count(0)
    expect(page.get_by_label("Markera brev till Adresslös Ek")).to_have_count(1)
    page.get_by_role("link", name="Tidigare utskick").click()
    expect(page.get_by_role("row", name="Skickat")).to_have_count(1)
    assert_accessible(page)


def test_without_javascript_the_job_page_offers_a_reload_and_the_confirmation_works(
    browser, server_url, db
):
    make_person(db, "Alva", "Öberg", 1, **HOME)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, server_url, "kaa", check_accessibility=False)
    page.goto(server_url + "/att-gora/?vy=alla")
    page.get_by_label("Markera brev till Alva Öberg").check()
    page.get_by_role("button", name="Förhandsgranska utskick").click()
    page.get_by_role("button", name="Skapa utskick").click()
    status = page.locator("#utskick-status").get_by_role("status")
    for _ in range(50):  # no polling without JavaScript: the officer reloads
        if "Klart att skriva ut" in status.inner_text():
            break
        page.get_by_role("link", name="Uppdatera sidan").click()
    expect(status).to_contain_text("Klart att skriva ut")
    page.get_by_role("button", name="Breven är utskrivna och postade").click()
    expect(page.get_by_text("1 skickat brev är registrerat.")).to_be_visible()
    context.close()
