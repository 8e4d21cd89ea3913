"""The gallring page's data: the settings, what the next run would do, and the last runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from kaa_web.config import RETENTION_CATEGORIES, Settings
from kaa_web.models.retention import RetentionRun
from kaa_web.permissions import Actor
from kaa_web.services.retention import runs, selection


@dataclass(frozen=True)
class Run:
    row: RetentionRun
    counts: dict[str, int]


@dataclass(frozen=True)
class RetentionPage:
    days: dict[str, int]
    audit_days: int
    preview: selection.Preview
    unfinished: RetentionRun | None
    runs: list[Run]
    categories: tuple[str, ...] = RETENTION_CATEGORIES


def retention_page(db: Session, *, actor: Actor, settings: Settings, today: date):
    """Counts only: the page names nobody."""
    actor.need("retention.manage")
    days = settings.retention_days()
    return RetentionPage(
        days=days,
        audit_days=settings.audit_retention_days,
        preview=selection.preview(db, days, today),
        unfinished=runs.unfinished(db),
        runs=[Run(row, runs.counts_of(row)) for row in runs.recent(db)],
    )
