"""A young person's consents (samtycke): recording and withdrawing one, which are in force and
whom they cover."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.db import any_of, id_batches
from kaa_web.models.base import local_today
from kaa_web.models.plans import CONSENT_FORMS, CONSENT_GIVERS, CONSENT_PARTIES, Consent
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.rules import personnummer as pnr
from kaa_web.services import timeline
from kaa_web.services.errors import Invalid, NotFound
from kaa_web.services.staff import staff_names

# Which consent column covers which party.
_PARTY_COLUMNS = {
    "socialtjansten": "social_services",
    "arbetsformedlingen": "arbetsformedlingen",
    "forsakringskassan": "forsakringskassan",
    "regionen": "regionen",
}


@dataclass
class ConsentData:
    given_by: str
    parties: frozenset[str]
    purpose: str
    given_on: date
    form: str
    guardian_name: str = ""
    school_name: str = ""
    expires_on: date | None = None


def _is_active(consent: Consent, today: date) -> bool:
    """In force: given, not withdrawn and not expired."""
    return (
        consent.given_on <= today
        and consent.withdrawn_on is None
        and (consent.expires_on is None or consent.expires_on >= today)
    )


def _in_force(on: date):
    """A SQL condition on Consent: given, not withdrawn and not expired on `on` (_is_active)."""
    return sa.and_(
        Consent.given_on <= on,
        Consent.withdrawn_on.is_(None),
        sa.or_(Consent.expires_on.is_(None), Consent.expires_on >= on),
    )


def covered_by_one_consent(
    db: Session, youth_ids, *, parties: Iterable[str], schools: Iterable[str] = (), on: date
) -> set[int]:
    """The people among `youth_ids` (ids, or a SELECT of ids) for whom ONE consent in force on
    `on` covers every party in `parties` (codes of CONSENT_PARTIES but "skola") and every school
    named in `schools` (as typed, ignoring case and surrounding space).

    Consents given separately (say, one for Arbetsförmedlingen, one for social services) were
    given for other purposes and do not add up to a consent to share with both.
    """
    wanted = {name.strip().casefold() for name in schools}
    if "" in wanted or len(wanted) > 1:  # a consent names one school, and names it
        return set()
    condition = sa.and_(_in_force(on), *(getattr(Consent, _PARTY_COLUMNS[p]) for p in parties))
    if isinstance(youth_ids, sa.Select):
        batches = [Consent.youth_id.in_(youth_ids)]
    else:
        batches = [any_of(db, Consent.youth_id, b) for b in id_batches(db, youth_ids)]
    covered = set()
    for batch in batches:
        rows = db.exec(select(Consent.youth_id, Consent.school_name).where(batch, condition))
        covered |= {y for y, school in rows if not wanted or {school.strip().casefold()} == wanted}
    return covered


def parties_of(consent: Consent) -> list[str]:
    """The parties (Swedish labels) a consent allows sharing with."""
    labels = [CONSENT_PARTIES[p] for p, col in _PARTY_COLUMNS.items() if getattr(consent, col)]
    if consent.school_name:
        labels.append(consent.school_name)
    return labels


def _giver_errors(youth: Youth, data: ConsentData) -> dict[str, str]:
    """The young person consents from 18; below that a named guardian does."""
    adult = pnr.age_on(youth.birth_date, data.given_on) >= 18
    if data.given_by not in CONSENT_GIVERS:
        return {"given_by": "Ange vem som gav samtycket."}
    if adult and data.given_by != "ungdomen":
        return {"given_by": "Ungdomen är 18 år eller äldre och ger själv sitt samtycke."}
    if not adult and data.given_by != "vardnadshavare":
        return {"given_by": "Ungdomen är under 18 år: samtycket ges av vårdnadshavare."}
    if data.given_by == "vardnadshavare" and not data.guardian_name.strip():
        return {"guardian_name": "Ange vilken vårdnadshavare som gav samtycket."}
    return {}


def _validate(youth: Youth, data: ConsentData, today: date) -> None:
    errors = _giver_errors(youth, data)
    if not data.parties or not set(data.parties) <= set(CONSENT_PARTIES):
        errors["parties"] = "Välj vem uppgifterna får lämnas till."
    if "skola" in data.parties and not data.school_name.strip():
        errors["school_name"] = "Ange vilken skola."
    if not data.purpose.strip():
        errors["purpose"] = "Ange syftet med samtycket."
    if data.form not in CONSENT_FORMS:
        errors["form"] = "Ange om samtycket är skriftligt eller muntligt."
    if data.given_on > today:
        errors["given_on"] = "Datumet kan inte ligga i framtiden."
    if data.expires_on and data.expires_on <= data.given_on:
        errors["expires_on"] = "Samtycket måste gälla efter det datum det gavs."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)


def record_consent(
    db: Session, *, actor: Actor, youth: Youth, data: ConsentData, today: date | None = None
) -> Consent:
    """Record a consent with its scope, purpose, form and expiry."""
    _validate(youth, data, today or local_today())
    consent = Consent(
        youth_id=youth.id,
        given_by=data.given_by,
        guardian_name=data.guardian_name.strip()[:200] if data.given_by != "ungdomen" else "",
        school_name=data.school_name.strip()[:200] if "skola" in data.parties else "",
        purpose=data.purpose.strip()[:500],
        given_on=data.given_on,
        form=data.form,
        recorded_by=actor.staff_id,
        expires_on=data.expires_on,
        **{col: party in data.parties for party, col in _PARTY_COLUMNS.items()},
    )
    db.add(consent)
    db.flush()
    until = f", gäller till {data.expires_on.isoformat()}" if data.expires_on else ""
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="samtycke",
        title=f"Samtycke ({CONSENT_FORMS[data.form].lower()}) att lämna uppgifter till "
        f"{', '.join(parties_of(consent))}{until}",
        ref_type="consent",
        ref_id=consent.id,
    )
    audit.record(
        db, actor, "create", object_type="consent", object_id=consent.id, youth_id=youth.id
    )
    return consent


def withdraw_consent(
    db: Session, *, actor: Actor, youth: Youth, consent_id: int, on: date | None = None
) -> Consent:
    """The consent is withdrawn: access that depended on it ends on the next request."""
    consent = db.get(Consent, consent_id)
    if consent is None or consent.youth_id != youth.id:
        raise NotFound
    if consent.withdrawn_on:
        raise Invalid("Samtycket är redan återkallat.")
    consent.withdrawn_on, consent.withdrawn_by = on or local_today(), actor.staff_id
    db.add(consent)
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="samtycke",
        title=f"Samtycke återkallat ({', '.join(parties_of(consent))})",
        ref_type="consent",
        ref_id=consent.id,
    )
    audit.record(
        db, actor, "update", object_type="consent", object_id=consent.id, youth_id=youth.id
    )
    return consent


@dataclass(frozen=True)
class ConsentRow:
    consent: Consent
    parties: list[str]
    active: bool
    recorded_by: str


def consents_of(db: Session, youth_id: int, today: date | None = None) -> list[ConsentRow]:
    today = today or local_today()
    names = staff_names(db)
    rows = db.exec(
        select(Consent).where(Consent.youth_id == youth_id).order_by(Consent.given_on.desc())
    ).all()
    return [
        ConsentRow(c, parties_of(c), _is_active(c, today), names.get(c.recorded_by, ""))
        for c in rows
    ]
