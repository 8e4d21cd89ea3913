"""All tables; importing this package registers every model on SQLModel.metadata."""

from kaa_web.models.action_plan import (
    ActionPlanComment,
    ActionPlanGoal,
    ActionPlanReview,
    ActionPlanText,
    ActionPlanVersion,
)
from kaa_web.models.audit import AuditEvent, AuditFlagReview, AuditPolicy
from kaa_web.models.auth import LoginThrottle, StaffUser, WebSession
from kaa_web.models.catalogue import Measure
from kaa_web.models.documents import (
    ActiveDocumentTemplate,
    DocumentTemplateVersion,
    GeneratedDocument,
    GeneratedDocumentYouth,
    Letterhead,
)
from kaa_web.models.mailout import MailoutJob, MailoutPerson
from kaa_web.models.meetings import (
    ActionPoint,
    AgendaItem,
    Attendance,
    Decision,
    GroupMember,
    Meeting,
    MeetingGroup,
    MinutesAddendum,
    StandingItem,
)
from kaa_web.models.plans import (
    ConcernReport,
    Consent,
    DeclinedOffer,
    Mapping,
    MappingRevision,
    MonthlyReport,
    Plan,
    PlanMeasure,
    PlanRevision,
    Referral,
)
from kaa_web.models.register import (
    ContactAttempt,
    District,
    Guardian,
    ImportBatch,
    RegistrationPeriod,
    SavedView,
    TimelineEntry,
    Youth,
)
from kaa_web.models.retention import RetentionMark, RetentionRun
from kaa_web.models.scb import ScbExport, ScbMapping
from kaa_web.models.school_reports import (
    FormHelpText,
    InboxAssignment,
    ReportDraft,
    SchoolReport,
    SchoolReportStudent,
    SchoolUnit,
)
from kaa_web.models.statistics import NamndReport
from kaa_web.models.submissions import FormSubmission
from kaa_web.models.tasks import Task

__all__ = [
    "ActionPlanComment",
    "ActionPlanGoal",
    "ActionPlanReview",
    "ActionPlanText",
    "ActionPlanVersion",
    "NamndReport",
    "StandingItem",
    "MinutesAddendum",
    "MeetingGroup",
    "Meeting",
    "GroupMember",
    "Decision",
    "Attendance",
    "AgendaItem",
    "ActionPoint",
    "ActiveDocumentTemplate",
    "AuditEvent",
    "AuditFlagReview",
    "AuditPolicy",
    "ConcernReport",
    "Consent",
    "ContactAttempt",
    "DeclinedOffer",
    "District",
    "DocumentTemplateVersion",
    "FormHelpText",
    "FormSubmission",
    "GeneratedDocument",
    "GeneratedDocumentYouth",
    "Guardian",
    "RegistrationPeriod",
    "ImportBatch",
    "InboxAssignment",
    "Letterhead",
    "LoginThrottle",
    "MailoutJob",
    "MailoutPerson",
    "Mapping",
    "MappingRevision",
    "Measure",
    "MonthlyReport",
    "Plan",
    "PlanMeasure",
    "PlanRevision",
    "Referral",
    "ReportDraft",
    "RetentionMark",
    "RetentionRun",
    "SavedView",
    "ScbExport",
    "ScbMapping",
    "SchoolReport",
    "SchoolReportStudent",
    "SchoolUnit",
    "StaffUser",
    "Task",
    "TimelineEntry",
    "WebSession",
    "Youth",
]
