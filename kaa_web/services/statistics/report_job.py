"""A nämnd report made on the job runner: asked for on the report page (one unfinished job per
report, so a double click or a second tab makes one), made by a worker that stores its progress
for the job's page, taken over when its worker stops, given up after MAX_ATTEMPTS. Nothing of a
job that failed or was taken over is stored: the document and the report's record of what it
was made from are written with the job's end, in one transaction."""

from __future__ import annotations

import logging
import secrets

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import utcnow
from kaa_web.models.statistics import NamndReport, NamndReportJob
from kaa_web.permissions import Actor
from kaa_web.services import jobs
from kaa_web.services.statistics.report import generate_report, get_report

log = logging.getLogger(__name__)

TASK = "statistics.report"
MAX_ATTEMPTS = 3
CLAIMS = jobs.Claims(NamndReportJob, MAX_ATTEMPTS)
UNFINISHED = ("queued", "running")
FAILED_MESSAGE = (
    "Rapporten kunde inte skapas. Utkastet är sparat. Försök igen, och kontakta "
    "systemförvaltningen om det händer igen."
)
STALE_MESSAGE = (
    "Rapporten kunde inte göras klar (bakgrundsprocessen stoppades flera gånger). Utkastet är "
    "sparat. Försök igen, och kontakta systemförvaltningen om det händer igen."
)


def unfinished_job(db: Session, report_id: int) -> NamndReportJob | None:
    return db.exec(
        select(NamndReportJob).where(
            NamndReportJob.report_id == report_id, NamndReportJob.status.in_(UNFINISHED)
        )
    ).first()


def request_report(db: Session, *, actor: Actor, report: NamndReport, limit: int) -> NamndReportJob:
    """The report's job being made, or a new queued one with the small-number setting of now.
    The caller commits, then enqueues TASK with its id (a racing twin fails on the unique index
    of unfinished jobs)."""
    actor.need("statistics.report")
    if found := unfinished_job(db, report.id):
        return found
    job = NamndReportJob(
        report_id=report.id,
        min_cell=limit,
        created_by=actor.username,
        created_by_id=actor.staff_id,
        created_roles=actor.role_text,
        phase="Väntar på att starta",
    )
    db.add(job)
    db.flush()
    audit.record(db, actor, "create", object_type="statistics_report_job", object_id=job.id)
    return job


def get_report_job(db: Session, *, actor: Actor, report_id: int, job_id: int) -> NamndReportJob:
    """A report's job for those who make reports (it names no one); NotFound otherwise."""
    report = get_report(db, actor=actor, report_id=report_id)
    job = db.get(NamndReportJob, job_id, populate_existing=True)
    if job is None or job.report_id != report.id:
        raise audit.record_denied(db, actor, object_type="statistics_report_job", object_id=job_id)
    return job


@jobs.task(TASK)
def run_report_job(db: Session, *, job_id: int) -> None:
    """Make the report's document from its draft as it is now, then mark the job ready."""
    token = secrets.token_hex(16)
    if not CLAIMS.claim(db, job_id, token, phase="Räknar siffrorna"):
        return
    job = db.get(NamndReportJob, job_id, populate_existing=True)
    report = db.get(NamndReport, job.report_id, populate_existing=True)

    def progress(phase: str) -> None:
        CLAIMS.store(db, job_id, token, phase=phase)

    with CLAIMS.working(db, job_id, token, FAILED_MESSAGE):
        document = generate_report(
            db, actor=jobs.creator(job), report=report, limit=job.min_cell, progress=progress
        )
        db.flush()
        done = dict(status="ready", phase="", document_id=document.id, finished_at=utcnow())
        CLAIMS.store(db, job_id, token, **done)


@jobs.every_minute
def resume_stalled_reports(db: Session) -> None:
    """Enqueue again every job whose worker has stopped; give up one MAX_ATTEMPTS workers have
    started without finishing."""
    for job in CLAIMS.stalled(db):
        if job.attempts < MAX_ATTEMPTS:
            log.warning("report job %s stalled: enqueued again", job.id)
            jobs.enqueue(TASK, job_id=job.id)
            continue
        db.exec(
            sa.update(NamndReportJob)
            .where(NamndReportJob.id == job.id, NamndReportJob.status == job.status)
            .values(status="failed", phase="", error=STALE_MESSAGE, finished_at=utcnow())
        )
        db.commit()
