"""The plan's measures: adding one from the catalogue or described, ending one, declined offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import local_today
from kaa_web.models.catalogue import Measure
from kaa_web.models.plans import (
    MEASURE_END_REASONS,
    RESPONSIBLE,
    DeclinedOffer,
    Plan,
    PlanMeasure,
    Referral,
)
from kaa_web.models.register import OCCUPATIONS, Youth
from kaa_web.permissions import Actor
from kaa_web.rules import personnummer as pnr
from kaa_web.services import tasks, timeline
from kaa_web.services.catalogue import age_limits_text
from kaa_web.services.errors import Invalid
from kaa_web.services.plans.plan import (
    bump,
    get_plan,
    plan_measure_of,
    plan_measures,
    record_revision,
)
from kaa_web.services.plans.referrals import close_referral_tasks


@dataclass
class PlanMeasureData:
    title: str
    responsible: str
    start_on: date
    agreed_on: date
    measure_id: int | None = None
    responsible_actor: str = ""
    end_on: date | None = None


def _check_age(db: Session, youth: Youth, measure: Measure, on: date) -> None:
    age = pnr.age_on(youth.birth_date, on)
    if (measure.min_age and age < measure.min_age) or (measure.max_age and age > measure.max_age):
        raise Invalid(
            f"{measure.name} är för {age_limits_text(measure)}; ungdomen är {age} år.",
            field_errors={"measure_id": f"Insatsen är för {age_limits_text(measure)}."},
        )


def _validate_measure(db: Session, youth: Youth, data: PlanMeasureData) -> Measure | None:
    errors = {}
    measure = db.get(Measure, data.measure_id) if data.measure_id else None
    if data.measure_id and (measure is None or not measure.active):
        errors["measure_id"] = "Insatsen finns inte i katalogen."
    if not (data.title.strip() or measure):
        errors["title"] = "Välj en insats ur katalogen eller beskriv den."
    if data.responsible not in RESPONSIBLE:
        errors["responsible"] = "Ange vem som ansvarar för insatsen."
    if data.responsible == "annan" and not (data.responsible_actor.strip() or measure):
        errors["responsible_actor"] = "Ange vilken aktör som ansvarar."
    if data.end_on and data.end_on < data.start_on:
        errors["end_on"] = "Slutdatum kan inte ligga före startdatum."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)
    if measure:
        _check_age(db, youth, measure, data.start_on)
    return measure


def add_plan_measure(
    db: Session, *, actor: Actor, youth: Youth, data: PlanMeasureData, version: int | None = None
) -> PlanMeasure:
    """Add a measure to the plan: a new revision, agreed on `data.agreed_on`."""
    plan = get_plan(db, youth.id)
    if plan is None:
        raise Invalid("Upprätta planen med ett mål innan du lägger till insatser.")
    measure = _validate_measure(db, youth, data)
    bump(db, plan, version)
    title = data.title.strip() or measure.name
    row = PlanMeasure(
        plan_id=plan.id,
        youth_id=youth.id,
        measure_id=measure.id if measure else None,
        title=title[:200],
        responsible=data.responsible,
        responsible_actor=(
            data.responsible_actor.strip()
            or (measure.provider if measure and data.responsible == "annan" else "")
        )[:200],
        start_on=data.start_on,
        end_on=data.end_on,
    )
    db.add(row)
    plan.revision += 1
    record_revision(db, actor, plan, data.agreed_on, f"insats tillagd ({title})")
    audit.record(
        db, actor, "create", object_type="plan_measure", object_id=row.id, youth_id=youth.id
    )
    return row


def end_plan_measure(
    db: Session,
    *,
    actor: Actor,
    youth: Youth,
    plan_measure_id: int,
    ended_on: date,
    reason: str,
    occupation_after: str,
    agreed_on: date | None = None,
    revise: bool = True,
) -> PlanMeasure:
    """End a measure with a reason and the occupation after it (SCB's concepts)."""
    row = plan_measure_of(db, youth, plan_measure_id)
    errors = {}
    if row.ended_on:
        errors["reason"] = "Insatsen är redan avslutad."
    if reason not in MEASURE_END_REASONS:
        errors["reason"] = "Välj varför insatsen avslutades."
    if occupation_after not in OCCUPATIONS:
        errors["occupation_after"] = "Välj vad ungdomen gör efter insatsen."
    if ended_on < row.start_on:
        errors["ended_on"] = "Insatsen kan inte sluta före start."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)
    row.ended_on, row.end_reason, row.occupation_after = ended_on, reason, occupation_after
    db.add(row)
    close_referral_tasks(db, actor, select(Referral.id).where(Referral.plan_measure_id == row.id))
    if revise:
        plan = db.get(Plan, row.plan_id)
        bump(db, plan, None)
        plan.revision += 1
        change = f"insats avslutad ({row.title}: {MEASURE_END_REASONS[reason].lower()})"
        record_revision(db, actor, plan, agreed_on or ended_on, change)
    audit.record(
        db, actor, "update", object_type="plan_measure", object_id=row.id, youth_id=youth.id
    )
    return row


def end_open_measures(db: Session, *, actor: Actor, youth: Youth, on: date, occupation: str) -> int:
    """Closing a case: every open measure ends with reason 'left KAA' in one plan revision."""
    plan = get_plan(db, youth.id)
    open_rows = [m for m in plan_measures(db, plan) if m.ended_on is None]
    for row in open_rows:
        end_plan_measure(
            db,
            actor=actor,
            youth=youth,
            plan_measure_id=row.id,
            ended_on=max(on, row.start_on),
            reason="avregistrerad",
            occupation_after=occupation,
            revise=False,
        )
    if plan is not None:
        if open_rows:
            bump(db, plan, None)
            plan.revision += 1
            record_revision(
                db, actor, plan, on, "ungdomen lämnade KAA, pågående insatser avslutade"
            )
        tasks.close_tasks_for(db, actor=actor, source_type="plan", source_id=plan.id)
    return len(open_rows)


def record_declined_offer(
    db: Session, *, actor: Actor, youth: Youth, measure_id: int, on: date
) -> DeclinedOffer:
    """The young person declined a measure they were offered (SCB counts these)."""
    measure = db.get(Measure, measure_id)
    if measure is None:
        raise Invalid("Välj insatsen som erbjöds.", field_errors={"measure_id": "Välj insats."})
    if on > local_today():
        raise Invalid(
            "Datumet kan inte ligga i framtiden.",
            field_errors={"on": "Datumet kan inte ligga i framtiden."},
        )
    row = DeclinedOffer(youth_id=youth.id, measure_id=measure.id, on=on, staff_id=actor.staff_id)
    db.add(row)
    db.flush()
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="avbojt",
        title=f"Erbjudande om {measure.name} avböjt",
    )
    audit.record(
        db, actor, "create", object_type="declined_offer", object_id=row.id, youth_id=youth.id
    )
    return row


def declined_offers(db: Session, youth_id: int) -> list[tuple[DeclinedOffer, str]]:
    """The offers the person declined, newest first, with the measure's name."""
    return list(
        db.exec(
            select(DeclinedOffer, Measure.name)
            .join(Measure, Measure.id == DeclinedOffer.measure_id)
            .where(DeclinedOffer.youth_id == youth_id)
            .order_by(DeclinedOffer.on.desc())
        ).all()
    )
