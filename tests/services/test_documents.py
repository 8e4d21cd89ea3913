"""Document services: uploads are checked, versions switch, documents are kept and logged."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from docx import Document
from sqlmodel import select

from kaa_web.docx import checks
from kaa_web.docx.limits import TemplateRenderError
from kaa_web.docx.types import EXAMPLE_LOGO, get_type
from kaa_web.models.audit import AuditEvent
from kaa_web.models.documents import (
    ActiveDocumentTemplate,
    DocumentTemplateVersion,
    GeneratedDocument,
    GeneratedDocumentYouth,
)
from kaa_web.services import documents as service
from tests import docx_samples, factories

ADMIN = factories.actor("admin")
KAA = factories.actor("kaa")


def letter_context(name: str = "Alex Andersson") -> dict:
    context = get_type("brev_ungdom").example_context()
    del context["kommun"]  # the service adds the letterhead itself
    context["mottagare"]["namn"] = name
    return context


def text_of(docx: bytes) -> str:
    document = Document(io.BytesIO(docx))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def assert_nothing_stored(db) -> None:
    assert db.exec(select(DocumentTemplateVersion)).all() == []
    assert db.exec(select(ActiveDocumentTemplate)).all() == []


def refusal(db, data: bytes, file_name: str = "mall.docx", code: str = "brev_ungdom") -> str:
    with pytest.raises(service.TemplateRejected) as refused:
        service.upload_template(db, actor=ADMIN, code=code, file_name=file_name, data=data)
    assert_nothing_stored(db)
    return " ".join(refused.value.problems)


def test_a_macro_document_renamed_to_docx_is_refused(db_session):
    assert "makro" in refusal(db_session, docx_samples.macro_document())


def test_a_zip_bomb_is_refused_before_it_is_unpacked(db_session):
    message = refusal(db_session, docx_samples.zip_bomb(200))
    assert "zip-bomb" in message


def test_a_file_that_is_not_a_zip_is_refused(db_session):
    message = refusal(db_session, b"%PDF-1.7 this is not a Word file")
    assert "inte ett Word-dokument" in message


@pytest.mark.parametrize("name", ["../../etc/cron.d/x", "/absolut.xml", "word\\bakstreck.xml"])
def test_entries_with_path_tricks_in_their_names_are_refused(db_session, name):
    message = refusal(db_session, docx_samples.with_entry(name))
    assert "otillåtna sökvägar" in message


def test_a_template_with_an_external_relationship_is_refused(db_session):
    message = refusal(db_session, docx_samples.with_external_relationship())
    assert "externa resurser" in message
    linked_image = docx_samples.with_external_relationship("image", "https://x.example/a.png")
    assert "externa resurser" in refusal(db_session, linked_image)
    odd_link = docx_samples.with_external_relationship("hyperlink", "file:///etc/passwd")
    assert "externa resurser" in refusal(db_session, odd_link)


def test_a_template_with_a_link_to_the_municipalitys_website_is_accepted():
    data = docx_samples.with_external_relationship("hyperlink", "https://www.exempelkommun.se/")
    assert checks.check_template(data, get_type("brev_ungdom")) == []


def test_a_template_using_a_variable_its_type_does_not_offer_is_refused(db_session):
    data = docx_samples.template_with("brev_ungdom", "Personnummer: {{ ungdom.personnummer }}")
    message = refusal(db_session, data)
    assert "Variabeln ungdom.personnummer finns inte för dokumenttypen Brev till ungdom" in message


@pytest.mark.parametrize(
    "payload",
    ["{{ cycler.__init__.__globals__ }}", "{{ ''.__class__.__mro__ }}"],
)
def test_template_injection_payloads_are_refused(db_session, payload):
    message = refusal(db_session, docx_samples.template_with("brev_ungdom", payload))
    assert "cycler" in message or "inte är tillåtet" in message


def test_broken_template_code_is_refused_with_the_line(db_session):
    message = refusal(db_session, docx_samples.template_with("brev_ungdom", "{% if %}"))
    assert re.fullmatch(r"Mallkoden har ett syntaxfel\.", message), message


@pytest.mark.parametrize(
    ("payload", "leaf"),
    [
        ("{{ ungdom.fornamn.upper() }}", "ungdom.fornamn"),
        ("{{ datum.year }}", "datum"),
        ("{{ kommun.logotyp.tpl }}", "kommun.logotyp"),
    ],
)
def test_paths_past_a_known_variable_are_refused_with_a_hint_about_filters(
    db_session, payload, leaf
):
    message = refusal(db_session, docx_samples.template_with("brev_ungdom", payload))
    assert f"en mall kan läsa {leaf} men inget under den" in message
    assert "{{ ungdom.fornamn|upper }}" in message


def test_filters_on_known_variables_are_accepted(db_session):
    data = docx_samples.template_with(
        "brev_ungdom", "{{ ungdom.fornamn|upper }} {{ mottagare.namn|upper }}"
    )
    version = service.upload_template(
        db_session, actor=ADMIN, code="brev_ungdom", file_name="brev.docx", data=data
    )
    document = service.generate_document(
        db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context("Kim Berg")
    )
    assert document.template_version == version.version
    assert "ALEX" in text_of(document.content) and "KIM BERG" in text_of(document.content)


def test_unsafe_attributes_the_variable_check_cannot_see_are_refused_by_the_sandbox(db_session):
    data = docx_samples.template_with(
        "brev_ungdom", "{% set n = mottagare.namn %}{{ n.__class__.__mro__ }}"
    )
    assert "inte är tillåtet" in refusal(db_session, data)


def test_a_file_not_named_docx_is_refused(db_session):
    assert ".docx" in refusal(db_session, docx_samples.template_with("brev_ungdom"), "mall.docm")


def test_a_good_upload_becomes_the_active_version_and_the_next_document_uses_it(
    db_session, person_id
):
    data = docx_samples.template_with("brev_ungdom", "Egen text från kommunen.")
    version = service.upload_template(
        db_session, actor=ADMIN, code="brev_ungdom", file_name="C:\\mallar\\brev.docx", data=data
    )
    assert (version.version, version.file_name) == (1, "brev.docx")
    document = service.generate_document(
        db_session,
        actor=KAA,
        doc_type="brev_ungdom",
        context=letter_context(),
        youth_id=person_id(7),
    )
    assert document.template_version == 1
    assert "Egen text från kommunen." in text_of(document.content)
    logged = db_session.exec(
        select(AuditEvent).where(AuditEvent.object_type == "document_template")
    ).all()
    assert [(e.action, e.username, e.object_id) for e in logged] == [
        ("update", "admin", str(version.id))
    ]


def test_switching_back_to_the_built_in_template_and_to_an_earlier_version_works(db_session):
    for marker in ("Första egna versionen.", "Andra egna versionen."):
        service.upload_template(
            db_session,
            actor=ADMIN,
            code="brev_ungdom",
            file_name="brev.docx",
            data=docx_samples.template_with("brev_ungdom", marker),
        )
    service.activate_template(db_session, actor=ADMIN, code="brev_ungdom", version=0)
    built_in = service.generate_document(
        db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context()
    )
    assert built_in.template_version == 0 and "egna versionen" not in text_of(built_in.content)
    service.activate_template(db_session, actor=ADMIN, code="brev_ungdom", version=1)
    earlier = service.generate_document(
        db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context()
    )
    assert "Första egna versionen." in text_of(earlier.content)
    overview = service.describe_document_type(db_session, actor=ADMIN, code="brev_ungdom")
    assert overview.active_version == 1 and [v.version for v in overview.versions] == [2, 1]
    switches = db_session.exec(
        select(AuditEvent).where(AuditEvent.object_type == "document_template")
    ).all()
    assert len(switches) == 4


def test_switching_to_a_version_that_does_not_exist_is_refused(db_session):
    with pytest.raises(LookupError):
        service.activate_template(db_session, actor=ADMIN, code="brev_ungdom", version=5)


def test_only_template_managers_may_upload_or_switch(db_session):
    with pytest.raises(PermissionError):
        service.upload_template(
            db_session, actor=KAA, code="brev_ungdom", file_name="a.docx", data=b""
        )
    with pytest.raises(PermissionError):
        service.activate_template(db_session, actor=KAA, code="brev_ungdom", version=0)


def test_a_generated_document_is_stored_as_sent_and_logged_with_the_young_person(
    db_session, person_id
):
    document = service.generate_document(
        db_session,
        actor=KAA,
        doc_type="brev_ungdom",
        context=letter_context(),
        youth_id=person_id(42),
    )
    stored = db_session.get(GeneratedDocument, document.id)
    assert (
        stored.youth_id == person_id(42) and stored.created_by == "kaa" and stored.letter_count == 1
    )
    assert "Alex Andersson" in text_of(stored.content)
    assert "Exempelkommun" in text_of(stored.content)  # the default letterhead
    events = db_session.exec(
        select(AuditEvent).where(AuditEvent.action == "document_generated")
    ).all()
    assert [(e.youth_id, e.object_id) for e in events] == [(person_id(42), str(document.id))]


def test_a_mail_out_is_one_document_with_a_letter_per_young_person(db_session, person_id):
    names = [f"Person {n}" for n in range(5)]
    document = service.generate_batch(
        db_session,
        actor=KAA,
        doc_type="brev_ungdom",
        contexts=[letter_context(name) for name in names],
        youth_ids=[person_id(10), person_id(11), person_id(12), person_id(13), person_id(14)],
    )
    assert document.letter_count == 5 and document.youth_id is None
    text = text_of(document.content)
    assert all(name in text for name in names)
    linked = db_session.exec(select(GeneratedDocumentYouth.youth_id)).all()
    assert sorted(linked) == sorted(person_id(n) for n in range(10, 15))
    events = db_session.exec(
        select(AuditEvent).where(AuditEvent.action == "document_generated")
    ).all()
    assert sorted(e.youth_id for e in events) == sorted(person_id(n) for n in range(10, 15))


def test_opening_a_stored_document_is_logged_per_young_person(db_session, person_id):
    document = service.generate_batch(
        db_session,
        actor=KAA,
        doc_type="vykort",
        contexts=[letter_context("A"), letter_context("B")],
        youth_ids=[person_id(1), person_id(2)],
    )
    service.open_generated_document(db_session, actor=KAA, document_id=document.id)
    views = db_session.exec(select(AuditEvent).where(AuditEvent.action == "view")).all()
    assert sorted(e.youth_id for e in views) == sorted([person_id(1), person_id(2)])
    with pytest.raises(LookupError):
        service.open_generated_document(db_session, actor=KAA, document_id=document.id + 99)


def test_the_catalogue_lists_versions_without_loading_the_template_files(db_session):
    for code in ("brev_ungdom", "vykort"):
        service.upload_template(
            db_session,
            actor=ADMIN,
            code=code,
            file_name="mall.docx",
            data=docx_samples.template_with(code, "Egen version."),
        )
    db_session.commit()
    db_session.expunge_all()
    overviews = service.list_document_types(db_session, actor=ADMIN)
    versions = [v for o in overviews for v in o.versions]
    assert sorted(v.doc_type for v in versions) == ["brev_ungdom", "vykort"]
    assert all("content" in sa.inspect(v).unloaded for v in versions)
    db_session.expunge_all()
    overview = service.describe_document_type(db_session, actor=ADMIN, code="vykort")
    assert [(v.doc_type, v.version) for v in overview.versions] == [("vykort", 1)]
    assert overview.active_version == 1
    assert "content" in sa.inspect(overview.versions[0]).unloaded
    with pytest.raises(KeyError):
        service.describe_document_type(db_session, actor=ADMIN, code="finns_inte")


def test_the_saved_letterhead_and_logo_appear_in_generated_letters(db_session):
    service.save_letterhead(
        db_session,
        actor=ADMIN,
        change=service.LetterheadChange(
            namn="Fiktiva kommun",
            adress="Box 99, 999 99 Fiktiva",
            telefon="011-99 99 99",
            webb="fiktiva.example",
            kaa_kontakt="KAA Fiktiva, 011-99 99 98",
            logotyp=EXAMPLE_LOGO,
        ),
    )
    document = service.generate_document(
        db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context()
    )
    text = text_of(document.content)
    assert "Fiktiva kommun" in text and "Box 99, 999 99 Fiktiva" in text
    assert "KAA Fiktiva, 011-99 99 98" in text
    assert b"word/media/" in document.content  # the logo went in


def test_a_logo_that_is_not_a_png_or_jpeg_is_refused(db_session):
    change = service.LetterheadChange(namn="X", logotyp=b"GIF89a....")
    with pytest.raises(ValueError, match="PNG- eller JPEG"):
        service.save_letterhead(db_session, actor=ADMIN, change=change)


# --- hostile templates ----------------------------------------------------------------------


def stored_without_the_check(db, data: bytes, code: str = "brev_ungdom") -> None:
    """Make `data` the active template as if an older release's upload check let it through."""
    version = DocumentTemplateVersion(
        doc_type=code, version=1, file_name="gammal.docx", content=data, sha256="", uploaded_by="x"
    )
    db.add(version)
    db.flush()
    db.add(ActiveDocumentTemplate(doc_type=code, version_id=version.id, changed_by="x"))
    db.commit()


