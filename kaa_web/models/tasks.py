"""Tasks on the worklist beyond the outreach ladder: meetings, deadlines, reports, action points."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow


class Task(SQLModel, table=True):
    """Something staff must do by a date; features create them, the worklist shows them."""

    __tablename__ = "task"
    __table_args__ = (sa.Index("ix_task_open_due", "done_at", "due"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)
    title: str = Field(max_length=300)  # system-written, never free text about the person
    due: date
    youth_id: int | None = Field(default=None, foreign_key="youth.id", index=True)
    assigned_to: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    source_type: str = Field(default="", max_length=30)
    source_id: int | None = None
    created_by: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    done_at: datetime | None = None
    done_by: int | None = Field(default=None, foreign_key="staff_user.id")
