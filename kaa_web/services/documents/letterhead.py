"""The letterhead every document carries: its texts and logo, changed by the template admin."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from kaa_web import audit
from kaa_web.docx import render
from kaa_web.models.base import utcnow
from kaa_web.models.documents import Letterhead
from kaa_web.permissions import Actor
from kaa_web.services import letter_context
from kaa_web.services.errors import Invalid

MAX_LOGO_BYTES = 1024 * 1024


def logo_problem(data: bytes) -> str | None:
    """Why a logo cannot be used (Swedish), or None: PNG or JPEG by content, at most 1 MB."""
    if len(data) > MAX_LOGO_BYTES:
        return "Logotypen får vara högst 1 MB."
    if not data.startswith(render.IMAGE_SIGNATURES):
        return "Logotypen måste vara en PNG- eller JPEG-bild."
    return None


@dataclass(frozen=True)
class LetterheadChange:
    namn: str
    adress: str = ""
    telefon: str = ""
    webb: str = ""
    kaa_kontakt: str = ""
    logotyp: bytes | None = None  # a new logo; None keeps the present one
    remove_logo: bool = False


def save_letterhead(db: Session, *, actor: Actor, change: LetterheadChange) -> Letterhead:
    """Save the letterhead (creating the row the first time); Invalid for a bad logo. The caller
    commits."""
    actor.need("templates.manage")
    if change.logotyp is not None and (problem := logo_problem(change.logotyp)):
        raise Invalid(problem)
    row = db.get(Letterhead, letter_context.LETTERHEAD_ID)
    row = row or Letterhead(id=letter_context.LETTERHEAD_ID, namn=change.namn)
    row.namn, row.adress, row.telefon = change.namn, change.adress, change.telefon
    row.webb, row.kaa_kontakt = change.webb, change.kaa_kontakt
    if change.remove_logo:
        row.logotyp = None
    elif change.logotyp is not None:
        row.logotyp = change.logotyp
    row.updated_by, row.updated_at = actor.username, utcnow()
    db.add(row)
    audit.record(
        db, actor, "update", object_type="letterhead", object_id=letter_context.LETTERHEAD_ID
    )
    return row
