"""School reports: a school submits a report once (`submitting`, with `drafts` kept meanwhile) and
sees its own (`own_reports`, the receipt); KAA handles them in the inbox (`inbox`); `units` are
the school units, `help_texts` the forms' help texts, `background` what a new mapping starts
from. Named here: what views, the nightly job and other features call."""

from kaa_web.services.school_reports.background import SchoolBackground, school_background
from kaa_web.services.school_reports.drafts import (
    delete_draft,
    get_draft,
    purge_old_drafts,
    save_draft,
)
from kaa_web.services.school_reports.help_texts import (
    DEFAULT_HELP_TEXTS,
    help_texts,
    save_help_text,
)
from kaa_web.services.school_reports.inbox import (
    count_new_reports,
    get_report,
    inbox_counts,
    link_student,
    list_inbox,
    mark_other_municipality,
    register_candidates,
    register_student,
    returning_reports,
    returning_students,
    set_status,
)
from kaa_web.services.school_reports.own_reports import (
    get_own_report,
    list_school_reports,
    receipt_document,
)
from kaa_web.services.school_reports.reading import (
    report_id_of,
    report_students,
)
from kaa_web.services.school_reports.submitting import (
    ReportData,
    StudentData,
    contact_defaults,
    submit_report,
)
from kaa_web.services.school_reports.units import (
    SchoolUnitData,
    all_units,
    get_school_unit,
    my_units,
    save_school_unit,
)

__all__ = [
    "DEFAULT_HELP_TEXTS",
    "ReportData",
    "SchoolBackground",
    "SchoolUnitData",
    "StudentData",
    "all_units",
    "contact_defaults",
    "count_new_reports",
    "delete_draft",
    "get_draft",
    "get_own_report",
    "get_report",
    "get_school_unit",
    "help_texts",
    "inbox_counts",
    "link_student",
    "list_inbox",
    "list_school_reports",
    "mark_other_municipality",
    "my_units",
    "purge_old_drafts",
    "receipt_document",
    "register_candidates",
    "register_student",
    "report_id_of",
    "report_students",
    "returning_reports",
    "returning_students",
    "save_draft",
    "save_help_text",
    "save_school_unit",
    "school_background",
    "set_status",
    "submit_report",
]
