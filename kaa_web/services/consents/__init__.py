"""Consents (samtycke) per young person (`consent`), orosanmälan records (`concerns`), what social
services see (`shared`), the SIP suggestion and the person page's summary (`summary`) and the
consents page's read (`page`). Named here: what views and other features call."""

from kaa_web.services.consents.concerns import (
    concern_reports,
    generate_concern_draft,
    record_orosanmalan,
)
from kaa_web.services.consents.consent import (
    ConsentData,
    ConsentRow,
    consents_of,
    covered_by_one_consent,
    parties_of,
    record_consent,
    withdraw_consent,
)
from kaa_web.services.consents.page import ConsentsPage, consents_page
from kaa_web.services.consents.shared import SharedRecord, shared_with_social_services
from kaa_web.services.consents.summary import PersonSummary, person_summary, sip_for

__all__ = [
    "ConsentData",
    "ConsentRow",
    "ConsentsPage",
    "PersonSummary",
    "SharedRecord",
    "concern_reports",
    "consents_of",
    "consents_page",
    "covered_by_one_consent",
    "generate_concern_draft",
    "parties_of",
    "person_summary",
    "record_consent",
    "record_orosanmalan",
    "shared_with_social_services",
    "sip_for",
    "withdraw_consent",
]
