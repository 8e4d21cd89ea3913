"""Registering a new person and editing one: validated choices, optimistic locking, protection."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.register import District, Guardian, RegistrationPeriod, Youth
from kaa_web.permissions import Actor
from kaa_web.rules import eligibility
from kaa_web.rules import personnummer as pnr
from kaa_web.services import outreach, timeline
from kaa_web.services.access import can_see_address, get_youth, youth_visibility
from kaa_web.services.errors import EditConflict, Invalid, NotFound
from kaa_web.services.register.periods import (
    check_age,
    check_choices,
    current_period,
    open_period,
    periods_of,
    registered_title,
)
from kaa_web.services.register.person import guardians_of, name_key, new_youth
from kaa_web.services.staff import is_officer


@dataclass
class GuardianData:
    name: str
    street_address: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""


@dataclass
class YouthData:
    """What a form (or an import row) says about a person and their current registration.

    `protected_identity` None keeps it as it is (new people: not protected)."""

    first_name: str
    last_name: str
    gender: str | None = None
    protected_identity: bool | None = None
    street_address: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    district_id: int | None = None
    officer_id: int | None = None
    registration_reason: str = "annan"
    registration_source: str = "annan"
    registered_on: date | None = None
    guardians: list[GuardianData] = field(default_factory=list)


PERSON_FIELDS = (
    "first_name",
    "last_name",
    "gender",
    "protected_identity",
    "street_address",
    "postal_code",
    "city",
    "phone",
    "email",
    "district_id",
    "officer_id",
)
# the current registration period's own fields, edited on the same form
PERIOD_FIELDS = ("registration_reason", "registration_source", "registered_on")
EDITABLE = PERSON_FIELDS + PERIOD_FIELDS
FIELD_LABELS = {
    "first_name": "förnamn",
    "last_name": "efternamn",
    "gender": "kön",
    "protected_identity": "skyddade personuppgifter",
    "street_address": "adress",
    "postal_code": "postnummer",
    "city": "postort",
    "phone": "telefon",
    "email": "e-post",
    "district_id": "kommundel",
    "officer_id": "handläggare",
    "registration_reason": "orsak",
    "registration_source": "källa",
    "registered_on": "registreringsdatum",
    "guardians": "vårdnadshavare",
}
ADDRESS = ("street_address", "postal_code", "city")


def _check_choices(db: Session, data: YouthData) -> None:
    check_choices(data.registration_reason, data.registration_source)
    if data.district_id is not None and db.get(District, data.district_id) is None:
        raise Invalid("Kommundelen finns inte.")
    if data.officer_id is not None and not is_officer(db, data.officer_id):
        raise Invalid("Handläggaren finns inte.")


def _apply(row, data: YouthData, names: tuple[str, ...]) -> list[str]:
    """Copy the data's `names` onto the row (the person or their period); the changed ones."""
    changed = []
    for name in names:
        value = getattr(data, name)
        if name in ("gender", "registered_on", "protected_identity") and value is None:
            continue
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    if isinstance(row, Youth):
        row.first_name_key = name_key(row.first_name)
        row.last_name_key = name_key(row.last_name)
    return changed


def _replace_guardians(db: Session, youth: Youth, guardians: list[GuardianData]) -> bool:
    existing = db.exec(select(Guardian).where(Guardian.youth_id == youth.id)).all()
    before = [(g.name, g.street_address, g.postal_code, g.city, g.phone) for g in existing]
    after = [(g.name, g.street_address, g.postal_code, g.city, g.phone) for g in guardians]
    if before == after:
        return False
    for row in existing:
        db.delete(row)
    for g in guardians:
        db.add(Guardian(youth_id=youth.id, **g.__dict__))
    return True


def _keep_hidden_address(db: Session, actor: Actor, youth: Youth, data: YouthData) -> YouthData:
    """A protected address the actor may not see is never shown to them, so it stays as stored
    (the young person's and the guardians'), whatever the request says."""
    if can_see_address(actor, youth):
        return data
    stored = guardians_of(db, youth.id)
    by_name = {name_key(g.name): g for g in stored}
    guardians = []
    for n, wanted in enumerate(data.guardians):
        # the same guardian by name, else the one in the same place (a corrected name)
        same = by_name.get(name_key(wanted.name)) or (stored[n] if n < len(stored) else None)
        address = {k: getattr(same, k) if same else "" for k in ADDRESS}
        guardians.append(replace(wanted, **address))
    return replace(data, **{k: getattr(youth, k) for k in ADDRESS}, guardians=guardians)


def _check_protection_change(actor: Actor, current: bool, wanted: bool | None) -> None:
    """Only `register.protect` may set or clear skyddade personuppgifter."""
    if wanted is not None and wanted != current:
        actor.need("register.protect")


def _record_protection(db: Session, actor: Actor, youth: Youth) -> None:
    """Setting or clearing the protection is an audit action of its own."""
    action = "protection_set" if youth.protected_identity else "protection_cleared"
    audit.record(db, actor, action, object_type="youth", object_id=youth.id, youth_id=youth.id)


def existing_person_error(db: Session, canonical: str) -> Invalid | None:
    """Why a number cannot be registered as a new person: it is in the register already
    (a deregistered person comes back from their own page: earlier periods stay as they were)."""
    status = db.exec(select(Youth.status).where(Youth.personnummer == canonical)).first()
    if status is None:
        return None
    message = "Personen finns redan i registret."
    if status == "avregistrerad":
        message = (
            "Personen finns redan i registret och är avregistrerad. Sök fram personen och "
            "välj \u201dRegistrera igen\u201d: då får den nya registreringen en egen period."
        )
    return Invalid(message, field_errors={"personnummer": message})


