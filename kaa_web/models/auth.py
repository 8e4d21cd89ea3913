"""Staff accounts mirrored from the directory, server-side sessions and failed-login records."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow


class StaffUser(SQLModel, table=True):
    """A member of staff who has logged in (or was seeded); the directory stays the authority."""

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


class WebSession(SQLModel, table=True):
    """A login session; the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "web_session"

    id: str = Field(primary_key=True, max_length=64)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    data: str = Field(default="{}")
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow, index=True)


class LoginFailure(SQLModel, table=True):
    """One failed login attempt, counted per username and per client address for rate limits."""

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    username_key: str = Field(max_length=100, index=True)
    client_address: str = Field(max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
