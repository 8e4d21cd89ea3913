"""Login rules: rate limits on failures, directory authentication, roles, school units, audit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from kaa_web import audit, directory
from kaa_web.config import Settings
from kaa_web.models.auth import LoginFailure, StaffUser, WebSession
from kaa_web.models.base import utcnow
from kaa_web.models.school_reports import SchoolUnit
from kaa_web.permissions import Actor


@dataclass(frozen=True)
class LoginResult:
    """What happened to one login attempt; `status` is ok, invalid, no_role or rate_limited."""

    status: str
    staff_id: int | None = None
    username: str = ""
    display_name: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    school_unit_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    school_unit_ids: frozenset[int]


def _username_key(username: str) -> str:
    """The username as counted and logged: folded, without control characters, bounded."""
    return "".join(c for c in username.strip().lower() if c.isprintable())[:100]


def is_rate_limited(db: Session, settings: Settings, username: str, address: str) -> bool:
    """Too many recent failures for this username or this client address (successes never count)."""
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    recent = select(func.count()).select_from(LoginFailure).where(LoginFailure.at >= since)
    per_user = db.exec(recent.where(LoginFailure.username_key == _username_key(username))).one()
    per_address = db.exec(recent.where(LoginFailure.client_address == address[:64])).one()
    return (
        per_user >= settings.login_max_failures_user
        or per_address >= settings.login_max_failures_address
    )


def _school_unit_ids(db: Session, user: directory.DirectoryUser) -> frozenset[int]:
    units = db.exec(select(SchoolUnit).where(SchoolUnit.active)).all()
    return frozenset(
        unit.id
        for unit in units
        if (unit.directory_group and directory.normalize_dn(unit.directory_group) in user.groups)
        or unit.code in user.school_codes
    )


def _access(db: Session, settings: Settings, user: directory.DirectoryUser) -> Access:
    roles = directory.roles_for(user.groups, settings)
    units = _school_unit_ids(db, user) if "skola" in roles else frozenset()
    return Access(roles=roles, school_unit_ids=units)


def _upsert_staff(db: Session, user: directory.DirectoryUser, roles: frozenset[str]) -> StaffUser:
    staff = db.exec(select(StaffUser).where(StaffUser.username == user.username)).first()
    if staff is None:
        staff = StaffUser(username=user.username, display_name=user.display_name)
    staff.display_name = user.display_name
    staff.email = user.email
    staff.phone = user.phone
    staff.roles = ",".join(sorted(roles))
    staff.active = True
    staff.last_login_at = utcnow()
    db.add(staff)
    db.flush()
    return staff


def _fail(db: Session, actor: Actor, username: str, outcome: str) -> LoginResult:
    db.add(LoginFailure(username_key=_username_key(username), client_address=actor.client_address))
    db.commit()
    audit.record(
        db,
        actor,
        "login_failed",
        username=_username_key(username),
        outcome=outcome,
        immediately=True,
    )
    return LoginResult(status=outcome)


def log_in(db: Session, settings: Settings, *, actor: Actor, username: str, password: str):
    """Authenticate against the directory; raises directory.DirectoryUnavailable when it is down."""
    if is_rate_limited(db, settings, username, actor.client_address):
        audit.record(
            db,
            actor,
            "login_failed",
            username=_username_key(username),
            outcome="rate_limited",
            immediately=True,
        )
        return LoginResult(status="rate_limited")
    user = directory.authenticate(settings, username.strip(), password)
    if user is None:
        return _fail(db, actor, username, "invalid")
    access = _access(db, settings, user)
    if not access.roles:
        audit.record(
            db, actor, "login_failed", username=user.username, outcome="no_role", immediately=True
        )
        return LoginResult(status="no_role")
    staff = _upsert_staff(db, user, access.roles)
    audit.record(
        db,
        Actor(
            staff.id,
            staff.username,
            access.roles,
            access.school_unit_ids,
            actor.client_address,
            actor.request_id,
        ),
        "login",
    )
    db.commit()
    return LoginResult(
        status="ok",
        staff_id=staff.id,
        username=staff.username,
        display_name=staff.display_name,
        roles=access.roles,
        school_unit_ids=access.school_unit_ids,
    )


def refresh_access(db: Session, settings: Settings, *, actor: Actor) -> Access | None:
    """Re-read a signed-in user's groups; None when the account or every role is gone."""
    user = directory.lookup(settings, actor.username)
    access = _access(db, settings, user) if user else None
    if access is None or not access.roles:
        staff = db.get(StaffUser, actor.staff_id)
        if staff is not None:
            staff.roles = ""
            db.add(staff)
        audit.record(db, actor, "denied", object_type="session", outcome="roles_removed")
        return None
    staff = db.get(StaffUser, actor.staff_id)
    if staff is not None and staff.roles != ",".join(sorted(access.roles)):
        staff.roles = ",".join(sorted(access.roles))
        db.add(staff)
    return access


def log_out(db: Session, *, actor: Actor) -> None:
    audit.record(db, actor, "logout")
    db.commit()


def purge_expired(db: Session, settings: Settings) -> int:
    """Delete sessions past their idle timeout and login failures outside every window."""
    now = utcnow()
    idle_cutoff = now - timedelta(minutes=settings.session_idle_minutes)
    sessions = db.exec(delete(WebSession).where(WebSession.last_seen_at < idle_cutoff))
    failure_cutoff = now - timedelta(minutes=settings.login_window_minutes)
    db.exec(delete(LoginFailure).where(LoginFailure.at < failure_cutoff))
    db.commit()
    return sessions.rowcount
