"""The navigation: one list of sections, each shown to the roles whose permission it needs."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_login import current_user

from kaa_web.permissions import has_permission


@dataclass(frozen=True)
class Section:
    endpoint: str
    label: str
    permission: str
    description: str


SECTIONS = (
    Section("main.start", "Start", "signed_in", "Din startsida."),
    Section("worklist.index", "Att göra", "worklist.use", "Det som ska göras i dag och framåt."),
    Section("register.index", "Ungdomar", "register.read", "KAA-registret över ungdomar."),
    Section("inbox.index", "Inkorg", "inbox.handle", "Anmälningar från skolorna."),
    Section(
        "school_reports.index",
        "Anmälningar",
        "school_reports.submit",
        "Anmäl studieavbrott, frånvaro och risk för avbrott.",
    ),
    Section("meetings.index", "Samverkan", "meetings.use", "Samverkansgrupper och möten."),
    Section("statistics.index", "Uppföljning", "statistics.read", "Statistik och rapporter."),
    Section(
        "admin.index", "Administration", "admin.manage", "Skolenheter, mallar och inställningar."
    ),
    Section("admin.audit_log", "Granskningslogg", "audit.read", "Vem har läst och ändrat vad."),
)


def nav_items(include_start: bool = True) -> list[dict]:
    """The sections the signed-in user may open, limited to the features this build has."""
    if not current_user.is_authenticated:
        return []
    items = []
    for section in SECTIONS:
        if section.endpoint not in current_app.view_functions:
            continue
        if not has_permission(current_user.roles, section.permission):
            continue
        if section.endpoint == "main.start" and not include_start:
            continue
        items.append(
            {
                "url": url_for(section.endpoint),
                "label": section.label,
                "endpoint": section.endpoint,
                "description": section.description,
            }
        )
    return items
