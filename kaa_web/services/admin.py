"""Administration: reading the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import LOCAL_TZ, utcnow
from kaa_web.permissions import Actor

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


def list_audit_events(
    db: Session, *, actor: Actor, filters: AuditFilter, page: int = 1
) -> AuditPage:
    """Newest first, filtered; reading the log is itself logged."""
    if not actor.can("audit.read"):
        raise PermissionError("audit.read")
    query = select(AuditEvent)
    if filters.username:
        query = query.where(AuditEvent.username == filters.username.strip().lower())
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
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    events = db.exec(
        query.order_by(AuditEvent.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    audit.record(db, actor, "view", object_type="audit_log")
    db.commit()
    return AuditPage(events=list(events), total=total, page=page, pages=pages)


def purge_audit_log(db: Session, *, retention_days: int) -> int:
    """Delete audit events older than the log's own retention period (its gallring)."""
    cutoff = utcnow() - timedelta(days=retention_days)
    result = db.exec(delete(AuditEvent).where(AuditEvent.at < cutoff))
    db.commit()
    return result.rowcount
