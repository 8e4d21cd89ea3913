"""What an uploaded .docx may contain: zip structure, relationships and field codes, by content."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import PurePosixPath

from lxml import etree

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_ENTRIES = 500

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Relationship types by their last segment (transitional and strict OOXML differ before it).
# Parts Word or LibreOffice import or run: HTML/RTF chunks (which may load from the web), OLE
# objects, ActiveX controls, sub-documents, attached templates and frames.
_REFUSED_TYPES = frozenset(
    {"afchunk", "oleobject", "package", "control", "subdocument", "attachedtemplate", "frame"}
)
# Field codes that fetch a file or web page when the document is opened or updated.
REFUSED_FIELDS = frozenset(
    {"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "LINK", "IMPORT", "DDE", "DDEAUTO"}
)
_MACRO_CONTENT = re.compile(rb"macroEnabled|vbaProject|vbaData|activeX", re.IGNORECASE)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_RECOVERING = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)

EXTERNAL_PROBLEM = (
    "Filen hänvisar till externa resurser (länkade bilder, mallar eller webbadresser som "
    "hämtas när dokumentet öppnas) eller bäddar in andra dokument. Ta bort dem: {}."
)
FIELD_PROBLEM = (
    "Filen innehåller fältkoder som hämtar filer eller webbsidor ({}). Ta bort fälten "
    "(Alt+F9 visar fältkoderna i Word)."
)


# --- relationships --------------------------------------------------------------------------


def refused_relationship(reltype: str, target: str, external: bool) -> bool:
    """A relationship Word or LibreOffice would follow on its own: anything external but a
    clickable web or e-mail link, and internal parts that import or run other content."""
    kind = reltype.rsplit("/", 1)[-1].lower()
    if kind in _REFUSED_TYPES:
        return True
    if external:
        return not (kind == "hyperlink" and target.startswith(("https://", "http://", "mailto:")))
    return "://" in target or target.startswith(("\\\\", "file:"))


def _relationships_refused(rels: bytes) -> bool:
    """Whether a .rels part, parsed (any encoding, entities decoded), holds a refused one."""
    try:
        root = etree.fromstring(rels, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return True  # what cannot be read cannot be shown to be harmless
    for rel in root.iter():
        if not isinstance(rel.tag, str) or etree.QName(rel).localname != "Relationship":
            continue
        mode = (rel.get("TargetMode") or "Internal").strip()
        target = (rel.get("Target") or "").strip()
        if refused_relationship(rel.get("Type") or "", target, mode != "Internal"):
            return True
    return False


# --- field codes ----------------------------------------------------------------------------

_FLD_SIMPLE, _FLD_CHAR, _INSTR_TEXT = (
    f"{{{_W}}}{name}" for name in ("fldSimple", "fldChar", "instrText")
)
COMPUTED_FIELD = "fältkod som räknas fram av ett annat fält"


@dataclass
class _Field:
    """A complex field being read: its instruction text until its separator."""

    code: list[str] = dataclass_field(default_factory=list)
    reading: bool = True
    computed: bool = False  # its instruction starts with a nested field

    def refused(self) -> set[str]:
        if self.computed:
            return {COMPUTED_FIELD}
        return _refused_code("".join(self.code))


def _refused_code(instruction: str) -> set[str]:
    words = instruction.split(None, 1)
    keyword = words[0].upper() if words else ""
    return {keyword} if keyword in REFUSED_FIELDS else set()


def _field_char(kind: str | None, fields: list[_Field], found: set[str]) -> None:
    if kind == "begin":
        outer = fields[-1] if fields else None
        if outer and outer.reading and not "".join(outer.code).strip():
            outer.computed = True
        fields.append(_Field())
    elif kind in ("separate", "end") and fields:
        if fields[-1].reading:
            found |= fields[-1].refused()
            fields[-1].reading = False
        if kind == "end":
            fields.pop()


def refused_fields(root: etree._Element) -> set[str]:
    """The refused field codes in a part: simple fields, and complex fields whose instruction
    is split over any number of runs (a nested field counts on its own; a field whose code
    starts with a nested field computes its code, so it is refused as well)."""
    found: set[str] = set()
    fields: list[_Field] = []
    for element in root.iter(_FLD_SIMPLE, _FLD_CHAR, _INSTR_TEXT):
        if element.tag == _FLD_SIMPLE:
            found |= _refused_code(element.get(f"{{{_W}}}instr") or "")
        elif element.tag == _INSTR_TEXT:
            if fields and fields[-1].reading:
                fields[-1].code.append(element.text or "")
        else:
            _field_char(element.get(f"{{{_W}}}fldCharType"), fields, found)
    for unfinished in fields:
        if unfinished.reading:
            found |= unfinished.refused()
    return found


_FIELD_MARKERS = tuple(
    name.encode(encoding)
    for name in ("instrText", "fldSimple")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


def refused_fields_in(xml: str | bytes) -> set[str]:
    """refused_fields of a part given as text or bytes; quick when it has no field at all."""
    if isinstance(xml, str):
        if "instrText" not in xml and "fldSimple" not in xml:
            return set()
        xml = xml.encode()
    elif not any(marker in xml for marker in _FIELD_MARKERS):
        return set()
    root = etree.fromstring(xml, parser=_RECOVERING)
    return refused_fields(root) if root is not None else set()


# --- the package ----------------------------------------------------------------------------


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


def _fields_of(archive: zipfile.ZipFile, names: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for name in names:
        try:
            root = etree.fromstring(archive.read(name), parser=_RECOVERING)
        except (etree.XMLSyntaxError, ValueError):
            continue  # not XML at all: python-docx decides whether the file can be used
        if root is not None:
            found |= refused_fields(root)
    return found


def _content_problems(archive: zipfile.ZipFile) -> list[str]:
    problems = []
    if _MACRO_CONTENT.search(archive.read("[Content_Types].xml")):
        problems.append("Filen är ett makroaktiverat dokument. Spara mallen som .docx.")
    names = [info.filename for info in archive.infolist()]
    # part names are case-insensitive in Word: .RELS counts as .rels
    external = sorted(
        n for n in names if n.lower().endswith(".rels") and _relationships_refused(archive.read(n))
    )
    if external:
        problems.append(EXTERNAL_PROBLEM.format(", ".join(external[:5])))
    # every XML part: the main document need not be word/document.xml (_rels/.rels decides)
    fields = _fields_of(archive, (n for n in names if n.lower().endswith(".xml")))
    if fields:
        problems.append(FIELD_PROBLEM.format(", ".join(sorted(fields))))
    return problems


def check_docx_package(data: bytes) -> list[str]:
    """What is wrong with an uploaded .docx as a file (Swedish, for the uploader); [] if nothing.

    Checks the content, never the file name: a zip holding [Content_Types].xml and
    word/document.xml, within size and compression limits, with no macros, embedded objects,
    path tricks in its entry names, relationships that fetch or import anything (other than
    clickable links), or field codes that fetch files. Every .rels part is parsed as XML, so
    character references and UTF-16 hide nothing.
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
