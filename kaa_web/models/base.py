"""Shared column helpers: timestamps are timezone-aware UTC (SQLModel's UTCDateTime enforces it)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


LOCAL_TZ = ZoneInfo("Europe/Stockholm")


def local_today() -> date:
    """Today's date in Sweden: due dates and ages follow the local calendar, not UTC's."""
    return datetime.now(LOCAL_TZ).date()
