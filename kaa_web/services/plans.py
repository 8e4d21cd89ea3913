"""Mapping, the individual plan with revisions, the measures catalogue, referrals and reports."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.plans import (
    AGENCIES,
    MEASURE_CATEGORIES,
    MEASURE_END_REASONS,
    RESPONSIBLE,
    SCHOOL_ENDINGS,
    DeclinedOffer,
    Mapping,
    MappingRevision,
    Measure,
    MonthlyReport,
    Plan,
    PlanMeasure,
    PlanRevision,
    Referral,
)
from kaa_web.models.register import OCCUPATIONS, STUDY_KINDS, Youth
from kaa_web.permissions import Actor
from kaa_web.rules import personnummer as pnr
from kaa_web.rules.outreach import add_months
from kaa_web.services import documents, letter_context, outreach, tasks, timeline
from kaa_web.services.errors import EditConflict, Invalid, NotFound
from kaa_web.services.staff import staff_names

# Examples from DOMAIN.md section 3 (Nacka): name, provider, min age, max age, category,
# first-contact days, monthly reports.
DEFAULT_MEASURES = (
    (
        "Studieförberedande praktik",
        "Kommunens arbetsmarknadsenhet",
        None,
        17,
        "arbetsinriktad",
        14,
        True,
    ),
    ("Jobbpeng grund", "Kommunens arbetsmarknadsenhet", 18, None, "arbetsinriktad", 14, True),
    ("Förstärkt jobbpeng", "Kommunens arbetsmarknadsenhet", 18, None, "arbetsinriktad", 14, True),
    ("Hälsoträdgården", "Hälsoträdgården", None, None, "halsa", 14, True),
    ("MIA VärNa", "MIA VärNa", None, None, "arbetsinriktad", 14, True),
    ("Komvux (dispens under 20 år)", "Komvux", None, None, "studier", 14, False),
    (
        "Folkhögskola, studiemotiverande kurs",
        "Folkhögskola via Arbetsförmedlingen",
        None,
        None,
        "studier",
        14,
        False,
    ),
    ("Språkintroduktion", "Gymnasieskolan", None, None, "studier", 14, False),
    ("Introduktionsprogram (IM/IA)", "Gymnasieskolan", None, None, "studier", 14, False),
    ("Studie- och yrkesvägledning", "KAA", None, None, "vagledning", 14, False),
)


# --- the measures catalogue -------------------------------------------------------------------


def list_measures(db: Session, *, include_inactive: bool = False) -> list[Measure]:
    query = select(Measure).order_by(Measure.name)
    if not include_inactive:
        query = query.where(Measure.active)
    return list(db.exec(query).all())


@dataclass
class MeasureCatalogueData:
    name: str
    provider: str = ""
    min_age: int | None = None
    max_age: int | None = None
    category: str = "annan"
    first_contact_days: int = 14
    monthly_reports: bool = False
    active: bool = True


def save_measure(
    db: Session, *, actor: Actor, data: MeasureCatalogueData, measure_id: int | None = None
) -> Measure:
    """Add a measure to the catalogue, or change one (admin)."""
    actor.need("measures.manage")
    errors = {}
    if data.category not in MEASURE_CATEGORIES:
        errors["category"] = "Välj en kategori."
    if data.min_age and data.max_age and data.min_age > data.max_age:
        errors["max_age"] = "Högsta åldern kan inte vara lägre än den lägsta."
    if not 1 <= data.first_contact_days <= 90:
        errors["first_contact_days"] = "Ange mellan 1 och 90 dagar."
    clash = db.exec(select(Measure).where(Measure.name == data.name)).first()
    if clash and clash.id != measure_id:
        errors["name"] = "Det finns redan en insats med det namnet."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)
    row = db.get(Measure, measure_id) if measure_id else Measure(name=data.name, category="annan")
    if row is None:
        raise NotFound
    for key, value in data.__dict__.items():
        setattr(row, key, value)
    db.add(row)
    db.flush()
    audit.record(
        db, actor, "update" if measure_id else "create", object_type="measure", object_id=row.id
    )
    return row


def seed_measures(db: Session) -> None:
    """The catalogue's examples (idempotent)."""
    for name, provider, min_age, max_age, category, days, reports in DEFAULT_MEASURES:
        if db.exec(select(Measure.id).where(Measure.name == name)).first():
            continue
        db.add(
            Measure(
                name=name,
                provider=provider,
                min_age=min_age,
                max_age=max_age,
                category=category,
                first_contact_days=days,
                monthly_reports=reports,
            )
        )


