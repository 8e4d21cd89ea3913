"""Mail-out jobs: one row per "Skapa utskick" click, with its people, status and documents."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow

MAILOUT_STATUSES = {
    "queued": "Väntar på att starta",
    "running": "Skapar brev",
    "ready": "Klart att skriva ut – inte registrerat som skickat",
    "sent": "Skickat",
    "cancelled": "Makulerat",
    "failed": "Misslyckades",
}
# Why a selected person got no letter in a mail-out (the other outcome is "med": included).
LEFT_OUT_REASONS = {
    "saknar_adress": "Saknar adress",
    "skyddad": "Skyddade personuppgifter",
    "besoksvykort": "Besöksvykort behöver datum och tid",
    "i_utskick": "Finns i ett annat utskick som inte är bekräftat",
    "inte_aktuellt": "Inget brev att skicka just nu",
}


class MailoutJob(SQLModel, table=True):
    """A mail-out started by a member of staff: its files, then the confirmation it was posted."""

    __tablename__ = "mailout_job"

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="queued", max_length=20, index=True)
    phase: str = Field(default="", max_length=100)
    created_by: str = Field(max_length=100, index=True)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_roles: str = Field(default="", max_length=200)  # the job works with these roles
    sending_date: date
    make_pdf: bool = Field(default=False)
    # JSON lists of ids: the people selected on the preview, the documents made.
    youth_ids: str = Field(default="[]", sa_column=sa.Column(sa.Text, nullable=False))
    document_ids: str = Field(default="[]", sa_column=sa.Column(sa.Text, nullable=False))
    person_count: int = Field(default=0)
    letter_count: int = Field(default=0)
    letters_done: int = Field(default=0)  # progress: letters in files stored so far
    contact_count: int = Field(default=0)  # "brev skickat" recorded when it was confirmed
    error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    # The job runner: the worker holding the job, when it was last heard from, how many tried.
    worker_token: str = Field(default="", max_length=32)
    heartbeat_at: datetime | None = None
    attempts: int = Field(default=0)
    finished_at: datetime | None = None
    posted_on: date | None = None
    confirmed_by: str = Field(default="", max_length=100)
    confirmed_at: datetime | None = None


class MailoutPerson(SQLModel, table=True):
    """A selected person's outcome in a mail-out: included (and with which letter) or left out."""

    __tablename__ = "mailout_person"
    __table_args__ = (sa.UniqueConstraint("job_id", "youth_id"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="mailout_job.id", index=True)
    youth_id: int = Field(foreign_key="youth.id", index=True)
    outcome: str = Field(max_length=20)  # "med" or a LEFT_OUT_REASONS code
    step: str = Field(default="", max_length=20)  # the letter kind printed
    to_guardians: bool = Field(default=False)
    # Recipients without a usable address, e.g. one guardian of two ("; " between names).
    missing: str = Field(default="", max_length=500)
