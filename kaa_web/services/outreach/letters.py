"""Letters recorded in bulk: the worklist's "brev skickat" and a confirmed mail-out's letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.db import any_of, id_batches, insert_rows
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.register import ContactAttempt, Youth
from kaa_web.permissions import Actor
from kaa_web.rules import outreach as ladder
from kaa_web.services.access import youth_visibility
from kaa_web.services.errors import Invalid
from kaa_web.services.outreach.contacts import LETTER_KINDS
from kaa_web.services.outreach.due import due_conditions
from kaa_web.services.outreach.next_step import (
    Coverage,
    compute_next_step,
    coverage,
    plans_agreed,
    rules,
)


def mark_letters_sent(db: Session, *, actor: Actor, youth_ids: list[int], on: date) -> int:
    """Record 'brev skickat' for the selected people the caller may see; once per person and day.

    The batch path (record_letters_sent): a visit card needs a planned visit and is left out,
    and pressing the button twice records nothing the second time.
    """
    people = [
        youth
        for batch in id_batches(db, youth_ids)
        for youth in db.exec(
            select(Youth).where(any_of(db, Youth.id, batch), youth_visibility(actor))
        )
    ]
    return len(record_letters_sent(db, actor=actor, people=people, on=on))


@dataclass(frozen=True)
class SentLetter:
    """A letter contact recorded in bulk (the fields the ladder reads, without an ORM object)."""

    id: int
    youth_id: int
    kind: str
    on: date
    to_guardians: bool
    outcome: str | None = None
    occupation: str | None = None
    study_end: date | None = None
    planned_visit: date | None = None


def record_letters_sent(
    db: Session,
    *,
    actor: Actor,
    people: list[Youth],
    on: date,
    today: date | None = None,
    printed: dict[int, tuple[str, bool]] | None = None,
    documents: dict[int, int] | None = None,
) -> list[SentLetter]:
    """Record "brev skickat" (each person's due letter kind) for many people at once.

    The batch path of record_contact for a mail-out: the people's contacts are loaded in one
    query per thousand and their next steps computed in memory, never a query per person.
    People who already have a letter recorded on `on` are skipped (a second click records
    nothing). `printed` — a confirmed mail-out — gives each person's letter kind and whether it
    went to the guardians as it was printed; those are recorded whatever the next step is now,
    since the letter was posted, each linked to the document it was printed in (`documents`,
    person -> document id). The caller commits.
    """
    today = today or local_today()
    if on > today:
        raise Invalid("Datumet kan inte ligga i framtiden.")
    if printed is None:
        printed = {
            youth.id: (youth.next_step, _to_guardians(youth, on))
            for youth in people
            if youth.next_step in LETTER_KINDS
            and youth.next_step != "besoksvykort"  # needs a planned visit: one at a time
        }
    history: dict[int, list[ContactAttempt]] = {p.id: [] for p in people}
    ids, delays = list(history), rules(db)
    agreed: dict[int, date] = {}
    covers: dict[int, Coverage] = {}
    for chunk in id_batches(db, ids):
        contacts = select(ContactAttempt).where(any_of(db, ContactAttempt.youth_id, chunk))
        for contact in db.exec(contacts):
            history[contact.youth_id].append(contact)
        agreed |= plans_agreed(db, chunk)
        covers |= coverage(db, chunk)
    due = [
        youth
        for youth in people
        if youth.id in printed
        and not any(c.on == on and c.kind in LETTER_KINDS for c in history[youth.id])
    ]
    rows = [
        {
            "youth_id": youth.id,
            "kind": printed[youth.id][0],
            "on": on,
            "to_guardians": printed[youth.id][1],
            "note": "",
            "staff_id": actor.staff_id,
            "document_id": (documents or {}).get(youth.id),
            "created_at": utcnow(),
        }
        for youth in due
    ]
    if not rows:
        return []
    # pipelined on PostgreSQL: 5,000 rows through SQLAlchemy's pages of 8 took seconds
    ids = insert_rows(db, ContactAttempt.__table__, rows, return_ids=True)
    contacts = [
        SentLetter(i, row["youth_id"], row["kind"], on, row["to_guardians"])
        for i, row in zip(ids, rows, strict=True)
    ]
    db.exec(
        sa.update(Youth.__table__).where(Youth.__table__.c.id == sa.bindparam("b_id")),
        params=[
            _after_letter(
                youth,
                covers[youth.id],
                contact,
                history[youth.id],
                today,
                agreed.get(youth.id),
                delays,
            )
            for youth, contact in zip(due, contacts, strict=True)
        ],
    )
    audit.record_many(
        db,
        actor,
        "create",
        object_type="contact_attempt",
        items=[(c.id, c.youth_id) for c in contacts],
    )
    return contacts


def _to_guardians(youth: Youth, on: date) -> bool:
    return ladder.letter_to_guardians(youth.birth_date, on)


def _after_letter(
    youth: Youth,
    cover: Coverage,
    contact: SentLetter,
    history: list,
    today: date,
    plan_agreed: date | None,
    delays: ladder.LadderRules,
) -> dict:
    """The person's new stored state after a letter (kept in step in the session, too)."""
    step = compute_next_step(youth, cover, [*history, contact], today, plan_agreed, delays)
    values = {
        "last_contact_on": max(youth.last_contact_on or date.min, contact.on),
        "next_step": step.kind if step else None,
        "next_step_due": step.due if step else None,
        "updated_at": utcnow(),
    }
    for name, value in values.items():
        set_committed_value(youth, name, value)
    return {"b_id": youth.id, **values}


def due_letter_ids(db: Session, *, actor: Actor, scope: str, today: date) -> list[int]:
    """Every letter due in a worklist view, not only the rows shown (a mail-out's "select all")."""
    where = [*due_conditions(actor, scope, today), Youth.next_step.in_(LETTER_KINDS)]
    return list(db.exec(select(Youth.id).where(*where).order_by(Youth.next_step_due, Youth.id)))
