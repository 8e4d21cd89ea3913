"""All tables; importing this package registers every model on SQLModel.metadata."""

from kaa_web.models.audit import AuditEvent
from kaa_web.models.auth import LoginFailure, StaffUser, WebSession
from kaa_web.models.documents import (
    ActiveDocumentTemplate,
    DocumentTemplateVersion,
    GeneratedDocument,
    GeneratedDocumentYouth,
    Letterhead,
)
from kaa_web.models.mailout import MailoutJob
from kaa_web.models.register import (
    ContactAttempt,
    District,
    Guardian,
    ImportBatch,
    SavedView,
    TimelineEntry,
    Youth,
)
from kaa_web.models.school_reports import SchoolUnit

__all__ = [
    "ActiveDocumentTemplate",
    "AuditEvent",
    "ContactAttempt",
    "District",
    "DocumentTemplateVersion",
    "GeneratedDocument",
    "GeneratedDocumentYouth",
    "Guardian",
    "ImportBatch",
    "Letterhead",
    "LoginFailure",
    "MailoutJob",
    "SavedView",
    "SchoolUnit",
    "StaffUser",
    "TimelineEntry",
    "WebSession",
    "Youth",
]
