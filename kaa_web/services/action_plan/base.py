"""The action plan's versions as every part of it reads them: one year's plan for an actor, the
texts in force, the adopted plan before a year, and the lock on an adopted plan."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from kaa_web.models.action_plan import ActionPlanText, ActionPlanVersion
from kaa_web.permissions import Actor
from kaa_web.services.errors import Invalid, NotFound

LOCKED = "Planen är antagen och kan inte ändras. Påbörja nästa års utkast för att ändra den."


def versions(db: Session, *, actor: Actor) -> list[ActionPlanVersion]:
    """Every year's plan, newest first."""
    actor.need("action_plan.read")
    return list(db.exec(select(ActionPlanVersion).order_by(ActionPlanVersion.year.desc())))


def get_plan(db: Session, *, actor: Actor, year: int, may: str = "read") -> ActionPlanVersion:
    """The plan of `year` for an actor who may `read`, `comment` or `write` it; else NotFound
    (or PermissionError for a permission the actor lacks)."""
    actor.need(f"action_plan.{may}")
    plan = db.exec(select(ActionPlanVersion).where(ActionPlanVersion.year == year)).first()
    if plan is None:
        raise NotFound(f"action plan {year}")
    return plan


def texts_in_force(db: Session, plan_id: int) -> dict[str, ActionPlanText]:
    """The text in force of each section (the newest saved)."""
    newest = (
        select(func.max(ActionPlanText.id))
        .where(ActionPlanText.plan_id == plan_id)
        .group_by(ActionPlanText.section)
    )
    rows = db.exec(select(ActionPlanText).where(ActionPlanText.id.in_(newest.scalar_subquery())))
    return {t.section: t for t in rows}


def previous_adopted(db: Session, year: int) -> ActionPlanVersion | None:
    return db.exec(
        select(ActionPlanVersion)
        .where(ActionPlanVersion.year < year, ActionPlanVersion.status == "antagen")
        .order_by(ActionPlanVersion.year.desc())
    ).first()


def draft_of(db: Session, actor: Actor, year: int, may: str) -> ActionPlanVersion:
    """The plan of `year` if it is still a draft; an adopted plan is locked (Invalid)."""
    plan = get_plan(db, actor=actor, year=year, may=may)
    if plan.status != "utkast":
        raise Invalid(LOCKED)
    return plan
