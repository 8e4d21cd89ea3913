"""An officer sends the term-start letters from the worklist: preview, start, progress, download."""

import io

from docx import Document
from playwright.sync_api import expect

from e2e.conftest import assert_accessible, login, make_person


def test_officer_selects_due_letters_previews_starts_and_downloads_the_mail_out(
    page, server_url, db
):
    make_person(db, "Alva", "Öberg", 1)
    make_person(db, "Bruno", "Åkesson", 2)
    make_person(db, "Skyddad", "Person", 3, protected_identity=True)
    login(page, server_url, "kaa")
    page.goto(server_url + "/att-gora/?vy=alla")
    assert_accessible(page)
    for name in ("Alva Öberg", "Bruno Åkesson", "Skyddad Person"):
        page.get_by_label(f"Markera brev till {name}").check()
    page.get_by_role("button", name="Förhandsgranska utskick").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Förhandsgranska utskick")
    counts = page.get_by_role("table", name="Antal brev per dokumenttyp")
    expect(counts.get_by_role("row", name="Brev till vårdnadshavare 2")).to_be_visible()
    expect(page.get_by_role("cell", name="Vårdnadshavare till Alva Öberg")).to_be_visible()
    manual = page.locator(
        "section", has=page.get_by_role("heading", name="Skyddade personuppgifter")
    )
    expect(manual.get_by_role("link", name="Skyddad Person")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Skapa utskick").click()

    expect(page.get_by_role("status")).to_contain_text("Klart", timeout=15_000)
    expect(page.get_by_text("2 brev skapade, 2 skickade brev registrerade.")).to_be_visible()
    expect(page.get_by_role("link", name="Skyddad Person")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Brev till vårdnadshavare (Word), 2 brev").click()
    assert download.value.suggested_filename.endswith(".docx")
    content = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    text = " ".join(t.rows[0].cells[0].text for t in content.tables)
    assert "Vårdnadshavare till Alva Öberg" in text and "Skyddad" not in text

    page.goto(server_url + "/att-gora/?vy=alla")
    expect(page.get_by_label("Markera brev till Alva Öberg")).to_have_count(0)
    page.get_by_role("link", name="Tidigare utskick").click()
    expect(page.get_by_role("row", name="Klart")).to_have_count(1)
    assert_accessible(page)
