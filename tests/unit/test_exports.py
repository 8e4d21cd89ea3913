"""The shared export writer: no cell an export writes can be read as a formula."""

import csv
import io

import pytest

from kaa_web.exports import csv_lines, safe_cell


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+46701234567", "-2", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "\uff1dcmd", "=\ufeff"],
)
def test_a_cell_that_would_start_a_formula_is_written_as_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Anna", "19990101-1234", "2026-12-01", "", 7, None, "a=b"])
def test_other_cells_are_left_as_they_are(value):
    assert safe_cell(value) == value


def test_the_csv_is_for_excel_and_every_cell_is_neutralised():
    text = "".join(csv_lines([("fornamn", "efternamn"), ('=HYPERLINK("x")', "Öberg; m.fl.")]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows == [["fornamn", "efternamn"], ['\'=HYPERLINK("x")', "Öberg; m.fl."]]


def test_the_xlsx_keeps_text_as_text_and_never_writes_a_formula():
    import zipfile

    from openpyxl import load_workbook

    from kaa_web.exports import xlsx_bytes

    hostile = ('=HYPERLINK("http://x","klicka")', "+1+1", "@SUM(A1)", "-2", "Öberg")
    data = xlsx_bytes({"Blad": [("Namn",), *[(v,) for v in hostile], (42,)]})
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    cells = [row[0] for row in load_workbook(io.BytesIO(data))["Blad"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == [*hostile, 42]  # the text exactly as it was
    assert [c.data_type for c in cells] == ["s"] * 5 + ["n"]
    # Excel's quote prefix: a formula-like text stays text even when the cell is edited
    assert [c.quotePrefix for c in cells[:5]] == [True, True, True, True, False]
