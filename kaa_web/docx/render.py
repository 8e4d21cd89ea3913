"""Rendering docxtpl templates from plain data in a sandbox, one document or a batch of letters."""

from __future__ import annotations

import io
import re
import secrets
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from docx.oxml import parse_xml
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from lxml import etree

from kaa_web.docx import package as document_package
from kaa_web.docx.limits import Limits, TemplateRenderError
from kaa_web.docx.limits import run as run_limited
from kaa_web.docx.sandbox import make_environment

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "doc_templates"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Images (the municipality's logo) are the only bytes a context may carry.
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
IMAGE_HEIGHT = Mm(12)
PLAIN_SCALARS = (str, int, float, bool, date, datetime, Decimal)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LETTERS_NAME = "_brev_lista"
LETTER_NAME = "_brev"


def render_failure(exc: Exception) -> TemplateRenderError:
    """A Swedish TemplateRenderError for a Jinja/XML failure, the raw error as its detail.

    No line number: Jinja counts lines of the Word XML, which the user never sees."""
    if isinstance(exc, SecurityError):
        message = "Mallen försöker använda något som inte är tillåtet i en dokumentmall."
    elif isinstance(exc, TemplateSyntaxError):
        message = "Mallkoden har ett syntaxfel."
    elif isinstance(exc, UndefinedError):
        message = "Mallen använder något som inte finns."
    else:
        message = "Mallen gick inte att fylla i med uppgifterna."
    return TemplateRenderError(message, f"{type(exc).__name__}: {exc}")


# --- plain data ------------------------------------------------------------------------------


def check_plain(value: object, path: str = "context") -> None:
    """Refuse anything but plain data (no ORM objects, no callables); bytes only as images."""
    problem = _not_plain(value, set())
    if problem is not None:
        raise TypeError(path + problem)


def _not_plain(value: object, checked: set[int]) -> str | None:
    """Where in `value` and why it is not plain data, or None (the path is built only then:
    a mail-out's 100,000 values are checked without formatting one). A dictionary found plain
    is not read again: a mail-out's letters share their letterhead and signers."""
    if value is None or isinstance(value, PLAIN_SCALARS):
        return None
    if isinstance(value, bytes):
        if value.startswith(IMAGE_SIGNATURES):
            return None
        return ": bytes are allowed only as a PNG or JPEG image"
    if isinstance(value, dict):
        if id(value) in checked:
            return None
        problem = _record_problem(value, checked)
        if problem is None:
            checked.add(id(value))
        return problem
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if (problem := _not_plain(item, checked)) is not None:
                return f"[{index}]{problem}"
        return None
    return f": {type(value).__name__} is not plain data"


def _record_problem(record: dict, checked: set[int]) -> str | None:
    for key, item in record.items():
        if not isinstance(key, str):
            return f": dictionary keys must be str, not {type(key).__name__}"
        if (problem := _not_plain(item, checked)) is not None:
            return f".{key}{problem}"
    return None


class WideImage(bytes):
    """Image bytes placed at the text's width (a chart in a report), not at the letterhead's
    logo height: still plain data, only the size differs."""

    __slots__ = ()


WIDE_IMAGE_WIDTH = Mm(160)


class _Picture(str):
    """An image as a template sees it: a random marker, of which the sandbox lets a template
    read no attribute. The image itself replaces the marker after the Jinja pass, so no
    docxtpl or python-docx object is ever within a template's reach."""

    __slots__ = ()


def _prepare(value: object, pictures: dict[bytes, _Picture], seen: dict | None = None) -> object:
    """Checked plain data made ready to render: image bytes become picture markers. A record
    every letter shares (the letterhead) is prepared once."""
    if isinstance(value, bytes):
        if value not in pictures:
            pictures[value] = _Picture(f"KAABILD{secrets.token_hex(12)}")
        return pictures[value]
    if not isinstance(value, dict | list | tuple):
        return value
    seen = {} if seen is None else seen
    if id(value) not in seen:
        if isinstance(value, dict):
            seen[id(value)] = {key: _prepare(item, pictures, seen) for key, item in value.items()}
        else:
            seen[id(value)] = [_prepare(item, pictures, seen) for item in value]
    return seen[id(value)]


_PARAGRAPH = re.compile(r"<w:p([ >])")
_COLUMN_LOOP = re.compile(r"\{%-?\s*tc\b")
_LISTING_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")


def _refuse(problem: str, found) -> None:
    if found:
        raise TemplateRenderError(problem.format(", ".join(sorted(found))))


class Template(DocxTemplate):
    """docxtpl with pictures put in after the Jinja pass, field codes checked in what was
    rendered, and the slow passes skipped when there is nothing for them to do.

    docxtpl rewrites tabs, newlines and page feeds inside rendered text into Word markup
    (its Listing feature) with a regex pass over every run: most of a 1,000-letter batch's
    time. The pass changes nothing when no text holds those characters, so it is skipped then.
    Likewise the walk over every table that fixes column loops runs only if there are any,
    and without it the rendered body stays text: parsing 5,000 letters (23 MB of XML) into a
    tree, moving the tree into the document and serialising it again cost more than the
    rendering itself. The text goes into the saved file as it is, once a parse that builds
    nothing has found it well-formed (what docxtpl's recovering parser would have changed is
    parsed and repaired as before).
    """

    def prepare(self, context: dict) -> dict:
        """The context to render, its images replaced by markers this template will fill in."""
        pictures: dict[bytes, _Picture] = {}
        prepared = _prepare(context, pictures)
        self._pictures = {marker: data for data, marker in pictures.items()}
        return prepared

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        """docxtpl's rendering of one part, its passes over the output as plain replaces (the
        regexes it uses took a second for 5,000 letters), then pictures and field codes."""
        self.current_rendering_part = part
        src_xml = _PARAGRAPH.sub(r"\n<w:p\1", src_xml)  # docxtpl's: {%p %} tags need it
        xml = jinja_env.from_string(src_xml).render(context)
        xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
        xml = (
            xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        )
        xml = self.resolve_listing(xml)
        for marker, data in getattr(self, "_pictures", {}).items():
            if marker in xml:  # docxtpl adds the image to the part being rendered
                size = (
                    {"width": WIDE_IMAGE_WIDTH}
                    if isinstance(data, WideImage)
                    else {"height": IMAGE_HEIGHT}
                )
                image = InlineImage(self, io.BytesIO(data), **size)
                xml = xml.replace(marker, str(image))
        # a template can put a field code together from pieces only Jinja joins
        _refuse(document_package.FIELD_PROBLEM, document_package.refused_fields_in(xml))
        return xml

    def build_xml(self, context, jinja_env=None):
        self._column_loops = bool(_COLUMN_LOOP.search(self.get_xml()))
        return super().build_xml(context, jinja_env)

    def fix_tables(self, xml):
        """docxtpl widens tables whose `{%tc %}` loops added columns; without such loops the
        body stays text when it is well-formed, else it is parsed with recovery as before."""
        if getattr(self, "_column_loops", True):
            return super().fix_tables(xml)
        if _well_formed(xml):
            return xml
        return etree.fromstring(xml, parser=etree.XMLParser(recover=True))

    def fix_docpr_ids(self, tree):
        """Number every drawing of the body anew (each letter repeats the template's)."""
        if not isinstance(tree, str):
            return super().fix_docpr_ids(tree)

        def renumber(match: re.Match) -> str:
            self.docx_ids_index += 1
            return f"{match.group(1)}{self.docx_ids_index}{match.group(3)}"

        self._body_text = _DOCPR_ID.sub(renumber, tree)
        return None

    def map_tree(self, tree):
        """A body kept as text replaces an empty body when the file is saved (_save)."""
        if not isinstance(tree, str):
            return super().map_tree(tree)
        root = self.docx._element
        root.replace(root.body, root.makeelement(f"{{{_W}}}body", {}))
        return None

    def resolve_listing(self, xml):
        if not any(c in xml for c in "\t\a\n\f") or _LISTING_TEXT.search(xml) is None:
            return xml
        return super().resolve_listing(xml)


_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\bid=")(\d+)(")')
_EMPTY_BODY = b"<w:body/>"


