"""The outreach ladder's rules, no Flask and no database: the kinds of contact and the steps'
labels (`kinds`), and the single next step from a person's history (`ladder`)."""

from kaa_web.rules.outreach.kinds import STEP_LABELS, contact_fields
from kaa_web.rules.outreach.ladder import (
    DEFAULT_RULES,
    Event,
    LadderRules,
    NextStep,
    PersonFacts,
    letter_to_guardians,
    next_step,
)

__all__ = [
    "DEFAULT_RULES",
    "STEP_LABELS",
    "Event",
    "LadderRules",
    "NextStep",
    "PersonFacts",
    "contact_fields",
    "letter_to_guardians",
    "next_step",
]
