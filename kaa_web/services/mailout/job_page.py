"""A mail-out job's page (progress, files, who was in and who left out) and the list of jobs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.docx import pdf as docx_pdf
from kaa_web.docx.types import get_type
from kaa_web.models.auth import StaffUser
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.mailout import LEFT_OUT_REASONS, MAILOUT_STATUSES, MailoutJob, MailoutPerson
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.services.mailout.posting import owned_job
from kaa_web.services.mailout.preview import (
    GUARDIAN_TYPES,
    YOUTH_TYPES,
    Missing,
    Person,
    person_of,
)

UNFINISHED = ("queued", "running")


@dataclass(frozen=True)
class JobDocument:
    id: int
    file_name: str
    type_name: str
    letter_count: int
    is_pdf: bool


@dataclass(frozen=True)
class JobPerson:
    person: Person
    doc_type: str  # "" when left out
    missing: str

    @property
    def type_name(self) -> str:
        return get_type(self.doc_type).name if self.doc_type else ""


@dataclass(frozen=True)
class JobView:
    """A job as its page shows it: progress, the files, who was included and who left out."""

    job: MailoutJob
    documents: list[JobDocument]
    included: list[JobPerson]
    left_out: dict[str, list[JobPerson]]
    confirmed_by: str = ""  # the name of who confirmed or cancelled it

    @property
    def finished(self) -> bool:
        return self.job.status not in UNFINISHED

    @property
    def status_label(self) -> str:
        return MAILOUT_STATUSES[self.job.status]

    @property
    def left_out_count(self) -> int:
        return sum(len(people) for people in self.left_out.values())

    @property
    def needs_address(self) -> list[Missing]:
        """Everyone a letter was not made for want of an address (one guardian of two, too)."""
        partly = [Missing(p.person, p.missing, False) for p in self.included if p.missing]
        wholly = [
            Missing(p.person, p.missing, True) for p in self.left_out.get("saknar_adress", [])
        ]
        return partly + wholly


def _job_documents(db: Session, ids: list[int]) -> list[JobDocument]:
    rows = db.exec(
        select(
            GeneratedDocument.id,
            GeneratedDocument.file_name,
            GeneratedDocument.doc_type,
            GeneratedDocument.letter_count,
            GeneratedDocument.content_type,
        )
        .where(GeneratedDocument.id.in_(ids))
        .order_by(GeneratedDocument.id)
    ).all()
    return [
        JobDocument(r[0], r[1], get_type(r[2]).name, r[3], r[4] == docx_pdf.PDF_CONTENT_TYPE)
        for r in rows
    ]


def _job_people(db: Session, job: MailoutJob) -> tuple[list[JobPerson], dict]:
    rows = db.exec(
        select(MailoutPerson, Youth)
        .join(Youth, Youth.id == MailoutPerson.youth_id)
        .where(MailoutPerson.job_id == job.id)
        .order_by(Youth.last_name_key, Youth.first_name_key, Youth.id)
    ).all()
    included, left_out = [], {reason: [] for reason in LEFT_OUT_REASONS}
    for row, youth in rows:
        types = GUARDIAN_TYPES if row.to_guardians else YOUTH_TYPES
        entry = JobPerson(person_of(youth), types.get(row.step, ""), row.missing)
        (included if row.outcome == "med" else left_out[row.outcome]).append(entry)
    return included, {reason: people for reason, people in left_out.items() if people}


def get_mailout_job(db: Session, *, actor: Actor, job_id: int) -> JobView:
    """A job for its creator or a KAA officer; NotFound for anyone else.

    Once the files are made its page names people, so that read is logged per person (the
    progress polls before it name nobody). Commits.
    """
    actor.need("documents.generate")
    job = owned_job(actor, db.get(MailoutJob, job_id, populate_existing=True))
    if job.status in UNFINISHED or job.status == "failed":
        return JobView(job, [], [], {})
    included, left_out = _job_people(db, job)
    shown = [p.person.id for p in included] + [p.person.id for g in left_out.values() for p in g]
    audit.record(db, actor, "view", object_type="mailout_job", object_id=job.id)
    audit.record_many(db, actor, "view", object_type="youth", items=((i, i) for i in shown))
    db.commit()
    files = _job_documents(db, json.loads(job.document_ids)) if job.status != "cancelled" else []
    by = db.exec(select(StaffUser.display_name).where(StaffUser.username == job.confirmed_by))
    return JobView(job, files, included, left_out, by.first() or job.confirmed_by)


@dataclass(frozen=True)
class JobSummary:
    id: int
    status_label: str
    created_by: str
    sending_date: date
    person_count: int
    letter_count: int
    contact_count: int


def list_mailout_jobs(db: Session, *, actor: Actor, limit: int = 50) -> list[JobSummary]:
    """The latest mail-outs: the actor's own, or everyone's for a KAA officer (no names)."""
    actor.need("documents.generate")
    query = (
        select(
            MailoutJob.id,
            MailoutJob.status,
            sa.func.coalesce(StaffUser.display_name, MailoutJob.created_by),
            MailoutJob.sending_date,
            MailoutJob.person_count,
            MailoutJob.letter_count,
            MailoutJob.contact_count,
        )
        .outerjoin(StaffUser, StaffUser.id == MailoutJob.created_by_id)
        .order_by(MailoutJob.id.desc())
    )
    if not actor.can("mailout.all_jobs"):
        query = query.where(MailoutJob.created_by == actor.username)
    return [
        JobSummary(r[0], MAILOUT_STATUSES[r[1]], r[2], r[3], r[4], r[5], r[6])
        for r in db.exec(query.limit(limit))
    ]
