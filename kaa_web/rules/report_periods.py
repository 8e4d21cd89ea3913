"""The periods statistics are reported for: half-years, tertials, calendar and school years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# kind -> (Swedish name, first month, last month); a school year runs July to June.
KINDS = {
    "h1": ("Första halvåret", 1, 6),
    "h2": ("Andra halvåret", 7, 12),
    "t1": ("Tertial 1 (januari–april)", 1, 4),
    "t2": ("Tertial 2 (januari–augusti)", 1, 8),
    "t3": ("Tertial 3 / helår", 1, 12),
    "ar": ("Kalenderår", 1, 12),
    "lasar": ("Läsår (juli–juni)", 7, 6),
    "egen": ("Egen period", 0, 0),
}
LABELS = {
    "h1": "Första halvåret",
    "h2": "Andra halvåret",
    "t1": "Tertial 1",
    "t2": "Tertial 2",
    "t3": "Helår (tertial 3)",
    "ar": "Kalenderåret",
}
MAX_DAYS = 3 * 366  # a from–to period longer than this is refused


@dataclass(frozen=True)
class ReportPeriod:
    """A closed interval of days; `kind` and `year` say how it was chosen."""

    kind: str
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == "egen":
            return f"{self.start.isoformat()} – {self.end.isoformat()}"
        if self.kind == "lasar":
            return f"Läsåret {self.start.year}/{str(self.end.year)[2:]}"
        return f"{LABELS[self.kind]} {self.start.year}"

    @property
    def year(self) -> int:
        return self.start.year

    def year_earlier(self) -> ReportPeriod:
        """The same period one year before (for comparison beside every figure)."""
        return ReportPeriod(self.kind, years_before(self.start, 1), years_before(self.end, 1))

    def slug(self) -> str:
        """A file-name part: kaa-statistik-h1-2026."""
        if self.kind == "egen":
            return f"{self.start.isoformat()}--{self.end.isoformat()}"
        return f"{self.kind}-{self.year}"


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def named_period(kind: str, year: int) -> ReportPeriod:
    """H1, H2, T1, T2, T3, the calendar year or the school year starting in July of `year`."""
    if kind not in KINDS or kind == "egen":
        raise ValueError(f"unknown period kind {kind!r}")
    _, first, last = KINDS[kind]
    if kind == "lasar":
        return ReportPeriod(kind, date(year, 7, 1), date(year + 1, 6, 30))
    return ReportPeriod(kind, date(year, first, 1), _month_end(year, last))


def custom_period(start: date, end: date) -> ReportPeriod:
    if end < start:
        raise ValueError("Slutdatumet ligger före startdatumet.")
    if (end - start).days > MAX_DAYS:
        raise ValueError("Välj en period på högst tre år.")
    return ReportPeriod("egen", start, end)


def latest_half_year(today: date) -> ReportPeriod:
    """The page's default: the half-year in progress."""
    return named_period("h1" if today.month <= 6 else "h2", today.year)


def age_threshold(end: date, age: int) -> date:
    """The latest birth date of someone who is at least `age` years old on `end`."""
    return years_before(end, age)
