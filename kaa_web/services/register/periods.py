"""Registration periods: registering, leaving KAA and coming back, each stretch a row of its own."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.register import (
    DEREGISTRATION_REASONS,
    OCCUPATIONS,
    REGISTRATION_REASONS,
    REGISTRATION_SOURCES,
    RegistrationPeriod,
    Youth,
)
from kaa_web.permissions import Actor
from kaa_web.rules import eligibility
from kaa_web.rules import personnummer as pnr
from kaa_web.services import outreach, timeline
from kaa_web.services.access import get_youth
from kaa_web.services.errors import Invalid
from kaa_web.services.plans.measures import end_open_measures

ALREADY_ACTIVE = "Personen är redan registrerad i KAA."
ALREADY_LEFT = "Personen är redan avregistrerad."
RETURNING = "återkommer"  # how the extract preview and the inbox name a person who comes back


def current_period(db: Session, youth_id: int) -> RegistrationPeriod:
    """The person's latest period: open while they are covered, else the one they left."""
    return db.exec(
        select(RegistrationPeriod).where(
            RegistrationPeriod.youth_id == youth_id, RegistrationPeriod.latest
        )
    ).one()


def periods_of(db: Session, youth_id: int) -> list[RegistrationPeriod]:
    """Every period of the person, the newest first."""
    return list(
        db.exec(
            select(RegistrationPeriod)
            .where(RegistrationPeriod.youth_id == youth_id)
            .order_by(RegistrationPeriod.registered_on.desc(), RegistrationPeriod.id.desc())
        )
    )


def check_choices(reason: str, source: str) -> None:
    if reason not in REGISTRATION_REASONS:
        raise Invalid("Välj en orsak till registreringen.")
    if source not in REGISTRATION_SOURCES:
        raise Invalid("Välj hur ungdomen blev känd.")


def check_age(birth_date: date, registered_on: date, field: str) -> None:
    """Only people under 20 on their registration date may enter the register."""
    if not eligibility.covered_on(birth_date, registered_on):
        message = eligibility.too_old_sv(birth_date)
        if field == "registered_on":  # the 20th birthday may still be ahead: no "fyllde"
            message = (
                f"Personen har fyllt 20 år på registreringsdatumet {registered_on.isoformat()} "
                f"(20 år den {eligibility.turns_20(birth_date).isoformat()}). Registret får "
                "bara innehålla ungdomar under 20 år (skollagen 29 kap. 9 §)."
            )
        raise Invalid(message, field_errors={field: message})


def open_period(
    db: Session, youth: Youth, *, reason: str, source: str, on: date
) -> RegistrationPeriod:
    """A new open period as the person's latest (the caller has made sure none is open)."""
    db.exec(
        sa.update(RegistrationPeriod)
        .where(RegistrationPeriod.youth_id == youth.id, RegistrationPeriod.latest)
        .values(latest=False)
    )
    period = RegistrationPeriod(
        youth_id=youth.id, registered_on=on, registration_reason=reason, registration_source=source
    )
    db.add(period)
    db.flush()
    return period


def registered_title(period: RegistrationPeriod, *, again: bool = False) -> str:
    """The timeline's words for a registration."""
    reason = REGISTRATION_REASONS[period.registration_reason]
    source = REGISTRATION_SOURCES[period.registration_source].lower()
    if again:
        return f"Registrerad i KAA igen, {RETURNING} ({reason}; {source})"
    return f"Registrerad i KAA ({reason}; {source})"


def register_again(
    db: Session,
    *,
    actor: Actor,
    youth_id: int,
    reason: str,
    source: str,
    on: date | None = None,
) -> RegistrationPeriod:
    """A deregistered person comes back: a new period with its own reason and source, the
    earlier ones unchanged. A second request for the same person (a double click, two tabs)
    is refused: only one of them finds the person deregistered."""
    youth = get_youth(db, actor=actor, youth_id=youth_id)
    check_choices(reason, source)
    on = on or local_today()
    check_age(youth.birth_date, on, "registered_on")
    previous = current_period(db, youth.id)
    if previous.deregistered_on and on < previous.deregistered_on:
        message = (
            "Den nya registreringen kan inte börja före den förra avregistreringen "
            f"({previous.deregistered_on.isoformat()})."
        )
        raise Invalid(message, field_errors={"registered_on": message})
    # Claimed with a conditional update: of two requests only one finds the person deregistered.
    claimed = db.exec(
        sa.update(Youth)
        .where(Youth.id == youth.id, Youth.status == "avregistrerad")
        .values(status="aktiv", version=Youth.version + 1, updated_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise Invalid(ALREADY_ACTIVE)
    period = open_period(db, youth, reason=reason, source=source, on=on)
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="registrerad",
        title=registered_title(period, again=True),
    )
    outreach.refresh_next_step(db, youth)
    audit.record(db, actor, "update", object_type="youth", object_id=youth.id, youth_id=youth.id)
    return period


def deregister_youth(
    db: Session,
    *,
    actor: Actor,
    youth_id: int,
    reason: str,
    on: date | None = None,
    result: str | None = None,
) -> Youth:
    """Close the open period with its reason and result (occupation at closure, SCB's concepts).

    Open measures in the plan end with the reason "left KAA" and the same occupation.
    """
    youth = get_youth(db, actor=actor, youth_id=youth_id)
    if reason not in DEREGISTRATION_REASONS:
        raise Invalid("Välj en orsak till avregistreringen.")
    if result is not None and result not in OCCUPATIONS:
        raise Invalid("Välj vad ungdomen gör när ärendet avslutas.")
    if youth.status != "aktiv":
        raise Invalid(ALREADY_LEFT)
    on = on or local_today()
    started = current_period(db, youth.id).registered_on
    if on < started:
        raise Invalid(
            "Avregistreringsdatumet kan inte vara före registreringsdatumet "
            f"({started.isoformat()})."
        )
    _close(db, actor, youth, reason, on, result)
    return youth


def _close(
    db: Session, actor: Actor, youth: Youth, reason: str, on: date, result: str | None = None
) -> None:
    claimed = db.exec(
        sa.update(Youth)
        .where(Youth.id == youth.id, Youth.status == "aktiv")
        .values(
            status="avregistrerad",
            next_step=None,
            next_step_due=None,
            version=Youth.version + 1,
            updated_at=utcnow(),
        )
    )
    if claimed.rowcount != 1:  # a second click, or another tab, closed it first
        raise Invalid(ALREADY_LEFT)
    result = result or youth.occupation
    end_open_measures(db, actor=actor, youth=youth, on=on, occupation=result)
    db.exec(
        sa.update(RegistrationPeriod)
        .where(
            RegistrationPeriod.youth_id == youth.id, RegistrationPeriod.deregistered_on.is_(None)
        )
        .values(deregistered_on=on, deregistration_reason=reason, deregistration_result=result)
    )
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="avregistrerad",
        title=f"Avregistrerad: {DEREGISTRATION_REASONS[reason].lower()}; "
        f"resultat: {OCCUPATIONS[result].lower()}",
    )
    audit.record(db, actor, "update", object_type="youth", object_id=youth.id, youth_id=youth.id)


def deregister_turned_20(db: Session, *, actor: Actor, today: date) -> int:
    """The nightly job: everyone active who has turned 20 leaves the register."""
    born_before = pnr.birthday_cutoff(today, 20)
    rows = db.exec(select(Youth).where(Youth.status == "aktiv", Youth.birth_date <= born_before))
    count = 0
    for youth in rows.all():
        _close(db, actor, youth, "fyllt_20", pnr.birthday(youth.birth_date, 20))
        count += 1
    return count
