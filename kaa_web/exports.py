"""The one writer of spreadsheet exports (CSV and XLSX): no cell is ever read as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response, stream_with_context

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


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_NAME_BANNED = str.maketrans({c: " " for c in "[]:*?/\\"})


def xlsx_bytes(sheets: Iterable[tuple[str, Iterable[Iterable]]]) -> bytes:
    """A workbook with one sheet per (title, rows), the first row of each in bold. Text is
    always stored as text (never a formula), through the same neutralisation as the CSV."""
    from openpyxl import Workbook  # imported when a workbook is made, not at every start-up
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for title, rows in sheets:
        sheet = book.create_sheet(_sheet_name(title, used))
        for values in rows:
            sheet.append([safe_cell(value) for value in values])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
    return Response(
        content,
        mimetype=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
