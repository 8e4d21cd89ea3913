"""Outreach: recording contacts, each person's stored next step on the ladder, what is due (the
worklist), letters in bulk; one module each. The names other features use are named here."""

from kaa_web.services.outreach.contacts import LETTER_KINDS, ContactData, describe, record_contact
from kaa_web.services.outreach.due import due_summary, worklist
from kaa_web.services.outreach.letters import (
    due_letter_ids,
    mark_letters_sent,
    record_letters_sent,
)
from kaa_web.services.outreach.next_step import refresh_all, refresh_next_step, rules

__all__ = [
    "LETTER_KINDS",
    "ContactData",
    "describe",
    "due_letter_ids",
    "due_summary",
    "mark_letters_sent",
    "record_contact",
    "record_letters_sent",
    "refresh_all",
    "refresh_next_step",
    "rules",
    "worklist",
]
