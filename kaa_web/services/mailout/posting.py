"""A mail-out's files were posted (recorded as sent, once) or never were (makulerat)."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.docx.render import DOCX_CONTENT_TYPE
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.documents import GeneratedDocument, GeneratedDocumentYouth
from kaa_web.models.mailout import MailoutJob, MailoutPerson
from kaa_web.permissions import Actor
from kaa_web.services import outreach
from kaa_web.services.errors import Invalid, NotFound
from kaa_web.services.mailout.preview import letters_sent_on, visible_people


def owned_job(actor: Actor, job: MailoutJob | None) -> MailoutJob:
    if job is None or (job.created_by != actor.username and not actor.can("mailout.all_jobs")):
        raise NotFound("mailout_job")
    return job


def _claim_status(db: Session, job_id: int, to: str, **values) -> bool:
    """Move a ready job on, once: a second click or a second tab finds it moved already."""
    return bool(
        db.exec(
            sa.update(MailoutJob)
            .where(MailoutJob.id == job_id, MailoutJob.status == "ready")
            .values(status=to, **values)
            .execution_options(synchronize_session="fetch")  # not every person in the session
        ).rowcount
    )


def confirm_mailout(
    db: Session, *, actor: Actor, job_id: int, posted_on: date, today: date | None = None
) -> MailoutJob:
    """The letters were printed and posted on `posted_on`: record "brev skickat" for each
    included person (the letter as printed) and move their next step on. Once per job;
    Invalid for a date before the mail-out or in the future. The caller commits."""
    actor.need("documents.generate")
    job = owned_job(actor, db.get(MailoutJob, job_id, populate_existing=True))
    if job.status not in ("ready", "sent"):
        raise Invalid("Utskicket kan bara registreras som skickat när filerna är klara.")
    today = today or local_today()
    if not job.sending_date <= posted_on <= today:
        message = f"Ange ett datum från {job.sending_date.isoformat()} till i dag."
        raise Invalid(message, field_errors={"posted_on": message})
    values = dict(posted_on=posted_on, confirmed_by=actor.username, confirmed_at=utcnow())
    if not _claim_status(db, job.id, "sent", **values):
        return job
    printed = {
        youth_id: (step, to_guardians)
        for youth_id, step, to_guardians in db.exec(
            select(MailoutPerson.youth_id, MailoutPerson.step, MailoutPerson.to_guardians).where(
                MailoutPerson.job_id == job.id, MailoutPerson.outcome == "med"
            )
        )
    }
    for youth_id in letters_sent_on(db, list(printed), job.sending_date, or_later=True):
        del printed[youth_id]  # their letter was recorded by hand meanwhile: not twice
    # Everyone the actor can still see (the letters were posted whatever happened since).
    people = list(visible_people(db, actor, list(printed)).values())
    contacts = outreach.record_letters_sent(
        db,
        actor=actor,
        people=people,
        on=posted_on,
        today=today,
        printed=printed,
        documents=_printed_from(db, job),
    )
    db.exec(
        sa.update(MailoutJob)
        .where(MailoutJob.id == job.id)
        .values(contact_count=len(contacts))
        .execution_options(synchronize_session="fetch")
    )
    audit.record(db, actor, "update", object_type="mailout_job", object_id=job.id)
    db.refresh(job)
    return job


def _printed_from(db: Session, job: MailoutJob) -> dict[int, int]:
    """Each included person's Word file in the job: the document their letter was printed in."""
    rows = db.exec(
        select(GeneratedDocumentYouth.youth_id, GeneratedDocumentYouth.document_id)
        .join(GeneratedDocument, GeneratedDocument.id == GeneratedDocumentYouth.document_id)
        .where(
            GeneratedDocument.id.in_(json.loads(job.document_ids)),
            GeneratedDocument.content_type == DOCX_CONTENT_TYPE,
        )
    )
    return dict(rows.all())


def cancel_mailout(db: Session, *, actor: Actor, job_id: int) -> MailoutJob:
    """The files were not posted (makulerat): nothing is recorded and the people can be put in a
    new mail-out. Once per job, and only before it is confirmed. The caller commits."""
    actor.need("documents.generate")
    job = owned_job(actor, db.get(MailoutJob, job_id, populate_existing=True))
    if job.status == "sent":
        raise Invalid("Utskicket är redan registrerat som skickat och kan inte makuleras.")
    if _claim_status(db, job.id, "cancelled", confirmed_by=actor.username, confirmed_at=utcnow()):
        audit.record(db, actor, "update", object_type="mailout_job", object_id=job.id)
    db.refresh(job)
    return job
