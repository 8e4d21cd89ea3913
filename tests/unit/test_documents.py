"""The document engine: committed templates render hostile data literally, batches, the sandbox."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from kaa_web import documents
from kaa_web.document_types import DOCUMENT_TYPES, EXAMPLE_LOGO, get_type, unknown_variables
from kaa_web.models.documents import GeneratedDocument

HOSTILE = {
    "mottagare.namn": "Smith & <Sons>",
    "mottagare.utdelningsadress": "{{7*7}} gatan 1",
    "mottagare.postort": "{% if %} stad",
    "ungdom.fornamn": "<script>alert(1)</script>",
    "handlaggare.namn": 'Kim "Kimpa" O\'Hara',
    "kommun.namn": "Åäö & Co <kommun>",
}


def hostile_context(doc_type) -> dict:
    context = doc_type.example_context()
    for dotted, value in HOSTILE.items():
        group, key = dotted.split(".")
        context.setdefault(group, {})[key] = value  # meeting documents have no ungdom
    return context


def all_text(docx: bytes) -> str:
    """Every piece of text python-docx finds: body paragraphs, table cells, headers, footers."""
    document = Document(io.BytesIO(docx))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def docx_with(*paragraphs: str, base=None) -> bytes:
    document = Document(base) if base else Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("code", sorted(DOCUMENT_TYPES))
def test_every_committed_template_renders_hostile_data_as_literal_text(code):
    doc_type = get_type(code)
    rendered = documents.render_document(doc_type.builtin_path, hostile_context(doc_type))
    text = all_text(rendered)
    assert "Smith & <Sons>" in text
    assert "Åäö & Co <kommun>" in text
    assert "49 gatan" not in text  # a value is never evaluated as template code
    if code in ("brev_ungdom", "vykort", "besoksvykort", "brev_fore_20"):
        assert "<script>alert(1)</script>" in text
    if code not in ("vykort", "besoksvykort"):
        assert "{{7*7}} gatan 1" in text and "{% if %} stad" in text
        assert 'Kim "Kimpa" O\'Hara' in text
    assert "{{" not in text.replace("{{7*7}}", "")  # no template code left unrendered


@pytest.mark.parametrize("code", sorted(DOCUMENT_TYPES))
def test_every_committed_template_uses_only_its_catalogued_variables(code):
    doc_type = get_type(code)
    used = documents.list_template_variables(doc_type.builtin_path)
    assert unknown_variables(doc_type, used) == []
    assert "kommun.namn" in used and "mottagare.namn" in used


def test_the_orosanmalan_draft_is_marked_as_a_draft_with_room_for_the_concern():
    doc_type = get_type("orosanmalan")
    text = all_text(documents.render_document(doc_type.builtin_path, doc_type.example_context()))
    assert "UTKAST" in text
    assert "Beskrivning av oron (fylls i utanför systemet)" in text
    # only what förordning (2006:39) lets the register hold about the young person
    register_may_hold = {
        "ungdom." + field
        for field in (
            "fornamn",
            "efternamn",
            "personnummer",
            "utdelningsadress",
            "postnummer",
            "postort",
            "telefon",
            "epost",
        )
    }
    about_the_youth = {n for n in doc_type.variable_names if n.startswith("ungdom.")}
    assert about_the_youth <= register_may_hold


def test_the_logo_is_placed_in_the_letterhead_when_there_is_one():
    doc_type = get_type("brev_ungdom")
    context = doc_type.example_context()
    assert context["kommun"]["logotyp"] == EXAMPLE_LOGO
    with_logo = Document(io.BytesIO(documents.render_document(doc_type.builtin_path, context)))
    assert with_logo.sections[0].header.part.package.image_parts._image_parts
    context["kommun"]["logotyp"] = None
    rendered = documents.render_document(doc_type.builtin_path, context)
    assert "None" not in all_text(rendered)


def test_a_batch_holds_every_letter_in_order_with_a_page_break_between_them():
    doc_type = get_type("brev_ungdom")
    letters = []
    for number in range(25):
        context = doc_type.example_context()
        context["mottagare"]["namn"] = f"Mottagare nummer {number} & <son>"
        letters.append(context)
    batch = documents.render_letters(doc_type.builtin_path, letters)
    document = Document(io.BytesIO(batch))
    names = [t.rows[0].cells[0].text.splitlines()[0] for t in document.tables]
    assert names == [f"Mottagare nummer {n} & <son>" for n in range(25)]
    breaks = [p for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert len(breaks) == 24
    assert documents.count_letters(batch) == 25
    assert all_text(batch).count("Exempelkommun ·") == 1  # one footer, shared by all letters


def test_a_batch_of_postcards_also_holds_one_card_per_page():
    doc_type = get_type("vykort")
    batch = documents.render_letters(doc_type.builtin_path, [doc_type.example_context()] * 3)
    assert documents.count_letters(batch) == 3


def test_a_batch_refuses_letters_with_different_keys():
    doc_type = get_type("brev_ungdom")
    context = doc_type.example_context()
    with pytest.raises(ValueError):
        documents.render_letters(doc_type.builtin_path, [context, {**context, "extra": 1}])


class _Youth:
    namn = "Alex"


@pytest.mark.parametrize(
    "value",
    [
        _Youth(),
        GeneratedDocument(
            doc_type="x",
            template_version=0,
            file_name="x",
            content_type="x",
            content=b"",
            created_by="x",
        ),
        lambda: "x",
        {1, 2},
        {1: "int key"},
        b"not an image",
    ],
    ids=["object", "orm-row", "function", "set", "int-key", "non-image-bytes"],
)
def test_non_plain_context_values_are_refused(value):
    doc_type = get_type("brev_ungdom")
    context = doc_type.example_context()
    context["mottagare"]["namn"] = value
    with pytest.raises(TypeError):
        documents.render_document(doc_type.builtin_path, context)


def test_plain_values_of_every_allowed_kind_are_accepted():
    documents.check_plain(
        {"a": [1, 2.5, True, None, "x", date(2026, 1, 1), Decimal("1.5")], "b": (EXAMPLE_LOGO,)}
    )


@pytest.mark.parametrize(
    "payload",
    [
        "{{ cycler.__init__.__globals__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ mottagare.namn.__class__.__base__.__subclasses__() }}",
        "{{ range(10) }}",
        "{{ namespace() }}",
        "{{ lipsum() }}",
        "{{ 'a' * 100000000 }}",
        "{{ 9 ** 9999999 }}",
        "{{ 'a'|center(1000000000) }}",
        "{{ mottagare.namn|batch(1000000000, 'x')|list }}",
        "{{ mottagare.namn|slice(1000000000)|list }}",
        "{{ '%1000000000s' % 'a' }}",
        "{{ '%*s' % (1000000000, 'a') }}",
        "{{ '%.*f' % (1000000000, 1.5) }}",
        "{{ '%s'|format('a') }}",
        "{{ ('a' * 1000)|replace('', 'b' * 1000) }}",
    ],
)
def test_the_sandbox_refuses_template_injection(payload):
    template = docx_with("{{ mottagare.namn }}", payload)
    with pytest.raises(documents.TemplateRenderError):
        documents.render_document(template, {"mottagare": {"namn": "Alex"}})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{% if %}", r"Mallkoden har ett syntaxfel\."),
        ("{{ mottagare.namn.__class__.__mro__ }}", r"Mallen .*(inte är tillåtet|inte finns).*\."),
        ("{{ saknas.namn }}", r"Mallen använder något som inte finns\."),
    ],
)
def test_a_failing_template_is_explained_in_swedish_and_the_raw_error_logged(
    source, expected, caplog
):
    template = docx_with(source)
    with caplog.at_level("WARNING", logger="kaa_web.documents"):
        with pytest.raises(documents.TemplateRenderError) as failed:
            documents.render_document(template, {"mottagare": {"namn": "Alex"}})
    message = str(failed.value)
    assert re.fullmatch(expected, message), message
    assert "Error" not in message and "attribute" not in message and "xpected" not in message
    assert any("Error" in r.getMessage() for r in caplog.records)


def test_broken_template_code_is_explained_in_swedish_when_variables_are_listed(caplog):
    with caplog.at_level("WARNING", logger="kaa_web.documents"):
        with pytest.raises(documents.TemplateRenderError) as failed:
            documents.list_template_variables(docx_with("{{ a b }}"))
    assert re.fullmatch(r"Mallkoden har ett syntaxfel\.", str(failed.value))
    assert any("TemplateSyntaxError" in r.getMessage() for r in caplog.records)


def test_template_variables_are_listed_as_attribute_paths():
    template = docx_with(
        "{{ mottagare.namn }} {{ datum }} {% if kommun.logotyp %}x{% endif %}",
        "{% for rad in rader %}{{ rad.text }}{% endfor %}",
    )
    assert documents.list_template_variables(template) == {
        "mottagare.namn",
        "datum",
        "kommun.logotyp",
        "rader",
    }


def test_libreoffice_converts_every_rendered_template_to_pdf(tmp_path):
    files = []
    for code, doc_type in DOCUMENT_TYPES.items():
        context = hostile_context(doc_type)
        path = tmp_path / f"{code}.docx"
        path.write_bytes(documents.render_document(doc_type.builtin_path, context))
        files.append(path)
    pdfs = documents.convert_to_pdf(files, tmp_path / "pdf")
    assert pdfs is not None, "LibreOffice (soffice) is not installed"
    assert [p.name for p in pdfs] == [f"{code}.pdf" for code in DOCUMENT_TYPES]
    for pdf in pdfs:
        assert pdf.stat().st_size > 1000
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Smith & <Sons>" in text, pdf.name


def test_pdf_conversion_says_none_when_libreoffice_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(documents.shutil, "which", lambda _name: None)
    assert documents.convert_to_pdf([tmp_path / "a.docx"], tmp_path) is None


def test_pdf_conversion_that_produces_nothing_raises_a_clear_error(tmp_path):
    """soffice exits 0 even when it converts nothing, so the PDF files themselves are checked."""
    missing = tmp_path / "saknas.docx"
    with pytest.raises(documents.ConversionError, match="saknas.pdf"):
        documents.convert_to_pdf([missing], tmp_path / "out")


def test_the_filters_letters_need_still_work():
    template = docx_with(
        "{{ mottagare.namn|upper }} {{ mottagare.saknas|default('–') }}",
        "{{ rader|map(attribute='text')|join(', ')|replace('a', 'å') }} {{ '%05.1f' % 3.14159 }}",
    )
    out = documents.render_document(
        template, {"mottagare": {"namn": "Alex", "saknas": None}, "rader": [{"text": "a"}]}
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(out)).paragraphs)
    assert "ALEX" in text and "å 003.1" in text
