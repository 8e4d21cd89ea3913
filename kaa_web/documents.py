"""Word documents from docxtpl templates: sandboxed rendering of plain data, batches, PDF."""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath

from docx.oxml import parse_xml
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "doc_templates"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"

# Images (the municipality's logo) are the only bytes a context may carry.
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
IMAGE_HEIGHT = Mm(12)
PLAIN_SCALARS = (str, int, float, bool, date, datetime, Decimal)

# Limits on what an uploaded template may be.
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_ENTRIES = 500
MAX_SEQUENCE_RESULT = 100_000  # longest string/list a template may build with * or **

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_EXTERNAL = re.compile(rb"TargetMode\s*=\s*[\"']External[\"']", re.IGNORECASE)
_MACRO_CONTENT = re.compile(rb"macroEnabled|vbaProject|vbaData|activeX", re.IGNORECASE)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LETTERS_NAME = "_brev_lista"
LETTER_NAME = "_brev"


log = logging.getLogger(__name__)


class TemplateRenderError(Exception):
    """A template could not be rendered with the data given; the message is Swedish."""


def _render_failure(exc: Exception) -> TemplateRenderError:
    """A Swedish TemplateRenderError for a Jinja/XML failure (the raw exception is logged).

    No line number: Jinja counts lines of the Word XML, which the user never sees."""
    log.warning("document template failed: %s: %s", type(exc).__name__, exc)
    if isinstance(exc, SecurityError):
        message = "Mallen försöker använda något som inte är tillåtet i en dokumentmall."
    elif isinstance(exc, TemplateSyntaxError):
        message = "Mallkoden har ett syntaxfel."
    elif isinstance(exc, UndefinedError):
        message = "Mallen använder något som inte finns."
    else:
        message = "Mallen gick inte att fylla i med uppgifterna."
    return TemplateRenderError(message)


class ConversionError(Exception):
    """LibreOffice did not produce every PDF asked for."""


# --- plain data ------------------------------------------------------------------------------