def age_limits_text(measure: Measure) -> str:
    if measure.min_age and measure.max_age:
        return f"{measure.min_age}–{measure.max_age} år"
    if measure.max_age:
        return f"under {measure.max_age + 1} år"
    if measure.min_age:
        return f"från {measure.min_age} år"
    return "alla åldrar"


# --- mapping ----------------------------------------------------------------------------------


@dataclass
class MappingData:
    on: date
    occupation: str
    declined: bool = False
    study_kind: str | None = None
    last_school: str = ""
    programme: str = ""
    school_ending: str | None = None
    eligible: bool | None = None
    goals: str = ""
    agencies: frozenset[str] = field(default_factory=frozenset)


def get_mapping(db: Session, youth_id: int) -> Mapping | None:
    return db.exec(select(Mapping).where(Mapping.youth_id == youth_id)).first()


def mapping_agencies(mapping: Mapping | None) -> list[str]:
    """The agencies (codes) the young person has contact with according to the mapping."""
    if mapping is None:
        return []
    return [code for code in AGENCIES if getattr(mapping, f"agency_{code}")]


def _validate_mapping(data: MappingData, today: date) -> None:
    errors = {}
    if data.occupation not in OCCUPATIONS:
        errors["occupation"] = "Välj vad ungdomen gör nu."
    if data.occupation == "studier" and data.study_kind not in STUDY_KINDS:
        errors["study_kind"] = "Ange vilken sorts studier."
    if data.on > today:
        errors["on"] = "Datumet kan inte ligga i framtiden."
    if data.school_ending and data.school_ending not in SCHOOL_ENDINGS:
        errors["school_ending"] = "Välj hur skolgången slutade."
    if not set(data.agencies) <= set(AGENCIES):
        errors["agencies"] = "Välj bland myndigheterna i listan."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)


def _mapping_snapshot(mapping: Mapping) -> str:
    keys = (
        "on",
        "declined",
        "occupation",
        "study_kind",
        "last_school",
        "programme",
        "school_ending",
        "eligible",
        "goals",
    )
    data = {k: getattr(mapping, k) for k in keys}
    data["on"] = mapping.on.isoformat()
    data["agencies"] = mapping_agencies(mapping)
    return json.dumps(data, ensure_ascii=False)


def _copy_mapping(mapping: Mapping, data: MappingData) -> None:
    for key in (
        "on",
        "occupation",
        "declined",
        "last_school",
        "programme",
        "school_ending",
        "eligible",
    ):
        setattr(mapping, key, getattr(data, key))
    mapping.study_kind = data.study_kind if data.occupation == "studier" else None
    mapping.goals = data.goals.strip()[:2000]
    for code in AGENCIES:
        setattr(mapping, f"agency_{code}", code in data.agencies)


def save_mapping(
    db: Session,
    *,
    actor: Actor,
    youth: Youth,
    data: MappingData,
    version: int | None = None,
    today: date | None = None,
) -> Mapping:
    """Document the mapping (first time: also a 'kartläggning' contact for the ladder) or edit it.

    An edit made on an old `version` raises EditConflict; every saved state is kept.
    """
    today = today or local_today()
    _validate_mapping(data, today)
    mapping = get_mapping(db, youth.id)
    if mapping is None:
        mapping = Mapping(
            youth_id=youth.id, on=data.on, occupation=data.occupation, staff_id=actor.staff_id
        )
        _copy_mapping(mapping, data)
        db.add(mapping)
        db.flush()
        outreach.record_contact(
            db,
            actor=actor,
            youth=youth,
            data=outreach.ContactData(
                kind="kartlaggning",
                on=data.on,
                outcome="avbojer" if data.declined else "nadd",
                occupation=data.occupation,
                study_kind=data.study_kind if data.occupation == "studier" else None,
            ),
            today=today,
        )
        title = "Kartläggning dokumenterad" + (
            " (avböjer fortsatt kontakt)" if data.declined else ""
        )
        action = "create"
    else:
        if version is not None and mapping.version != version:
            raise EditConflict(mapping)
        current = mapping.version
        _copy_mapping(mapping, data)
        mapping.staff_id, mapping.updated_at = actor.staff_id, utcnow()
        db.flush()
        result = db.exec(
            sa.update(Mapping)
            .where(Mapping.id == mapping.id, Mapping.version == current)
            .values(version=current + 1)
        )
        if result.rowcount != 1:
            db.rollback()
            raise EditConflict(get_mapping(db, youth.id))
        mapping.version = current + 1
        title, action = "Kartläggningen ändrad", "update"
    db.add(
        MappingRevision(
            mapping_id=mapping.id,
            version=mapping.version,
            staff_id=actor.staff_id,
            snapshot=_mapping_snapshot(mapping),
        )
    )
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="kartlaggning",
        title=title,
        ref_type="mapping",
        ref_id=mapping.id,
    )
    audit.record(db, actor, action, object_type="mapping", object_id=mapping.id, youth_id=youth.id)
    return mapping


