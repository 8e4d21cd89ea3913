"""Template and letterhead pages for admins, and downloading generated documents."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from sqlmodel import select

from kaa_web.docx.types import EXAMPLE_LOGO, get_type
from kaa_web.models.audit import AuditEvent
from kaa_web.models.documents import DocumentTemplateVersion, Letterhead
from kaa_web.services import documents as service
from tests import docx_samples, factories
from tests.docx_samples import text_of

KAA = factories.actor("kaa")
ADMIN_PAGES = [
    "/admin/dokumentmallar",
    "/admin/dokumentmallar/brev_ungdom",
    "/admin/dokumentmallar/brev_ungdom/versioner/0",
    "/admin/brevhuvud",
]


def upload(client, data: bytes, name: str = "brev.docx", code: str = "brev_ungdom"):
    return client.post_form(
        f"/admin/dokumentmallar/{code}/ny-version",
        {"template": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def letter_context() -> dict:
    context = get_type("brev_ungdom").example_context()
    del context["kommun"]
    return context


@pytest.mark.parametrize("role", ["kaa", "arbetsmarknad", "ifo", "skola", "chef"])
def test_only_admins_reach_the_template_and_letterhead_pages(login_as, role):
    client = login_as(role)
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url
    assert upload(client, docx_samples.template_with("brev_ungdom")).status_code == 403
    assert client.post_form("/admin/brevhuvud", {"namn": "X"}).status_code == 403


def test_the_catalogue_lists_every_type_and_the_variables_template_authors_may_use(login_as):
    admin = login_as("admin")
    catalogue = admin.get("/admin/dokumentmallar").get_data(as_text=True)
    for name in ("Brev till ungdom", "Brev till vårdnadshavare", "Besöksvykort", "Orosanmälan"):
        assert name in catalogue
    page = admin.get("/admin/dokumentmallar/besoksvykort").get_data(as_text=True)
    assert "{{ besok.datum }}" in page and "Datum för hembesöket" in page
    assert "{{ kommun.logotyp }}" in page and "Standardmallen" in page
    admin_index = admin.get("/admin/").get_data(as_text=True)
    assert "/admin/dokumentmallar" in admin_index and "/admin/brevhuvud" in admin_index


def test_the_examples_of_list_variables_read_as_words_not_python(login_as):
    page = login_as("admin").get("/admin/dokumentmallar/individuell_plan").get_data(as_text=True)
    assert "namn: Studieförberedande praktik, insats_i_katalogen:" in page
    assert "start: 2026-12-01" in page
    assert "datetime.date(" not in page and "{&#39;" not in page and "None" not in page


def test_an_unknown_document_type_is_not_found(login_as):
    assert login_as("admin").get("/admin/dokumentmallar/finns_inte").status_code == 404


def test_a_refused_upload_shows_what_is_wrong_in_swedish_and_stores_nothing(login_as, db_session):
    admin = login_as("admin")
    response = upload(admin, docx_samples.template_with("brev_ungdom", "{{ ungdom.personnummer }}"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Det finns fel i formuläret" in page
    assert "Variabeln ungdom.personnummer finns inte för dokumenttypen Brev till ungdom" in page
    response = upload(admin, docx_samples.macro_document())
    assert "makron" in response.get_data(as_text=True)
    assert db_session.exec(select(DocumentTemplateVersion)).all() == []


def test_the_reported_upload_that_published_etc_passwd_is_refused_and_publishes_nothing(
    app, login_as, client, db_session
):
    leak = Path(app.static_folder) / f"leak-{uuid.uuid4().hex}.docx"
    attack = (
        "{% set t = kommun.logotyp.tpl %}"
        "{{ t.replace_zipname('word/document.xml','/etc/passwd') or '' }}"
        f"{{{{ t.save('{leak}') or '' }}}}"
    )
    try:
        response = upload(login_as("admin"), docx_samples.template_with("brev_ungdom", attack))
        assert response.status_code == 400
        assert "en mall kan läsa kommun.logotyp men inget under den" in response.get_data(
            as_text=True
        )
        assert not leak.exists()
        assert client.get(f"/static/{leak.name}").status_code == 404  # anonymous, as reported
    finally:
        leak.unlink(missing_ok=True)
    assert db_session.exec(select(DocumentTemplateVersion)).all() == []


def test_an_upload_without_a_file_asks_for_one(login_as):
    response = login_as("admin").post_form("/admin/dokumentmallar/brev_ungdom/ny-version", {})
    assert response.status_code == 400
    assert "Välj en Word-fil (.docx) att ladda upp." in response.get_data(as_text=True)


def test_a_good_upload_is_used_for_the_next_letter_and_an_admin_can_switch_back(
    login_as, db_session
):
    admin = login_as("admin")
    data = docx_samples.template_with("brev_ungdom", "Kommunens egen version.")
    response = upload(admin, data)
    assert response.status_code == 303
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Version 1 är uppladdad och används nu." in page
    assert "Använd standardmallen" in page
    assert "<td>Adam Nyström</td>" in page  # who uploaded it: the person, not the account
    download = admin.get("/admin/dokumentmallar/brev_ungdom/versioner/1")
    assert download.status_code == 200 and download.data == data
    assert "attachment" in download.headers["Content-Disposition"]

    letter = service.generate_document(
        db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context()
    )
    db_session.commit()  # the service leaves committing to its caller
    assert "Kommunens egen version." in text_of(letter.content)

    response = admin.post_form("/admin/dokumentmallar/brev_ungdom/anvand-version", {"version": 0})
    assert response.status_code == 303
    letter = service.generate_document(
        db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context()
    )
    db_session.commit()  # the service leaves committing to its caller
    assert "Kommunens egen version." not in text_of(letter.content)
    assert letter.template_version == 0


def test_the_built_in_template_can_be_downloaded(login_as):
    response = login_as("admin").get("/admin/dokumentmallar/vykort/versioner/0")
    assert response.status_code == 200
    assert response.data == get_type("vykort").builtin_path.read_bytes()
    assert "vykort.docx" in response.headers["Content-Disposition"]


def test_switching_to_a_missing_version_is_not_found(login_as):
    response = login_as("admin").post_form(
        "/admin/dokumentmallar/brev_ungdom/anvand-version", {"version": 3}
    )
    assert response.status_code == 404


def test_the_letterhead_page_shows_the_default_then_saves_and_shows_up_in_a_letter(
    login_as, db_session
):
    admin = login_as("admin")
    page = admin.get("/admin/brevhuvud").get_data(as_text=True)
    assert 'value="Exempelkommun"' in page and "Inget brevhuvud är sparat" in page
    response = admin.post_form(
        "/admin/brevhuvud",
        {
            "namn": "Sjöstads kommun",
            "adress": "Box 7, 111 11 Sjöstad",
            "telefon": "08-111 11 11",
            "webb": "www.sjostad.example",
            "kaa_kontakt": "KAA Sjöstad, 08-111 11 12",
            "logotyp": (io.BytesIO(EXAMPLE_LOGO), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    page = admin.get("/admin/brevhuvud").get_data(as_text=True)
    assert "Brevhuvudet är sparat." in page and 'alt="Kommunens logotyp"' in page
    letter = service.generate_document(
        db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context()
    )
    db_session.commit()  # the service leaves committing to its caller
    text = text_of(letter.content)
    assert "Sjöstads kommun" in text and "KAA Sjöstad, 08-111 11 12" in text
    saved = db_session.get(Letterhead, 1)
    assert saved.logotyp == EXAMPLE_LOGO and saved.updated_by == "admin"
    logged = db_session.exec(select(AuditEvent).where(AuditEvent.object_type == "letterhead"))
    assert [e.action for e in logged] == ["update"]


def test_a_logo_that_is_not_an_image_is_refused_with_a_swedish_message(login_as, db_session):
    response = login_as("admin").post_form(
        "/admin/brevhuvud",
        {"namn": "Sjöstad", "logotyp": (io.BytesIO(b"<svg onload=alert(1)>"), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Logotypen måste vara en PNG- eller JPEG-bild." in response.get_data(as_text=True)
    assert db_session.get(Letterhead, 1) is None


def test_a_letterhead_without_a_name_is_refused(login_as):
    response = login_as("admin").post_form("/admin/brevhuvud", {"namn": ""})
    assert response.status_code == 400
    assert "Ange kommunens namn." in response.get_data(as_text=True)


def test_downloading_a_generated_document_returns_the_stored_file_and_is_logged(
    login_as, db_session, person_id
):
    document = service.generate_document(
        db_session,
        actor=KAA,
        doc_type="brev_ungdom",
        context=letter_context(),
        youth_id=person_id(314),
    )
    db_session.commit()  # the service leaves committing to its caller
    client = login_as("arbetsmarknad")
    response = client.get(f"/dokument/{document.id}")
    assert response.status_code == 200
    assert response.data == document.content
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["Content-Disposition"].startswith("attachment")
    views = db_session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "view", AuditEvent.object_type == "generated_document"
        )
    ).all()
    assert [(e.username, e.youth_id, e.object_id) for e in views] == [
        ("arbetsmarknad", person_id(314), str(document.id))
    ]


def test_a_generated_document_that_does_not_exist_is_not_found(login_as):
    assert login_as("kaa").get("/dokument/999999").status_code == 404


@pytest.mark.parametrize("role", ["ifo", "skola", "chef", "admin"])
def test_roles_that_do_not_generate_documents_cannot_download_them(
    login_as, db_session, role, person_id
):
    document = service.generate_document(
        db_session,
        actor=KAA,
        doc_type="brev_ungdom",
        context=letter_context(),
        youth_id=person_id(1),
    )
    db_session.commit()  # the service leaves committing to its caller
    assert login_as(role).get(f"/dokument/{document.id}").status_code == 403
