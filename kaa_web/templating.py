"""Template filters and globals: Swedish local dates and times, counts with their words, the
register's labels."""

from __future__ import annotations

import json
from datetime import date, datetime

from flask import url_for

from kaa_web import markup, once
from kaa_web.models import register as register_model
from kaa_web.models.base import LOCAL_TZ, local_today
from kaa_web.rules.words import decimal, plural, thousands
from kaa_web.services.register import FIELD_LABELS

register_labels = {
    name: getattr(register_model, name)
    for name in (
        "REGISTRATION_REASONS",
        "REGISTRATION_SOURCES",
        "DEREGISTRATION_REASONS",
        "STATUSES",
        "GENDERS",
        "CHANNELS",
        "OUTCOMES",
        "OCCUPATIONS",
        "STUDY_KINDS",
    )
}


def local_datetime(value: datetime | None) -> str:
    """A UTC timestamp shown as Stockholm time, e.g. 2026-11-23 14:05."""
    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def iso_date(value: date | None) -> str:
    return value.isoformat() if value else ""


_PLACEHOLDER = 2_147_483_647  # an id no row has, found again in the built path


def url_per_id(endpoint: str, name: str):
    """`url_for(endpoint, name=id)` for a list's rows, the URL built once: url_for per row was
    a large part of rendering a list of 50 people. Returns `path(id)`."""
    before, found, after = url_for(endpoint, **{name: _PLACEHOLDER}).partition(str(_PLACEHOLDER))
    if not found:
        raise ValueError(f"{endpoint} has no {name} in its path")
    return lambda id_: f"{before}{int(id_)}{after}"


def register_filters(app) -> None:
    app.jinja_env.filters["tid"] = local_datetime
    app.jinja_env.filters["datum"] = iso_date
    app.jinja_env.filters["fromjson"] = json.loads
    app.jinja_env.filters["tusental"] = thousands
    app.jinja_env.filters["decimal"] = decimal
    # {{ n|plural("ungdom", "ungdomar") }} -> "1 ungdom", "2 ungdomar"
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.filters["plan_text"] = markup.to_html
    app.jinja_env.filters["field_label"] = lambda name: FIELD_LABELS.get(name, name)
    app.jinja_env.globals["today_date"] = local_today
    app.jinja_env.globals["url_per_id"] = url_per_id
    # A fresh one-time code for each of a row of small create forms (see kaa_web.once).
    app.jinja_env.globals["once_code"] = once.new_code
