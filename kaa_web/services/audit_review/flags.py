"""The flags of the log review: which reads of young people's data call for a second look.

Flags are computed from the log when a period is reviewed, never stored: only that a flag was
reviewed (AuditFlagReview) is. Each flag names one event and is silent on ordinary work: a
list's per-person rows are not reads of a record, so browsing the register flags nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web.models.audit import AuditEvent, AuditFlagReview
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import LOCAL_TZ
from kaa_web.models.plans import Consent
from kaa_web.models.register import ContactAttempt, Youth
from kaa_web.rules.working_hours import WorkingHours
from kaa_web.services.access import active_social_consent

READS = ("view", "search", "export", "document_generated")
# Objects whose events with a young person are a list's rows: one per person shown.
LIST_OBJECTS = ("youth_list", "worklist", "task")
# What school staff and social services read in their ordinary work; anything else is flagged.
ROLE_OBJECTS = {
    "skola": frozenset({"school_report", "school_report_student", "generated_document"}),
    "ifo": frozenset(
        {
            "youth",
            "youth_list",
            "consent",
            "concern_report",
            "generated_document",
            "meeting",
            "meeting_group",
            "agenda_item",
            "decision",
            "action_point",
            "attendance",
            "task",
        }
    ),
}
CASEWORKERS = frozenset({"kaa", "arbetsmarknad"})
OVERSIGHT = frozenset({"chef", "admin"})
BATCH = 1000  # acts read per query
# The predicate of the partial index ix_audit_event_export_request, written out: a bound
# parameter would keep a prepared statement's plan from using the index.
EXPORT_ROWS = sa.text("audit_event.action = 'export' AND audit_event.youth_id IS NOT NULL")
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


@dataclass(frozen=True)
class ReviewRules:
    """The settings the flags follow (KAA_AUDIT_WORKING_HOURS, KAA_AUDIT_BULK_EXPORT_PEOPLE)."""

    working_hours: WorkingHours
    bulk_export_people: int


@dataclass(frozen=True)
class ReviewFilter:
    date_from: date
    date_to: date
    username: str = ""
    youth_id: int | None = None


@dataclass(frozen=True)
class Flag:
    kind: str  # FLAG_KINDS
    event: AuditEvent
    detail: str  # system-written words, never the log's free text (it has none)
    review: AuditFlagReview | None = None


def period_condition(filters: ReviewFilter):
    start = datetime.combine(filters.date_from, time.min, LOCAL_TZ)
    end = datetime.combine(filters.date_to + timedelta(days=1), time.min, LOCAL_TZ)
    return sa.and_(AuditEvent.at >= start, AuditEvent.at < end)


def event_conditions(filters: ReviewFilter) -> list:
    """The period, and the member of staff or young person when one is asked for."""
    conditions = [period_condition(filters)]
    if filters.username:
        conditions.append(sa.func.lower(AuditEvent.username) == filters.username.strip().lower())
    if filters.youth_id is not None:
        conditions.append(AuditEvent.youth_id == filters.youth_id)
    return conditions


def _acts(conditions: list):
    """Staff's reads and refusals, without a list's per-person rows (an export's rows stay)."""
    return (
        select(AuditEvent, Youth.officer_id, Youth.protected_identity, StaffUser.id)
        .outerjoin(Youth, Youth.id == AuditEvent.youth_id)
        .outerjoin(StaffUser, StaffUser.username == sa.func.lower(AuditEvent.username))
        .where(
            *conditions,
            AuditEvent.username.not_in(("", "system")),
            AuditEvent.action.in_((*READS, "denied")),
            sa.or_(
                AuditEvent.youth_id.is_(None),
                AuditEvent.object_type.not_in(LIST_OBJECTS),
                AuditEvent.action == "export",
            ),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )


def _people_exported(db: Session, request_id: str) -> int:
    """How many young people one export named, counted over the whole export whoever the
    review is filtered to (the partial index of exports' per-person rows)."""
    return db.exec(
        select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.request_id == request_id, EXPORT_ROWS)
    ).one()


class _IfoBasis:
    """When social services had a reason to see each person: a consent covering them in force
    that day, or an orosanmälan made by then."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.cache: dict[tuple[int, date], bool] = {}

    def had_basis(self, youth_id: int, on: date) -> bool:
        key = (youth_id, on)
        if key not in self.cache:
            consent = select(Consent.id).where(
                Consent.youth_id == youth_id, active_social_consent(on)
            )
            reported = select(ContactAttempt.id).where(
                ContactAttempt.youth_id == youth_id,
                ContactAttempt.kind == "orosanmalan",
                ContactAttempt.on <= on,
            )
            found = self.db.exec(consent.union_all(reported).limit(1)).first()
            self.cache[key] = found is not None
        return self.cache[key]


class _Checker:
    """The flags of one event (in time order), each once per request and person."""

    def __init__(self, db: Session, rules: ReviewRules) -> None:
        self.db, self.rules, self.basis = db, rules, _IfoBasis(db)
        self.exported: dict[str, int] = {}  # request id -> people, asked once per export
        self.seen: set[tuple] = set()

    def _once(self, kind: str, event: AuditEvent, per_person: bool = True) -> bool:
        if not event.request_id:
            return True
        key = (kind, event.request_id, event.youth_id if per_person else None)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def flags(self, event, officer_id, protected, staff_id) -> Iterator[tuple[str, str]]:
        """(kind, detail) of every flag this event raises."""
        roles = frozenset(r for r in event.role.split(",") if r)
        local = event.at.astimezone(LOCAL_TZ)
        checks = (
            ("outside_hours", False, self._outside_hours(event, local)),
            ("bulk_export", False, self._bulk(event)),
            ("protected", True, self._protected(event, officer_id, protected, staff_id)),
            ("caseload", True, self._caseload(event, roles, officer_id, staff_id)),
            ("role_scope", True, self._outside_role(event, roles, local.date())),
        )
        for kind, per_person, detail in checks:
            if detail and self._once(kind, event, per_person):
                yield kind, detail

    def _outside_hours(self, event: AuditEvent, local: datetime) -> str:
        export_row = event.action == "export" and event.youth_id is not None
        if export_row or self.rules.working_hours.covers(local):
            return ""
        return f"kl. {local:%H.%M} en {WEEKDAYS[local.weekday()]}"

    def _bulk(self, event: AuditEvent) -> str:
        if event.action != "export" or not event.request_id:
            return ""
        if event.request_id not in self.exported:
            self.exported[event.request_id] = _people_exported(self.db, event.request_id)
        count = self.exported[event.request_id]
        return f"{count} ungdomar i samma export" if count >= self.rules.bulk_export_people else ""

    @staticmethod
    def _protected(event: AuditEvent, officer_id, protected, staff_id) -> str:
        """Anyone but the person's own officer reading a protected identity."""
        if event.youth_id is None or not protected or officer_id == staff_id:
            return ""
        return "Ungdomen har skyddade personuppgifter"

    @staticmethod
    def _caseload(event: AuditEvent, roles: frozenset[str], officer_id, staff_id) -> str:
        """A case officer opening a record another officer is responsible for (managers and
        the administrator have no caseload of their own)."""
        if event.action != "view" or event.object_type != "youth":
            return ""
        if not roles & CASEWORKERS or roles & OVERSIGHT:
            return ""
        if officer_id is None or officer_id == staff_id:
            return ""
        return "Ungdomen har en annan handläggare"

    def _outside_role(self, event: AuditEvent, roles: frozenset[str], on: date) -> str:
        """Why a school or social services user's event is outside their role, or ""."""
        if not roles or not roles <= ROLE_OBJECTS.keys():
            return ""
        if event.outcome == "not_found_or_denied":
            return "Försökte öppna något rollen inte får se"
        if not any(event.object_type in ROLE_OBJECTS[role] for role in roles):
            return "Läste uppgifter som rollen normalt inte ser"
        if (
            roles == {"ifo"}
            and event.youth_id is not None
            and event.object_type == "youth"
            and not self.basis.had_basis(event.youth_id, on)
        ):
            return "Varken samtycke eller orosanmälan den dagen"
        return ""


def find_flags(
    db: Session,
    *,
    filters: ReviewFilter,
    rules: ReviewRules,
    limit: int | None = None,
    event_id: int | None = None,
) -> tuple[list[Flag], bool]:
    """The flags of the events `filters` (or the one event `event_id`) match, oldest first,
    with their reviews; (flags, more) where `more` says the list stopped at `limit`."""
    conditions = event_conditions(filters)
    if event_id is not None:
        conditions.append(AuditEvent.id == event_id)
    checker = _Checker(db, rules)
    found: list[Flag] = []
    for event, officer_id, protected, staff_id in _batches(db, conditions):
        for kind, detail in checker.flags(event, officer_id, protected, staff_id):
            if limit is not None and len(found) >= limit:
                return _with_reviews(db, found), True
            found.append(Flag(kind, event, detail))
    return _with_reviews(db, found), False


def _batches(db: Session, conditions: list, size: int = BATCH):
    """The acts in time order, a bounded batch at a time from where the last one ended: each
    query has a LIMIT, so the database reads a staff member's or a person's own index range
    (bench/audit.py), and a page that stops at its limit reads no further."""
    after: list = []
    while True:
        rows = db.exec(_acts([*conditions, *after]).limit(size)).all()
        yield from rows
        if len(rows) < size:
            return
        last = rows[-1][0]
        after = [
            sa.or_(
                AuditEvent.at > last.at, sa.and_(AuditEvent.at == last.at, AuditEvent.id > last.id)
            )
        ]


def _with_reviews(db: Session, flags: list[Flag]) -> list[Flag]:
    reviews: dict[tuple[int, str], AuditFlagReview] = {}
    ids = sorted({f.event.id for f in flags})
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for review in db.exec(
            select(AuditFlagReview).where(AuditFlagReview.event_id.in_(chunk))
        ).all():
            reviews[(review.event_id, review.kind)] = review
    return [Flag(f.kind, f.event, f.detail, reviews.get((f.event.id, f.kind))) for f in flags]