def copy_attack(source: str, target) -> str:
    """The reported attack: docxtpl reached through the logo swaps the letter's body for a
    server file and saves itself wherever it is told (the static folder, in the report)."""
    return (
        "{% set t = kommun.logotyp.tpl %}"
        f"{{{{ t.replace_zipname('word/document.xml', '{source}') or '' }}}}"
        f"{{{{ t.save('{target}') or '' }}}}"
    )


def test_the_upload_that_copied_etc_passwd_to_the_static_folder_is_refused_and_wrote_nothing(
    db_session, tmp_path
):
    target = tmp_path / "leak.docx"
    data = docx_samples.template_with("brev_ungdom", copy_attack("/etc/passwd", target))
    assert "kommun.logotyp.tpl" in refusal(db_session, data)
    aliased = copy_attack("/etc/passwd", target).replace(
        "{% set t = kommun.logotyp.tpl %}", "{% set k = kommun %}{% set t = k.logotyp.tpl %}"
    )
    message = refusal(db_session, docx_samples.template_with("brev_ungdom", aliased))
    assert "Mallen använder något som inte finns." in message  # the test render's sandbox
    assert not target.exists()


@pytest.mark.parametrize("batch", [False, True], ids=["letter", "mail-out"])
def test_a_stored_template_cannot_put_the_servers_environment_in_a_letter(
    db_session, tmp_path, person_id, batch
):
    target = tmp_path / "leak.docx"
    attack = copy_attack("/proc/self/environ", target)
    stored_without_the_check(db_session, docx_samples.template_with("brev_ungdom", attack))
    with_logo = service.LetterheadChange(namn="Exempelkommun", logotyp=EXAMPLE_LOGO)
    service.save_letterhead(db_session, actor=ADMIN, change=with_logo)  # the logo is the way in
    with pytest.raises(TemplateRenderError):
        if batch:
            service.generate_batch(
                db_session,
                actor=KAA,
                doc_type="brev_ungdom",
                contexts=[letter_context(), letter_context()],
                youth_ids=[person_id(1), person_id(2)],
            )
        else:
            service.generate_document(
                db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context()
            )
    assert db_session.exec(select(GeneratedDocument)).all() == []
    assert not target.exists()


