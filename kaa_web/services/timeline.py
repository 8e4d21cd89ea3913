"""The person's timeline: every feature adds what happened, in system-written words."""

from __future__ import annotations

from sqlmodel import Session

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
