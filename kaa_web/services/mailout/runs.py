"""A mail-out job on the job runner: started, claimed by one worker at a time, taken over when
its worker stops, given up after MAX_ATTEMPTS.

A worker claims a job with a conditional UPDATE that writes a token of its own; every step it
stores (`files`) is a second conditional UPDATE on that token in the same transaction, so a
worker that has lost the job (its lease ran out and another took over) stores nothing more.
While it works, a heartbeat renews the lease; the minutely check finds a job whose worker has
fallen silent — killed, its machine restarted — and enqueues it again, and the next worker goes
on from what is stored. Nothing is recorded on anyone's ladder until the job is confirmed.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import utcnow
from kaa_web.models.mailout import MailoutJob
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.services import jobs
from kaa_web.services.errors import NotFound
from kaa_web.services.mailout.files import PDF_FAILED, add_pdfs, make_files
from kaa_web.services.mailout.preview import checked_selection, visible_people

log = logging.getLogger(__name__)

TASK = "mailout.files"
MAX_ATTEMPTS = 3  # workers that may start a job before it is given up
FAILED_MESSAGE = (
    "Utskicket kunde inte skapas, och inget är registrerat som skickat. Försök igen, och "
    "kontakta systemförvaltningen om det händer igen."
)
STALE_MESSAGE = (
    "Utskicket kunde inte göras klart (bakgrundsprocessen stoppades flera gånger), och inget "
    "är registrerat som skickat. Starta det igen från Att göra, och kontakta "
    "systemförvaltningen om det händer igen."
)


class LostClaim(Exception):
    """Another worker has taken the job over: this one stops and stores nothing more."""


def start_mailout(
    db: Session, *, actor: Actor, youth_ids: list[int], on: date, make_pdf: bool = False
) -> MailoutJob:
    """A queued job for these people (the view's one-time code makes a double click start one).
    NotFound for people not visible. The caller commits, then enqueues TASK with its id."""
    actor.need("documents.generate")
    wanted = checked_selection(youth_ids)
    if len(visible_people(db, actor, wanted, what=Youth.id)) != len(wanted):
        raise NotFound("mail-out selection")
    job = MailoutJob(
        created_by=actor.username,
        created_by_id=actor.staff_id,
        created_roles=actor.role_text,
        sending_date=on,
        make_pdf=make_pdf,
        youth_ids=json.dumps(wanted),
        person_count=len(wanted),
    )
    db.add(job)
    db.flush()
    audit.record(db, actor, "create", object_type="mailout_job", object_id=job.id)
    return job


def _creator(job: MailoutJob) -> Actor:
    """Who the job works as: its creator with the roles they had when they started it."""
    roles = frozenset(r for r in job.created_roles.split(",") if r)
    return Actor(staff_id=job.created_by_id, username=job.created_by, roles=roles)


def _claim(db: Session, job_id: int, token: str) -> bool:
    """Take a queued job, or one whose worker has been silent past the lease; once at a time."""
    now = utcnow()
    silent = sa.and_(MailoutJob.status == "running", MailoutJob.heartbeat_at < now - jobs.lease(db))
    claimed = db.exec(
        sa.update(MailoutJob)
        .where(
            MailoutJob.id == job_id,
            sa.or_(MailoutJob.status == "queued", silent),
            MailoutJob.attempts < MAX_ATTEMPTS,
        )
        .values(
            status="running",
            phase="Skapar brev",
            started_at=sa.func.coalesce(MailoutJob.started_at, now),
            heartbeat_at=now,
            attempts=MailoutJob.attempts + 1,
            worker_token=token,
        )
    ).rowcount
    db.commit()
    return bool(claimed)


def _ours(job_id: int, token: str):
    # "fetch": the job's row is brought up to date in the session by its id. The default
    # evaluated the condition against every object in the session (5,000 people): a second a
    # mail-out.
    return (
        sa.update(MailoutJob)
        .where(MailoutJob.id == job_id, MailoutJob.worker_token == token)
        .execution_options(synchronize_session="fetch")
    )


def _store(db: Session, job_id: int, token: str, **values) -> None:
    """Store what was done with the job's progress, if the job is still this worker's."""
    if not db.exec(_ours(job_id, token).values(heartbeat_at=utcnow(), **values)).rowcount:
        db.rollback()
        raise LostClaim(job_id)
    db.commit()


def _beat(engine: sa.Engine, job_id: int, token: str) -> None:
    with Session(engine) as db:
        db.exec(_ours(job_id, token).values(heartbeat_at=utcnow()))
        db.commit()


@jobs.task(TASK)
def run_mailout_job(db: Session, *, job_id: int) -> None:
    """Make a job's files (or go on with a stopped job's), then mark it ready to be posted."""
    token = secrets.token_hex(16)
    if not _claim(db, job_id, token):
        return
    job = db.get(MailoutJob, job_id, populate_existing=True)
    actor = _creator(job)

    def progress(**values):
        _store(db, job_id, token, **values)

    every = max(jobs.lease(db).total_seconds() / 4, 0.2)
    with jobs.keep_alive(lambda: _beat(db.get_bind(), job_id, token), every):
        try:
            made = make_files(db, actor, job, progress)
            pdfs, error = [], ""
            if job.make_pdf and made:
                progress(phase="Skapar PDF-filer")
                pdfs, error = add_pdfs(db, actor, job_id, made)
            ready = dict(status="ready", phase="", error=error, finished_at=utcnow())
            _store(db, job_id, token, document_ids=json.dumps(made + pdfs), **ready)
        except LostClaim:
            log.warning("mail-out job %s was taken over by another worker", job_id)
        except Exception:
            log.exception("mail-out job %s failed", job_id)
            db.rollback()
            failed = dict(status="failed", phase="", error=FAILED_MESSAGE, finished_at=utcnow())
            db.exec(_ours(job_id, token).values(**failed))
            db.commit()


@jobs.every_minute
def resume_stalled_mailouts(db: Session) -> None:
    """Enqueue again every job whose worker has stopped (or whose message was lost); give up
    one that MAX_ATTEMPTS workers have started without finishing."""
    silent_since = utcnow() - jobs.lease(db)
    stalled = db.exec(
        select(MailoutJob).where(
            sa.or_(
                sa.and_(MailoutJob.status == "queued", MailoutJob.created_at < silent_since),
                sa.and_(MailoutJob.status == "running", MailoutJob.heartbeat_at < silent_since),
            )
        )
    ).all()
    for job in stalled:
        if job.attempts >= MAX_ATTEMPTS:
            _give_up(db, job)
        else:
            log.warning("mail-out job %s stalled: enqueued again", job.id)
            jobs.enqueue(TASK, job_id=job.id)


def _give_up(db: Session, job: MailoutJob) -> None:
    """Failed before its last file; or ready without PDF copies if only those were missing."""
    done = job.letter_count and job.letters_done == job.letter_count
    values = dict(status="ready", error=PDF_FAILED) if done else dict(status="failed")
    values.setdefault("error", STALE_MESSAGE)
    db.exec(
        sa.update(MailoutJob)
        .where(MailoutJob.id == job.id, MailoutJob.status == job.status)
        .values(phase="", finished_at=utcnow(), **values)
    )
    db.commit()
