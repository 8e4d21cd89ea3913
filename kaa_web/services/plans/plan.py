"""The individual plan: its goal and dates, its measures as rows, and every agreed revision."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import utcnow
from kaa_web.models.plans import Plan, PlanMeasure, PlanRevision
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.services import outreach, tasks, timeline
from kaa_web.services.errors import EditConflict, Invalid, NotFound
from kaa_web.services.staff import staff_names


@dataclass
class PlanData:
    goal: str
    agreed_on: date
    follow_up_on: date | None = None
    evaluation_on: date | None = None


def get_plan(db: Session, youth_id: int) -> Plan | None:
    """The person's plan, if one is agreed (the caller has loaded the person)."""
    return db.exec(select(Plan).where(Plan.youth_id == youth_id)).first()


def plan_measures(db: Session, plan: Plan | None) -> list[PlanMeasure]:
    """The plan's measures in the order they start."""
    if plan is None:
        return []
    return list(
        db.exec(
            select(PlanMeasure)
            .where(PlanMeasure.plan_id == plan.id)
            .order_by(PlanMeasure.start_on, PlanMeasure.id)
        ).all()
    )


def plan_measure_of(db: Session, youth: Youth, plan_measure_id: int) -> PlanMeasure:
    """One of this person's plan measures, else NotFound."""
    row = db.get(PlanMeasure, plan_measure_id)
    if row is None or row.youth_id != youth.id:
        raise NotFound
    return row


def plan_revisions(db: Session, plan: Plan | None) -> list[dict]:
    """Every agreed revision, newest first, with who recorded it and the plan as it stood."""
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


def _snapshot(db: Session, plan: Plan) -> str:
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


def record_revision(db: Session, actor: Actor, plan: Plan, agreed_on: date, change: str) -> None:
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
            snapshot=_snapshot(db, plan),
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


def bump(db: Session, plan: Plan, version: int | None) -> None:
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


def _sync_tasks(db: Session, actor: Actor, plan: Plan, youth: Youth) -> None:
    """The plan's follow-up and evaluation dates as worklist tasks (replacing earlier ones)."""
    tasks.close_tasks_for(db, actor=actor, source_type="plan", source_id=plan.id)
    assignee = youth.officer_id or actor.staff_id
    for due, title in (
        (plan.follow_up_on, "Individuell plan"),
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


def _validate(data: PlanData) -> None:
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
    _validate(data)
    plan = get_plan(db, youth.id)
    if plan is None:
        plan = Plan(youth_id=youth.id, agreed_on=data.agreed_on, staff_id=actor.staff_id)
        change = "planen upprättad"
    else:
        if version is not None and plan.version != version:
            raise EditConflict(plan)
        bump(db, plan, version)
        plan.revision += 1
        change = "mål eller datum ändrade"
    plan.goal = data.goal.strip()[:2000]
    plan.follow_up_on, plan.evaluation_on = data.follow_up_on, data.evaluation_on
    db.add(plan)
    db.flush()
    record_revision(db, actor, plan, data.agreed_on, change)
    _sync_tasks(db, actor, plan, youth)
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
