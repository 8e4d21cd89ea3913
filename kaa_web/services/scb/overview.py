"""The SCB file's start page: the recent half-years, the mapping each is written with and the
file that counts for it (no one named)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from kaa_web.models.scb import ScbExport, ScbMapping
from kaa_web.permissions import Actor
from kaa_web.rules import scb as rules
from kaa_web.services.scb.checks import latest_export
from kaa_web.services.scb.mapping import mapping_for

SHOWN = 6


@dataclass(frozen=True)
class HalfYearRow:
    key: int
    label: str
    year: int
    half: str  # "h1" / "h2", as in the address
    deadline: date
    mapping: ScbMapping | None
    latest: ScbExport | None


def half_years(db: Session, *, actor: Actor, today: date, h1: str, h2: str) -> list[HalfYearRow]:
    """The half-year in progress and the five before it, the newest first."""
    actor.need("scb.check")
    key, rows = rules.of_day(today), []
    for _ in range(SHOWN):
        year, half = rules.split(key)
        rows.append(
            HalfYearRow(
                key,
                rules.label(key),
                year,
                f"h{half}",
                rules.deadline(key, h1, h2),
                mapping_for(db, key),
                latest_export(db, key),
            )
        )
        key = rules.previous(key)
    return rows
