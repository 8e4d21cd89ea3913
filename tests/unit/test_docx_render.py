"""The document engine: committed templates render hostile data literally, batches, the sandbox."""

from __future__ import annotations

import http.server
import io
import re
import subprocess
import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from kaa_web.docx import checks, render
from kaa_web.docx import pdf as docx_pdf
from kaa_web.docx.limits import TemplateRenderError
from kaa_web.docx.types import DOCUMENT_TYPES, EXAMPLE_LOGO, get_type
from kaa_web.models.documents import GeneratedDocument
from tests import docx_samples

HOSTILE = {
    "mottagare.namn": "Smith & <Sons>",
    "mottagare.utdelningsadress": "{{7*7}} gatan 1",
    "mottagare.postort": "{% if %} stad",
    "ungdom.fornamn": "<script>alert(1)</script>",
    "handlaggare.namn": 'Kim "Kimpa" O\'Hara',
    "kommun.namn": "Åäö & Co <kommun>",
}


# A report has no recipient: its own one-line values get the recipient's hostile ones.
REPORT_FIELDS = {
    "mottagare.namn": "rapport.rubrik",
    "mottagare.utdelningsadress": "rapport.period",
    "mottagare.postort": "rapport.jamforelse",
    "handlaggare.namn": "rapport.hamtad",
}
# The action plan's documents: the plan's one-line values.
PLAN_FIELDS = {
    "mottagare.namn": "plan.beslut",
    "mottagare.utdelningsadress": "plan.version",
    "mottagare.postort": "plan.hamtad",
    "handlaggare.namn": "plan.smatal",
}


def hostile_context(doc_type) -> dict:
    context = doc_type.example_context()
    letter = "mottagare.namn" in doc_type.variable_names
    report = PLAN_FIELDS if "plan.beslut" in doc_type.variable_names else REPORT_FIELDS
    for dotted, value in HOSTILE.items():
        dotted = dotted if letter else report.get(dotted, dotted)
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
    rendered = render.render_document(doc_type.builtin_path, hostile_context(doc_type))
    text = all_text(rendered)
    assert "Smith & <Sons>" in text
    assert "Åäö & Co <kommun>" in text
    assert "49 gatan" not in text  # a value is never evaluated as template code
    if code in ("brev_ungdom", "vykort", "besoksvykort", "brev_fore_20"):
        assert "<script>alert(1)</script>" in text
    if code not in ("vykort", "besoksvykort", "atkomstlogg"):  # the read log is never posted
        assert "{{7*7}} gatan 1" in text and "{% if %} stad" in text
        assert 'Kim "Kimpa" O\'Hara' in text
    assert "{{" not in text.replace("{{7*7}}", "")  # no template code left unrendered


@pytest.mark.parametrize("code", sorted(DOCUMENT_TYPES))
def test_every_committed_template_uses_only_its_catalogued_variables(code):
    doc_type = get_type(code)
    used = checks.list_template_variables(doc_type.builtin_path)
    assert doc_type.unknown_variables(used) == []
    assert "kommun.namn" in used
    assert "mottagare.namn" in used or "mottagare.namn" not in doc_type.variable_names


def test_the_orosanmalan_draft_is_marked_as_a_draft_with_room_for_the_concern():
    doc_type = get_type("orosanmalan")
    text = all_text(render.render_document(doc_type.builtin_path, doc_type.example_context()))
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
    with_logo = Document(io.BytesIO(render.render_document(doc_type.builtin_path, context)))
    assert with_logo.sections[0].header.part.package.image_parts._image_parts
    context["kommun"]["logotyp"] = None
    rendered = render.render_document(doc_type.builtin_path, context)
    assert "None" not in all_text(rendered)


