"""The municipality's yearly KAA action plan (handlingsplan): versions, section texts, comments."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow

# The plan's sections in order (DOMAIN.md §7, Skolverket's general advice).
SECTIONS = {
    "uppdrag": "Uppdrag och lagstöd",
    "mal": "Mål",
    "ansvar": "Ansvarsfördelning mellan nämnder och förvaltningar",
    "organisation": "Organisation och samverkansgrupper",
    "rutiner": "Rutiner för att identifiera, informera och kontakta",
    "insatser": "Insatser som erbjuds",
    "dokumentation": "Dokumentation och register",
    "uppfoljning": "Uppföljning och rapportering",
    "samverkanspartner": "Samverkanspartner",
}
STATUSES = {"utkast": "Utkast", "antagen": "Antagen"}


class ActionPlanVersion(SQLModel, table=True):
    """One year's plan: drafted, commented, adopted by a nämnd decision, then locked."""

    __tablename__ = "action_plan_version"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True)
    status: str = Field(default="utkast", max_length=10)  # STATUSES
    based_on_id: int | None = Field(default=None, foreign_key="action_plan_version.id")
    decision_body: str = Field(default="", max_length=200)  # e.g. "Utbildningsnämnden"
    decision_reference: str = Field(default="", max_length=100)  # paragraph or diarienummer
    decided_on: date | None = None
    adopted_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    adopted_at: datetime | None = None
    # What the linked parts (groups, ladder, measures, calendar) were when it was adopted, as
    # JSON: an adopted plan keeps showing what was decided, not today's settings.
    linked_snapshot: str = Field(default="", sa_type=sa.Text)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)  # bumped on adoption: a stale adopt form is refused


class ActionPlanText(SQLModel, table=True):
    """A section's text as saved once; the newest per section is the text in force, the rest
    are its history (every change is kept)."""

    __tablename__ = "action_plan_text"
    __table_args__ = (sa.Index("ix_action_plan_text_plan_section", "plan_id", "section", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="action_plan_version.id")
    section: str = Field(max_length=30)  # SECTIONS
    body: str = Field(default="", sa_type=sa.Text)  # the plan's light markup, never HTML
    saved_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    saved_at: datetime = Field(default_factory=utcnow)


class ActionPlanComment(SQLModel, table=True):
    """A reader's comment on a draft, on one section or on the whole plan."""

    __tablename__ = "action_plan_comment"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="action_plan_version.id", index=True)
    section: str = Field(default="", max_length=30)  # "" = the whole plan
    body: str = Field(max_length=2000)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)

DIRECTIONS = {"minst": "Minst", "hogst": "Högst"}
FULFILMENT = {
    "helt": "Uppfyllt",
    "delvis": "Delvis uppfyllt",
    "ej": "Ej uppfyllt",
    "okant": "Kan inte bedömas",
    "dolt": "Visas inte (för få)",
}


class ActionPlanGoal(SQLModel, table=True):
    """A measurable goal of the plan: a figure of the statistics, the value it should reach in
    the plan's year (at least or at most), and from where it counts as partly met."""

    __tablename__ = "action_plan_goal"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="action_plan_version.id", index=True)
    title: str = Field(max_length=300)
    indicator: str = Field(max_length=40)  # a figure key of services/statistics/definitions.py
    period_kind: str = Field(default="ar", max_length=10)  # rules/report_periods.py KINDS
    direction: str = Field(default="minst", max_length=10)  # DIRECTIONS
    target: float
    partial: float  # "delvis uppfyllt" from here (below the target for "minst", above for "högst")
    created_at: datetime = Field(default_factory=utcnow)

# PwC's eight control areas (seed 002), judged as in their audit.
REVIEW_AREAS = {
    "resurser": "Resurser",
    "styrdokument": "Styrdokument",
    "ansvarsfordelning": "Ansvarsfördelning",
    "uppfoljning": "Uppföljning och utvärdering",
    "kartlaggning": "Kartläggning och register",
    "dokumentation": "Dokumentation",
    "insatser": "Individuella insatser",
    "samverkan": "Samverkan",
}
RATINGS = {"uppfyllt": "Uppfyllt", "delvis": "Delvis uppfyllt", "ej": "Ej uppfyllt"}


class ActionPlanReview(SQLModel, table=True):
    """The managers' yearly review of a plan: the self-assessment per control area, their
    conclusions and the changes decided (which next year's draft starts from)."""

    __tablename__ = "action_plan_review"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="action_plan_version.id", unique=True)
    # {area: {"rating": RATINGS key, "justification": text}}, as JSON
    assessments: str = Field(default="{}", sa_type=sa.Text)
    conclusions: str = Field(default="", sa_type=sa.Text)
    changes: str = Field(default="", sa_type=sa.Text)
    updated_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


DOCUMENT_KINDS = {"plan": "Handlingsplan", "uppfoljning": "Uppföljning"}


class ActionPlanDocument(SQLModel, table=True):
    """A Word document made of a plan or its review, with what it was made from: the plan's
    and the review's version, who made it, when the figures were read and the small-number
    setting they were protected under."""

    __tablename__ = "action_plan_document"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="action_plan_version.id", index=True)
    kind: str = Field(max_length=20)  # DOCUMENT_KINDS
    document_id: int = Field(foreign_key="generated_document.id")
    plan_version: int
    review_version: int | None = None  # the review's version (for a review document)
    data_at: datetime
    settings: str = Field(default="", max_length=200)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class ActionPlanReviewShare(SQLModel, table=True):
    """A plan's review shared with a collaboration group through one of its meetings' agenda
    items: the group's members may open it read-only from there."""

    __tablename__ = "action_plan_review_share"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "agenda_item_id", name="uq_action_plan_review_share"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="action_plan_version.id")
    # an agenda item taken off the agenda takes its shares with it
    agenda_item_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("agenda_item.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    shared_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    shared_at: datetime = Field(default_factory=utcnow)
