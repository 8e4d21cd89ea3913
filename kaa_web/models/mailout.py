"""Mail-out jobs: one row per "Skapa utskick" click, with its people, status and documents."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow

MAILOUT_STATUSES = {
    "queued": "Väntar på att starta",
    "running": "Pågår",
    "done": "Klart",
    "failed": "Misslyckades",
}


class MailoutJob(SQLModel, table=True):
    """A mail-out started by a member of staff; `token` makes a double click start it once."""

    __tablename__ = "mailout_job"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True)
    status: str = Field(default="queued", max_length=20, index=True)
    phase: str = Field(default="", max_length=100)
    created_by: str = Field(max_length=100, index=True)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    sending_date: date
    make_pdf: bool = Field(default=False)
    # JSON lists of ids: the people selected, the protected identities left out, the documents.
    youth_ids: str = Field(default="[]", sa_column=sa.Column(sa.Text, nullable=False))
    protected_ids: str = Field(default="[]", sa_column=sa.Column(sa.Text, nullable=False))
    document_ids: str = Field(default="[]", sa_column=sa.Column(sa.Text, nullable=False))
    person_count: int = Field(default=0)
    letter_count: int = Field(default=0)
    contact_count: int = Field(default=0)
    error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
