"""Gallring runs: started by the nightly job or by admin, run on the job runner in batches.

Each batch clears one category (the identity pass: all of them) for up to BATCH people, marks
them and commits, so a run stopped half-way (a worker killed, a database restart) loses
nothing: run again, it finds only what is left. At most one run is unfinished at a time (a
unique index), and it keeps the date its periods were counted from when it is taken up again."""

from __future__ import annotations

import json
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.config import RETENTION_CATEGORIES, Settings
from kaa_web.db import insert_rows
from kaa_web.models.base import utcnow
from kaa_web.models.retention import RetentionMark, RetentionRun
from kaa_web.permissions import SYSTEM_ACTOR, Actor
from kaa_web.services import jobs
from kaa_web.services.retention import selection
from kaa_web.services.retention.clearing import CLEARS, among

BATCH = 1000
# The identity first: a person whose identity goes has every category cleared in that one
# pass (and marked), so the other passes only reach those not due for anonymisation yet.
PASSES = ("register", *(c for c in RETENTION_CATEGORIES if c != "register"))
JOB = "retention.run"


def unfinished(db: Session) -> RetentionRun | None:
    return db.exec(select(RetentionRun).where(RetentionRun.unfinished.is_(True))).first()


def recent(db: Session, limit: int = 10) -> list[RetentionRun]:
    return list(db.exec(select(RetentionRun).order_by(RetentionRun.id.desc()).limit(limit)).all())


def counts_of(run: RetentionRun) -> dict[str, int]:
    stored = json.loads(run.counts or "{}")
    return {category: stored.get(category, 0) for category in RETENTION_CATEGORIES}


def start(db: Session, *, actor: Actor, today: date) -> RetentionRun:
    """A new run (the caller commits, then enqueues it); the unfinished one if there is one."""
    actor.need("retention.manage")
    run = unfinished(db)
    if run is None:
        run = RetentionRun(today=today, started_by=actor.username, unfinished=True)
        db.add(run)
        db.flush()
        audit.record(db, actor, "create", object_type="retention_run", object_id=run.id)
    return run


def _claim(db: Session, run_id: int) -> RetentionRun | None:
    """Take the run unless another worker is working on it right now."""
    stale = utcnow() - jobs.lease(db)
    taken = db.exec(
        sa.update(RetentionRun)
        .where(
            RetentionRun.id == run_id,
            RetentionRun.unfinished.is_(True),
            sa.or_(
                RetentionRun.status != "running",
                RetentionRun.heartbeat_at.is_(None),
                RetentionRun.heartbeat_at < stale,
            ),
        )
        .values(
            status="running",
            started_at=sa.func.coalesce(RetentionRun.started_at, utcnow()),
            heartbeat_at=utcnow(),
            attempts=RetentionRun.attempts + 1,
            error="",
        )
    )
    db.commit()
    return db.get(RetentionRun, run_id, populate_existing=True) if taken.rowcount else None


def _mark(db: Session, run: RetentionRun, ids: list[int], categories) -> list[dict]:
    """The marks these people did not have yet, stored; returned for the run's counts."""
    marked = set(
        db.exec(
            select(RetentionMark.youth_id, RetentionMark.category).where(
                among(db, RetentionMark.youth_id, ids), RetentionMark.category.in_(categories)
            )
        )
    )
    now = utcnow()
    rows = [
        dict(youth_id=i, category=c, run_id=run.id, at=now)
        for i in ids
        for c in categories
        if (i, c) not in marked
    ]
    insert_rows(db, RetentionMark.__table__, rows)
    return rows


def _batch(db: Session, run: RetentionRun, category: str, ids: list[int]) -> None:
    """One category for these people; an anonymised identity takes every category with it."""
    categories = RETENTION_CATEGORIES if category == "register" else (category,)
    for name in categories:
        CLEARS[name](db, ids)
    counts = counts_of(run)
    for mark in _mark(db, run, ids, categories):
        counts[mark["category"]] += 1
    run.counts, run.heartbeat_at = json.dumps(counts), utcnow()
    db.add(run)
    db.commit()


def _finish(db: Session, run: RetentionRun) -> None:
    run.status, run.unfinished, run.finished_at = "done", None, utcnow()
    db.add(run)
    audit.record(db, SYSTEM_ACTOR, "anonymised", object_type="retention_run", object_id=run.id)
    db.commit()


def execute(db: Session, run_id: int, settings: Settings) -> int:
    """Run (or resume) the run: how many people it has anonymised in all."""
    run = _claim(db, run_id)
    if run is None:
        return 0
    days = settings.retention_days()
    try:
        for category in PASSES:
            ended_before = selection.cutoff(run.today, days[category])
            after = 0
            while ids := selection.due(db, category, ended_before, BATCH, after):
                _batch(db, run, category, ids)
                after = ids[-1]
    except Exception as exc:
        db.rollback()
        db.exec(
            sa.update(RetentionRun)
            .where(RetentionRun.id == run_id)
            .values(status="failed", error=type(exc).__name__[:500])
        )
        db.commit()
        raise
    _finish(db, run)
    return counts_of(run)["register"]


def nightly(db: Session, settings: Settings, *, today: date) -> int:
    """The nightly step: the unfinished run taken up again, else a new one for `today`."""
    try:
        run = unfinished(db) or start(db, actor=SYSTEM_ACTOR, today=today)
        db.commit()
    except IntegrityError:  # admin started one at this very moment: that one it is
        db.rollback()
        run = unfinished(db)
    return execute(db, run.id, settings)


@jobs.task(JOB)
def _run_job(db: Session, run_id: int) -> None:
    execute(db, run_id, current_app.config["KAA_SETTINGS"])


@jobs.every_minute
def pick_up_stalled(db: Session) -> None:
    """A run whose worker stopped (no heartbeat for a lease) or whose message was lost."""
    run = unfinished(db)
    if run is None or run.status == "failed":
        return  # a failed run waits for the nightly job or admin, not a loop every minute
    last = run.heartbeat_at or run.created_at
    if last < utcnow() - jobs.lease(db) - timedelta(seconds=5):
        jobs.enqueue(JOB, run_id=run.id)
