"""The export task on KAA's worklist ahead of each half-year's deadline, made by the nightly job
once per half-year and done when a file for that half-year is made."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from kaa_web.models.scb import ScbExport
from kaa_web.models.tasks import Task
from kaa_web.permissions import SYSTEM_ACTOR
from kaa_web.rules import scb as rules
from kaa_web.services import tasks
from kaa_web.services.scb.export import REMINDER_SOURCE


def plan_reminders(db: Session, *, today: date, h1: str, h2: str, lead_days: int) -> int:
    """A task for each of the last two ended half-years whose deadline is near or past and that
    has neither a task nor a file yet: how many were made."""
    current = rules.of_day(today)
    made = 0
    for key in (rules.previous(current), rules.previous(rules.previous(current))):
        if not rules.reminder_due(key, today, h1, h2, lead_days) or _handled(db, key):
            continue
        tasks.create_task(
            db,
            actor=SYSTEM_ACTOR,
            kind="scb_fil",
            title=f"Gör och skicka SCB-filen för {rules.label(key).lower()}",
            due=rules.deadline(key, h1, h2),
            source=(REMINDER_SOURCE, key),
        )
        made += 1
    return made


def _handled(db: Session, key: int) -> bool:
    task = db.exec(
        select(Task.id).where(Task.source_type == REMINDER_SOURCE, Task.source_id == key)
    ).first()
    export = db.exec(select(ScbExport.id).where(ScbExport.half_year == key)).first()
    return task is not None or export is not None
