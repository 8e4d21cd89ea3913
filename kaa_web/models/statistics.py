"""A nämnd report: the manager's texts per section (a draft until generated) and the document
made from them, with the period, settings and data time it was made from; and the jobs that
make the documents on the job runner."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kaa_web.models.base import utcnow
from kaa_web.models.register import RegistrationPeriod

# The statistics read the periods overlapping a report period: open ones and those ended since
# its start. This index finds them without reading the archive of periods that ended long ago,
# so a page's cost follows the period's activity (bench/statistics.py).
sa.Index("ix_registration_period_deregistered_on", RegistrationPeriod.deregistered_on)

REPORT_KINDS = {
    "t1": "Tertialrapport 1",
    "t2": "Tertialrapport 2",
    "t3": "Årsrapport",
    "h1": "Halvårsrapport 1",
    "h2": "Halvårsrapport 2",
}


class NamndReport(SQLModel, table=True):
    __tablename__ = "namnd_report"
    __table_args__ = (sa.UniqueConstraint("kind", "year", name="uq_namnd_report_kind_year"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)  # REPORT_KINDS
    year: int
    # {"<section key>": {"analys": "…", "utveckling": "…"}} as JSON
    texts: str = Field(default="{}", sa_type=sa.Text)
    document_id: int | None = Field(default=None, foreign_key="generated_document.id")
    # what the latest document was made from
    period_start: date | None = None
    period_end: date | None = None
    settings: str = Field(default="", max_length=200)
    data_at: datetime | None = None
    generated_by: str = Field(default="", max_length=100)
    version: int = Field(default=1)
    created_by: str = Field(max_length=100)
    updated_at: datetime = Field(default_factory=utcnow)


REPORT_JOB_STATUSES = {
    "queued": "Väntar på att starta",
    "running": "Skapas",
    "ready": "Klar",
    "failed": "Misslyckades",
}


class NamndReportJob(SQLModel, table=True):
    """One "Skapa rapporten": made by a worker, at most one unfinished per report."""

    __tablename__ = "namnd_report_job"
    __table_args__ = (
        sa.Index(
            "uq_namnd_report_job_unfinished",
            "report_id",
            unique=True,
            sqlite_where=sa.text("status IN ('queued', 'running')"),
            postgresql_where=sa.text("status IN ('queued', 'running')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="namnd_report.id", index=True)
    status: str = Field(default="queued", max_length=20, index=True)
    phase: str = Field(default="", max_length=100)
    min_cell: int  # KAA_STATS_MIN_CELL when it was asked for
    created_by: str = Field(max_length=100)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_roles: str = Field(default="", max_length=200)  # the job works with these roles
    document_id: int | None = Field(default=None, foreign_key="generated_document.id")
    error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    # The job runner: the worker holding the job, when it was last heard from, how many tried.
    worker_token: str = Field(default="", max_length=32)
    heartbeat_at: datetime | None = None
    attempts: int = Field(default=0)
    finished_at: datetime | None = None
