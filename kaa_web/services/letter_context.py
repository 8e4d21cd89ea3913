"""What a letter says about its people, one way for every feature: the letterhead (`kommun`),
who sends or signs it (`handlaggare`), the recipient (`mottagare`) and the young person
(`ungdom`), as the plain data the Word engine takes (kaa_web.docx.types lists the variables)."""

from __future__ import annotations

from sqlmodel import Session, select

from kaa_web.db import any_of, id_batches
from kaa_web.models.auth import StaffUser
from kaa_web.models.documents import Letterhead
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.rules import personnummer as pnr

LETTERHEAD_ID = 1
DEFAULT_LETTERHEAD = {
    "namn": "Exempelkommun",
    "adress": "Box 1, 123 45 Exempelstad",
    "telefon": "010-123 45 00",
    "webb": "www.exempelkommun.se",
    "kaa_kontakt": "KAA-teamet, 010-123 45 67, kaa@exempelkommun.se",
}


def get_letterhead(db: Session) -> Letterhead:
    """The saved letterhead, or an unsaved one with the default values."""
    return db.get(Letterhead, LETTERHEAD_ID) or Letterhead(id=LETTERHEAD_ID, **DEFAULT_LETTERHEAD)


def ensure_letterhead(db: Session) -> None:
    """Store the default letterhead if none is saved (the demo; idempotent)."""
    if db.get(Letterhead, LETTERHEAD_ID) is None:
        db.add(Letterhead(id=LETTERHEAD_ID, updated_by="system", **DEFAULT_LETTERHEAD))


def letterhead(db: Session) -> dict:
    """The `kommun` values every template gets."""
    row = get_letterhead(db)
    return {
        "namn": row.namn,
        "logotyp": row.logotyp,
        "adress": row.adress,
        "telefon": row.telefon,
        "webb": row.webb,
        "kaa_kontakt": row.kaa_kontakt,
    }


def _staff(staff: StaffUser | None, kommun: dict) -> dict:
    """A member of staff as `handlaggare`: name, own phone and e-mail; the municipality's name
    and switchboard where there is no one (or no phone) to give."""
    return {
        "namn": staff.display_name if staff else kommun["namn"],
        "telefon": (staff.phone if staff else "") or kommun["telefon"],
        "epost": staff.email if staff else "",
    }


def sender(db: Session, actor: Actor) -> dict:
    """The `handlaggare` of a document one member of staff produces: that person."""
    staff = db.get(StaffUser, actor.staff_id) if actor.staff_id else None
    return _staff(staff, letterhead(db))


def signers(db: Session, actor: Actor, people: list[Youth]) -> dict[int, dict]:
    """The `handlaggare` of each person's letter in a mail-out: their responsible officer, or
    the sender if they have none (or theirs has left)."""
    kommun = letterhead(db)
    officer_ids = {p.officer_id for p in people if p.officer_id} | {actor.staff_id or 0}
    staff: dict[int, StaffUser] = {}
    for chunk in id_batches(db, sorted(officer_ids)):
        active = select(StaffUser).where(any_of(db, StaffUser.id, chunk), StaffUser.active)
        for s in db.exec(active):
            staff[s.id] = s

    def signer(staff_id: int | None) -> dict:
        return _staff(staff.get(staff_id or 0), kommun)

    sent_by = signer(actor.staff_id)
    return {p.id: signer(p.officer_id) if p.officer_id in staff else sent_by for p in people}


def recipient(name: str, street: str = "", postal_code: str = "", city: str = "") -> dict:
    """The `mottagare`: a name, and the address where the letter is posted (if it is)."""
    return {"namn": name, "utdelningsadress": street, "postnummer": postal_code, "postort": city}


def young_person(youth: Youth) -> dict:
    """The `ungdom` of a document, without address (add it where the type has one)."""
    return {
        "fornamn": youth.first_name,
        "efternamn": youth.last_name,
        "personnummer": pnr.display(youth.personnummer),
        "telefon": youth.phone,
        "epost": youth.email,
    }
