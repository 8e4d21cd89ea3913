"""Documents, the feature (the Word engine is `kaa_web.docx`): the `letterhead`, template
versions (`templates`: upload, check, switch), generating and storing documents (`generate`)
and opening a stored one (`opening`). Services never commit; a refusal is `Invalid`, a missing
type or version `NotFound`. Named here: what views and other features call."""

from kaa_web.services.documents.generate import (
    generate_action_plan_document,
    generate_batch,
    generate_document,
    generate_meeting_document,
    generate_statistics_report,
    render_internal,
    store_receipt,
)
from kaa_web.services.documents.letterhead import (
    MAX_LOGO_BYTES,
    LetterheadChange,
    save_letterhead,
)
from kaa_web.services.documents.opening import open_generated_document, youth_ids_of
from kaa_web.services.documents.templates import (
    activate_template,
    describe_document_type,
    list_document_types,
    template_file,
    upload_template,
)

__all__ = [
    "MAX_LOGO_BYTES",
    "LetterheadChange",
    "activate_template",
    "describe_document_type",
    "generate_action_plan_document",
    "generate_batch",
    "generate_document",
    "generate_meeting_document",
    "generate_statistics_report",
    "list_document_types",
    "open_generated_document",
    "render_internal",
    "save_letterhead",
    "store_receipt",
    "template_file",
    "upload_template",
    "youth_ids_of",
]
