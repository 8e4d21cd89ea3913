"""Field codes and relationships in a .docx, read the way Word reads them."""

from __future__ import annotations

import pytest
from lxml import etree

from kaa_web.docx import package as document_package
from kaa_web.docx.package import COMPUTED_FIELD

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def begin() -> str:
    return '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'


def code(text: str) -> str:
    return f'<w:r><w:instrText xml:space="preserve">{text}</w:instrText></w:r>'


def separate(result: str = "x") -> str:
    return f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{result}</w:t></w:r>'


def end() -> str:
    return '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def refused(body: str) -> set[str]:
    xml = f'<w:document xmlns:w="{W}"><w:body><w:p>{body}</w:p></w:body></w:document>'
    return document_package.refused_fields(etree.fromstring(xml))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (begin() + code('HYPERLINK "https://x.example"') + separate() + end(), set()),
        (begin() + code("PAGE") + separate("INCLUDEPICTURE as text") + end(), set()),
        (
            begin() + code("IF 1 = 1 ") + begin() + code('INCLUDEPICTURE "http://x/a.png"')
            + separate() + end() + code(' "ja"') + separate() + end(),
            {"INCLUDEPICTURE"},
        ),
        (
            begin() + begin() + code("QUOTE INCLUDEPICTURE") + separate() + end()
            + code(' "http://x/a.png"') + separate() + end(),
            {COMPUTED_FIELD},
        ),
        (begin() + code("INCLUDE") + code("TEXT c:\\\\a.docx"), {"INCLUDETEXT"}),  # never ends
        ('<w:fldSimple w:instr="&#76;INK Excel.Sheet.12 a.xlsx"/>', {"LINK"}),
    ],
    ids=["hyperlink", "result-text", "nested", "computed", "unfinished", "simple-with-reference"],
)  # fmt: skip
def test_field_codes_are_read_across_runs_and_nesting(body, expected):
    assert refused(body) == expected


@pytest.mark.parametrize(
    ("reltype", "target", "external", "expected"),
    [
        ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
         "https://www.exempelkommun.se/", True, False),
        ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
         "file:///etc/passwd", True, True),
        ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
         "http://127.0.0.1/a.png", True, True),
        ("http://purl.oclc.org/ooxml/officeDocument/relationships/aFChunk",
         "chunk.html", False, True),
        ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
         "http://127.0.0.1/a.png", False, True),
        ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
         "media/image1.png", False, False),
    ],
    ids=["web-link", "file-link", "linked-image", "strict-altchunk", "internal-url", "media"],
)  # fmt: skip
def test_only_clickable_web_links_and_plain_internal_parts_pass(
    reltype, target, external, expected
):
    assert document_package.refused_relationship(reltype, target, external) is expected