def test_a_batch_holds_every_letter_in_order_with_a_page_break_between_them():
    doc_type = get_type("brev_ungdom")
    letters = []
    for number in range(25):
        context = doc_type.example_context()
        context["mottagare"]["namn"] = f"Mottagare nummer {number} & <son>"
        letters.append(context)
    batch = render.render_letters(doc_type.builtin_path, letters)
    document = Document(io.BytesIO(batch))
    names = [t.rows[0].cells[0].text.splitlines()[0] for t in document.tables]
    assert names == [f"Mottagare nummer {n} & <son>" for n in range(25)]
    breaks = [p for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert len(breaks) == 24
    assert render.count_letters(batch) == 25
    assert all_text(batch).count("Exempelkommun ·") == 1  # one footer, shared by all letters


def test_a_batch_of_postcards_also_holds_one_card_per_page():
    doc_type = get_type("vykort")
    batch = render.render_letters(doc_type.builtin_path, [doc_type.example_context()] * 3)
    assert render.count_letters(batch) == 3


def test_a_batch_refuses_letters_with_different_keys():
    doc_type = get_type("brev_ungdom")
    context = doc_type.example_context()
    with pytest.raises(ValueError):
        render.render_letters(doc_type.builtin_path, [context, {**context, "extra": 1}])


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
        render.render_document(doc_type.builtin_path, context)


def test_plain_values_of_every_allowed_kind_are_accepted():
    render.check_plain(
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
    with pytest.raises(TemplateRenderError):
        render.render_document(template, {"mottagare": {"namn": "Alex"}})


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
    with caplog.at_level("WARNING", logger="kaa_web.docx"):
        with pytest.raises(TemplateRenderError) as failed:
            render.render_document(template, {"mottagare": {"namn": "Alex"}})
    message = str(failed.value)
    assert re.fullmatch(expected, message), message
    assert "Error" not in message and "attribute" not in message and "xpected" not in message
    assert any("Error" in r.getMessage() for r in caplog.records)


def test_broken_template_code_is_explained_in_swedish_when_variables_are_listed():
    with pytest.raises(TemplateRenderError) as failed:
        checks.list_template_variables(docx_with("{{ a b }}"))
    assert re.fullmatch(r"Mallkoden har ett syntaxfel\.", str(failed.value))
    assert "TemplateSyntaxError" in failed.value.detail  # for the log of whoever asked


def test_template_variables_are_listed_as_attribute_paths():
    template = docx_with(
        "{{ mottagare.namn }} {{ datum }} {% if kommun.logotyp %}x{% endif %}",
        "{% for rad in rader %}{{ rad.text }}{% endfor %}",
    )
    assert checks.list_template_variables(template) == {
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
        path.write_bytes(render.render_document(doc_type.builtin_path, context))
        files.append(path)
    pdfs = docx_pdf.convert_to_pdf(files, tmp_path / "pdf")
    assert pdfs is not None, "LibreOffice (soffice) is not installed"
    assert [p.name for p in pdfs] == [f"{code}.pdf" for code in DOCUMENT_TYPES]
    for pdf in pdfs:
        assert pdf.stat().st_size > 1000
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Smith & <Sons>" in text, pdf.name


def test_pdf_conversion_says_none_when_libreoffice_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(docx_pdf.shutil, "which", lambda _name: None)
    assert docx_pdf.convert_to_pdf([tmp_path / "a.docx"], tmp_path) is None


def test_pdf_conversion_that_produces_nothing_raises_a_clear_error(tmp_path):
    """soffice exits 0 even when it converts nothing, so the PDF files themselves are checked."""
    missing = tmp_path / "saknas.docx"
    with pytest.raises(docx_pdf.ConversionError, match="saknas.pdf"):
        docx_pdf.convert_to_pdf([missing], tmp_path / "out")


def test_the_filters_letters_need_still_work():
    template = docx_with(
        "{{ mottagare.namn|upper }} {{ mottagare.saknas|default('–') }}",
        "{{ rader|map(attribute='text')|join(', ')|replace('a', 'å') }} {{ '%05.1f' % 3.14159 }}",
    )
    out = render.render_document(
        template, {"mottagare": {"namn": "Alex", "saknas": None}, "rader": [{"text": "a"}]}
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(out)).paragraphs)
    assert "ALEX" in text and "å 003.1" in text


# --- hostile templates: no live object, hard limits, nothing fetched ------------------------

REACH_DOCXTPL = "{% set t = kommun.logotyp.tpl %}"
ENVIRON_ATTACK = (
    REACH_DOCXTPL + "{{ t.replace_zipname('word/document.xml', '/proc/self/environ') or '' }}"
)


def save_attack(target, via_alias: bool = False) -> str:
    """The template that copied /etc/passwd into the static folder: docxtpl reached through
    the logo, told to swap its body for a server file and to save itself where it pleased."""
    reach = "{% set k = kommun %}{% set t = k.logotyp.tpl %}" if via_alias else REACH_DOCXTPL
    return (
        reach + "{{ t.replace_zipname('word/document.xml', '/etc/passwd') or '' }}"
        f"{{{{ t.save('{target}') or '' }}}}"
    )


def letter(*paragraphs: str) -> bytes:
    return docx_with("{{ mottagare.namn }}", *paragraphs, base=get_type("brev_ungdom").builtin_path)


@pytest.mark.parametrize("via_alias", [False, True], ids=["direct", "through-an-alias"])
def test_the_template_that_copied_a_server_file_is_refused_and_writes_nothing(tmp_path, via_alias):
    doc_type = get_type("brev_ungdom")
    target = tmp_path / "leak.docx"
    template = letter(save_attack(target, via_alias))
    assert checks.check_template(template, doc_type) != []  # the upload check
    assert not target.exists()
    with pytest.raises(TemplateRenderError):  # a real render of a stored template
        render.render_document(template, doc_type.example_context())
    assert not target.exists()


def test_a_letter_never_carries_the_servers_environment():
    doc_type = get_type("brev_ungdom")
    with pytest.raises(TemplateRenderError):
        render.render_document(letter(ENVIRON_ATTACK), doc_type.example_context())
    with pytest.raises(TemplateRenderError):  # nor a mail-out
        render.render_letters(letter(ENVIRON_ATTACK), [doc_type.example_context()] * 2)


@pytest.mark.parametrize(
    "payload",
    [
        "{{ kommun.logotyp.tpl }}",
        "{{ kommun.logotyp.image_descriptor }}",
        "{{ kommun.logotyp.__class__ }}",
        "{{ kommun.logotyp.upper() }}",
        "{{ kommun.items() }}",
        "{{ kommun.__class__ }}",
        "{{ kommun.get('namn') }}",
        "{{ [1].append(2) }}",
        "{% for i in [1] %}{{ loop.__class__ }}{% endfor %}",
        "{% for i in [1] %}{{ loop._iterator }}{% endfor %}",
        "{% macro m() %}x{% endmacro %}{{ m() }}",
        "{{ self.__class__ }}",
        "{{ mottagare.namn.format(1) }}",
        "{{ mottagare.namn.zfill(300000000) }}",
        "{{ datum.replace(year=1) }}",
    ],
)
def test_the_sandbox_allows_only_record_keys_and_a_few_plain_scalar_attributes(payload):
    context = get_type("brev_ungdom").example_context()
    with pytest.raises(TemplateRenderError):
        render.render_document(letter(payload), context)


def test_records_plain_scalar_methods_and_the_loop_still_work_for_template_authors():
    template = docx_with(
        "{{ mottagare.namn.upper() }} {{ datum.year }} {{ kommun['namn'] }}",
        "{% for r in rader %}{{ loop.index }}:{{ r.text|upper }}{% endfor %}",
        "{% for g in rader|groupby('text') %}{{ g.grouper }}={{ g.list|length }}{% endfor %}",
    )
    out = render.render_document(
        template,
        {
            "mottagare": {"namn": "Alex"},
            "datum": date(2026, 11, 23),
            "kommun": {"namn": "Sjöstad"},
            "rader": [{"text": "a"}, {"text": "b"}],
        },
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(out)).paragraphs)
    assert "ALEX 2026 Sjöstad" in text and "1:A2:B" in text and "a=1b=1" in text


def test_the_logo_is_an_image_in_every_letter_of_a_batch_and_nothing_else():
    doc_type = get_type("brev_ungdom")
    template = letter("{% if kommun.logotyp %}{{ kommun.logotyp }}{% endif %}")
    batch = render.render_letters(template, [doc_type.example_context()] * 3)
    document = Document(io.BytesIO(batch))
    assert len(document.inline_shapes) == 3  # one in each letter's body (and one in the header)
    assert "KAABILD" not in all_text(batch)  # no marker was left as text


LONG = "{% set a = 'x' * 100000 %}"
TOO_MUCH_MEMORY = "Mallen bygger ett för stort dokument och stoppades."
TOO_SLOW = "Mallen tar för lång tid att fylla i och stoppades."
F8_ATTACKS = {
    "str.format width": ("{{ '{:300000000}'.format(1) }}", "inte är tillåtet"),
    "% with a mapping key": ("{{ '%(a)300000000s' % {'a': 1} }}", "för långa texter"),
    "doubling with ~": (LONG + "{% set a = a ~ a %}" * 12 + "{{ a|length }}", TOO_MUCH_MEMORY),
    "join of long strings": (LONG + "{{ ([a] * 100000)|join }}", TOO_MUCH_MEMORY),
    "a loop printing a long string": (
        LONG + "{% for c in a %}{{ a }}{% endfor %}",
        TOO_MUCH_MEMORY,
    ),
    "nested loops over a long string": (
        LONG + "{% for c in a %}{% for d in a %}{% endfor %}{% endfor %}",
        TOO_SLOW,
    ),
}


@pytest.mark.parametrize("attack", sorted(F8_ATTACKS))
@pytest.mark.parametrize("path", ["upload check", "render"])
def test_templates_that_exhaust_memory_or_cpu_are_stopped_with_a_swedish_message(attack, path):
    payload, expected = F8_ATTACKS[attack]
    doc_type = get_type("brev_ungdom")
    template = letter(payload)
    started = time.monotonic()
    if path == "upload check":
        problems = checks.check_template(template, doc_type)
    else:
        with pytest.raises(TemplateRenderError) as stopped:
            render.render_document(template, doc_type.example_context())
        problems = [str(stopped.value)]
    assert len(problems) == 1 and expected in problems[0], problems
    assert time.monotonic() - started < 30  # stopped by the limits, not left to run


def test_a_mail_out_of_a_template_that_exhausts_memory_is_stopped():
    doc_type = get_type("brev_ungdom")
    template = letter(F8_ATTACKS["a loop printing a long string"][0])
    with pytest.raises(TemplateRenderError, match=TOO_MUCH_MEMORY):
        render.render_letters(template, [doc_type.example_context()] * 50)


def test_a_field_code_put_together_by_template_code_is_refused_when_rendered():
    doc_type = get_type("brev_ungdom")
    template = docx_samples.with_field('INCLUDE{{ "" }}PICTURE "http://127.0.0.1:9/x.png"')
    with pytest.raises(TemplateRenderError, match="INCLUDEPICTURE"):
        render.render_document(template, doc_type.example_context())
    problems = checks.check_template(template, doc_type)
    assert problems and "fältkoder som hämtar filer" in problems[0]


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(EXAMPLE_LOGO)

    def log_message(self, *args):
        pass


def test_libreoffice_fetches_nothing_a_document_links_to(tmp_path):
    """A linked picture that slipped past every check is still not fetched on conversion."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/spårning.png"
        path = tmp_path / "lankad.docx"
        path.write_bytes(docx_samples.with_linked_image(url))
        pdfs = docx_pdf.convert_to_pdf([path], tmp_path / "pdf")
    finally:
        server.shutdown()
        server.server_close()
    assert pdfs and pdfs[0].stat().st_size > 0
    assert _Recorder.requests == []
    assert docx_pdf.offline_prefix() != ()  # this machine allows a network namespace


def test_each_letter_of_a_batch_with_a_picture_in_its_body_gets_a_drawing_id_of_its_own():
    template = docx_samples.template_with("brev_ungdom", "Bild: {{ kommun.logotyp }}")
    letters = []
    for n in range(3):
        letters.append(get_type("brev_ungdom").example_context())
        letters[-1]["mottagare"]["namn"] = f"Mottagare {n}"
    batch = render.render_letters(template, letters)
    xml = Document(io.BytesIO(batch)).element.xml
    ids = re.findall(r'<wp:docPr id="(\d+)"', xml)
    assert len(ids) == 3 and len(set(ids)) == 3  # Word refuses a file with a repeated id
    assert [f"Mottagare {n}" in xml for n in range(3)] == [True] * 3


def test_a_rendered_body_that_is_not_well_formed_is_repaired_as_docxtpl_repairs_it():
    tpl = render.Template(io.BytesIO(docx_samples.template_with("brev_ungdom")))
    tpl.init_docx()
    tpl._column_loops = False
    body = f'<w:body xmlns:w="{render._W}"><w:p><w:r><w:t>kvar</w:t></w:r></w:p><w:p></w:body>'
    repaired = tpl.fix_tables(body)
    assert not isinstance(repaired, str) and "kvar" in "".join(repaired.itertext())
    assert tpl.fix_tables(body.replace("<w:p></w:body>", "</w:body>")) == body.replace(
        "<w:p></w:body>", "</w:body>"
    )
