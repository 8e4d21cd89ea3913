"""How the extract shows a value, a row and a section (plain words, dates ÅÅÅÅ-MM-DD)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from kaa_web.models.base import LOCAL_TZ

WITHHELD = "Utelämnad (skyddade personuppgifter)"


def shown(value) -> str:
    """A value as the extract shows it: dates ÅÅÅÅ-MM-DD, times local, yes/no in Swedish."""
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    return str(value)


def joined(*parts) -> str:
    return " · ".join(shown(p) for p in parts if p not in (None, ""))


def labelled(pairs: Iterable[tuple[str, object]]) -> list[dict]:
    return [{"falt": label, "varde": shown(value)} for label, value in pairs]


def section(title: str, rows: list[dict]) -> dict:
    return {"rubrik": title, "rader": rows}
