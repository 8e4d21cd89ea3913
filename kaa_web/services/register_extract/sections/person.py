"""The extract's sections on the person: their details, guardians, periods and contacts."""

from __future__ import annotations

from sqlmodel import select

from kaa_web.models.register import (
    ACTIONS,
    CHANNELS,
    DEREGISTRATION_REASONS,
    GENDERS,
    OCCUPATIONS,
    OUTCOMES,
    REGISTRATION_REASONS,
    REGISTRATION_SOURCES,
    STATUSES,
    STUDY_KINDS,
    ContactAttempt,
    District,
    Guardian,
    RegistrationPeriod,
)
from kaa_web.rules import personnummer as pnr
from kaa_web.rules.outreach import STEP_LABELS
from kaa_web.services.register_extract.sections.reader import Reader
from kaa_web.services.register_extract.sections.shown import (
    WITHHELD,
    joined,
    labelled,
    section,
    shown,
)


def person(extract: Reader) -> dict:
    y = extract.youth
    district = extract.db.get(District, y.district_id) if y.district_id else None
    address = (
        WITHHELD
        if y.protected_identity
        else joined(y.street_address, f"{y.postal_code} {y.city}".strip())
    )
    return section(
        "Personuppgifter",
        labelled(
            [
                ("Namn", y.full_name),
                ("Personnummer", pnr.display(y.personnummer)),
                ("Födelsedatum", y.birth_date),
                ("Kön", GENDERS.get(y.gender, y.gender)),
                ("Adress", address),
                ("Telefon", y.phone),
                ("E-post", y.email),
                ("Skyddade personuppgifter", y.protected_identity),
                ("Kommundel", district.name if district else ""),
                ("Handläggare", extract.staff.get(y.officer_id, "")),
                ("Status", STATUSES.get(y.status, y.status)),
                ("Sysselsättning", OCCUPATIONS.get(y.occupation, y.occupation)),
                ("Studier", STUDY_KINDS.get(y.study_kind or "", "")),
                ("Senaste kontakt", y.last_contact_on),
                ("Nådd", y.reached_on),
                (
                    "Nästa steg",
                    joined(STEP_LABELS.get(y.next_step or "", ""), y.next_step_due),
                ),
            ]
        ),
    )


def guardians(extract: Reader) -> dict:
    rows = []
    for g in extract.all(select(Guardian).where(Guardian.youth_id == extract.youth.id)):
        address = (
            WITHHELD
            if extract.youth.protected_identity
            else joined(g.street_address, f"{g.postal_code} {g.city}".strip())
        )
        rows.append({"falt": g.name, "varde": joined(address, g.phone)})
    return section("Vårdnadshavare", rows)


def periods(extract: Reader) -> dict:
    periods = extract.all(
        select(RegistrationPeriod)
        .where(RegistrationPeriod.youth_id == extract.youth.id)
        .order_by(RegistrationPeriod.registered_on)
    )
    rows = []
    for p in periods:
        ended = (
            joined(
                f"avregistrerad {p.deregistered_on}",
                DEREGISTRATION_REASONS.get(p.deregistration_reason or "", ""),
                OCCUPATIONS.get(p.deregistration_result or "", ""),
            )
            if p.deregistered_on
            else "pågår"
        )
        reason = REGISTRATION_REASONS.get(p.registration_reason, p.registration_reason)
        source = REGISTRATION_SOURCES.get(p.registration_source, p.registration_source)
        rows.append({"falt": shown(p.registered_on), "varde": joined(reason, source, ended)})
    return section("Registreringsperioder", rows)


def contacts(extract: Reader) -> dict:
    contacts = extract.all(
        select(ContactAttempt)
        .where(ContactAttempt.youth_id == extract.youth.id)
        .order_by(ContactAttempt.on, ContactAttempt.id)
    )
    rows = []
    for c in contacts:
        kind = CHANNELS.get(c.kind) or ACTIONS.get(c.kind, c.kind)
        rows.append(
            {
                "falt": shown(c.on),
                "varde": joined(
                    kind,
                    OUTCOMES.get(c.outcome or "", ""),
                    OCCUPATIONS.get(c.occupation or "", ""),
                    "till vårdnadshavarna" if c.to_guardians else "",
                    c.note,
                    extract.staff.get(c.staff_id, ""),
                ),
            }
        )
    return section("Kontakter och åtgärder", rows)