def mapping_history(db: Session, mapping: Mapping) -> list[dict]:
    """Every saved state, newest first, with who saved it."""
    names = staff_names(db)
    rows = db.exec(
        select(MappingRevision)
        .where(MappingRevision.mapping_id == mapping.id)
        .order_by(MappingRevision.version.desc())
    ).all()
    return [
        {
            "version": r.version,
            "at": r.saved_at,
            "by": names.get(r.staff_id, "Systemet"),
            "data": json.loads(r.snapshot),
        }
        for r in rows
    ]


# --- the plan ---------------------------------------------------------------------------------


@dataclass
class PlanData:
    goal: str
    agreed_on: date
    follow_up_on: date | None = None
    evaluation_on: date | None = None


@dataclass
class PlanMeasureData:
    title: str
    responsible: str
    start_on: date
    agreed_on: date
    measure_id: int | None = None
    responsible_actor: str = ""
    end_on: date | None = None


def get_plan(db: Session, youth_id: int) -> Plan | None:
    return db.exec(select(Plan).where(Plan.youth_id == youth_id)).first()


def plan_measures(db: Session, plan: Plan | None) -> list[PlanMeasure]:
    if plan is None:
        return []
    return list(
        db.exec(
            select(PlanMeasure)
            .where(PlanMeasure.plan_id == plan.id)
            .order_by(PlanMeasure.start_on, PlanMeasure.id)
        ).all()
    )


def plan_revisions(db: Session, plan: Plan | None) -> list[dict]:
    if plan is None:
        return []
    names = staff_names(db)
    rows = db.exec(
        select(PlanRevision)
        .where(PlanRevision.plan_id == plan.id)
        .order_by(PlanRevision.revision.desc())
    ).all()
    return [
        {
            "revision": r.revision,
            "agreed_on": r.agreed_on,
            "change": r.change,
            "by": names.get(r.staff_id, "Systemet"),
            "at": r.created_at,
            "data": json.loads(r.snapshot),
        }
        for r in rows
    ]


def _plan_snapshot(db: Session, plan: Plan) -> str:
    measures = [
        {
            "title": m.title,
            "responsible": m.responsible,
            "responsible_actor": m.responsible_actor,
            "start_on": m.start_on.isoformat(),
            "end_on": m.end_on.isoformat() if m.end_on else None,
            "ended_on": m.ended_on.isoformat() if m.ended_on else None,
            "end_reason": m.end_reason,
        }
        for m in plan_measures(db, plan)
    ]
    return json.dumps(
        {
            "goal": plan.goal,
            "follow_up_on": plan.follow_up_on.isoformat() if plan.follow_up_on else None,
            "evaluation_on": plan.evaluation_on.isoformat() if plan.evaluation_on else None,
            "measures": measures,
        },
        ensure_ascii=False,
    )


def _revise(db: Session, actor: Actor, plan: Plan, agreed_on: date, change: str) -> None:
    """Record a new agreed revision of the plan as it stands now."""
    db.flush()
    plan.agreed_on = agreed_on
    plan.updated_at, plan.staff_id = utcnow(), actor.staff_id
    db.add(plan)
    db.add(
        PlanRevision(
            plan_id=plan.id,
            revision=plan.revision,
            agreed_on=agreed_on,
            change=change[:300],
            staff_id=actor.staff_id,
            snapshot=_plan_snapshot(db, plan),
        )
    )
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=plan.youth_id,
        kind="plan",
        title=f"Individuell plan, revision {plan.revision}: {change}",
        ref_type="plan",
        ref_id=plan.id,
    )


