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
