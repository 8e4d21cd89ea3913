"""The append-only audit log: who did what to which object, when and from where."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow

AUDIT_ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "view",
    "search",
    "create",
    "update",
    "delete",
    "export",
    "document_generated",
    "denied",
    "protection_set",  # skyddade personuppgifter set on a person
    "protection_cleared",
)


class AuditEvent(SQLModel, table=True):
    """One recorded access or change; holds identifiers only, never names or free text."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    username: str = Field(default="", max_length=100)  # searched folded: the index below
    role: str = Field(default="", max_length=200)
    action: str = Field(max_length=30)
    object_type: str = Field(default="", max_length=50)
    object_id: str = Field(default="", max_length=64)
    youth_id: int | None = Field(default=None, index=True)
    client_address: str = Field(default="", max_length=64)
    request_id: str = Field(default="", max_length=64)
    outcome: str = Field(default="ok", max_length=30)


# Events are found by username whatever its case: older rows may hold a login's typed spelling.
sa.Index("ix_audit_event_username_folded", sa.func.lower(AuditEvent.username))


class AuditPolicy(SQLModel, table=True):
    """The retention period the database itself enforces: younger events cannot be deleted.

    One row, set from KAA_AUDIT_RETENTION_DAYS by `flask kaa migrate` (run as the tables'
    owner); the triggers of migration dd493cb90728 read it.
    """

    __tablename__ = "audit_policy"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="ck_audit_policy_one_row"),
        sa.CheckConstraint("retention_days > 0", name="ck_audit_policy_positive"),
    )

    id: int = Field(default=1, primary_key=True)
    retention_days: int