class _Nothing:
    """A parser target that builds nothing: the parse only checks that the XML is well-formed."""

    def close(self):
        return None


def _well_formed(xml: str) -> bool:
    try:
        etree.fromstring(xml.encode(), parser=etree.XMLParser(target=_Nothing(), huge_tree=True))
    except etree.XMLSyntaxError:
        return False
    return True


def _load(template: bytes | Path | str) -> Template:
    """The template, opened; refused if it links to anything outside itself or holds a field
    code that fetches files, so a version stored before its upload check knew the trick gets
    no further than one checked today. (The parts docxtpl renders are checked again after.)"""
    source = io.BytesIO(template) if isinstance(template, bytes) else Path(template)
    tpl = Template(source)
    tpl.init_docx()
    package = tpl.docx.part.package
    _refuse(
        document_package.EXTERNAL_PROBLEM,
        {
            rel.target_ref
            for rel in package.iter_rels()
            if document_package.refused_relationship(rel.reltype, rel.target_ref, rel.is_external)
        },
    )
    for part in package.iter_parts():
        if part is not tpl.docx.part and part.partname.ext.lower() == "xml":
            _refuse(document_package.FIELD_PROBLEM, document_package.refused_fields_in(part.blob))
    return tpl


def _save(tpl: DocxTemplate) -> bytes:
    out = io.BytesIO()
    tpl.save(out)
    body = getattr(tpl, "_body_text", None)
    if body is None:
        return out.getvalue()
    return _with_body(out.getvalue(), tpl.docx.part.partname.lstrip("/"), body.encode())


