"""Admins manage Word templates and the letterhead in Chromium; an officer downloads a letter."""

from playwright.sync_api import expect

from e2e.conftest import assert_accessible, login, make_person
from kaa_web.docx.types import get_type
from kaa_web.services import documents as service
from tests import docx_samples, factories

KAA = factories.actor("kaa")


def test_admin_uploads_a_template_sees_a_refusal_and_switches_back(page, server_url, tmp_path):
    login(page, server_url, "admin")
    page.goto(server_url + "/admin/")
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


def test_case_officer_downloads_a_stored_letter(page, server_url, db):
    context = get_type("brev_ungdom").example_context()
    del context["kommun"]
    youth = make_person(db, "Alva", "Öberg", 5)
    document = service.generate_document(
        db, actor=KAA, doc_type="brev_ungdom", context=context, youth_id=youth.id
    )
    db.commit()
    login(page, server_url, "kaa")
    page.goto(f"{server_url}/ungdomar/{youth.id}")
    link = page.locator(".timeline").get_by_role("link", name="Brev till ungdom skapat")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == document.file_name
    assert_accessible(page)
