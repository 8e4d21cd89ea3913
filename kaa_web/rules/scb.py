"""The SCB half-year file's pure rules: half-years as keys, deadlines, the concepts a mapping
may put in a column and the internal values each code table must give a code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kaa_web.models.catalogue import MEASURE_CATEGORIES
from kaa_web.models.register import (
    DEREGISTRATION_REASONS,
    GENDERS,
    OCCUPATIONS,
    REGISTRATION_REASONS,
)
from kaa_web.rules.report_periods import ReportPeriod, named_period

# What a measure in the file was: SCB asks for offered, declined and taken part.
MEASURE_OUTCOMES = {"erbjuden": "Erbjuden", "avbojd": "Avböjd", "deltagit": "Deltagit"}
YES_NO = {"ja": "Ja", "nej": "Nej"}

# code table -> (Swedish name, the internal values that must each have a code)
CODE_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "orsak": ("Orsak till registrering", REGISTRATION_REASONS),
    "sysselsattning": ("Sysselsättning", OCCUPATIONS),
    "insatskategori": ("Insatsens SCB-kategori", MEASURE_CATEGORIES),
    "insatsutfall": ("Insatsens utfall", MEASURE_OUTCOMES),
    "avregistrering": ("Orsak till avregistrering", DEREGISTRATION_REASONS),
    "kon": ("Kön", GENDERS),
    "ja_nej": ("Ja/nej", YES_NO),
}
# Tables every export needs complete, whatever columns the mapping has.
REQUIRED_TABLES = ("orsak", "sysselsattning", "insatskategori", "avregistrering")


@dataclass(frozen=True)
class Concept:
    name: str  # Swedish, for the admin's page
    table: str | None = None  # the code table its values go through
    kind: str = "text"  # "text", "date" or "code"
    group: str | None = None  # "kontakt" / "insats": repeated per contact or measure


CONCEPTS: dict[str, Concept] = {
    "personnummer": Concept("Personnummer eller samordningsnummer (12 siffror)"),
    "fornamn": Concept("Förnamn"),
    "efternamn": Concept("Efternamn"),
    "postadress": Concept("Postadress (tom för skyddade personuppgifter)"),
    "kon": Concept("Kön", "kon", "code"),
    "orsak": Concept("Orsak till registrering", "orsak", "code"),
    "registrerad": Concept("Registreringsdatum", kind="date"),
    "kontakt_minst_en": Concept("Minst en kontakt under halvåret", "ja_nej", "code"),
    "sysselsattning_senaste": Concept(
        "Sysselsättning vid senaste kontakten", "sysselsattning", "code"
    ),
    "avregistrerad": Concept("Datum då KAA upphörde", kind="date"),
    "avregistrering_orsak": Concept("Orsak till att KAA upphörde", "avregistrering", "code"),
    "kontakt.datum": Concept("Kontaktens datum", kind="date", group="kontakt"),
    "kontakt.sysselsattning": Concept(
        "Sysselsättning vid kontakten", "sysselsattning", "code", "kontakt"
    ),
    "insats.kategori": Concept("Insatsens kategori", "insatskategori", "code", "insats"),
    "insats.utfall": Concept("Erbjuden, avböjd eller deltagit", "insatsutfall", "code", "insats"),
    "insats.start": Concept("Insatsen påbörjad", kind="date", group="insats"),
    "insats.slut": Concept("Insatsen avslutad", kind="date", group="insats"),
    "insats.sysselsattning_efter": Concept(
        "Sysselsättning efter insatsen", "sysselsattning", "code", "insats"
    ),
}

FILE_TYPES = {"csv": "Semikolonseparerad text (.csv/.txt)", "xlsx": "Excel (.xlsx)"}
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 med BOM",
    "iso-8859-1": "ISO-8859-1 (Latin-1)",
    "cp1252": "Windows-1252",
}
DATE_FORMATS = {"AAAAMMDD": "%Y%m%d", "AAAA-MM-DD": "%Y-%m-%d"}
LAYOUTS = {
    "person": "En rad per person, kontakter och insatser i upprepade kolumngrupper",
    "handelse": "En rad per kontakt eller insats (personens kolumner på varje rad)",
}


def key_of(year: int, half: int) -> int:
    """A half-year as an ordered number: 20261 is the first half of 2026."""
    if half not in (1, 2):
        raise ValueError(f"half must be 1 or 2, not {half!r}")
    return year * 10 + half


def split(key: int) -> tuple[int, int]:
    year, half = divmod(key, 10)
    if half not in (1, 2):
        raise ValueError(f"not a half-year key: {key!r}")
    return year, half


def period_of(key: int) -> ReportPeriod:
    year, half = split(key)
    return named_period(f"h{half}", year)


def label(key: int) -> str:
    year, half = split(key)
    return f"{'Första' if half == 1 else 'Andra'} halvåret {year}"


def short(key: int) -> str:
    """For URLs and file names: 2026-h1."""
    year, half = split(key)
    return f"{year}-h{half}"


def previous(key: int) -> int:
    year, half = split(key)
    return key_of(year, 2) - 10 if half == 1 else key_of(year, 1)


def following(key: int) -> int:
    year, half = split(key)
    return key_of(year, 2) if half == 1 else key_of(year + 1, 1)


def of_day(day: date) -> int:
    return key_of(day.year, 1 if day.month <= 6 else 2)


def deadline(key: int, h1_deadline: str, h2_deadline: str) -> date:
    """When the half-year's file is due: `h1_deadline` ("MM-DD") in the same year for the first
    half, `h2_deadline` in the next year for the second."""
    year, half = split(key)
    month, day = (int(part) for part in (h1_deadline if half == 1 else h2_deadline).split("-"))
    return date(year if half == 1 else year + 1, month, day)


def reminder_due(key: int, today: date, h1: str, h2: str, lead_days: int) -> bool:
    """Whether the export task for `key` should be on the worklist today."""
    due = deadline(key, h1, h2)
    return period_of(key).end < today and today >= due - timedelta(days=lead_days)


def parse_key(text: str) -> int:
    """ "2026-h1" / "2026h1" / "2026:1" → 20261; ValueError with Swedish words otherwise."""
    cleaned = text.strip().lower().replace("-", "").replace(":", "h").replace(" ", "")
    if len(cleaned) == 6 and cleaned[4] == "h" and cleaned[:4].isdigit() and cleaned[5] in "12":
        year = int(cleaned[:4])
        if 2000 <= year <= 2100:
            return key_of(year, int(cleaned[5]))
    raise ValueError(f"Ange halvåret som ÅÅÅÅ-H1 eller ÅÅÅÅ-H2, inte ”{text.strip()[:20]}”.")
