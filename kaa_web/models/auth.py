"""Staff accounts mirrored from the directory, server-side sessions and login attempt counts."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow


class StaffUser(SQLModel, table=True):
    """A member of staff who has logged in (or was seeded); the directory stays the authority.

    `username` is the directory entry's own name, folded; the unique index on its lower-case
    form keeps one row per person even if a spelling ever slips through.
    """

    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True, index=True)
    display_name: str = Field(max_length=200)
    email: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)  # the directory's telephoneNumber, if any
    roles: str = Field(default="", max_length=200)  # comma-separated, as of the last check
    active: bool = Field(default=True)
    last_login_at: datetime | None = None

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]


sa.Index("uq_staff_user_username_folded", sa.func.lower(StaffUser.username), unique=True)


class WebSession(SQLModel, table=True):
    """A login session; the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "web_session"

    id: str = Field(primary_key=True, max_length=64)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    data: str = Field(default="{}")
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow, index=True)


class LoginThrottle(SQLModel, table=True):
    """Login attempts counted in the current window, per username or per client address.

    One row per key, changed by a single upsert so that simultaneous attempts count exactly.
    """

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=170)  # "user:<name>" or "address:<ip>"
    window_start: datetime = Field(default_factory=utcnow, index=True)
    attempts: int = Field(default=0)
