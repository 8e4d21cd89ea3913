"""A mapping uploaded as a workbook laid out like SCB's datafilsbeskrivning (sheets
Inställningar, Kolumner, Koder), and the same workbook made from a mapping. The upload is
hostile: its size, its unpacked size, its rows and its cells are limited before anything is
believed, and every problem is a Swedish sentence."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from kaa_web.exports import xlsx_bytes
from kaa_web.rules import scb as rules
from kaa_web.services.errors import Invalid
from kaa_web.services.scb.mapping import MappingData

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED = 20 * 1024 * 1024  # a small workbook that unpacks to gigabytes is refused
MAX_ROWS = 2000
MAX_CELL = 200
SETTINGS = {
    "Namn": "name",
    "Gäller från": "valid_from",
    "Gäller till": "valid_to",
    "Filtyp": "file_type",
    "Teckenkodning": "encoding",
    "Datumformat": "date_format",
    "Layout": "layout",
    "Antal kontakter": "max_contacts",
    "Antal insatser": "max_measures",
    "Kod för saknar orsak": "missing_reason_code",
    "Orsaker som inte omfattas": "excluded_reasons",
}
SHEETS = ("Inställningar", "Kolumner", "Koder")
UNREADABLE = "Filen kunde inte läsas som en Excel-fil (.xlsx). Spara den som .xlsx och försök igen."


def parse_workbook(content: bytes) -> MappingData:
    """The mapping the workbook describes; Invalid (Swedish) for anything else."""
    if len(content) > MAX_BYTES:
        raise Invalid(f"Filen är för stor: högst {MAX_BYTES // 1024 // 1024} MB.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise Invalid("Filen packas upp till för mycket data för att vara en mappning.")
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Invalid:
        raise
    except Exception:  # a hostile or broken file raises whatever its parser meets
        raise Invalid(UNREADABLE) from None
    try:
        if missing := [name for name in SHEETS if name not in book.sheetnames]:
            raise Invalid(
                f"Bladet {missing[0]} saknas. Arbetsboken ska ha bladen Inställningar, Kolumner "
                "och Koder."
            )
        sheets = {name: _rows(book[name], name) for name in SHEETS}
    finally:
        book.close()
    return _mapping(sheets)


def _rows(sheet, name: str) -> list[list[str]]:
    rows = []
    for n, row in enumerate(sheet.iter_rows(values_only=True, max_col=3)):
        if n > MAX_ROWS:
            raise Invalid(f"Bladet {name} har fler än {MAX_ROWS} rader.")
        cells = ["" if v is None else str(v).strip() for v in row]
        if any(len(c) > MAX_CELL for c in cells):
            raise Invalid(f"Bladet {name}, rad {n + 1}: en cell är längre än {MAX_CELL} tecken.")
        if n and any(cells):  # the first row names the columns
            rows.append(cells + [""] * (3 - len(cells)))
    return rows


def _mapping(sheets: dict[str, list[list[str]]]) -> MappingData:
    settings = {SETTINGS.get(row[0], row[0]): row[1] for row in sheets["Inställningar"]}
    try:
        valid_from = rules.parse_key(settings.get("valid_from", ""))
        valid_to = rules.parse_key(settings["valid_to"]) if settings.get("valid_to") else None
        groups = [int(settings.get(k) or 1) for k in ("max_contacts", "max_measures")]
    except ValueError as problem:
        text = str(problem) if "halvåret" in str(problem) else "Antal ska vara ett heltal."
        raise Invalid(f"Bladet Inställningar: {text}") from None
    ordered = sorted(sheets["Kolumner"], key=lambda r: _position(r[0]))
    codes: dict[str, dict[str, str]] = {}
    for table, value, code in sheets["Koder"]:
        if code:
            codes.setdefault(table, {})[value] = code
    excluded = tuple(
        v.strip() for v in settings.get("excluded_reasons", "").split(",") if v.strip()
    )
    return MappingData(
        name=settings.get("name", ""),
        valid_from=valid_from,
        valid_to=valid_to,
        file_type=settings.get("file_type", ""),
        encoding=settings.get("encoding", ""),
        date_format=settings.get("date_format", ""),
        layout=settings.get("layout", ""),
        max_contacts=groups[0],
        max_measures=groups[1],
        columns=tuple((r[1], r[2]) for r in ordered),
        codes=codes,
        missing_reason_code=settings.get("missing_reason_code", ""),
        excluded_reasons=excluded,
    )


def _position(text: str) -> int:
    try:
        return int(float(text))
    except ValueError:
        raise Invalid(f"Bladet Kolumner: ”{text[:20]}” är inget kolumnnummer.") from None


def workbook_of(data: MappingData) -> bytes:
    """The mapping as the workbook the upload reads (to edit in Excel and upload again)."""
    values = {
        "name": data.name,
        "valid_from": rules.short(data.valid_from),
        "valid_to": rules.short(data.valid_to) if data.valid_to else "",
        "file_type": data.file_type,
        "encoding": data.encoding,
        "date_format": data.date_format,
        "layout": data.layout,
        "max_contacts": str(data.max_contacts),
        "max_measures": str(data.max_measures),
        "missing_reason_code": data.missing_reason_code,
        "excluded_reasons": ", ".join(data.excluded_reasons),
    }
    settings = [["Uppgift", "Värde"]] + [[label, values[key]] for label, key in SETTINGS.items()]
    columns = [["Kolumn", "Rubrik", "Begrepp"]] + [
        [str(n), header, concept] for n, (header, concept) in enumerate(data.columns, start=1)
    ]
    codes = [["Tabell", "Internt värde", "Kod"]] + [
        [table, value, data.code(table, value)]
        for table, (_, values_) in rules.CODE_TABLES.items()
        for value in values_
    ]
    return xlsx_bytes([("Inställningar", settings), ("Kolumner", columns), ("Koder", codes)])