def _bump(db: Session, plan: Plan, version: int | None) -> None:
    """Optimistic lock: move the plan to its next version unless someone saved in between."""
    current = plan.version if version is None else version
    result = db.exec(
        sa.update(Plan)
        .where(Plan.id == plan.id, Plan.version == current)
        .values(version=current + 1)
    )
    if result.rowcount != 1:
        db.rollback()
        raise EditConflict(db.get(Plan, plan.id))
    plan.version = current + 1


def _sync_plan_tasks(db: Session, actor: Actor, plan: Plan, youth: Youth) -> None:
    """The plan's follow-up and evaluation dates as worklist tasks (replacing earlier ones)."""
    tasks.close_tasks_for(db, actor=actor, source_type="plan", source_id=plan.id)
    assignee = youth.officer_id or actor.staff_id
    for due, title in (
        (plan.follow_up_on, "Uppföljning av individuell plan"),
        (plan.evaluation_on, "Utvärdering av individuell plan"),
    ):
        if due:
            tasks.create_task(
                db,
                actor=actor,
                kind="uppfoljning",
                title=title,
                due=due,
                youth_id=youth.id,
                assigned_to=assignee,
                source=("plan", plan.id),
            )


def _validate_plan(data: PlanData) -> None:
    errors = {}
    if not data.goal.strip():
        errors["goal"] = "Beskriv målet med planen."
    if data.follow_up_on and data.follow_up_on < data.agreed_on:
        errors["follow_up_on"] = "Uppföljningen kan inte ligga före överenskommelsen."
    if data.evaluation_on and data.evaluation_on < data.agreed_on:
        errors["evaluation_on"] = "Utvärderingen kan inte ligga före överenskommelsen."
    if errors:
        raise Invalid(*errors.values(), field_errors=errors)


def save_plan(
    db: Session, *, actor: Actor, youth: Youth, data: PlanData, version: int | None = None
) -> Plan:
    """Make the plan or revise its goal and dates; EditConflict if someone saved in between."""
    _validate_plan(data)
    plan = get_plan(db, youth.id)
    if plan is None:
        plan = Plan(youth_id=youth.id, agreed_on=data.agreed_on, staff_id=actor.staff_id)
        change = "planen upprättad"
    else:
        if version is not None and plan.version != version:
            raise EditConflict(plan)
        _bump(db, plan, version)
        plan.revision += 1
        change = "mål eller datum ändrade"
    plan.goal = data.goal.strip()[:2000]
    plan.follow_up_on, plan.evaluation_on = data.follow_up_on, data.evaluation_on
    db.add(plan)
    db.flush()
    _revise(db, actor, plan, data.agreed_on, change)
    _sync_plan_tasks(db, actor, plan, youth)
    if plan.revision == 1:  # agreeing a plan means the young person was reached
        outreach.refresh_next_step(db, youth)
    audit.record(
        db,
        actor,
        "update" if plan.revision > 1 else "create",
        object_type="plan",
        object_id=plan.id,
        youth_id=youth.id,
    )
    return plan


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
    _bump(db, plan, version)
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
    _revise(db, actor, plan, data.agreed_on, f"insats tillagd ({title})")
    audit.record(
        db, actor, "create", object_type="plan_measure", object_id=row.id, youth_id=youth.id
    )
    return row


def _plan_measure(db: Session, youth: Youth, plan_measure_id: int) -> PlanMeasure:
    row = db.get(PlanMeasure, plan_measure_id)
    if row is None or row.youth_id != youth.id:
        raise NotFound
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
    row = _plan_measure(db, youth, plan_measure_id)
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
    _close_referral_tasks(db, actor, select(Referral.id).where(Referral.plan_measure_id == row.id))
    if revise:
        plan = db.get(Plan, row.plan_id)
        _bump(db, plan, None)
        plan.revision += 1
        change = f"insats avslutad ({row.title}: {MEASURE_END_REASONS[reason].lower()})"
        _revise(db, actor, plan, agreed_on or ended_on, change)
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
            _bump(db, plan, None)
            plan.revision += 1
            _revise(db, actor, plan, on, "ungdomen lämnade KAA, pågående insatser avslutade")
        tasks.close_tasks_for(db, actor=actor, source_type="plan", source_id=plan.id)
    return len(open_rows)


# --- referrals and monthly reports ------------------------------------------------------------


def referrals_of(db: Session, youth_id: int) -> list[Referral]:
    return list(
        db.exec(
            select(Referral).where(Referral.youth_id == youth_id).order_by(Referral.sent_on.desc())
        ).all()
    )