def test_an_upload_whose_test_render_never_ends_is_stopped_with_a_swedish_message(db_session):
    endless = "{% set a = 'x' * 100000 %}{% for c in a %}{% for d in a %}{% endfor %}{% endfor %}"
    message = refusal(db_session, docx_samples.template_with("brev_ungdom", endless))
    assert message.startswith("Mallen tar för lång tid att fylla i och stoppades.")


@pytest.mark.parametrize(
    "hidden",
    [
        {"mode": "&#69;xternal"},
        {"mode": "&#x45;xternal", "kind": "image", "target": "http://127.0.0.1:8000/a.png"},
        {"encoding": "utf-16"},
        {"encoding": "utf-16", "mode": "&#69;xternal", "kind": "oleObject"},
        {"kind": "aFChunk", "mode": "Internal", "target": "../chunk.html"},
    ],
    ids=["char-reference", "hex-reference-image", "utf-16", "utf-16-and-reference", "altchunk"],
)
def test_external_resources_hidden_by_the_xml_encoding_are_refused(db_session, hidden):
    message = refusal(db_session, docx_samples.with_external_relationship(**hidden))
    assert "externa resurser" in message and "word/_rels/document.xml.rels" in message


def test_a_stored_template_with_an_external_resource_renders_nothing(db_session):
    hidden = docx_samples.with_external_relationship(mode="&#69;xternal", encoding="utf-16")
    stored_without_the_check(db_session, hidden)
    with pytest.raises(TemplateRenderError, match="externa resurser"):
        service.generate_document(
            db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context()
        )


