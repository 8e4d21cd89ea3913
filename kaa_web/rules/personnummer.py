"""Swedish personal identity numbers (personnummer) and samordningsnummer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# Hyphen-like characters people paste from Word, web pages and phones.
_DASHES = "-\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d"
_REMOVED = re.compile(f"[\\s{re.escape(_DASHES)}]+")
_SAMORDNING_OFFSET = 60


class InvalidPersonnummer(ValueError):
    """The text is not a valid personnummer; `message_sv` can be shown to the user."""

    def __init__(self, message_sv: str) -> None:
        super().__init__(message_sv)
        self.message_sv = message_sv


@dataclass(frozen=True, repr=False)
class Personnummer:
    """A validated personnummer or samordningsnummer."""

    canonical: str
    birth_date: date
    gender: str
    is_samordningsnummer: bool

    @property
    def masked(self) -> str:
        """The date digits as written in the number, e.g. "060115-XXXX"."""
        return mask(self.canonical)

    @property
    def display(self) -> str:
        return display(self.canonical)

    def __repr__(self) -> str:
        # Keep full numbers out of logs and tracebacks.
        return f"Personnummer({self.masked})"

    def __str__(self) -> str:
        return self.display


def luhn_check_digit(nine_digits: str) -> int:
    """The Luhn check digit for the nine digits YYMMDDNNN."""
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def make_valid(birth_date: date, serial3: int, samordning: bool = False) -> str:
    """A valid 12-digit number (no separator) for a birth date and a birth number 001–999."""
    if not 1 <= serial3 <= 999:
        raise ValueError("serial3 must be between 1 and 999")
    day = birth_date.day + (_SAMORDNING_OFFSET if samordning else 0)
    nine = f"{birth_date:%y%m}{day:02d}{serial3:03d}"
    return f"{birth_date.year:04d}{nine[2:]}{luhn_check_digit(nine)}"


def age_on(birth_date: date, on: date) -> int:
    """Age in whole years on a date; a 29 February birth date adds a year on 1 March
    in non-leap years (consistent with `birthday`)."""
    if on < birth_date:
        raise ValueError("on is before birth_date")
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


def birthday(birth_date: date, age: int) -> date:
    """The date someone turns `age`. Someone born on 29 February turns a year older on
    1 March in non-leap years: the day after 28 February is the first day they have lived
    the full number of years, and it matches how age_on counts."""
    year = birth_date.year + age
    try:
        return birth_date.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def parse(text: str, today: date | None = None) -> Personnummer:
    """Parse 10 or 12 digits with optional separators; raise InvalidPersonnummer."""
    today = today or date.today()
    digits, plus = _normalise(text)
    if len(digits) == 12:
        year = int(digits[:4])
    else:
        year = _infer_year(digits, plus, today)
    birth_date, samordning = _birth_date(year, int(digits[-8:-6]), int(digits[-6:-4]))
    if birth_date > today:
        raise InvalidPersonnummer("Födelsedatumet i personnumret ligger i framtiden.")
    ten = digits[-10:]
    if ten[6:9] == "000":
        # Skatteverket never issues birth number 000 (001–999 only).
        raise InvalidPersonnummer(
            "Personnumret kan inte ha födelsenumret 000 (de tre siffrorna efter datumet)."
        )
    if luhn_check_digit(ten[:9]) != int(ten[9]):
        raise InvalidPersonnummer("Personnumret har fel kontrollsiffra.")
    return Personnummer(
        canonical=f"{year:04d}{ten[2:]}",
        birth_date=birth_date,
        gender="kvinna" if int(ten[8]) % 2 == 0 else "man",
        is_samordningsnummer=samordning,
    )


def _normalise(text: str) -> tuple[str, bool]:
    """The digits, and whether a "+" (100 years or older) separated the last four."""
    compact = _REMOVED.sub("", text or "")
    plus = "+" in compact
    if plus:
        if compact.count("+") > 1 or compact.index("+") != len(compact) - 5:
            raise InvalidPersonnummer("Plustecknet ska stå före de fyra sista siffrorna.")
        compact = compact.replace("+", "")
    if compact and not (compact.isascii() and compact.isdigit()):
        raise InvalidPersonnummer("Personnumret får bara innehålla siffror och bindestreck.")
    if len(compact) not in (10, 12):
        raise InvalidPersonnummer("Ange personnumret med 10 eller 12 siffror.")
    if plus and len(compact) == 12:
        raise InvalidPersonnummer("Plustecken används bara med 10 siffror.")
    return compact, plus


def _infer_year(digits: str, plus: bool, today: date) -> int:
    """The most recent century that does not put the birth date after today;
    with "+" one century earlier (100 years or older)."""
    yy, month, day = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    if day > _SAMORDNING_OFFSET:
        day -= _SAMORDNING_OFFSET
    year = today.year // 100 * 100 + yy
    # Compare as tuples: the date may not exist in every candidate year.
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    return year - 100 if plus else year


def _birth_date(year: int, month: int, day: int) -> tuple[date, bool]:
    samordning = day > _SAMORDNING_OFFSET
    real_day = day - _SAMORDNING_OFFSET if samordning else day
    try:
        return date(year, month, real_day), samordning
    except ValueError:
        raise InvalidPersonnummer("Datumet i personnumret finns inte.") from None


GALLRAD = "Gallrad"


def anonymised(youth_id: int) -> str:
    """What an anonymised person's number becomes: unique (the column's key), never a number."""
    return f"G{youth_id:011d}"


def mask(canonical: str) -> str:
    """A stored 12-digit number as shown in lists: "060115-XXXX"."""
    return f"{canonical[2:8]}-XXXX" if canonical.isdigit() else GALLRAD


def display(canonical: str) -> str:
    """A stored 12-digit number in full: "20060115-2382"."""
    return f"{canonical[:8]}-{canonical[8:]}" if canonical.isdigit() else GALLRAD


def birthday_cutoff(today: date, age: int) -> date:
    """The latest birth date of someone who has turned `age` by `today` (see `birthday`)."""
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # today is 29 February and that year is not a leap year
        return date(today.year - age, 2, 28)


def dates_from_prefix(digits: str) -> list[date]:
    """Birth dates a search for ÅÅMMDD (either century) or ÅÅÅÅMMDD can mean."""
    years = (
        [int(digits[:4])] if len(digits) == 8 else [1900 + int(digits[:2]), 2000 + int(digits[:2])]
    )
    month, day = int(digits[-4:-2]), int(digits[-2:])
    found = []
    for year in years:
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue
    return found
