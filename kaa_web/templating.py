"""Template filters: dates and times shown in Swedish local time."""

from __future__ import annotations

from datetime import date, datetime

from kaa_web.models.base import LOCAL_TZ


def local_datetime(value: datetime | None) -> str:
    """A UTC timestamp shown as Stockholm time, e.g. 2026-11-23 14:05."""
    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def iso_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def register_filters(app) -> None:
    app.jinja_env.filters["tid"] = local_datetime
    app.jinja_env.filters["datum"] = iso_date