def check_plain(value: object, path: str = "context") -> None:
    """Refuse anything but plain data (no ORM objects, no callables); bytes only as images."""
    if value is None or isinstance(value, PLAIN_SCALARS):
        return
    if isinstance(value, bytes):
        if not value.startswith(IMAGE_SIGNATURES):
            raise TypeError(f"{path}: bytes are allowed only as a PNG or JPEG image")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: dictionary keys must be str, not {type(key).__name__}")
            check_plain(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_plain(item, f"{path}[{index}]")
        return
    raise TypeError(f"{path}: {type(value).__name__} is not plain data")


class _Record(dict):
    """A dict whose keys Jinja reads as attributes without first failing an attribute lookup.

    The sandbox tries getattr() before [] for `a.b`; on a plain dict that raises and catches an
    AttributeError for every variable of every letter, which dominated a large batch's time.
    """

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _prepare(value: object, tpl: DocxTemplate) -> object:
    """Checked plain data made ready to render: dicts as records, image bytes as inline images."""
    if isinstance(value, bytes):
        return InlineImage(tpl, io.BytesIO(value), height=IMAGE_HEIGHT)
    if isinstance(value, dict):
        return _Record({key: _prepare(item, tpl) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return [_prepare(item, tpl) for item in value]
    return value


# --- the sandbox ----------------------------------------------------------------------------


# Jinja filters a template may use. Those whose arguments can make the output huge or the work
# endless (center, indent, wordwrap, batch, slice, format, filesizeformat …) are left out.
SAFE_FILTERS = frozenset(
    {
        "abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first",
        "float", "groupby", "int", "items", "join", "last", "length", "list", "lower", "map",
        "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "select",
        "selectattr", "sort", "string", "striptags", "sum", "title", "trim", "truncate",
        "unique", "upper", "wordcount",
    }
)  # fmt: skip
_FORMAT_WIDTH = re.compile(r"%[-+ #0]*(\*|\d*)(?:\.(\*|\d*))?")


def _safe_replace(value, old, new, count=None):
    """`replace`, refusing results past the length cap (an empty `old` multiplies the text)."""
    text, old, new = str(value), str(old), str(new)
    times = text.count(old) if count is None else min(count, text.count(old))
    if len(text) + times * (len(new) - len(old)) > MAX_SEQUENCE_RESULT:
        raise TemplateRenderError("Mallen bygger för långa texter.")
    return text.replace(old, new, -1 if count is None else count)


class _DocumentSandbox(SandboxedEnvironment):
    """Jinja's sandbox with caps on `*`, `**` and `%`, so a template cannot eat the memory."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def is_safe_attribute(self, obj, attr, value):
        # a letter's own values: the common case, checked without the general inspection
        if type(obj) is _Record and attr in obj and not attr.startswith("_"):
            return True
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context, operator, left, right):
        if operator == "**" and (not isinstance(right, int | float) or abs(right) > 100):
            raise TemplateRenderError("Mallen räknar med för stora tal.")
        if operator == "%" and isinstance(left, str):
            for spec in _FORMAT_WIDTH.findall(left):
                if any(n == "*" or int(n or 0) > 1000 for n in spec):
                    raise TemplateRenderError("Mallen bygger för långa texter.")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    if len(seq) * times > MAX_SEQUENCE_RESULT:
                        raise TemplateRenderError("Mallen bygger för långa texter.")
        return super().call_binop(context, operator, left, right)


def _finalize(value):
    return "" if value is None else value


_COLUMN_LOOP = re.compile(r"\{%-?\s*tc\b")
_LISTING_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")


class _Template(DocxTemplate):
    """docxtpl, minus two slow passes when there is nothing for them to do.

    docxtpl rewrites tabs, newlines and page feeds inside rendered text into Word markup
    (its Listing feature) with a regex pass over every run: most of a 1,000-letter batch's
    time. The pass changes nothing when no text holds those characters, so it is skipped then.
    Likewise the walk over every table that fixes column loops runs only if there are any.
    """

    def build_xml(self, context, jinja_env=None):
        self._column_loops = bool(_COLUMN_LOOP.search(self.get_xml()))
        return super().build_xml(context, jinja_env)

    def fix_tables(self, xml):
        """docxtpl widens tables whose `{%tc %}` loops added columns; without such loops, parse."""
        if getattr(self, "_column_loops", True):
            return super().fix_tables(xml)
        return etree.fromstring(xml, parser=etree.XMLParser(recover=True))

    def resolve_listing(self, xml):
        if _LISTING_TEXT.search(xml) is None:
            return xml
        return super().resolve_listing(xml)


def make_environment() -> SandboxedEnvironment:
    """The one Jinja environment documents are rendered in: sandboxed, autoescaping, no globals."""
    env = _DocumentSandbox(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    env.globals.clear()  # no range, cycler, joiner, namespace, lipsum, dict
    env.filters = {name: f for name, f in env.filters.items() if name in SAFE_FILTERS}
    env.filters["replace"] = _safe_replace
    return env


def _load(template: bytes | Path | str) -> DocxTemplate:
    source = io.BytesIO(template) if isinstance(template, bytes) else Path(template)
    return _Template(source)


def _save(tpl: DocxTemplate) -> bytes:
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _render(tpl: DocxTemplate, context: dict) -> None:
    try:
        tpl.render(context, jinja_env=make_environment())
    except TemplateRenderError:
        raise
    except Exception as exc:  # jinja errors, SecurityError, XML errors: all mean "cannot render"
        raise _render_failure(exc) from exc


# --- rendering ------------------------------------------------------------------------------


def render_document(template: bytes | Path | str, context: Mapping[str, object]) -> bytes:
    """Render one document from plain data; returns the .docx bytes."""
    check_plain(dict(context))
    tpl = _load(template)
    tpl.init_docx()
    _render(tpl, _prepare(dict(context), tpl))
    return _save(tpl)


def _paragraph(inner: str = "", properties: str = "") -> etree._Element:
    return parse_xml(f'<w:p xmlns:w="{_W}"><w:pPr>{properties}</w:pPr>{inner}</w:p>')


def _tag_paragraph(tag: str) -> etree._Element:
    return _paragraph(f"<w:r><w:t>{{%p {tag} %}}</w:t></w:r>")


def _wrap_body_in_loop(tpl: DocxTemplate, keys: Sequence[str]) -> None:
    """Put the template's body inside one loop over the letters, a new page for each letter."""
    body = tpl.docx._element.body
    children = [child for child in body if child.tag != f"{{{_W}}}sectPr"]
    first = children[0] if children else None
    page_break = _paragraph(
        properties='<w:pageBreakBefore/><w:spacing w:before="0" w:after="0" w:line="20" '
        'w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr>'
    )
    bindings = ", ".join(f"{key}={LETTER_NAME}.{key}" for key in keys)
    opening = [
        _tag_paragraph(f"for {LETTER_NAME} in {LETTERS_NAME}"),
        _tag_paragraph("if not loop.first"),
        page_break,
        _tag_paragraph("endif"),
        _tag_paragraph(f"with {bindings}"),
    ]
    for element in opening:
        if first is not None:
            first.addprevious(element)
        else:
            body.insert(0, element)
    closing = [_tag_paragraph("endwith"), _tag_paragraph("endfor")]
    anchor = children[-1] if children else opening[-1]
    for element in reversed(closing):
        anchor.addnext(element)


def _letter_keys(contexts: Sequence[Mapping[str, object]]) -> list[str]:
    keys = list(contexts[0])
    for context in contexts:
        if list(context) != keys and set(context) != set(keys):
            raise ValueError("every letter in a batch must have the same keys")
    for key in keys:
        if not _IDENTIFIER.match(key) or key.startswith("_"):
            raise ValueError(f"letter key {key!r} is not a plain name")
    return keys


def _shared_values(contexts: Sequence[Mapping[str, object]], keys: Sequence[str]) -> dict:
    """Values equal in every letter (the letterhead, the date): all headers and footers may use."""
    first = contexts[0]
    return {key: first[key] for key in keys if all(c[key] == first[key] for c in contexts)}


def render_letters(template: bytes | Path | str, contexts: Sequence[Mapping[str, object]]) -> bytes:
    """Render many letters of one type into ONE .docx in one pass, each letter on its own page.

    The template's body is wrapped in a loop and rendered once: about 90 times faster than
    rendering and saving the template once per letter. Headers and footers are rendered once,
    so they may only use values that are the same in every letter (e.g. `kommun`).
    """
    if not contexts:
        raise ValueError("a batch needs at least one letter")
    letters = [dict(c) for c in contexts]
    check_plain(letters)
    keys = _letter_keys(letters)
    tpl = _load(template)
    tpl.init_docx()
    shared = _shared_values(letters, keys)
    _wrap_body_in_loop(tpl, keys)
    context = _prepare({**shared, LETTERS_NAME: letters}, tpl)
    _render(tpl, context)
    return _save(tpl)


def count_letters(docx: bytes) -> int:
    """How many letters a batch document holds: one plus the page breaks put between them."""
    from docx import Document

    document = Document(io.BytesIO(docx))
    breaks = sum(1 for p in document.paragraphs if p.paragraph_format.page_break_before)
    return breaks + 1


# --- template variables ---------------------------------------------------------------------


def _template_sources(tpl: DocxTemplate) -> list[str]:
    document = tpl.get_docx()
    sources = [tpl.patch_xml(tpl.xml_to_string(document._element.body))]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _key, part in tpl.get_headers_footers(uri):
            sources.append(tpl.patch_xml(tpl.get_part_xml(part)))
    return sources


def _dotted(node: nodes.Node) -> str | None:
    """`a.b.c` (or `a['b'].c`) for a chain of attribute lookups on a name, else None."""
    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            parts.append(str(node.arg.value))
            node = node.node
        elif isinstance(node, nodes.Name):
            parts.append(node.name)
            return ".".join(reversed(parts))
        else:
            return None


def _longest_paths(tree: nodes.Template, roots: set[str]) -> set[str]:
    paths: set[str] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        path = _dotted(node)
        if path and path.split(".", 1)[0] in roots:
            paths.add(path)
    # keep `a.b.c`, drop its prefixes `a.b` and `a` that the same lookup produced
    return {p for p in paths if not any(q.startswith(p + ".") for q in paths)}


def list_template_variables(template: bytes | Path | str) -> set[str]:
    """The variables a template uses, as attribute paths (`mottagare.namn`) where it can tell.

    Raises TemplateRenderError when the template code itself is broken.
    """
    tpl = _load(template)
    env = make_environment()
    from jinja2 import meta

    found: set[str] = set()
    try:
        for source in _template_sources(tpl):
            tree = env.parse(source)
            roots = meta.find_undeclared_variables(tree)
            found |= _longest_paths(tree, roots)
    except Exception as exc:
        raise _render_failure(exc) from exc
    return found


# --- uploaded packages ----------------------------------------------------------------------


def _unsafe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        "\\" in name
        or name.startswith("/")
        or bool(re.match(r"^[A-Za-z]:", name))
        or ".." in path.parts
        or "\x00" in name
    )


def _entry_problems(infos: list[zipfile.ZipInfo]) -> list[str]:
    problems = []
    if len(infos) > MAX_ZIP_ENTRIES:
        problems.append(f"Filen innehåller för många delar ({len(infos)}).")
    bad_names = sorted({i.filename for i in infos if _unsafe_name(i.filename)})
    if bad_names:
        problems.append(
            "Filen innehåller delar med otillåtna sökvägar (absoluta, med '..' eller "
            "bakstreck): " + ", ".join(bad_names[:5]) + "."
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        problems.append(
            f"Filen packas upp till {total // (1024 * 1024)} MB, mer än tillåtna "
            f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB (möjlig zip-bomb)."
        )
    ratios = [i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > 1024 * 1024]
    if ratios and max(ratios) > MAX_COMPRESSION_RATIO:
        problems.append("Filen är onormalt hårt packad (möjlig zip-bomb).")
    names = {i.filename for i in infos}
    for required in ("[Content_Types].xml", "word/document.xml"):
        if required not in names:
            problems.append(f"Filen är inte ett Word-dokument: delen {required} saknas.")
    if any(n.lower().endswith(("vbaproject.bin", "vbadata.xml")) for n in names):
        problems.append("Filen innehåller makron. Spara mallen som .docx utan makron.")
    if any("activex" in n.lower() or n.lower().startswith("word/embeddings/") for n in names):
        problems.append("Filen innehåller inbäddade objekt (ActiveX/OLE), som inte är tillåtna.")
    return problems


_RELS_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def _fetches_external(rels: bytes) -> bool:
    """An external relationship Word follows when the file opens (a linked image, an attached
    template …). Ordinary web and e-mail links, followed only when clicked, are fine."""
    if not _EXTERNAL.search(rels):
        return False
    try:
        root = etree.fromstring(rels, parser=_RELS_PARSER)
    except etree.XMLSyntaxError:
        return True
    for rel in root:
        if (rel.get("TargetMode") or "").lower() != "external":
            continue
        link = rel.get("Type") == _HYPERLINK
        if not (link and (rel.get("Target") or "").startswith(("https://", "http://", "mailto:"))):
            return True
    return False


def _content_problems(archive: zipfile.ZipFile) -> list[str]:
    problems = []
    content_types = archive.read("[Content_Types].xml")
    if _MACRO_CONTENT.search(content_types):
        problems.append("Filen är ett makroaktiverat dokument. Spara mallen som .docx.")
    external = sorted(
        info.filename
        for info in archive.infolist()
        if info.filename.endswith(".rels") and _fetches_external(archive.read(info))
    )
    if external:
        problems.append(
            "Filen hänvisar till externa resurser (länkade bilder, mallar eller webbadresser "
            "som hämtas när dokumentet öppnas). Ta bort dem: " + ", ".join(external[:5]) + "."
        )
    return problems


def check_docx_package(data: bytes) -> list[str]:
    """What is wrong with an uploaded .docx as a file (Swedish, for the uploader); [] if nothing.

    Checks the content, never the file name: a zip holding [Content_Types].xml and
    word/document.xml, within size and compression limits, with no macros, embedded objects,
    external relationships other than clickable links, or path tricks in its entry names.
    """
    if len(data) > MAX_TEMPLATE_BYTES:
        return [f"Filen är större än {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB."]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return ["Filen är inte ett Word-dokument (.docx): den går inte att öppna som en docx-fil."]
    with archive:
        problems = _entry_problems(infos)
        if problems:
            return problems
        try:
            return _content_problems(archive)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
            return [f"Filen är skadad och går inte att läsa ({type(exc).__name__})."]


# --- PDF ------------------------------------------------------------------------------------


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(
    docx_files: Iterable[Path | str], outdir: Path | str, *, timeout: float = 180
) -> list[Path] | None:
    """Convert .docx files to PDF with LibreOffice in one call; None when it is not installed.

    Each call gets its own LibreOffice profile directory (two calls sharing one silently convert
    nothing), and every expected PDF is checked for, since soffice exits 0 even on failure.
    """
    soffice = soffice_path()
    if soffice is None:
        return None
    files = [Path(f).resolve() for f in docx_files]
    out = Path(outdir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if not files:
        return []
    profile = Path(tempfile.gettempdir()) / f"lo-{uuid.uuid4().hex}"
    command = [
        soffice,
        "--headless",
        "--norestore",
        f"-env:UserInstallation=file://{profile}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *map(str, files),
    ]
    try:
        subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ConversionError(f"LibreOffice did not finish within {timeout} s") from exc
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdfs = [out / (f.stem + ".pdf") for f in files]
    missing = [p.name for p in pdfs if not p.is_file() or p.stat().st_size == 0]
    if missing:
        raise ConversionError("LibreOffice produced no PDF for: " + ", ".join(missing))
    return pdfs
