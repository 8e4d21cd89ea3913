"""Admins manage Word templates and the letterhead in Chromium; an officer downloads a letter."""

from playwright.sync_api import expect

from e2e.conftest import assert_accessible, login, make_person
from tests import docx_samples


def test_admin_uploads_a_template_sees_a_refusal_and_switches_back(page, server_url, tmp_path):
    login(page, server_url, "admin")
    page.goto(server_url + "/admin/")
    assert_accessible(page)
    page.get_by_role("link", name="Dokumentmallar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dokumentmallar")
    assert_accessible(page)
    page.get_by_role("link", name="Brev till ungdom").click()
    assert_accessible(page)

    bad = tmp_path / "fel.docx"
    bad.write_bytes(docx_samples.template_with("brev_ungdom", "{{ ungdom.personnummer }}"))
    page.get_by_label("Ny version av mallen (.docx)").set_input_files(str(bad))
    page.get_by_role("button", name="Ladda upp").click()
    expect(page.get_by_role("alert")).to_contain_text("Variabeln ungdom.personnummer finns inte")
    assert_accessible(page)

    good = tmp_path / "bra.docx"
    good.write_bytes(docx_samples.template_with("brev_ungdom", "Vår egen version."))
    page.get_by_label("Ny version av mallen (.docx)").set_input_files(str(good))
    page.get_by_role("button", name="Ladda upp").click()
    expect(page.get_by_text("Version 1 är uppladdad och används nu.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Använd standardmallen").click()
    expect(page.get_by_text("Nu används standardmallen.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner version 1").click()
    assert download.value.suggested_filename == "brev_ungdom_v1.docx"


def test_admin_saves_the_letterhead(page, server_url):
    login(page, server_url, "admin")
    page.goto(server_url + "/admin/brevhuvud")
    assert_accessible(page)
    page.get_by_label("Kommunens namn").fill("Sjöstads kommun")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Brevhuvudet är sparat.")).to_be_visible()
    expect(page.get_by_label("Kommunens namn")).to_have_value("Sjöstads kommun")
    assert_accessible(page)


def test_an_officer_prints_a_letter_and_opens_it_from_its_one_timeline_line(page, server_url, db):
    home = {"street_address": "Storgatan 1", "postal_code": "123 45", "city": "Exempelstad"}
    youth = make_person(db, "Alva", "Öberg", 5, **home)  # 17: the letter goes to the household
    login(page, server_url, "kaa")
    page.goto(f"{server_url}/ungdomar/{youth.id}")
    page.get_by_label("Dokument", exact=True).select_option("brev")
    page.get_by_role("button", name="Skapa dokument").click()
    expect(page.get_by_text("Dokumentet är skapat")).to_be_visible()
    timeline = page.locator(".timeline")
    expect(timeline.get_by_role("listitem")).to_have_count(1)  # the letter is one line
    with page.expect_download() as download:
        timeline.get_by_role("link", name="Brev skickat till vårdnadshavarna").click()
    assert download.value.suggested_filename.endswith(".docx")
    assert_accessible(page)
