"""What the mail-out tests do again and again: run a job as a worker does, confirm it, read the
letters and contacts back."""

from __future__ import annotations

import io
from datetime import timedelta

from docx import Document
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.mailout import MailoutJob
from kaa_web.models.register import ContactAttempt, Guardian
from kaa_web.services import mailout

HOME = {"street_address": "Hemvägen 1", "postal_code": "123 45", "city": "Exempelstad"}


def years_ago(years: int, days: int = 0):
    today = local_today()
    return today.replace(year=today.year - years) + timedelta(days=days)


def add_guardian(db, youth, name, street="", postal_code="", city=""):
    db.add(
        Guardian(
            youth_id=youth.id, name=name, street_address=street, postal_code=postal_code, city=city
        )
    )
    db.commit()


def letters_in(content: bytes) -> list[str]:
    """Each letter's address block (the first table of each letter), line by line."""
    return [t.rows[0].cells[0].text for t in Document(io.BytesIO(content)).tables]


def run(db, actor, people, on=None):
    """Start a job and run it as a worker does; the job as stored afterwards."""
    job = mailout.start_mailout(
        db, actor=actor, youth_ids=[p.id for p in people], on=on or local_today()
    )
    db.commit()
    mailout.run_mailout_job(db, job_id=job.id)
    db.expire_all()
    return db.get(MailoutJob, job.id)


def confirm(db, actor, job, posted_on=None):
    job = mailout.confirm_mailout(
        db, actor=actor, job_id=job.id, posted_on=posted_on or local_today()
    )
    db.commit()
    db.expire_all()
    return job


def contacts(db) -> list[tuple[int, str]]:
    return [
        (c.youth_id, c.kind)
        for c in db.exec(select(ContactAttempt).order_by(ContactAttempt.youth_id))
    ]
