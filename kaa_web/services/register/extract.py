"""A register extract (CSV) read into rows: encodings, columns, lengths, Swedish errors per line."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from kaa_web.models.register import REGISTRATION_REASONS, District, Youth
from kaa_web.rules import personnummer as pnr
from kaa_web.rules.text import line_problem

COLUMNS = (
    "personnummer",
    "fornamn",
    "efternamn",
    "utdelningsadress",
    "postnummer",
    "postort",
    "telefon",
    "epost",
    "kommundel",
    "orsak",
    "skyddad",
)
REQUIRED = ("personnummer", "fornamn", "efternamn")
MAX_ROWS = 100_000
# Extract column -> the Youth field it fills; the longest value is the column's own length.
FIELD_OF = {
    "fornamn": "first_name",
    "efternamn": "last_name",
    "utdelningsadress": "street_address",
    "postnummer": "postal_code",
    "postort": "city",
    "telefon": "phone",
    "epost": "email",
}
MAX_LENGTH = {"personnummer": 20, "kommundel": 30, "orsak": 30, "skyddad": 3} | {
    column: Youth.__table__.c[name].type.length for column, name in FIELD_OF.items()
}


@dataclass
class ExtractRow:
    line: int
    personnummer: str
    birth_date: date
    gender: str
    values: dict
    reason: str


def _decode(content: bytes) -> tuple[str, list[str]]:
    """The text, or a Swedish error for every line that is neither UTF-8 nor Excel's cp1252."""
    for encoding in ("utf-8-sig", "cp1252"):  # cp1252: an extract saved from Excel
        try:
            return content.decode(encoding), []
        except UnicodeDecodeError:
            pass
    return "", [
        f"Rad {n}: raden har tecken som inte kan läsas (filen är varken UTF-8 eller Excels "
        "teckenkodning). Spara filen som CSV UTF-8 och försök igen."
        for n, line in enumerate(content.split(b"\n"), start=1)
        if not _decodes(line)
    ]


def _decodes(line: bytes) -> bool:
    try:
        line.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _reader(text: str):
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    delimiter = ";" if ";" in first_line else ","
    return csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)


def _field_problems(line: int, get: dict) -> list[str]:
    """Characters and lengths, checked before anything else reads (or echoes) the values."""
    problems = []
    for column in COLUMNS:
        problem = line_problem(get[column], MAX_LENGTH[column])
        if problem:
            problems.append(f"Rad {line}: kolumnen {column} {problem[0].lower()}{problem[1:]}")
    return problems


def _parse_row(line: int, raw: dict, districts: dict[str, int], today: date):
    """One row to an ExtractRow, or a list of Swedish error messages for it."""
    get = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    problems = _field_problems(line, get)
    if problems:
        return problems
    errors = [f"Rad {line}: kolumnen {k} saknar värde." for k in REQUIRED if not get[k]]
    number = None
    if get["personnummer"]:
        try:
            number = pnr.parse(get["personnummer"], today)
        except pnr.InvalidPersonnummer as exc:
            errors.append(f"Rad {line}: {exc}")
    district_id = districts.get(get["kommundel"].casefold()) if get["kommundel"] else None
    if get["kommundel"] and district_id is None:
        errors.append(f"Rad {line}: kommundelen \u201d{get['kommundel']}\u201d finns inte.")
    if get["orsak"] and get["orsak"] not in REGISTRATION_REASONS:
        errors.append(f"Rad {line}: orsaken \u201d{get['orsak']}\u201d är inte en känd kod.")
    if get["skyddad"].casefold() not in ("", "ja", "nej"):
        errors.append(f"Rad {line}: skyddad ska vara ja, nej eller tom.")
    if errors:
        return errors
    values = {name: get[column] for column, name in FIELD_OF.items()} | {
        "district_id": district_id,
        "protected_identity": get["skyddad"].casefold() == "ja",
    }
    return ExtractRow(
        line, number.canonical, number.birth_date, number.gender, values, get["orsak"]
    )


def _records(reader):
    """(line, row or None) for every row after the header; None for a row csv cannot read."""
    line = 1
    while True:
        line += 1
        try:
            yield line, next(reader)
        except StopIteration:
            return
        except csv.Error:  # e.g. a field past csv's size limit
            yield line, None


def _header(reader) -> list[str]:
    try:
        return reader.fieldnames or []
    except csv.Error:
        return []


def parse_extract(db: Session, content: bytes, today: date) -> tuple[list[ExtractRow], list[str]]:
    """All rows, or the errors of every bad row (a file with any error is refused whole)."""
    text, errors = _decode(content)
    if errors:
        return [], errors
    reader = _reader(text)
    missing_columns = [c for c in REQUIRED if c not in _header(reader)]
    if missing_columns:
        return [], [
            f"Filen saknar kolumnerna: {', '.join(missing_columns)}. "
            f"Första raden ska vara rubrikerna {';'.join(COLUMNS)}."
        ]
    districts = {d.code.casefold(): d.id for d in db.exec(select(District)).all()}
    rows, seen = [], {}
    for line, raw in _records(reader):
        if line - 1 > MAX_ROWS:
            return [], [f"Filen har fler än {MAX_ROWS} rader."]
        if raw is None:
            errors.append(f"Rad {line}: raden kan inte läsas (ett fält är för långt).")
            continue
        parsed = _parse_row(line, raw, districts, today)
        if isinstance(parsed, list):
            errors.extend(parsed)
        elif parsed.personnummer in seen:
            errors.append(
                f"Rad {line}: personnumret finns redan på rad {seen[parsed.personnummer]}."
            )
        else:
            seen[parsed.personnummer] = line
            rows.append(parsed)
    if not rows and not errors:
        errors.append("Filen innehåller inga rader.")
    return rows, errors
