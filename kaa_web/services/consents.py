"""Consents (samtycke) per young person, orosanmälan records and the SIP suggestion."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.db import any_of, id_batches
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from kaa_web.models.plans import (
    AGENCIES,
    CONSENT_FORMS,
    CONSENT_GIVERS,
    CONSENT_PARTIES,
    ConcernReport,
    Consent,
    Referral,
)
from kaa_web.models.register import Guardian, Youth
from kaa_web.permissions import Actor
from kaa_web.rules import personnummer as pnr
from kaa_web.services import documents, letter_context, outreach, plans, timeline
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


# --- orosanmälan ------------------------------------------------------------------------------


def record_orosanmalan(
    db: Session, *, actor: Actor, youth: Youth, on: date, recipient: str
) -> ConcernReport:
    """That an orosanmälan was made: date, recipient and officer, never what it said."""
    if not recipient.strip():
        raise Invalid("Ange mottagaren.", field_errors={"recipient": "Ange mottagaren."})
    contact = outreach.record_contact(
        db, actor=actor, youth=youth, data=outreach.ContactData(kind="orosanmalan", on=on)
    )
    report = ConcernReport(
        youth_id=youth.id,
        on=on,
        recipient=recipient.strip()[:200],
        staff_id=actor.staff_id,
        contact_attempt_id=contact.id,
    )
    db.add(report)
    db.flush()
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="orosanmalan",
        title=f"Orosanmälan gjord till {report.recipient}",
        ref_type="concern_report",
        ref_id=report.id,
    )
    audit.record(
        db, actor, "create", object_type="concern_report", object_id=report.id, youth_id=youth.id
    )
    return report


def concern_reports(db: Session, youth_id: int) -> list[tuple[ConcernReport, str]]:
    names = staff_names(db)
    rows = db.exec(
        select(ConcernReport)
        .where(ConcernReport.youth_id == youth_id)
        .order_by(ConcernReport.on.desc())
    ).all()
    return [(r, names.get(r.staff_id, "")) for r in rows]


# --- what social services see ---------------------------------------------------------------


@dataclass(frozen=True)
class SharedRecord:
    """What social services may see of a person: never KAA's case file (services.access)."""

    consents: list[ConsentRow]  # in force and covering social services
    concern_reports: list[tuple[ConcernReport, str]]
    guardians: list[Guardian]  # with a consent in force and under 18 only
    officer: StaffUser | None  # whom at KAA to contact

    @property
    def contact_details(self) -> bool:
        """A consent in force shares the contact details its purpose needs; an orosanmälan
        alone shares only that it was made (the report itself went to social services)."""
        return bool(self.consents)


def shared_with_social_services(
    db: Session, youth: Youth, today: date | None = None
) -> SharedRecord:
    """The page social services get instead of the case file (the caller logs the read)."""
    today = today or local_today()
    rows = consents_of(db, youth.id, today)
    in_force = [row for row in rows if row.active and row.consent.social_services]
    minor = pnr.age_on(youth.birth_date, today) < 18
    guardians = db.exec(select(Guardian).where(Guardian.youth_id == youth.id).order_by(Guardian.id))
    return SharedRecord(
        consents=in_force,
        concern_reports=concern_reports(db, youth.id),
        guardians=list(guardians) if in_force and minor else [],
        officer=db.get(StaffUser, youth.officer_id) if youth.officer_id else None,
    )


# --- SIP --------------------------------------------------------------------------------------


def agencies_involved(mapping, measures) -> list[str]:
    """The agencies involved according to the mapping, plus other actors in open measures."""
    involved = [AGENCIES[code] for code in plans.mapping_agencies(mapping)]
    for measure in measures:
        actor_name = measure.responsible_actor
        open_elsewhere = measure.responsible == "annan" and measure.ended_on is None
        if open_elsewhere and actor_name and actor_name not in involved:
            involved.append(actor_name)
    return involved


def sip_suggestion(involved: list[str], consents: list[ConsentRow]) -> list[str] | None:
    """The agencies to name when suggesting a SIP: two or more involved and a consent in force."""
    if len(involved) < 2 or not any(row.active for row in consents):
        return None
    return involved


def sip_for(db: Session, youth_id: int, consents: list[ConsentRow]) -> list[str] | None:
    """`sip_suggestion` for a person whose consents are loaded already."""
    measures = plans.plan_measures(db, plans.get_plan(db, youth_id))
    return sip_suggestion(agencies_involved(plans.get_mapping(db, youth_id), measures), consents)


# --- the person page's summary ----------------------------------------------------------------


@dataclass(frozen=True)
class PersonSummary:
    """What the person page shows about mapping, plan, referrals and consents (a few queries)."""

    mapping: object
    plan: object
    open_measures: int
    referrals: int
    active_consents: list[ConsentRow]
    concern_reports: int
    sip_agencies: list[str] | None


def person_summary(db: Session, youth_id: int, today: date | None = None) -> PersonSummary:
    today = today or local_today()
    mapping, plan = plans.get_mapping(db, youth_id), plans.get_plan(db, youth_id)
    measures = plans.plan_measures(db, plan)
    consents = consents_of(db, youth_id, today)

    def count(model) -> int:
        return db.exec(select(sa.func.count()).where(model.youth_id == youth_id)).one()

    return PersonSummary(
        mapping=mapping,
        plan=plan,
        open_measures=sum(1 for m in measures if m.ended_on is None),
        referrals=count(Referral),
        active_consents=[c for c in consents if c.active],
        concern_reports=count(ConcernReport),
        sip_agencies=sip_suggestion(agencies_involved(mapping, measures), consents),
    )


def generate_concern_draft(db: Session, *, actor: Actor, youth: Youth, recipient: str):
    """The orosanmälan draft (the documents issue's type); the concern is written outside."""
    address = youth.street_address if not youth.protected_identity else ""
    context = {
        "mottagare": letter_context.recipient(recipient),
        "handlaggare": letter_context.sender(db, actor),
        "ungdom": letter_context.young_person(youth)
        | {
            "utdelningsadress": address,
            "postnummer": youth.postal_code if address else "",
            "postort": youth.city if address else "",
        },
    }
    return documents.generate_document(
        db, actor=actor, doc_type="orosanmalan", context=context, youth_id=youth.id
    )
