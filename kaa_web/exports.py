"""The one writer of spreadsheet exports (CSV for Excel, and XLSX): no cell is ever read as a
formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice or
# Google Sheets: "=HYPERLINK(...)" in a name would run when the file is opened (OWASP CSV
# injection). Fullwidth forms are included: some spreadsheet programs normalise them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value) -> object:
    """A text cell that cannot start a formula: such text gets a leading apostrophe, which
    spreadsheets show as text. Numbers, dates and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(rows: Iterable[Iterable], delimiter: str = ";") -> Iterable[str]:
    """The rows as CSV text for Excel (UTF-8 with a BOM; semicolons, as Swedish Excel expects),
    one line at a time so a large export streams."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    yield "\ufeff"
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_download(rows: Iterable[Iterable], filename: str) -> Response:
    """A streamed CSV file download of `rows` (the first row the column names)."""
    return Response(
        stream_with_context(csv_lines(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


_SHEET_NAME_BANNED = str.maketrans({c: " " for c in "[]:*?/\\"})


def _xlsx_cell(sheet, value, bold: bool = False) -> WriteOnlyCell:
    """Text is always a text cell (openpyxl would store "=…" as a formula); text that would
    start a formula when edited also gets Excel's quote prefix, so it stays text then too."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(FORMULA_STARTS)
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(sheets: Mapping[str, Iterable[Iterable]] | Iterable[tuple[str, Iterable]]) -> bytes:
    """A workbook with one sheet per (title, rows), the first row of each (its column names) in
    bold, written row by row (openpyxl's write-only mode) so a long period does not fill memory."""
    book = Workbook(write_only=True)
    used: set[str] = set()
    for title, rows in sheets.items() if isinstance(sheets, Mapping) else sheets:
        sheet = book.create_sheet(title=_sheet_name(title, used))
        for n, row in enumerate(rows):
            sheet.append([_xlsx_cell(sheet, value, bold=n == 0) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = title.translate(_SHEET_NAME_BANNED).strip("' ")[:31] or "Blad"
    name, n = base, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.casefold())
    return name


def xlsx_download(content: bytes, filename: str) -> Response:
    """An .xlsx file download of a workbook made by `xlsx_bytes`."""
    return Response(
        content,
        mimetype=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
