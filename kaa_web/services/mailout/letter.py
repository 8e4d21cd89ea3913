"""One person's letter from their page, and the fields every letter of a mail-out is filled with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.rules import personnummer as pnr
from kaa_web.services import documents as document_service
from kaa_web.services import letter_context, outreach
from kaa_web.services.errors import Invalid
from kaa_web.services.mailout.preview import (
    YOUTH_TYPES,
    Recipient,
    guardians_of,
    load_people,
    recipients_for,
)


def letter_fields(recipient: Recipient, youth: Youth, signer: dict, on: date) -> dict:
    ungdom = {"fornamn": youth.first_name, "efternamn": youth.last_name}
    if recipient.doc_type == "brev_fore_20":
        ungdom["fyller_20"] = pnr.birthday(youth.birth_date, 20)
    return {
        "datum": on,
        "handlaggare": signer,
        "mottagare": letter_context.recipient(
            recipient.name, recipient.street, recipient.postal_code, recipient.city
        ),
        "ungdom": ungdom,
    }


@dataclass(frozen=True)
class Visit:
    """The announced home visit a visit card (besöksvykort) names."""

    on: date
    time: str  # TT:MM


def generate_letter(
    db: Session,
    *,
    actor: Actor,
    youth_id: int,
    step: str,
    on: date,
    visit: Visit | None = None,
) -> tuple[GeneratedDocument, list[str]]:
    """One person's letter, postcard, visit card or letter before 20, printed and recorded.

    To the guardians when under 18 (the household rule); never for a protected identity, whose
    address must not be printed, nor for a recipient without a usable address. Records the
    contact attempt; returns the document and the recipients left out for want of an address.
    The caller commits.
    """
    actor.need("documents.generate")
    if step not in YOUTH_TYPES:
        raise Invalid("Välj vilket brev som ska skapas.")
    if step == "besoksvykort" and not (visit and visit.on and visit.time):
        raise Invalid(
            "Ange datum och tid för hembesöket.",
            field_errors={"visit_on": "Ange datum och tid för hembesöket."},
        )
    youth = load_people(db, actor, [youth_id])[0]
    if youth.protected_identity:
        raise Invalid(
            "Ungdomen har skyddade personuppgifter. Adressen får inte skrivas ut: "
            "skicka brevet manuellt enligt kommunens rutin."
        )
    recipients, missing = recipients_for(youth, guardians_of(db, [youth.id])[youth.id], on, step)
    if not recipients:
        raise Invalid(
            f"Brevet kan inte skapas: {' och '.join(missing)} saknar fullständig adress. "
            "Lägg till adressen under Ändra uppgifter och försök igen."
        )
    signer = letter_context.signers(db, actor, [youth])[youth.id]
    contexts = [letter_fields(r, youth, signer, on) for r in recipients]
    if visit is not None:
        for context in contexts:
            context["besok"] = {"datum": visit.on, "tid": f"kl. {visit.time}"}
    document = document_service.generate_batch(
        db,
        actor=actor,
        doc_type=recipients[0].doc_type,
        contexts=contexts,
        youth_ids=[youth.id] * len(contexts),
    )
    contact = outreach.record_contact(
        db,
        actor=actor,
        youth=youth,
        data=outreach.ContactData(
            kind=step,
            on=on,
            planned_visit=visit.on if visit else None,
            planned_time=visit.time if visit else None,
        ),
    )
    contact.document_id = document.id  # the letter is this one timeline line
    db.add(contact)
    return document, missing