def reports_of(db: Session, referral_ids: list[int]) -> dict[int, list[MonthlyReport]]:
    result: dict[int, list[MonthlyReport]] = {i: [] for i in referral_ids}
    if referral_ids:
        for r in db.exec(
            select(MonthlyReport)
            .where(MonthlyReport.referral_id.in_(referral_ids))
            .order_by(MonthlyReport.due)
        ):
            result[r.referral_id].append(r)
    return result


def _expect_report(db: Session, actor: Actor, referral: Referral, due: date, youth: Youth):
    report = MonthlyReport(referral_id=referral.id, due=due)
    db.add(report)
    db.flush()
    tasks.create_task(
        db,
        actor=actor,
        kind="manadsrapport",
        title=f"Läs och godkänn månadsrapport från {referral.provider}",
        due=due,
        youth_id=youth.id,
        assigned_to=youth.officer_id or actor.staff_id,
        source=("monthly_report", report.id),
    )
    return report


def make_referral(
    db: Session,
    *,
    actor: Actor,
    youth: Youth,
    plan_measure_id: int,
    sent_on: date,
    goal: str = "",
) -> Referral:
    """Send an uppdrag for a measure: the document, the first-contact deadline and report tasks."""
    row = _plan_measure(db, youth, plan_measure_id)
    if row.ended_on:
        raise Invalid("Insatsen är avslutad.")
    measure = db.get(Measure, row.measure_id) if row.measure_id else None
    provider = (row.responsible_actor or (measure.provider if measure else "")).strip()
    if not provider:
        raise Invalid("Ange vilken aktör som ansvarar för insatsen innan du skickar ett uppdrag.")
    days = measure.first_contact_days if measure else 14
    referral = Referral(
        youth_id=youth.id,
        plan_measure_id=row.id,
        provider=provider[:200],
        sent_on=sent_on,
        first_contact_due=sent_on + timedelta(days=days),
        monthly_reports=bool(measure and measure.monthly_reports),
        staff_id=actor.staff_id,
    )
    db.add(referral)
    db.flush()
    tasks.create_task(
        db,
        actor=actor,
        kind="forsta_kontakt",
        title=f"{provider} ska ha tagit första kontakt ({row.title})",
        due=referral.first_contact_due,
        youth_id=youth.id,
        assigned_to=youth.officer_id or actor.staff_id,
        source=("referral", referral.id),
    )
    if referral.monthly_reports:
        _expect_report(db, actor, referral, add_months(sent_on, 1), youth)
    plan = db.get(Plan, row.plan_id)
    context = {
        "mottagare": letter_context.recipient(provider),
        "handlaggare": letter_context.sender(db, actor),
        "ungdom": letter_context.young_person(youth),
        "uppdrag": {
            "insats": row.title,
            "mal": goal.strip() or plan.goal,
            "start": row.start_on,
            "slut": row.end_on,
            "forsta_kontakt_senast": referral.first_contact_due,
        },
    }
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="uppdrag",
        title=f"Uppdrag till {provider}: {row.title}, första kontakt senast "
        f"{referral.first_contact_due.isoformat()}",
        ref_type="referral",
        ref_id=referral.id,
    )
    audit.record(
        db, actor, "create", object_type="referral", object_id=referral.id, youth_id=youth.id
    )
    document = documents.generate_document(
        db, actor=actor, doc_type="uppdrag", context=context, youth_id=youth.id
    )
    referral.document_id = document.id
    db.add(referral)
    return referral


def _referral(db: Session, youth: Youth, referral_id: int) -> Referral:
    referral = db.get(Referral, referral_id)
    if referral is None or referral.youth_id != youth.id:
        raise NotFound
    return referral


def _close_referral_tasks(db: Session, actor: Actor, referral_ids) -> None:
    """Close the first-contact and monthly-report tasks of the referrals (a subquery of ids)."""
    tasks.close_tasks_for(db, actor=actor, source_type="referral", source_id=referral_ids)
    reports = select(MonthlyReport.id).where(MonthlyReport.referral_id.in_(referral_ids))
    tasks.close_tasks_for(db, actor=actor, source_type="monthly_report", source_id=reports)


