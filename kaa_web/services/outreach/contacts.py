"""Recording a contact attempt or action on a young person, and how one reads on the timeline."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date

from sqlmodel import Session

from kaa_web import audit
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from kaa_web.models.register import (
    ACTIONS,
    CHANNELS,
    OCCUPATIONS,
    OUTCOMES,
    STUDY_KINDS,
    ContactAttempt,
    Youth,
)
from kaa_web.permissions import Actor
from kaa_web.rules import outreach as ladder
from kaa_web.services.errors import Invalid
from kaa_web.services.outreach.next_step import refresh_next_step

LETTER_KINDS = ("brev", "vykort", "besoksvykort", "brev_20")


def kind_label(kind: str) -> str:
    return CHANNELS.get(kind) or ACTIONS.get(kind) or kind


def describe(contact: ContactAttempt) -> str:
    """A contact as one line of the timeline, e.g. 'Telefon – nådd (studier: Komvux)' or
    'Brev skickat till vårdnadshavarna'."""
    text = kind_label(contact.kind)
    if contact.kind in LETTER_KINDS and not text.endswith(" skickat"):
        text += " skickat"
    if contact.kind in LETTER_KINDS and contact.to_guardians:
        text += " till vårdnadshavarna"
    if contact.outcome:
        text += " – " + OUTCOMES[contact.outcome].lower()
    if contact.occupation:
        occupation = OCCUPATIONS[contact.occupation].lower()
        if contact.study_kind:
            occupation += ": " + STUDY_KINDS[contact.study_kind]
        text += f" ({occupation})"
    if contact.planned_visit:
        text += (
            f", hembesök planerat {contact.planned_visit.isoformat()} {contact.planned_time or ''}"
        )
    return text.strip()


@dataclass
class ContactData:
    kind: str
    on: date
    outcome: str | None = None
    occupation: str | None = None
    study_kind: str | None = None
    study_end: date | None = None
    planned_visit: date | None = None
    planned_time: str | None = None
    second_staff_id: int | None = None
    note: str = ""


def _only_for_kind(data: ContactData) -> ContactData:
    keep = ladder.contact_fields(data.kind, data.outcome, data.occupation)
    return replace(data, **{f.name: None for f in fields(data) if f.name not in keep})


def _validate_contact(db: Session, actor: Actor, data: ContactData, today: date) -> None:
    errors: dict[str, str] = {}
    if data.kind not in CHANNELS and data.kind not in ACTIONS:
        errors["kind"] = "Välj vilken sorts kontakt det var."
    if data.on > today:
        errors["on"] = "Datumet kan inte ligga i framtiden."
    if data.kind in CHANNELS and data.kind not in LETTER_KINDS and not data.outcome:
        errors["outcome"] = "Ange hur kontakten gick."
    if data.outcome == "nadd" and not data.occupation:
        errors["occupation"] = "Ange vad ungdomen gör nu (sysselsättning)."
    if data.occupation == "studier" and not data.study_kind:
        errors["study_kind"] = "Ange vilken sorts studier."
    if data.kind == "besoksvykort" and not (data.planned_visit and data.planned_time):
        errors["planned_visit"] = "Ange datum och tid för det aviserade hembesöket."
    if data.kind == "hembesok":
        second = db.get(StaffUser, data.second_staff_id) if data.second_staff_id else None
        if second is None or second.id == actor.staff_id:
            errors["second_staff_id"] = "Ett hembesök görs alltid av två personer. Ange den andra."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)


def record_contact(
    db: Session, *, actor: Actor, youth: Youth, data: ContactData, today: date | None = None
) -> ContactAttempt:
    """Record one contact attempt or action on a person the caller has already fetched.

    Only the parts that apply to its kind are kept (ladder.contact_fields): a visit date
    typed before the kind was changed to an sms is not stored.
    """
    today = today or local_today()
    data = _only_for_kind(data)
    _validate_contact(db, actor, data, today)
    contact = ContactAttempt(
        youth_id=youth.id,
        kind=data.kind,
        on=data.on,
        outcome=data.outcome,
        occupation=data.occupation,
        study_kind=data.study_kind,
        study_end=data.study_end,
        planned_visit=data.planned_visit,
        planned_time=data.planned_time,
        to_guardians=data.kind in LETTER_KINDS
        and ladder.letter_to_guardians(youth.birth_date, data.on),
        note=data.note.strip()[:500],
        staff_id=actor.staff_id,
        second_staff_id=data.second_staff_id,
    )
    db.add(contact)
    _update_latest(youth, contact)
    db.flush()
    refresh_next_step(db, youth, today)
    audit.record(
        db, actor, "create", object_type="contact_attempt", object_id=contact.id, youth_id=youth.id
    )
    return contact


def _update_latest(youth: Youth, contact: ContactAttempt) -> None:
    if contact.kind in CHANNELS and (youth.last_contact_on or date.min) <= contact.on:
        youth.last_contact_on = contact.on
    if contact.outcome == "nadd":
        youth.reached_on = max(youth.reached_on or date.min, contact.on)
        youth.occupation = contact.occupation
        youth.study_kind = contact.study_kind
