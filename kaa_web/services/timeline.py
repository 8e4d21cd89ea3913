"""The person's timeline: every feature adds what happened, in system-written words."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session

from kaa_web.models.base import utcnow
from kaa_web.models.register import TimelineEntry
from kaa_web.permissions import Actor


def add_entry(
    db: Session,
    *,
    actor: Actor,
    youth_id: int,
    kind: str,
    title: str,
    ref_type: str = "",
    ref_id: int | None = None,
) -> TimelineEntry:
    """Add one entry in the caller's transaction. `title` is system text, never user free text."""
    entry = TimelineEntry(
        youth_id=youth_id,
        staff_id=actor.staff_id,
        kind=kind,
        title=title[:300],
        ref_type=ref_type,
        ref_id=ref_id,
    )
    db.add(entry)
    return entry


def add_entries(
    db: Session,
    *,
    actor: Actor,
    youth_ids: Sequence[int],
    kind: str,
    title: str,
    ref_type: str = "",
    ref_id: int | None = None,
) -> None:
    """The same entry on many people's timelines in one statement (a mail-out)."""
    now = utcnow()
    rows = [
        {
            "youth_id": youth_id,
            "at": now,
            "staff_id": actor.staff_id,
            "kind": kind,
            "title": title[:300],
            "ref_type": ref_type,
            "ref_id": ref_id,
        }
        for youth_id in youth_ids
    ]
    if rows:
        db.exec(sa.insert(TimelineEntry.__table__), params=rows)
