"""The nightly job's steps, each a job of its own on the runner: the worker runs them every night
at KAA_NIGHTLY_AT, and `flask --app wsgi kaa nightly` runs them at once. Each step commits what
it did and finds nothing left to do when it runs again, so a step run twice, or a night's run
repeated after a worker was stopped, changes nothing more."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlmodel import Session

from kaa_web import once
from kaa_web.config import Settings
from kaa_web.models.base import local_today
from kaa_web.permissions import SYSTEM_ACTOR
from kaa_web.rules.words import plural
from kaa_web.services import jobs, outreach, register
from kaa_web.services.audit_log import purge_audit_log
from kaa_web.services.auth import purge_expired
from kaa_web.services.register import importing
from kaa_web.services.retention import runs as retention
from kaa_web.services.scb.reminders import plan_reminders
from kaa_web.services.school_reports import purge_old_drafts

# In this order: the age-outs before the next steps they change. Each returns a count.
STEPS: dict[str, Callable[[Session, Settings], int]] = {
    "nightly.aged_out": lambda db, _s: register.deregister_turned_20(
        db, actor=SYSTEM_ACTOR, today=local_today()
    ),
    "nightly.next_steps": lambda db, _s: outreach.refresh_all(db, today=local_today()),
    "nightly.sessions": purge_expired,
    "nightly.audit_events": lambda db, s: purge_audit_log(
        db, retention_days=s.audit_retention_days
    ),
    "nightly.drafts": lambda db, s: purge_old_drafts(db, retention_days=s.draft_retention_days),
    "nightly.extracts": lambda db, s: importing.purge_unapplied(
        db, retention_hours=s.import_retention_hours
    ),
    "nightly.form_codes": lambda db, _s: once.purge(db),
    "nightly.retention": lambda db, s: retention.nightly(db, s, today=local_today()),
    "nightly.scb_reminders": lambda db, s: plan_reminders(
        db,
        today=local_today(),
        h1=s.scb_deadline_h1,
        h2=s.scb_deadline_h2,
        lead_days=s.scb_reminder_days,
    ),
}


def run_step(db: Session, name: str) -> int:
    """One step, committed: how many rows it changed."""
    count = STEPS[name](db, current_app.config["KAA_SETTINGS"])
    db.commit()
    return count


def _job(name: str):
    def step(db: Session) -> None:
        run_step(db, name)

    return step


for _name in STEPS:
    jobs.nightly(_name)(_job(_name))


def summary(counts: dict[str, int]) -> list[str]:
    """What a night's run did, in Swedish, as the command prints it."""
    c = {name.removeprefix("nightly."): n for name, n in counts.items()}
    unapplied = plural(c["extracts"], "ej genomfört registerutdrag", "ej genomförda registerutdrag")
    return [
        f"Nattjobbet klart: {plural(c['aged_out'], 'avregistrerad', 'avregistrerade')} "
        f"(fyllt 20), {plural(c['next_steps'], 'nytt nästa steg', 'nya nästa steg')}, "
        f"{plural(c['sessions'], 'utgången session', 'utgångna sessioner')}, "
        f"{plural(c['audit_events'], 'gammal logghändelse', 'gamla logghändelser')} och "
        f"{plural(c['drafts'], 'gammalt utkast', 'gamla utkast')} borttagna.",
        f"Innehållet i {unapplied} är raderat.",
        f"Gallring: {plural(c['retention'], 'person anonymiserad', 'personer anonymiserade')}.",
        f"SCB-filen: {plural(c['scb_reminders'], 'ny påminnelse', 'nya påminnelser')} "
        "på att göra-listan.",
    ]