def register_youth(db: Session, *, actor: Actor, personnummer: str, data: YouthData) -> Youth:
    """Add a person to the register with their first period (or refuse a personnummer already
    in the register, or someone 20 or older)."""
    number = pnr.parse(personnummer)
    if error := existing_person_error(db, number.canonical):
        raise error
    registered_on = data.registered_on or local_today()
    # Too old already today: the number is wrong; only on a later typed date: that date is.
    too_old = not eligibility.covered_on(number.birth_date, min(registered_on, local_today()))
    check_age(number.birth_date, registered_on, "personnummer" if too_old else "registered_on")
    _check_choices(db, data)
    _check_protection_change(actor, False, data.protected_identity)
    youth = new_youth(number, data.first_name, data.last_name, gender=data.gender)
    _apply(youth, data, PERSON_FIELDS)
    db.add(youth)
    db.flush()
    period = open_period(
        db,
        youth,
        reason=data.registration_reason,
        source=data.registration_source,
        on=registered_on,
    )
    _replace_guardians(db, youth, data.guardians)
    timeline.add_entry(
        db, actor=actor, youth_id=youth.id, kind="registrerad", title=registered_title(period)
    )
    outreach.refresh_next_step(db, youth)
    audit.record(db, actor, "create", object_type="youth", object_id=youth.id, youth_id=youth.id)
    if youth.protected_identity:
        _record_protection(db, actor, youth)
    return youth


def _check_period_dates(db: Session, period: RegistrationPeriod, registered_on: date) -> None:
    """A corrected registration date stays within the person's own history."""
    if period.deregistered_on and registered_on > period.deregistered_on:
        message = "Registreringsdatumet kan inte vara efter avregistreringsdatumet."
        raise Invalid(message, field_errors={"registered_on": message})
    earlier = [p.deregistered_on for p in periods_of(db, period.youth_id) if p.id != period.id]
    if earlier and registered_on < max(earlier):
        message = (
            "Registreringsdatumet kan inte vara före den förra avregistreringen "
            f"({max(earlier).isoformat()})."
        )
        raise Invalid(message, field_errors={"registered_on": message})


def update_youth(
    db: Session, *, actor: Actor, youth_id: int, version: int, data: YouthData
) -> Youth:
    """Save an edit made on `version`; EditConflict if someone saved in between. The reason,
    source and date are the current period's (a correction; a new period is registering again)."""
    youth = get_youth(db, actor=actor, youth_id=youth_id)
    if youth.version != version:
        raise EditConflict(youth)
    period = current_period(db, youth.id)
    if data.registered_on and data.registered_on != period.registered_on:
        check_age(youth.birth_date, data.registered_on, "registered_on")
        _check_period_dates(db, period, data.registered_on)
    _check_choices(db, data)
    _check_protection_change(actor, youth.protected_identity, data.protected_identity)
    data = _keep_hidden_address(db, actor, youth, data)
    changed = _apply(youth, data, PERSON_FIELDS) + _apply(period, data, PERIOD_FIELDS)
    if _replace_guardians(db, youth, data.guardians):
        changed.append("guardians")
    if not changed:
        return youth
    youth.updated_at = utcnow()
    db.add(period)
    # Optimistic lock: the row is only written if nobody saved since `version` was read.
    db.flush()
    result = db.exec(
        sa.update(Youth)
        .where(Youth.id == youth.id, Youth.version == version)
        .values(version=version + 1)
    )
    if result.rowcount != 1:
        db.rollback()
        raise EditConflict(db.get(Youth, youth_id))
    youth.version = version + 1
    labels = ", ".join(FIELD_LABELS[name] for name in changed)
    timeline.add_entry(
        db, actor=actor, youth_id=youth.id, kind="andrad", title=f"Uppgifter ändrade: {labels}"
    )
    outreach.refresh_next_step(db, youth)
    audit.record(db, actor, "update", object_type="youth", object_id=youth.id, youth_id=youth.id)
    if "protected_identity" in changed:
        _record_protection(db, actor, youth)
    return youth


def assign_officer(
    db: Session, *, actor: Actor, youth_ids: list[int], officer_id: int | None
) -> int:
    """Reassign many people in one action; each gets a timeline entry."""
    if officer_id is not None and not is_officer(db, officer_id):
        raise Invalid("Välj en handläggare.")
    officer = db.get(StaffUser, officer_id) if officer_id else None
    people = db.exec(select(Youth).where(Youth.id.in_(youth_ids), youth_visibility(actor))).all()
    if len(people) != len(set(youth_ids)):
        raise NotFound
    changed = [youth for youth in people if youth.officer_id != officer_id]
    for youth in changed:
        youth.officer_id = officer_id
        youth.version += 1
        db.add(youth)
    ids = [youth.id for youth in changed]
    title = f"Ny handläggare: {officer.display_name}" if officer else "Handläggare borttagen"
    timeline.add_entries(db, actor=actor, youth_ids=ids, kind="handlaggare", title=title)
    audit.record_many(db, actor, "update", object_type="youth", items=[(i, i) for i in ids])
    return len(people)
