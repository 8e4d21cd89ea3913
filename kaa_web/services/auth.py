"""Login rules: rate limits counted before binding, directory authentication, roles, audit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import case, delete, literal, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kaa_web import audit, directory
from kaa_web.config import Settings
from kaa_web.db import separate_session
from kaa_web.models.auth import LoginThrottle, StaffUser, WebSession
from kaa_web.models.base import utcnow
from kaa_web.models.school_reports import SchoolUnit
from kaa_web.permissions import Actor, has_permission

_THROTTLE = LoginThrottle.__table__


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


def _count_attempt(db: Session, key: str, window: timedelta) -> int:
    """Count one attempt for `key` in its window and return the window's count.

    A single upsert, committed at once: simultaneous attempts each get their own number, so a
    limit of five lets exactly five through, however many arrive at the same moment.
    """
    now = utcnow()
    expired = _THROTTLE.c.window_start < literal(now - window, _THROTTLE.c.window_start.type)
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_THROTTLE).values(key=key, window_start=now, attempts=1)
    statement = statement.on_conflict_do_update(
        index_elements=[_THROTTLE.c.key],
        set_={
            "attempts": case((expired, 1), else_=_THROTTLE.c.attempts + 1),
            "window_start": case(
                (expired, statement.excluded.window_start), else_=_THROTTLE.c.window_start
            ),
        },
    ).returning(_THROTTLE.c.attempts)
    with separate_session(db.get_bind()) as own:
        return own.execute(statement).scalar_one()


def _uncount_attempt(db: Session, keys: list[str]) -> None:
    """Take back attempts that turned out not to be wrong passwords."""
    with separate_session(db.get_bind()) as own:
        own.execute(
            update(_THROTTLE)
            .where(_THROTTLE.c.key.in_(keys), _THROTTLE.c.attempts > 0)
            .values(attempts=_THROTTLE.c.attempts - 1)
        )


def _throttle_keys(username: str, address: str) -> list[str]:
    return [f"address:{address[:64]}", f"user:{_username_key(username)}"]


def _admit(db: Session, settings: Settings, keys: list[str]) -> bool:
    """Count the attempt against the address, then the username; False once a limit is used up.

    An address already over its limit counts nothing against the username it tries, so a
    sprayer cannot lock out every account it names.
    """
    window = timedelta(minutes=settings.login_window_minutes)
    limits = [settings.login_max_failures_address, settings.login_max_failures_user]
    return all(
        _count_attempt(db, key, window) <= limit for key, limit in zip(keys, limits, strict=True)
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
    schools = has_permission(roles, "school_reports.submit")  # school staff, bound to units
    units = _school_unit_ids(db, user) if schools else frozenset()
    return Access(roles=roles, school_unit_ids=units)


def _staff_row(db: Session, user: directory.DirectoryUser) -> StaffUser:
    """The person's one staff row (found by the directory's name for them), made on first login."""
    existing = select(StaffUser).where(StaffUser.username == user.username)
    staff = db.exec(existing).first()
    if staff is not None:
        return staff
    staff = StaffUser(username=user.username, display_name=user.display_name)
    try:
        with db.begin_nested():
            db.add(staff)
            db.flush()
    except IntegrityError:  # a simultaneous first login made it
        staff = db.exec(existing).one()
    return staff


def _upsert_staff(db: Session, user: directory.DirectoryUser, roles: frozenset[str]) -> StaffUser:
    staff = _staff_row(db, user)
    staff.display_name = user.display_name
    staff.email = user.email
    staff.phone = user.phone
    staff.roles = ",".join(sorted(roles))
    staff.active = True
    staff.last_login_at = utcnow()
    db.add(staff)
    db.flush()
    return staff


def _refuse(db: Session, actor: Actor, username: str, outcome: str) -> LoginResult:
    audit.record(db, actor, "login_failed", username=username, outcome=outcome, immediately=True)
    return LoginResult(status=outcome)


def log_in(db: Session, settings: Settings, *, actor: Actor, username: str, password: str):
    """Authenticate against the directory; raises directory.DirectoryUnavailable when it is down.

    The attempt is counted before the bind and taken back unless the password was wrong.
    """
    keys = _throttle_keys(username, actor.client_address)
    if not _admit(db, settings, keys):
        return _refuse(db, actor, _username_key(username), "rate_limited")
    try:
        user = directory.authenticate(settings, username.strip(), password)
    except directory.DirectoryUnavailable:
        _uncount_attempt(db, keys)
        raise
    if user is None:
        return _refuse(db, actor, _username_key(username), "invalid")
    _uncount_attempt(db, keys)
    access = _access(db, settings, user)
    if not access.roles:
        return _refuse(db, actor, user.username, "no_role")
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
    """Delete sessions past their idle timeout and login counts whose window has passed."""
    now = utcnow()
    idle_cutoff = now - timedelta(minutes=settings.session_idle_minutes)
    sessions = db.exec(delete(WebSession).where(WebSession.last_seen_at < idle_cutoff))
    window_cutoff = now - timedelta(minutes=settings.login_window_minutes)
    db.exec(delete(LoginThrottle).where(LoginThrottle.window_start < window_cutoff))
    db.commit()
    return sessions.rowcount
