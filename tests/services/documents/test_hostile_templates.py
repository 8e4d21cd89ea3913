"""Hostile templates, stored or uploaded: no file read or written, no environment, no fetching."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from kaa_web.docx import checks
from kaa_web.docx.limits import TemplateRenderError
from kaa_web.docx.types import EXAMPLE_LOGO, get_type
from kaa_web.models.documents import (
    ActiveDocumentTemplate,
    DocumentTemplateVersion,
    GeneratedDocument,
)
from kaa_web.services import documents as service
from tests import docx_samples
from tests.services.documents.helpers import (
    ADMIN,
    KAA,
    copy_attack,
    letter_context,
    refusal,
    stored_without_the_check,
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
