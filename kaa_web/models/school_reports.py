"""School units and what they report: dropout, high absence, risk of dropout, studiebevis lists."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow

REPORT_KINDS = {
    "studieavbrott": "Studieavbrott",
    "franvaro": "Betydande frånvaro",
    "risk": "Risk för studieavbrott",
    "studiebevis": "Studiebevis vid läsårets slut",
}
REFERENCE_PREFIXES = {"studieavbrott": "SA", "franvaro": "BF", "risk": "RA", "studiebevis": "SB"}
# The register's coverage reason a report gives when KAA registers the student from it.
REGISTRATION_REASON_FOR_KIND = {
    "studieavbrott": "avbrott_nationellt",
    "franvaro": "annan",
    "risk": "annan",
    "studiebevis": "studiebevis",
}
REPORT_STATUSES = {
    "mottagen": "Mottagen",
    "under_handlaggning": "Under handläggning",
    "avslutad": "Avslutad",
}
DROPOUT_REASONS = {
    "byte_skola": "Byter skola eller program",
    "arbete": "Ska börja arbeta",
    "motivation": "Låg motivation / trivs inte",
    "flytt": "Flyttar",
    "franvaro": "Långvarig frånvaro",
    "annat": "Annat",
}
RISK_SITUATIONS = {
    "franvaro": "Ökande frånvaro",
    "motivation": "Låg motivation",
    "betyg": "Risk att inte nå examen",
    "byte": "Vill byta program eller skola",
    "stod_uttomt": "Skolans stöd är uttömt",
    "annat": "Annat",
}
FORM_NAMES = REPORT_KINDS


class SchoolUnit(SQLModel, table=True):
    """A school unit of any huvudman; its directory group binds school staff to it."""

    __tablename__ = "school_unit"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)  # skolenhetskod
    name: str = Field(max_length=200)
    huvudman: str = Field(default="", max_length=200)
    directory_group: str = Field(default="", max_length=300, index=True)
    active: bool = Field(default=True)
    own_huvudman: bool = Field(default=False)  # run by this municipality
    municipality_code: str = Field(default="", max_length=4)  # where the school is
    contact_name: str = Field(default="", max_length=200)
    contact_phone: str = Field(default="", max_length=40)
    contact_email: str = Field(default="", max_length=200)
    street_address: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=100)
    # Who gets what this unit reports when the inbox assigns by school unit.
    officer_id: int | None = Field(default=None, foreign_key="staff_user.id")


class SchoolReport(SQLModel, table=True):
    """One submitted report; `details` holds the form's kind-specific answers as JSON."""

    __tablename__ = "school_report"
    __table_args__ = (sa.Index("ix_school_report_status_submitted", "status", "submitted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=40, unique=True)
    kind: str = Field(max_length=20, index=True)
    school_unit_id: int = Field(foreign_key="school_unit.id", index=True)
    submitted_by: int | None = Field(default=None, foreign_key="staff_user.id")
    submitted_by_name: str = Field(default="", max_length=200)
    submitted_at: datetime = Field(default_factory=utcnow)
    contact_name: str = Field(default="", max_length=200)
    contact_phone: str = Field(default="", max_length=40)
    contact_email: str = Field(default="", max_length=200)
    details: str = Field(default="{}", sa_type=sa.Text)
    status: str = Field(default="mottagen", max_length=20)
    status_changed_at: datetime = Field(default_factory=utcnow)
    answer: str = Field(default="", max_length=1000)
    answered_at: datetime | None = None
    handled_by: int | None = Field(default=None, foreign_key="staff_user.id")
    # The receipt as first issued: later downloads return exactly these bytes.
    receipt_document_id: int | None = Field(default=None, foreign_key="generated_document.id")


class SchoolReportStudent(SQLModel, table=True):
    """A student a report is about (one, or many on a studiebevis list) and how KAA placed them."""

    __tablename__ = "school_report_student"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="school_report.id", index=True)
    personnummer: str = Field(max_length=12, index=True)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    birth_date: date
    programme: str = Field(default="", max_length=200)
    contact: str = Field(default="{}", sa_type=sa.Text)  # student's and guardians' contact details
    youth_id: int | None = Field(default=None, foreign_key="youth.id", index=True)
    home_municipality: str = Field(default="", max_length=4)  # "" = this municipality
    forward_note: str = Field(default="", max_length=500)


class ReportDraft(SQLModel, table=True):
    """What a school user has typed into a form, kept server-side so a timeout loses nothing."""

    __tablename__ = "report_draft"
    __table_args__ = (sa.UniqueConstraint("staff_id", "form", name="uq_report_draft_staff_form"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff_user.id", index=True)
    form: str = Field(max_length=20)
    data: str = Field(default="{}", sa_type=sa.Text)
    updated_at: datetime = Field(default_factory=utcnow)


ASSIGNMENT_RULES = {
    "inkorg": "Allt till handläggaren som har hand om inkorgen",
    "skolenhet": "Efter skolenhet",
    "kommundel": "Efter kommundel",
}


class InboxAssignment(SQLModel, table=True):
    """The admin's rule for who becomes responsible for what arrives in the inbox: one row (id 1).

    "skolenhet" and "kommundel" use the unit's or the district's officer; the inbox officer takes
    everything the rule leaves without one (and everything under "inkorg")."""

    __tablename__ = "inbox_assignment"

    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(default="inkorg", max_length=20)
    inbox_officer_id: int | None = Field(default=None, foreign_key="staff_user.id")
    updated_by: int | None = Field(default=None, foreign_key="staff_user.id")
    updated_at: datetime = Field(default_factory=utcnow)


class FormHelpText(SQLModel, table=True):
    """An admin's wording of a form field's help text, replacing the default in code."""

    __tablename__ = "form_help_text"
    __table_args__ = (sa.UniqueConstraint("form", "field", name="uq_form_help_text_form_field"),)

    id: int | None = Field(default=None, primary_key=True)
    form: str = Field(max_length=20)
    field: str = Field(max_length=50)
    text: str = Field(max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow)
