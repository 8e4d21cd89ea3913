"""The log review's page, its marking of flags as reviewed, and what a review period exports.

Everything here is for holders of `audit.review`; each read of the log is itself logged, and so
is every review and export. A reviewer never reviews their own events."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.audit import (
    AUDIT_ACTIONS,
    AUDIT_OBJECTS,
    FLAG_KINDS,
    AuditEvent,
    AuditFlagReview,
)
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import LOCAL_TZ
from kaa_web.models.register import Youth
from kaa_web.permissions import ROLE_LABELS, Actor
from kaa_web.rules import personnummer as pnr
from kaa_web.services.audit_review.flags import (
    Flag,
    ReviewFilter,
    ReviewRules,
    event_conditions,
    find_flags,
)
from kaa_web.services.auth import account_names
from kaa_web.services.errors import Invalid, NotFound

PAGE_SIZE = 50
FLAGS_SHOWN = 500  # on the page; the export holds them all
EXPORT_MAX_EVENTS = 1_000_000  # an .xlsx sheet holds 1 048 576 rows


@dataclass(frozen=True)
class PersonShown:
    """Whom a review by person is about (the personnummer masked, as in lists)."""

    id: int
    name: str
    personnummer: str
    protected: bool


@dataclass(frozen=True)
class ReviewPage:
    filters: ReviewFilter
    events: list[AuditEvent]
    total: int
    page: int
    pages: int
    flags: list[Flag]
    more_flags: bool
    names: dict[str, str]  # account (folded) -> the staff member's name
    reviewers: dict[int, str]  # staff id -> name, for the reviews shown
    person: PersonShown | None


def _newest_first(filters: ReviewFilter):
    return (
        select(AuditEvent)
        .where(*event_conditions(filters))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def _person(db: Session, youth_id: int | None) -> PersonShown | None:
    youth = db.get(Youth, youth_id) if youth_id is not None else None
    if youth is None:
        return None
    return PersonShown(
        youth.id, youth.full_name, pnr.mask(youth.personnummer), youth.protected_identity
    )


def _reviewers(db: Session, flags: list[Flag]) -> dict[int, str]:
    ids = {f.review.reviewed_by for f in flags if f.review}
    if not ids:
        return {}
    rows = select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(ids))
    return dict(db.exec(rows).all())


def review_page(
    db: Session,
    *,
    actor: Actor,
    filters: ReviewFilter,
    rules: ReviewRules,
    page: int = 1,
    open_only: bool = False,
) -> ReviewPage:
    """The period's events (newest first, a page at a time) and its flags (oldest first), for
    one young person or member of staff when asked; the read is logged. The caller commits."""
    actor.need("audit.review")
    query = _newest_first(filters)
    # Counted from the indexes alone: a count over the selected rows would read every row.
    total = db.exec(
        select(sa.func.count()).select_from(AuditEvent).where(*event_conditions(filters))
    ).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    events = list(db.exec(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all())
    flags, more = find_flags(db, filters=filters, rules=rules, limit=FLAGS_SHOWN)
    if open_only:
        flags = [f for f in flags if f.review is None]
    person = _person(db, filters.youth_id)
    audit.record(
        db,
        actor,
        "view",
        object_type="audit_review",
        object_id=person.id if person else "",
        youth_id=person.id if person else None,
    )
    names = account_names(db, [e.username for e in events] + [f.event.username for f in flags])
    return ReviewPage(
        filters, events, total, page, pages, flags, more, names, _reviewers(db, flags), person
    )


def find_person(db: Session, *, actor: Actor, personnummer: str) -> int:
    """The id of the young person with this personnummer, for a review by person; the search
    is logged (never its text). Invalid with a Swedish message when there is none."""
    actor.need("audit.review")
    try:
        number = pnr.parse(personnummer)
    except pnr.InvalidPersonnummer as exc:
        raise Invalid(str(exc), field_errors={"personnummer": str(exc)}) from exc
    youth_id = db.exec(select(Youth.id).where(Youth.personnummer == number.canonical)).first()
    audit.record(db, actor, "search", object_type="audit_review", youth_id=youth_id)
    if youth_id is None:
        message = "Ingen ungdom med det personnumret finns i registret."
        raise Invalid(message, field_errors={"personnummer": message})
    return youth_id


def mark_reviewed(
    db: Session, *, actor: Actor, event_id: int, kind: str, comment: str, rules: ReviewRules
) -> AuditFlagReview:
    """Record that a flag was looked at, with the reviewer's conclusion; logged. The caller
    commits. The flag must still be raised by the event; nobody reviews their own events, and
    a flag is reviewed once (a second review, also from a racing request, is refused)."""
    actor.need("audit.review")
    event = db.get(AuditEvent, event_id)
    if event is None or kind not in FLAG_KINDS:
        raise NotFound(event_id)
    day = event.at.astimezone(LOCAL_TZ).date()
    flags, _ = find_flags(db, filters=ReviewFilter(day, day), rules=rules, event_id=event.id)
    if not any(f.kind == kind for f in flags):
        raise NotFound(event_id)
    if event.username.lower() == actor.username.lower():
        raise Invalid("Du kan inte granska dina egna händelser. Be en annan granskare.")
    review = AuditFlagReview(
        event_id=event.id,
        event_at=event.at,
        kind=kind,
        reviewed_by=actor.staff_id,
        comment=comment.strip(),
    )
    try:
        with db.begin_nested():
            db.add(review)
    except IntegrityError as exc:
        raise Invalid("Flaggan är redan granskad.") from exc
    audit.record(db, actor, "create", object_type="audit_flag", object_id=event.id)
    return review


# --- the export -----------------------------------------------------------------------------


def _local(at: datetime) -> datetime:
    """Local time without a zone: spreadsheets hold no time zones."""
    return at.astimezone(LOCAL_TZ).replace(tzinfo=None)


def _roles(role_text: str) -> str:
    return ", ".join(ROLE_LABELS.get(r, r) for r in role_text.split(",") if r)


FLAG_HEADER = (
    "Tid",
    "Konto",
    "Namn",
    "Roll",
    "Händelse",
    "Objekt",
    "Ungdom (id)",
    "Flagga",
    "Varför",
    "Granskad av",
    "Granskad",
    "Kommentar",
)
EVENT_HEADER = ("Tid", "Konto", "Namn", "Roll", "Händelse", "Objekt", "Objekt-id", "Ungdom (id)")


def _event_cells(event: AuditEvent, names: dict[str, str]) -> tuple:
    return (
        _local(event.at),
        event.username,
        names.get(event.username.lower(), ""),
        _roles(event.role),
        AUDIT_ACTIONS.get(event.action, event.action),
        AUDIT_OBJECTS.get(event.object_type, event.object_type),
    )


def _flag_rows(flags: list[Flag], names, reviewers) -> Iterator[tuple]:
    yield FLAG_HEADER
    for f in flags:
        review = f.review
        yield (
            *_event_cells(f.event, names),
            f.event.youth_id,
            FLAG_KINDS[f.kind],
            f.detail,
            reviewers.get(review.reviewed_by, "") if review else "",
            _local(review.reviewed_at) if review else None,
            review.comment if review else "",
        )


def _event_rows(db: Session, filters: ReviewFilter, names: dict[str, str]) -> Iterator[tuple]:
    yield EVENT_HEADER
    query = _newest_first(filters).limit(EXPORT_MAX_EVENTS)
    for event in db.exec(query.execution_options(yield_per=5000)):
        yield (*_event_cells(event, names), event.object_id, event.youth_id)


def export_sheets(
    db: Session, *, actor: Actor, filters: ReviewFilter, rules: ReviewRules
) -> dict[str, Iterator[tuple]]:
    """A review period as two sheets, the flags with their reviews and every event; the export
    is logged. The caller commits before the rows are read."""
    actor.need("audit.review")
    flags, _ = find_flags(db, filters=filters, rules=rules)
    staff = dict(db.exec(select(StaffUser.username, StaffUser.display_name)).all())
    audit.record(db, actor, "export", object_type="audit_review", youth_id=filters.youth_id)
    return {
        "Flaggor": _flag_rows(flags, staff, _reviewers(db, flags)),
        "Händelser": _event_rows(db, filters, staff),
    }
