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
    consents_of,
    covered_by_one_consent,
    parties_of,
    record_consent,
    withdraw_consent,
)
from kaa_web.services.consents.page import consents_page
from kaa_web.services.consents.shared import shared_with_social_services
from kaa_web.services.consents.summary import person_summary, sip_for

__all__ = [
    "ConsentData",
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