@pytest.mark.parametrize(
    ("instruction", "simple", "split", "keyword"),
    [
        ('INCLUDEPICTURE "http://127.0.0.1:8000/a.png" \\d', True, 1000, "INCLUDEPICTURE"),
        ('INCLUDEPICTURE "http://127.0.0.1:8000/a.png"', False, 1000, "INCLUDEPICTURE"),
        (' includepicture "http://127.0.0.1:8000/a.png"', False, 3, "INCLUDEPICTURE"),
        ('INCLUDETEXT "\\\\\\\\server\\\\delat\\\\a.docx"', False, 5, "INCLUDETEXT"),
        ('LINK Excel.Sheet.12 "http://127.0.0.1/a.xlsx" "Blad1" \\a', True, 1000, "LINK"),
    ],
    ids=["simple", "complex", "split-over-runs", "includetext", "link"],
)
def test_field_codes_that_fetch_files_are_refused(db_session, instruction, simple, split, keyword):
    data = docx_samples.with_field(instruction, simple=simple, split=split)
    message = refusal(db_session, data)
    assert "fältkoder som hämtar filer eller webbsidor" in message and keyword in message


def test_a_stored_template_with_a_fetching_field_renders_nothing_even_in_an_unrendered_part(
    db_session,
):
    for comment in (False, True):
        data = docx_samples.with_field(
            'INCLUDETEXT "http://127.0.0.1:8000/a.docx"', comment=comment
        )
        stored_without_the_check(db_session, data)
        with pytest.raises(TemplateRenderError, match="INCLUDETEXT"):
            service.generate_document(
                db_session, actor=KAA, doc_type="brev_ungdom", context=letter_context()
            )
        db_session.exec(sa.delete(ActiveDocumentTemplate))
        db_session.exec(sa.delete(DocumentTemplateVersion))


def test_ordinary_field_codes_such_as_page_numbers_are_accepted():
    for simple in (True, False):
        data = docx_samples.with_field("PAGE \\* MERGEFORMAT", simple=simple)
        assert checks.check_template(data, get_type("brev_ungdom")) == []
