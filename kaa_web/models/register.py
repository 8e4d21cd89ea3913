"""The KAA register: young people, registration periods, guardians, contacts, timeline."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow

# Prefix search on names must use the index on PostgreSQL whatever the database's collation.
NAME_KEY = sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql")

REGISTRATION_REASONS = {
    "introduktionsprogram": "Har gått introduktionsprogram",
    "avbrott_nationellt": "Avbrott på nationellt program",
    "studiebevis": "Lämnade med studiebevis",
    "aldrig_borjat": "Har aldrig börjat gymnasieskolan",
    "inflyttad": "Inflyttad till kommunen",
    "nyanland": "Nyanländ",
    "annan": "Annan orsak",
}
REGISTRATION_SOURCES = {
    "import": "Registerutdrag",
    "skolanmalan": "Anmälan från skola",
    "egen_kontakt": "Ungdomen eller förälder hörde av sig",
    "annan": "Annan källa",
}
DEREGISTRATION_REASONS = {
    "fyllt_20": "Har fyllt 20 år",
    "examen": "Har fått examen",
    "nationellt_program": "Har börjat nationellt program",
    "flyttat": "Har flyttat från kommunen",
    "annan": "Annan orsak",
}
# "gallrad": anonymised after the retention period (kaa_web.services.retention); never opened
STATUSES = {"aktiv": "Aktiv i KAA", "avregistrerad": "Avregistrerad", "gallrad": "Gallrad"}
GENDERS = {"kvinna": "Kvinna", "man": "Man", "annat": "Annat / vill inte ange"}
CHANNELS = {
    "brev": "Brev",
    "vykort": "Vykort",
    "telefon": "Telefon",
    "sms": "Sms",
    "epost": "E-post",
    "sociala_medier": "Sociala medier",
    "besoksvykort": "Besöksvykort / knackakort",
    "hembesok": "Hembesök",
    "besok_kontoret": "Besök på kontoret",
}
ACTIONS = {
    "kartlaggning": "Kartläggning gjord",
    "skatteverket": "Anmälan till Skatteverket gjord",
    "orosanmalan": "Orosanmälan gjord",
    "brev_20": "Brev inför 20 år skickat",
}
OUTCOMES = {
    "nadd": "Nådd",
    "ej_nadd": "Ej nådd",
    "fel_adress": "Fel adress / bor inte där",
    "avbojer": "Avböjer",
}
OCCUPATIONS = {
    "arbete": "Arbete",
    "studier": "Studier",
    "annan": "Annan sysselsättning",
    "ingen": "Ingen sysselsättning",
    "okand": "Okänd",
}
STUDY_KINDS = {
    "komvux": "Komvux",
    "folkhogskola": "Folkhögskola",
    "sfi": "Sfi",
    "gymnasieskola": "Gymnasieskola / introduktionsprogram",
    "annan": "Annan utbildning",
}


class District(SQLModel, table=True):
    """A district/area of the municipality (stadsdel, kommundel), managed by admin."""

    __tablename__ = "district"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=30, unique=True, index=True)
    name: str = Field(max_length=100)
    active: bool = Field(default=True)
    # Who gets young people of this district when the inbox assigns by district.
    officer_id: int | None = Field(default=None, foreign_key="staff_user.id")


class Youth(SQLModel, table=True):
    """A young person in the KAA register; holds only what förordning (2006:39) allows."""

    __tablename__ = "youth"
    # The list sorts by name and the worklist by due date within status (and officer): these
    # indexes keep every page's work bounded by its page size, not by the register's size. A
    # search within a status reads its matches from the (status, name, name) and (status,
    # birth date) indexes, never everyone of that name or birth date in the register's history.
    __table_args__ = (
        sa.Index("ix_youth_status_due", "status", "next_step_due"),
        sa.Index("ix_youth_status_name", "status", "last_name_key", "first_name_key", "id"),
        sa.Index(
            "ix_youth_status_first_name", "status", "first_name_key", "last_name_key", "id"
        ),
        sa.Index("ix_youth_status_birth_date", "status", "birth_date"),
        sa.Index("ix_youth_status_step_due", "status", "next_step", "next_step_due"),
        sa.Index("ix_youth_officer_step_due", "officer_id", "status", "next_step", "next_step_due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    personnummer: str = Field(max_length=12, unique=True, index=True)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    first_name_key: str = Field(sa_type=NAME_KEY, index=True)
    last_name_key: str = Field(sa_type=NAME_KEY, index=True)
    birth_date: date = Field(index=True)
    gender: str = Field(max_length=10)
    protected_identity: bool = Field(default=False)
    street_address: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    officer_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    # "aktiv" while the person has an open registration period (the periods are the truth;
    # the status is stored because every list filters on it)
    status: str = Field(default="aktiv", max_length=20, index=True)
    occupation: str = Field(default="okand", max_length=20)
    study_kind: str | None = Field(default=None, max_length=20)
    last_contact_on: date | None = None
    reached_on: date | None = None
    next_step: str | None = Field(default=None, max_length=20, index=True)
    next_step_due: date | None = Field(default=None, index=True)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class RegistrationPeriod(SQLModel, table=True):
    """One stretch of time a person was covered by KAA: every statistic counts these.

    A person who leaves KAA and comes back gets a new period, so the figures of a past period
    never change. Periods are kept within the retention rules, also after anonymisation.
    A person has at most one open period, and exactly one `latest` (the one lists show)."""

    __tablename__ = "registration_period"
    __table_args__ = (
        sa.Index("ix_registration_period_youth_on", "youth_id", "registered_on"),
        sa.Index("ix_registration_period_span", "registered_on", "deregistered_on"),
        # Two tabs registering the same person again can never both open a period.
        sa.Index(
            "uq_registration_period_open",
            "youth_id",
            unique=True,
            sqlite_where=sa.text("deregistered_on IS NULL"),
            postgresql_where=sa.text("deregistered_on IS NULL"),
        ),
        sa.Index(
            "uq_registration_period_latest",
            "youth_id",
            unique=True,
            sqlite_where=sa.text("latest"),
            postgresql_where=sa.text("latest"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id")
    registered_on: date
    registration_reason: str = Field(max_length=30)  # REGISTRATION_REASONS
    registration_source: str = Field(max_length=30)  # REGISTRATION_SOURCES
    deregistered_on: date | None = None
    deregistration_reason: str | None = Field(default=None, max_length=30)
    deregistration_result: str | None = Field(default=None, max_length=20)  # OCCUPATIONS
    # the person's most recent period: the one the register list and the person page show
    latest: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class Guardian(SQLModel, table=True):
    """A guardian (vårdnadshavare) of a young person under 18: letters go to them."""

    __tablename__ = "guardian"

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id", index=True)
    name: str = Field(max_length=200)
    street_address: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=40)


class ContactAttempt(SQLModel, table=True):
    """One outreach contact or ladder action (letter, call, home visit, orosanmälan made …)."""

    __tablename__ = "contact_attempt"
    __table_args__ = (sa.Index("ix_contact_attempt_youth_on", "youth_id", "on"),)

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id")
    kind: str = Field(max_length=20)
    on: date
    outcome: str | None = Field(default=None, max_length=20)
    occupation: str | None = Field(default=None, max_length=20)
    study_kind: str | None = Field(default=None, max_length=20)
    study_end: date | None = None
    planned_visit: date | None = None
    planned_time: str | None = Field(default=None, max_length=5)
    to_guardians: bool = Field(default=False)
    note: str = Field(default="", max_length=500)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    second_staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    # the letter or card as printed: the timeline's one line for it links the document
    document_id: int | None = Field(default=None, foreign_key="generated_document.id")
    created_at: datetime = Field(default_factory=utcnow)


class TimelineEntry(SQLModel, table=True):
    """Something that happened to a person's record, in system-written words (no free text)."""

    __tablename__ = "timeline_entry"
    __table_args__ = (sa.Index("ix_timeline_entry_youth_at", "youth_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id")
    at: datetime = Field(default_factory=utcnow)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    kind: str = Field(max_length=30)
    title: str = Field(max_length=300)
    ref_type: str = Field(default="", max_length=30)
    ref_id: int | None = None


class SavedView(SQLModel, table=True):
    """A member of staff's named list filter (never a search text: that may be personal data)."""

    __tablename__ = "saved_view"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff_user.id", index=True)
    name: str = Field(max_length=100)
    query: str = Field(max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)


class ImportBatch(SQLModel, table=True):
    """An uploaded register extract between preview and apply (applied at most once).

    The content is deleted when applied, or by the nightly job when left unapplied
    (status "utgangen"); the hash and summary stay as the record of what was imported.
    Applying it queues it ("koad") for a job worker, which applies it ("genomford") or says why
    it could not ("misslyckad", the reason in `summary`)."""

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, index=True)
    filename: str = Field(max_length=200)
    content: bytes | None = None
    status: str = Field(default="forhandsgranskad", max_length=20)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    applied_at: datetime | None = None
    summary: str = Field(default="", max_length=500)
    # who applied it, as the job that applies it works: {"staff_id", "username", "roles"}
    applied_by: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