def _with_body(package: bytes, part_name: str, body: bytes) -> bytes:
    """The saved package with the rendered body text in place of the document's empty body."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == part_name:
                if content.count(_EMPTY_BODY) != 1:
                    raise TemplateRenderError("Dokumentet gick inte att spara.")
                content = content.replace(_EMPTY_BODY, body)
            target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


def _render(tpl: Template, context: dict) -> None:
    try:
        tpl.render(tpl.prepare(context), jinja_env=make_environment())
    except (TemplateRenderError, MemoryError):
        raise
    except Exception as exc:  # jinja errors, SecurityError, XML errors: all mean "cannot render"
        raise render_failure(exc) from exc


# --- rendering (each in a limited child process) --------------------------------------------


def render_document_here(template: bytes | Path | str, context: dict) -> bytes:
    """render_document in this very process: only ever called inside a limited child."""
    tpl = _load(template)
    _render(tpl, context)
    return _save(tpl)


def render_document(template: bytes | Path | str, context: Mapping[str, object]) -> bytes:
    """Render one document from plain data; returns the .docx bytes."""
    context = dict(context)
    check_plain(context)
    return run_limited(render_document_here, template, context, limits=Limits.for_letters(1))


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


def letter_keys(contexts: Sequence[Mapping[str, object]]) -> list[str]:
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


def render_letters_here(template: bytes | Path | str, letters: list[dict], keys: list[str]):
    """render_letters in this very process: only ever called inside a limited child."""
    tpl = _load(template)
    shared = _shared_values(letters, keys)
    _wrap_body_in_loop(tpl, keys)
    _render(tpl, {**shared, LETTERS_NAME: letters})
    return _save(tpl)


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
    keys = letter_keys(letters)
    limits = Limits.for_letters(len(letters))
    return run_limited(render_letters_here, template, letters, keys, limits=limits)


def count_letters(docx: bytes) -> int:
    """How many letters a batch document holds: one plus the page breaks put between them."""
    from docx import Document

    document = Document(io.BytesIO(docx))
    breaks = sum(1 for p in document.paragraphs if p.paragraph_format.page_break_before)
    return breaks + 1
