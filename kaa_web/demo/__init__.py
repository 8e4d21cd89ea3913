"""Clearly fictitious demo data for `kaa demo` and `kaa seed-demo`: the organisation, young
people, school reports, a mail-out, plans, meetings, three years of history and an SCB
half-year, each seeded by its own module, idempotently."""

from __future__ import annotations

from sqlmodel import Session

from kaa_web.demo.history import seed_history
from kaa_web.demo.mailout import seed_mailout
from kaa_web.demo.meetings import seed_meetings
from kaa_web.demo.organisation import DEMO_SCHOOLS, seed_districts, seed_schools, seed_staff
from kaa_web.demo.people import seed_register
from kaa_web.demo.plans import seed_plans
from kaa_web.demo.scb import seed_scb
from kaa_web.demo.school_reports import seed_inbox_assignment, seed_school_reports
from kaa_web.services.letter_context import ensure_letterhead

__all__ = ["DEMO_SCHOOLS", "seed_demo", "seed_districts", "seed_schools", "seed_staff"]


def seed_demo(db: Session) -> None:
    """Idempotent: running it twice adds nothing the second time."""
    seed_staff(db)
    seed_schools(db)
    seed_districts(db)
    db.flush()
    seed_register(db)
    seed_inbox_assignment(db)
    seed_school_reports(db)
    ensure_letterhead(db)
    db.flush()
    seed_mailout(db)
    seed_plans(db)
    seed_meetings(db)
    seed_history(db)  # three years of periods for the statistics
    seed_scb(db)  # a half-year with problems for the SCB check
    db.commit()
