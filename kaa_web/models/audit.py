"""The append-only audit log: who did what to which object, when and from where."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow

# Every code the log may hold, with the words the audit log page shows for it: audit.record()
# refuses a code that is not here, so the page never shows a raw code.
AUDIT_ACTIONS = {
    "login": "Inloggning",
    "login_failed": "Misslyckad inloggning",
    "logout": "Utloggning",
    "view": "Visning",
    "search": "Sökning",
    "create": "Skapande",
    "update": "Ändring",
    "delete": "Borttagning",
    "export": "Export",
    "document_generated": "Dokument skapat",
    "denied": "Nekad åtkomst",
    "protection_set": "Skyddade personuppgifter satta",  # on a person
    "protection_cleared": "Skyddade personuppgifter borttagna",
    "anonymised": "Gallring",
}
AUDIT_OBJECTS = {
    "": "–",
    "action_plan": "Handlingsplan",
    "action_plan_comment": "Kommentar till handlingsplanen",
    "action_plan_goal": "Mål i handlingsplanen",
    "action_plan_review": "Uppföljning av handlingsplanen",
    "action_plan_text": "Avsnitt i handlingsplanen",
    "action_plan_document": "Dokument av handlingsplanen",
    "action_plan_review_share": "Delad uppföljning av handlingsplanen",
    "action_point": "Åtgärdspunkt",
    "agenda_item": "Punkt på dagordningen",
    "attendance": "Närvaro",
    "access_log": "Läslogg för dataskyddsombudet",
    "audit_flag": "Flagga i behörighetsuppföljningen",
    "audit_log": "Granskningsloggen",
    "audit_review": "Behörighetsuppföljningen",
    "concern_report": "Orosanmälan",
    "consent": "Samtycke",
    "contact_attempt": "Kontakt",
    "decision": "Beslut",
    "declined_offer": "Avböjt erbjudande",
    "district": "Kommundel",
    "document_template": "Dokumentmall",
    "form_help_text": "Hjälptext",
    "generated_document": "Dokument",
    "group_member": "Gruppdeltagare",
    "import_batch": "Registerimport",
    "inbox_assignment": "Fördelning av nya ärenden",
    "letterhead": "Brevhuvud",
    "mailout_job": "Utskick",
    "mapping": "Kartläggning",
    "measure": "Insats i katalogen",
    "meeting": "Möte",
    "meeting_group": "Samverkansgrupp",
    "minutes_addendum": "Tillägg till protokoll",
    "monthly_report": "Månadsrapport",
    "plan": "Individuell plan",
    "plan_measure": "Insats i planen",
    "referral": "Uppdrag",
    "register_extract": "Registerutdrag",
    "retention_run": "Gallringskörning",
    "scb_check": "Kontroll före SCB-filen",
    "scb_export": "SCB-fil",
    "scb_mapping": "Mappning för SCB-filen",
    "school_report": "Skolanmälan",
    "school_report_student": "Elev i skolanmälan",
    "school_unit": "Skolenhet",
    "session": "Inloggad session",
    "standing_item": "Stående punkt",
    "statistics": "Statistik",
    "statistics_people": "Ungdomarna bakom en siffra i statistiken",
    "statistics_report": "Nämndrapport",
    "statistics_report_job": "Nämndrapport som skapas i bakgrunden",
    "task": "Uppgift på att göra-listan",
    "worklist": "Att göra-listan",
    "youth": "Ungdom",
    "youth_list": "Registerlistan",
}
AUDIT_OUTCOMES = {
    "ok": "Genomförd",
    "not_found_or_denied": "Finns inte eller saknar behörighet",
    "roles_removed": "Behörigheten har tagits bort",
    "invalid": "Fel användarnamn eller lösenord",
    "rate_limited": "För många försök",
    "no_role": "Saknar roll i KAA",
}


class AuditEvent(SQLModel, table=True):
    """One recorded access or change; holds identifiers only, never names or free text."""

    __tablename__ = "audit_event"
    # The log review searches one person's or one member of staff's events within a period,
    # newest first: both read an index range, whatever the log's size (bench/audit.py). It
    # counts an export's people by its request: the per-person rows of exports only.
    __table_args__ = (
        sa.Index("ix_audit_event_youth_at", "youth_id", "at"),
        sa.Index(
            "ix_audit_event_export_request",
            "request_id",
            postgresql_where=sa.text("action = 'export' AND youth_id IS NOT NULL"),
            sqlite_where=sa.text("action = 'export' AND youth_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    username: str = Field(default="", max_length=100)  # searched folded: the index below
    role: str = Field(default="", max_length=200)
    action: str = Field(max_length=30)
    object_type: str = Field(default="", max_length=50)
    object_id: str = Field(default="", max_length=64)
    youth_id: int | None = None  # ix_audit_event_youth_at
    client_address: str = Field(default="", max_length=64)
    request_id: str = Field(default="", max_length=64)
    outcome: str = Field(default="ok", max_length=30)


# Events are found by username whatever its case: older rows may hold a login's typed spelling.
# The username itself as the last column lets PostgreSQL count a member of staff's events from
# the index alone (an expression index needs its column stored for an index-only scan).
sa.Index(
    "ix_audit_event_username_folded_at",
    sa.func.lower(AuditEvent.username),
    AuditEvent.at,
    AuditEvent.username,
)

# What the log review flags for a second look (kaa_web.services.audit_review).
FLAG_KINDS = {
    "caseload": "Utanför egna ärenden",
    "outside_hours": "Utanför arbetstid",
    "bulk_export": "Stor export",
    "protected": "Skyddade personuppgifter",
    "role_scope": "Utanför rollens område",
}


class AuditFlagReview(SQLModel, table=True):
    """That a flagged event was looked at, by whom, and what they concluded.

    No foreign key to the event: the log's own purge deletes old events, and takes their
    reviews with them (by `event_at`), never the other way round."""

    __tablename__ = "audit_flag_review"
    __table_args__ = (sa.UniqueConstraint("event_id", "kind", name="uq_audit_flag_review"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int
    event_at: datetime = Field(index=True)
    kind: str = Field(max_length=20)  # FLAG_KINDS
    reviewed_by: int = Field(foreign_key="staff_user.id")
    reviewed_at: datetime = Field(default_factory=utcnow)
    comment: str = Field(max_length=500)


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
