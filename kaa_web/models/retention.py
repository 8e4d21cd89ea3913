"""Gallring: each run of the anonymisation, and which category of whose data it has cleared."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow
from kaa_web.models.plans import Referral
from kaa_web.models.register import ContactAttempt

# Deleting a document checks the rows that link it: without these indexes every deleted letter
# would read every contact (bench/retention.py).
sa.Index("ix_contact_attempt_document_id", ContactAttempt.document_id)
sa.Index("ix_referral_document_id", Referral.document_id)

# What each category of kaa_web.config.RETENTION_CATEGORIES clears, as the admin page says it.
CATEGORY_LABELS = {
    "notes": "Fritext: anteckningar, kartläggningens och planens texter, tidslinjens rubriker",
    "documents": "Skapade dokument (brev, uppdrag, utdrag)",
    "school_reports": "Elevuppgifter i skolornas anmälningar",
    "consents": "Samtyckens texter (vem som gav dem och syftet)",
    "meeting_notes": "Mötesanteckningar och beslut som nämner personen",
    "register": "Personuppgifter: namn, personnummer, adress, kontaktuppgifter, vårdnadshavare",
}
CATEGORY_SHORT = {
    "notes": "Fritext",
    "documents": "Dokument",
    "school_reports": "Skolanmälningar",
    "consents": "Samtycken",
    "meeting_notes": "Mötesanteckningar",
    "register": "Anonymiserade personer",
}
RUN_STATUSES = {
    "queued": "Väntar",
    "running": "Pågår",
    "done": "Klar",
    "failed": "Avbruten",
}


class RetentionRun(SQLModel, table=True):
    """One gallring run: the date its periods were counted from, its progress and its counts."""

    __tablename__ = "retention_run"

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="queued", max_length=20, index=True)
    # True until done, then NULL: the unique key lets only one run be unfinished at a time
    unfinished: bool | None = Field(default=True, unique=True)
    today: date  # the periods are counted back from this date, also when the run is resumed
    started_by: str = Field(max_length=100)  # "system" for the nightly job
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None
    attempts: int = Field(default=0)
    # {"<category>": people cleared} as JSON, updated after every batch
    counts: str = Field(default="{}", sa_type=sa.Text)
    error: str = Field(default="", max_length=500)


class RetentionMark(SQLModel, table=True):
    """That one category of one person's data has been gallrad ("register": the person is
    anonymised): the key makes clearing anything twice impossible."""

    __tablename__ = "retention_mark"

    youth_id: int = Field(foreign_key="youth.id", primary_key=True)
    category: str = Field(max_length=20, primary_key=True)
    run_id: int = Field(foreign_key="retention_run.id", index=True)
    at: datetime = Field(default_factory=utcnow)
