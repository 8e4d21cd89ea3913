"""The one place that writes the audit log: record() (in the caller's transaction or its own),
and the retention period the database enforces on it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlmodel import Session

from kaa_web.db import insert_rows, separate_session
from kaa_web.models.audit import AUDIT_ACTIONS, AuditEvent, AuditPolicy
from kaa_web.models.base import utcnow
from kaa_web.permissions import Actor
from kaa_web.services.errors import NotFound


def record(
    db: Session,
    actor: Actor,
    action: str,
    *,
    object_type: str = "",
    object_id: object = "",
    youth_id: int | None = None,
    outcome: str = "ok",
    username: str | None = None,
    immediately: bool = False,
) -> None:
    """Record one access or change.

    By default the event joins the caller's transaction, so a change and its log entry commit or
    roll back together. `immediately=True` commits it on its own at once: for refusals and failed
    logins, whose request transaction is rolled back.
    """
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        username=(actor.username if username is None else username)[:100],
        role=actor.role_text[:200],
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        youth_id=youth_id,
        client_address=actor.client_address[:64],
        request_id=actor.request_id[:64],
        outcome=outcome[:30],
    )
    if immediately:
        with separate_session(db.get_bind()) as own:
            own.add(event)
    else:
        db.add(event)


def record_denied(db: Session, actor: Actor, *, object_type: str, object_id: object) -> NotFound:
    """An object that does not exist or that the actor may not see (both answer 404): logged at
    once, since the request's own transaction is rolled back. Returns the NotFound to raise:
    `raise audit.record_denied(...)`."""
    record(
        db,
        actor,
        "denied",
        object_type=object_type,
        object_id=object_id,
        outcome="not_found_or_denied",
        immediately=True,
    )
    return NotFound(object_type)


def record_many(
    db: Session,
    actor: Actor,
    action: str,
    *,
    object_type: str,
    items: Iterable[tuple[object, int | None]],
) -> None:
    """Record one event per (object id, youth id) in the caller's transaction, in one statement.

    For a mail-out, which logs thousands of people at once: the same rows record() would write.
    """
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    now = utcnow()
    rows = [
        {
            "at": now,
            "username": actor.username[:100],
            "role": actor.role_text[:200],
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id)[:64],
            "youth_id": youth_id,
            "client_address": actor.client_address[:64],
            "request_id": actor.request_id[:64],
            "outcome": "ok",
        }
        for object_id, youth_id in items
    ]
    insert_rows(db, AuditEvent.__table__, rows)


def enforced_retention_days(db: Session) -> int | None:
    """The period the database refuses to delete events within (None: it refuses every delete)."""
    policy = db.get(AuditPolicy, 1)
    return policy.retention_days if policy else None


def enforce_retention(db: Session, days: int) -> bool:
    """Make the database keep every event younger than `days`; True when the period changed.

    Run by `flask kaa migrate`, as the role that owns the tables; the database logs the change.
    """
    _only_the_owner_may_change_the_period(db)
    policy = db.get(AuditPolicy, 1)
    if policy is not None and policy.retention_days == days:
        db.commit()
        return False
    policy = policy or AuditPolicy(id=1)
    policy.retention_days = days
    db.add(policy)
    db.commit()
    return True


def _only_the_owner_may_change_the_period(db: Session) -> None:
    """PostgreSQL: take back what default privileges granted other roles on the policy row."""
    if db.get_bind().dialect.name != "postgresql":
        return
    grantees = db.exec(
        text(
            "SELECT DISTINCT grantee FROM information_schema.table_privileges "
            "WHERE table_name = 'audit_policy' AND grantee <> current_user "
            "AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')"
        )
    ).scalars()
    for grantee in list(grantees):
        role = "PUBLIC" if grantee == "PUBLIC" else '"' + grantee.replace('"', '""') + '"'
        db.exec(text(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_policy FROM {role}"))
