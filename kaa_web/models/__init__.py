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
from kaa_web.models.school_reports import SchoolUnit

__all__ = [
    "ActiveDocumentTemplate",
    "AuditEvent",
    "DocumentTemplateVersion",
    "GeneratedDocument",
    "GeneratedDocumentYouth",
    "Letterhead",
    "LoginFailure",
    "SchoolUnit",
    "StaffUser",
    "WebSession",
]
