"""Mapping, the individual plan and its revisions and measures, referrals, consents, orosanmälan."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow

RESPONSIBLE = {
    "ungdomen": "Ungdomen",
    "kommunen": "Kommunen",
    "annan": "Annan aktör",
}
MEASURE_END_REASONS = {
    "genomford": "Genomförd enligt plan",
    "avbruten_ungdom": "Avbruten av ungdomen",
    "avbruten_anordnare": "Avbruten av anordnaren",
    "ny_insats": "Ersatt av en annan insats",
    "avregistrerad": "Ungdomen lämnade KAA",
    "annan": "Annan orsak",
}
SCHOOL_ENDINGS = {
    "avbrott": "Avbrott",
    "studiebevis": "Studiebevis",
    "aldrig_borjat": "Började aldrig gymnasieskolan",
    "utlandsk": "Skolgång utomlands",
    "annat": "Annat",
}
AGENCIES = {
    "arbetsformedlingen": "Arbetsförmedlingen",
    "socialtjansten": "Socialtjänsten",
    "varden": "BUP/vården",
    "forsakringskassan": "Försäkringskassan",
    "lss": "LSS",
}
CONSENT_PARTIES = {
    "socialtjansten": "Socialtjänsten",
    "arbetsformedlingen": "Arbetsförmedlingen",
    "forsakringskassan": "Försäkringskassan",
    "regionen": "Regionens hälso- och sjukvård",
    "skola": "En namngiven skola",
}
CONSENT_GIVERS = {"ungdomen": "Ungdomen själv", "vardnadshavare": "Vårdnadshavare"}
CONSENT_FORMS = {"skriftligt": "Skriftligt", "muntligt": "Muntligt"}


class Mapping(SQLModel, table=True):
    """The structured first conversation (kartläggning); one current row per young person."""

    __tablename__ = "mapping"

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id", unique=True)
    on: date
    declined: bool = Field(default=False)
    occupation: str = Field(max_length=20)
    study_kind: str | None = Field(default=None, max_length=20)
    last_school: str = Field(default="", max_length=200)
    programme: str = Field(default="", max_length=200)
    school_ending: str | None = Field(default=None, max_length=20)
    eligible: bool | None = None
    goals: str = Field(default="", max_length=2000)
    agency_arbetsformedlingen: bool = Field(default=False)
    agency_socialtjansten: bool = Field(default=False)
    agency_varden: bool = Field(default=False)
    agency_forsakringskassan: bool = Field(default=False)
    agency_lss: bool = Field(default=False)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utcnow)


class MappingRevision(SQLModel, table=True):
    """A saved state of a mapping: the history of edits."""

    __tablename__ = "mapping_revision"

    id: int | None = Field(default=None, primary_key=True)
    mapping_id: int = Field(foreign_key="mapping.id", index=True)
    version: int
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    saved_at: datetime = Field(default_factory=utcnow)
    snapshot: str = Field(sa_type=sa.Text)


class Plan(SQLModel, table=True):
    """The individual plan: one current plan per young person, revised when measures change."""

    __tablename__ = "plan"

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id", unique=True)
    goal: str = Field(default="", max_length=2000)
    follow_up_on: date | None = None
    evaluation_on: date | None = None
    agreed_on: date
    revision: int = Field(default=1)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utcnow)


class PlanRevision(SQLModel, table=True):
    """One agreed revision of a plan, kept as it was (goal and measures)."""

    __tablename__ = "plan_revision"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    revision: int
    agreed_on: date
    change: str = Field(max_length=300)  # system-written summary of what changed
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    snapshot: str = Field(sa_type=sa.Text)


class PlanMeasure(SQLModel, table=True):
    """A measure in a plan: who is responsible, when, and why it ended."""

    __tablename__ = "plan_measure"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    youth_id: int = Field(foreign_key="youth.id", index=True)
    measure_id: int | None = Field(default=None, foreign_key="measure.id")
    title: str = Field(max_length=200)
    responsible: str = Field(max_length=20)
    responsible_actor: str = Field(default="", max_length=200)
    start_on: date
    end_on: date | None = None
    ended_on: date | None = None
    end_reason: str | None = Field(default=None, max_length=30)
    occupation_after: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class Referral(SQLModel, table=True):
    """An uppdrag to a provider for a measure in the plan."""

    __tablename__ = "referral"

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id", index=True)
    plan_measure_id: int = Field(foreign_key="plan_measure.id", index=True)
    provider: str = Field(max_length=200)
    sent_on: date
    first_contact_due: date
    first_contact_on: date | None = None
    monthly_reports: bool = Field(default=False)
    document_id: int | None = Field(default=None, foreign_key="generated_document.id")
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class MonthlyReport(SQLModel, table=True):
    """A provider's monthly report on a referral: expected by a date, received, approved."""

    __tablename__ = "monthly_report"

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    due: date
    received_on: date | None = None
    approved_at: datetime | None = None
    approved_by: int | None = Field(default=None, foreign_key="staff_user.id")


class DeclinedOffer(SQLModel, table=True):
    """A measure offered and declined (SCB asks for these)."""

    __tablename__ = "declined_offer"

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id", index=True)
    measure_id: int = Field(foreign_key="measure.id")
    on: date
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class Consent(SQLModel, table=True):
    """A consent (samtycke) to share information: by whom, with whom, why, until when."""

    __tablename__ = "consent"
    __table_args__ = (sa.Index("ix_consent_youth_social", "youth_id", "social_services"),)

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id")
    given_by: str = Field(max_length=20)
    guardian_name: str = Field(default="", max_length=200)
    social_services: bool = Field(default=False)
    arbetsformedlingen: bool = Field(default=False)
    forsakringskassan: bool = Field(default=False)
    regionen: bool = Field(default=False)
    school_name: str = Field(default="", max_length=200)
    purpose: str = Field(max_length=500)
    given_on: date
    form: str = Field(max_length=20)
    recorded_by: int | None = Field(default=None, foreign_key="staff_user.id")
    expires_on: date | None = None
    withdrawn_on: date | None = None
    withdrawn_by: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class ConcernReport(SQLModel, table=True):
    """That an orosanmälan was made: date, recipient and officer only, never its content."""

    __tablename__ = "concern_report"

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id", index=True)
    on: date
    recipient: str = Field(max_length=200)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    contact_attempt_id: int | None = Field(default=None, foreign_key="contact_attempt.id")
    created_at: datetime = Field(default_factory=utcnow)
