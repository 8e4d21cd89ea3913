"""Demo data for the SCB half-year file: the example mapping, a few logical problems in the last
ended half-year for the check page to show, and the export task on KAA's worklist."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from kaa_web.config import Settings
from kaa_web.models.base import local_today
from kaa_web.models.register import ContactAttempt
from kaa_web.rules import scb as rules
from kaa_web.services.scb.mapping import load_example
from kaa_web.services.scb.people import half_year_people
from kaa_web.services.scb.reminders import plan_reminders


def seed_scb(db: Session) -> None:
    """Idempotent: the problems are added once (a second run finds them)."""
    load_example(db)
    key = rules.previous(rules.of_day(local_today()))
    period = rules.period_of(key)
    people = [p for p in half_year_people(db, period) if p.latest.deregistered_on is None]
    for person in people[:3]:  # reached, with no occupation noted
        on = max(period.start, person.latest.registered_on) + timedelta(days=3)
        _contact(db, person.youth_id, on)
    settings = Settings()
    plan_reminders(
        db,
        today=local_today(),
        h1=settings.scb_deadline_h1,
        h2=settings.scb_deadline_h2,
        lead_days=settings.scb_reminder_days,
    )
    db.flush()


def _contact(db: Session, youth_id: int, on) -> None:
    exists = db.exec(
        select(ContactAttempt.id).where(
            ContactAttempt.youth_id == youth_id,
            ContactAttempt.on == on,
            ContactAttempt.outcome == "nadd",
            ContactAttempt.occupation.is_(None),
        )
    ).first()
    if exists is None:
        db.add(ContactAttempt(youth_id=youth_id, kind="telefon", on=on, outcome="nadd"))
