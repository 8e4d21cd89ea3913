"""The audit log as its reader and the nightly job see it: the filtered page (itself logged)
and the purge of events past the log's retention period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.audit import AuditEvent, AuditFlagReview
from kaa_web.models.base import LOCAL_TZ, utcnow
from kaa_web.permissions import Actor
from kaa_web.services.auth import account_names

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str = ""
    youth_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    pages: int
    names: dict[str, str]  # the staff member's name for each account (folded) on the page


def _filtered(filters: AuditFilter):
    query = select(AuditEvent)
    if filters.username:
        query = query.where(func.lower(AuditEvent.username) == filters.username.strip().lower())
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.youth_id is not None:
        query = query.where(AuditEvent.youth_id == filters.youth_id)
    if filters.date_from:
        query = query.where(
            AuditEvent.at >= datetime.combine(filters.date_from, time.min, LOCAL_TZ)
        )
    if filters.date_to:
        query = query.where(
            AuditEvent.at
            < datetime.combine(filters.date_to + timedelta(days=1), time.min, LOCAL_TZ)
        )
    return query


def audit_log_page(
    db: Session, *, actor: Actor, filters: AuditFilter, page: int = 1
) -> AuditPage:
    """One page of events, newest first, filtered; reading the log is itself logged. The caller
    commits."""
    actor.need("audit.read")
    query = _filtered(filters)
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    events = db.exec(
        query.order_by(AuditEvent.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    audit.record(db, actor, "view", object_type="audit_log")
    names = account_names(db, (e.username for e in events))
    return AuditPage(events=list(events), total=total, page=page, pages=pages, names=names)


def purge_audit_log(db: Session, *, retention_days: int) -> int:
    """Delete audit events older than the log's own retention period (its gallring); the
    caller commits. The reviews of purged events go with them.

    Never within the period the database enforces (`flask kaa migrate` sets it from the
    setting): the database would refuse those rows. The hour's margin absorbs a clock
    difference between this server and the database's.
    """
    enforced = audit.enforced_retention_days(db)
    if enforced is None:
        return 0
    cutoff = utcnow() - timedelta(days=max(retention_days, enforced), hours=1)
    db.exec(delete(AuditFlagReview).where(AuditFlagReview.event_at < cutoff))
    return db.exec(delete(AuditEvent).where(AuditEvent.at < cutoff)).rowcount
