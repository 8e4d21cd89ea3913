"""One person in the register: who sees whom, the Youth row for a number, guardians, timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from kaa_web.models.auth import StaffUser
from kaa_web.models.base import LOCAL_TZ
from kaa_web.models.register import ContactAttempt, District, Guardian, TimelineEntry, Youth
from kaa_web.permissions import Actor
from kaa_web.rules import personnummer as pnr
from kaa_web.services import meetings, outreach


def name_key(text: str) -> str:
    """Names as searched: case-folded, single spaces (within the key column's 200 characters:
    case-folding can make a name longer)."""
    return " ".join(text.casefold().split())[:200]


def new_youth(number: pnr.Personnummer, first_name: str, last_name: str, **fields) -> Youth:
    """A Youth row for a parsed number: birth date, gender and the search keys filled in."""
    return Youth(
        personnummer=number.canonical,
        birth_date=number.birth_date,
        gender=fields.pop("gender", None) or number.gender,
        first_name=first_name,
        last_name=last_name,
        first_name_key=name_key(first_name),
        last_name_key=name_key(last_name),
        **fields,
    )


def districts(db: Session, *, include_inactive: bool = False) -> list[District]:
    query = select(District).order_by(District.name)
    if not include_inactive:
        query = query.where(District.active)
    return list(db.exec(query).all())


def guardians_of(db: Session, youth_id: int) -> list[Guardian]:
    return list(
        db.exec(select(Guardian).where(Guardian.youth_id == youth_id).order_by(Guardian.id)).all()
    )


@dataclass(frozen=True)
class TimelineItem:
    on: date
    at_text: str
    title: str
    by: str
    kind: str
    ref_type: str = ""
    ref_id: int | None = None
    text: str = ""  # the note typed with a contact, or the decision's own words
    text_withheld: bool = False  # a decision whose text this viewer may not read


def person_timeline(db: Session, *, actor: Actor, youth: Youth) -> list[TimelineItem]:
    """Contacts with their notes and recorded events, newest first, each with who did it; a
    meeting decision carries its text when the viewer may read it (meetings.decision_texts)."""
    names = dict(db.exec(select(StaffUser.id, StaffUser.display_name)).all())
    entries = list(db.exec(select(TimelineEntry).where(TimelineEntry.youth_id == youth.id)))
    decisions = [e.ref_id for e in entries if e.ref_type == "decision" and e.ref_id]
    texts = meetings.decision_texts(db, actor=actor, youth=youth, decision_ids=decisions)
    items = [
        TimelineItem(
            e.at.astimezone(LOCAL_TZ).date(),
            e.at.isoformat(),
            e.title,
            names.get(e.staff_id, "Systemet"),
            e.kind,
            e.ref_type,
            e.ref_id,
            text=texts.get(e.ref_id, "") if e.ref_type == "decision" else "",
            text_withheld=e.ref_type == "decision" and e.ref_id not in texts,
        )
        for e in entries
    ]
    for c in db.exec(select(ContactAttempt).where(ContactAttempt.youth_id == youth.id)):
        by = names.get(c.staff_id, "Systemet")
        if c.second_staff_id:
            by += " och " + names.get(c.second_staff_id, "")
        items.append(
            TimelineItem(
                c.on,
                c.created_at.isoformat(),
                outreach.describe(c),
                by,
                "kontakt",
                "generated_document" if c.document_id else "",  # the letter as printed
                c.document_id,
                text=c.note,
            )
        )
    return sorted(items, key=lambda i: (i.on, i.at_text), reverse=True)
