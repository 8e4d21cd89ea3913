"""The navigation: one list of sections, each shown to the roles whose permission it needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, g, request, url_for
from flask_login import current_user

from kaa_web.db import get_db
from kaa_web.permissions import current_actor, has_permission
from kaa_web.services import school_reports


def _new_reports() -> int:
    db = get_db()
    # A count in the menu must not flush what the request left unsaved (a refused request's
    # pending rows would hold SQLite's write lock while its error page renders).
    with db.no_autoflush:
        return school_reports.count_new_reports(db, actor=current_actor())


@dataclass(frozen=True)
class Section:
    endpoint: str
    label: str
    permission: str
    description: str
    badge: Callable[[], int] | None = None  # a count shown beside the label, e.g. new reports
    badge_words: tuple[str, str] = ("", "")  # what one / many are, read out: "Inkorg, 3 nya"


SECTIONS = (
    Section("main.start", "Start", "signed_in", "Din startsida."),
    Section("worklist.index", "Att göra", "worklist.use", "Det som ska göras i dag och framåt."),
    Section("register.index", "Ungdomar", "register.read", "KAA-registret över ungdomar."),
    Section(
        "inbox.index",
        "Inkorg",
        "inbox.handle",
        "Anmälningar från skolorna.",
        badge=_new_reports,
        badge_words=("ny", "nya"),
    ),
    Section(
        "school_reports.index",
        "Anmälningar",
        "school_reports.submit",
        "Anmäl studieavbrott, frånvaro och risk för avbrott.",
    ),
    Section("meetings.index", "Samverkan", "meetings.use", "Samverkansgrupper och möten."),
    Section("statistics.index", "Uppföljning", "statistics.read", "Statistik och rapporter."),
    Section(
        "scb.index", "SCB-filen", "scb.check", "Halvårsrapporteringen till SCB: kontroll och fil."
    ),
    Section(
        "action_plan.index",
        "Handlingsplan",
        "action_plan.read",
        "Kommunens handlingsplan för aktivitetsansvaret, år för år.",
    ),
    Section(
        "admin.index", "Administration", "admin.manage", "Skolenheter, mallar och inställningar."
    ),
    Section("audit_log.index", "Granskningslogg", "audit.read", "Vem har läst och ändrat vad."),
    Section(
        "audit_review.index",
        "Behörighetsuppföljning",
        "audit.review",
        "Läsningar som behöver granskas, per ungdom, användare och period.",
    ),
)


def nav_items(include_start: bool = True) -> list[dict]:
    """The sections the signed-in user may open, limited to the features this build has."""
    if not current_user.is_authenticated:
        return []
    if "nav_items" not in g:  # the page's menu and the start page's cards: counted once
        g.nav_items = _sections()
    return [i for i in g.nav_items if include_start or i["endpoint"] != "main.start"]


def _sections() -> list[dict]:
    items = []
    for section in SECTIONS:
        if section.endpoint not in current_app.view_functions:
            continue
        if not has_permission(current_user.roles, section.permission):
            continue
        items.append(
            {
                "url": url_for(section.endpoint),
                "label": section.label,
                "endpoint": section.endpoint,
                "description": section.description,
                **_badge(section),
            }
        )
    current = _current_endpoint(items, request.endpoint or "", request.path)
    for item in items:
        item["current"] = item["endpoint"] == current
    return items


def _current_endpoint(items: list[dict], endpoint: str, path: str) -> str | None:
    """The section the page belongs to: its own; else the first of its blueprint (so a page
    under Administration marks Administration, not also Granskningslogg); else the section
    whose address the page's lies under ("admin" is a URL prefix: /admin/kommundelar and
    /admin/insatser are Administration's, whichever feature serves them)."""
    endpoints = [i["endpoint"] for i in items]
    if endpoint in endpoints:
        return endpoint
    blueprint = endpoint.split(".")[0]
    same = next((e for e in endpoints if e.split(".")[0] == blueprint), None)
    if same or not path.startswith("/admin/"):
        return same
    return next((i["endpoint"] for i in items if i["url"] == "/admin/"), None)


def _badge(section: Section) -> dict:
    count = section.badge() if section.badge and not g.get("without_badges") else 0
    return {"badge": count, "badge_word": section.badge_words[count != 1]}
