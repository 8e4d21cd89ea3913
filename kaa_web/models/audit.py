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
}
AUDIT_OBJECTS = {
    "": "–",
    "action_plan": "Handlingsplan",
    "action_plan_comment": "Kommentar till handlingsplanen",
    "action_plan_goal": "Mål i handlingsplanen",
    "action_plan_review": "Uppföljning av handlingsplanen",
    "action_plan_text": "Avsnitt i handlingsplanen",
    "action_point": "Åtgärdspunkt",
    "agenda_item": "Punkt på dagordningen",
    "attendance": "Närvaro",
    "audit_log": "Granskningsloggen",
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
    "school_report": "Skolanmälan",
    "school_report_student": "Elev i skolanmälan",
    "school_unit": "Skolenhet",
    "session": "Inloggad session",
    "standing_item": "Stående punkt",
    "statistics": "Statistik",
    "statistics_people": "Ungdomarna bakom en siffra i statistiken",
    "statistics_report": "Nämndrapport",
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