def record_first_contact(
    db: Session, *, actor: Actor, youth: Youth, referral_id: int, on: date
) -> Referral:
    """The provider made first contact: the deadline task is done."""
    referral = _referral(db, youth, referral_id)
    if on < referral.sent_on or on > local_today():
        raise Invalid(
            "Ange ett datum mellan uppdraget och i dag.",
            field_errors={"on": "Ange ett datum mellan uppdraget och i dag."},
        )
    referral.first_contact_on = on
    db.add(referral)
    tasks.close_tasks_for(
        db, actor=actor, source_type="referral", source_id=referral.id, kind="forsta_kontakt"
    )
    late = " (efter tidsgränsen)" if on > referral.first_contact_due else ""
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="uppdrag",
        title=f"{referral.provider} tog första kontakt {on.isoformat()}{late}",
        ref_type="referral",
        ref_id=referral.id,
    )
    audit.record(
        db, actor, "update", object_type="referral", object_id=referral.id, youth_id=youth.id
    )
    return referral


def approve_monthly_report(
    db: Session, *, actor: Actor, youth: Youth, report_id: int, received_on: date
) -> MonthlyReport:
    """The officer has read and approved a monthly report; the next one is expected."""
    report = db.get(MonthlyReport, report_id)
    if report is None:
        raise NotFound
    referral = _referral(db, youth, report.referral_id)
    if report.approved_at:
        raise Invalid("Rapporten är redan godkänd.")
    if received_on > local_today():
        raise Invalid(
            "Datumet kan inte ligga i framtiden.",
            field_errors={"received_on": "Datumet kan inte ligga i framtiden."},
        )
    report.received_on, report.approved_at, report.approved_by = (
        received_on,
        utcnow(),
        actor.staff_id,
    )
    db.add(report)
    tasks.close_tasks_for(db, actor=actor, source_type="monthly_report", source_id=report.id)
    measure = db.get(PlanMeasure, referral.plan_measure_id)
    if measure.ended_on is None:
        _expect_report(db, actor, referral, add_months(report.due, 1), youth)
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="uppdrag",
        title=f"Månadsrapport från {referral.provider} godkänd "
        f"(förväntad {report.due.isoformat()})",
        ref_type="referral",
        ref_id=referral.id,
    )
    audit.record(
        db, actor, "update", object_type="monthly_report", object_id=report.id, youth_id=youth.id
    )
    return report


# --- declined offers --------------------------------------------------------------------------


def record_declined_offer(
    db: Session, *, actor: Actor, youth: Youth, measure_id: int, on: date
) -> DeclinedOffer:
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
    return list(
        db.exec(
            select(DeclinedOffer, Measure.name)
            .join(Measure, Measure.id == DeclinedOffer.measure_id)
            .where(DeclinedOffer.youth_id == youth_id)
            .order_by(DeclinedOffer.on.desc())
        ).all()
    )


# --- the plan as a Word document --------------------------------------------------------------


def plan_document_context(db: Session, *, actor: Actor, youth: Youth) -> dict:
    plan = get_plan(db, youth.id)
    if plan is None:
        raise Invalid("Det finns ingen plan ännu.")
    names = {m.id: m.name for m in list_measures(db, include_inactive=True)}
    rows = []
    for m in plan_measures(db, plan):
        rows.append(
            {
                "namn": m.title,
                "insats_i_katalogen": names.get(m.measure_id, ""),
                "ansvarig": RESPONSIBLE[m.responsible]
                + (f" ({m.responsible_actor})" if m.responsible_actor else ""),
                "start": m.start_on,
                "slut": m.end_on,
                "avslutad": m.ended_on,
                "orsak": MEASURE_END_REASONS.get(m.end_reason or "", ""),
            }
        )
    hidden = youth.protected_identity  # a protected address is never printed on documents
    return {
        "mottagare": letter_context.recipient(youth.full_name)
        if hidden
        else letter_context.recipient(
            youth.full_name, youth.street_address, youth.postal_code, youth.city
        ),
        "handlaggare": letter_context.sender(db, actor),
        "ungdom": letter_context.young_person(youth),
        "plan": {
            "mal": plan.goal,
            "overenskommen": plan.agreed_on,
            "revision": plan.revision,
            "uppfoljning": plan.follow_up_on,
            "utvardering": plan.evaluation_on,
            "insatser": rows,
        },
    }


def generate_plan_document(db: Session, *, actor: Actor, youth: Youth):
    """The current plan as a Word document, stored and linked to the young person."""
    context = plan_document_context(db, actor=actor, youth=youth)
    return documents.generate_document(
        db, actor=actor, doc_type="individuell_plan", context=context, youth_id=youth.id
    )
