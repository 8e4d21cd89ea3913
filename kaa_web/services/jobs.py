"""The one place that hands work to the job runner (huey), and the runner's side of it.

Features declare their background work by name (`@task("mailout.files")`, `@every_minute`);
views and commands enqueue it here after their transaction has committed (`enqueue`), and
`flask --app wsgi kaa worker` runs it in a process of its own. The queue is huey's: Redis in
production (`KAA_JOBS_URL=redis://…`, shared by every app server), a SQLite file for the demo,
or `immediate` (each job runs at once in the process that enqueues it; tests). huey hands a
message to one worker and forgets it, so a job must be idempotent and keep its own state in
the database: a worker killed mid-job loses the message, and the feature's `every_minute`
check (also run when a worker starts) finds the stalled job and enqueues it again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlmodel import Session, select

from kaa_web.db import app_session
from kaa_web.models.base import LOCAL_TZ, local_today, utcnow
from kaa_web.permissions import Actor

log = logging.getLogger(__name__)

_TASKS: dict[str, Callable[..., None]] = {}
_MINUTELY: list[Callable[[Session], None]] = []
_NIGHTLY: list[str] = []  # the tasks a worker enqueues every night at KAA_NIGHTLY_AT, in order
WORKER_BEAT = "kaa-worker-beat"  # when a worker last said it was alive (a Unix time)
WORKER_SILENT_AFTER = 150  # seconds: no worker has run its minutely round for longer than this


def task(name: str):
    """Declare `function(db, **arguments)` as the work `enqueue(name, …)` starts."""

    def register(function):
        _TASKS[name] = function
        return function

    return register


def nightly(name: str):
    """Declare `function(db)` as the task `name`, enqueued every night at KAA_NIGHTLY_AT."""

    def register(function):
        _NIGHTLY.append(name)
        return task(name)(function)

    return register


def every_minute(function: Callable[[Session], None]):
    """Declare `function(db)` to be run by a worker when it starts and then every minute."""
    _MINUTELY.append(function)
    return function


def lease(db: Session) -> timedelta:
    """How long a running job may go unheard from before another worker takes it over."""
    return timedelta(seconds=db.info.get("job_lease_seconds", 60))


def make_queue(url: str) -> Huey:
    """huey for `KAA_JOBS_URL`: redis://… , sqlite:///path or immediate."""
    if url == "immediate":
        return MemoryHuey("kaa", immediate=True, results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("kaa", url=url, results=False)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("kaa", filename=str(path), results=False)
    raise ValueError("KAA_JOBS_URL must be redis://…, sqlite:///… or immediate")


class Runner:
    """The app's queue: enqueues by name and, in a worker, runs each job in a session of its
    own inside the app's context."""

    def __init__(self, app, settings):
        self.app, self.lease_seconds = app, settings.job_lease_seconds
        self.queue = make_queue(settings.jobs_url)
        self._run = self.queue.task(name="kaa.run")(self._run_named)
        self.queue.periodic_task(crontab(), name="kaa.minutely")(self.minutely)
        self.queue.on_startup(name="kaa.startup")(self.minutely)
        if settings.nightly_at:
            at = tuple(int(part) for part in settings.nightly_at.split(":"))

            def is_time(utc: datetime) -> bool:
                return _local(utc) == at

            self.queue.periodic_task(is_time, name="kaa.nightly")(self.scheduled_night)

    def scheduled_night(self) -> None:
        """The night's steps, once whatever the number of workers: each worker's scheduler
        fires at KAA_NIGHTLY_AT, and the first to claim the night in the shared queue runs it."""
        today = local_today()
        if self.queue.put_if_empty(_night_key(today), "claimed"):
            self.queue.get(_night_key(today - timedelta(days=1)))  # the key before it goes
            self.night()

    def night(self) -> None:
        """Enqueue each nightly step: a step that fails leaves the others to run."""
        for name in _NIGHTLY:
            self.enqueue(name)

    def enqueue(self, name: str, **arguments) -> None:
        if name not in _TASKS:
            raise KeyError(f"no job named {name!r}")
        self._run(name, arguments)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self.app.app_context(), app_session(expire_on_commit=False) as db:
            db.info["job_lease_seconds"] = self.lease_seconds
            yield db

    def _run_named(self, name: str, arguments: dict) -> None:
        with self._session() as db:
            _TASKS[name](db, **arguments)

    def minutely(self) -> None:
        """Say this worker is alive, then each feature's check for work to pick up again."""
        if not self.queue.immediate:
            self.queue.put(WORKER_BEAT, time.time())
        for check in _MINUTELY:
            with self._session() as db:
                try:
                    check(db)
                except Exception:
                    log.exception("the minutely check %s failed", check.__name__)

    def problem(self) -> str:
        """Why jobs cannot run now ('' when they can): the queue or every worker is gone."""
        if self.queue.immediate:
            return ""
        try:
            beat = self.queue.get(WORKER_BEAT, peek=True)
        except Exception:
            log.warning("the job queue cannot be reached", exc_info=True)
            return "queue unreachable"
        if beat is None or time.time() - beat > WORKER_SILENT_AFTER:
            return "no worker"
        return ""

    def work(self, threads: int) -> None:
        """Run a worker in this process until it is stopped (SIGINT finishes running jobs)."""
        consumer = self.queue.create_consumer(
            workers=threads, worker_type="thread", periodic=True, max_delay=1.0
        )
        consumer.run()


def _local(utc: datetime) -> tuple[int, int]:
    """(hour, minute) in Sweden of the naive UTC time huey's scheduler passes."""
    here = utc.replace(tzinfo=UTC).astimezone(LOCAL_TZ)
    return here.hour, here.minute


def _night_key(day: date) -> str:
    return f"kaa-nightly-{day.isoformat()}"


def runner() -> Runner:
    return current_app.extensions["kaa_jobs"]


def enqueue(name: str, **arguments) -> None:
    """Start the job `name` with JSON-plain `arguments`, once the caller has committed."""
    runner().enqueue(name, **arguments)


@contextmanager
def keep_alive(beat: Callable[[], None], every: float) -> Iterator[None]:
    """Call `beat()` every `every` seconds while the body runs: a long step (LibreOffice, a
    large render) must not look like a dead worker to the others."""
    stop = threading.Event()

    def loop():
        while not stop.wait(every):
            try:
                beat()
            except Exception:
                log.warning("a job's heartbeat failed", exc_info=True)

    thread = threading.Thread(target=loop, name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


class LostClaim(Exception):
    """Another worker has taken the job over: this one stops and stores nothing more."""


class Claims:
    """A job table's claims: a worker takes a job with a conditional UPDATE that writes a token
    of its own, and every step it stores is a second conditional UPDATE on that token, so a
    worker that has lost the job (its lease ran out and another took over) stores nothing more.
    The table has status, worker_token, heartbeat_at and attempts columns."""

    def __init__(self, model, max_attempts: int):
        self.model, self.max_attempts = model, max_attempts

    def claim(self, db: Session, job_id: int, token: str, **values) -> bool:
        """Take a queued job, or one whose worker has been silent past the lease; once at a
        time. Commits."""
        m, now = self.model, utcnow()
        silent = sa.and_(m.status == "running", m.heartbeat_at < now - lease(db))
        claimed = db.exec(
            sa.update(m)
            .where(m.id == job_id, sa.or_(m.status == "queued", silent))
            .where(m.attempts < self.max_attempts)
            .values(
                status="running",
                heartbeat_at=now,
                attempts=m.attempts + 1,
                worker_token=token,
                **values,
            )
        ).rowcount
        db.commit()
        return bool(claimed)

    def ours(self, job_id: int, token: str):
        # "fetch": the job's row is brought up to date in the session by its id. The default
        # evaluated the condition against every object in the session (5,000 people in a
        # mail-out): a second a mail-out.
        m = self.model
        return (
            sa.update(m)
            .where(m.id == job_id, m.worker_token == token)
            .execution_options(synchronize_session="fetch")
        )

    def store(self, db: Session, job_id: int, token: str, **values) -> None:
        """Store a step with the job's progress, if the job is still this worker's. Commits."""
        statement = self.ours(job_id, token).values(heartbeat_at=utcnow(), **values)
        if not db.exec(statement).rowcount:
            db.rollback()
            raise LostClaim(job_id)
        db.commit()

    def beat(self, engine: sa.Engine, job_id: int, token: str) -> None:
        """Renew the lease from a session of its own (the heartbeat's thread)."""
        with Session(engine) as db:
            db.exec(self.ours(job_id, token).values(heartbeat_at=utcnow()))
            db.commit()

    @contextmanager
    def working(self, db: Session, job_id: int, token: str, failed: str) -> Iterator[None]:
        """Around a claimed job's work: its lease renewed while it runs; if another worker
        took it over, nothing more; if it fails, nothing of it stored and the job marked
        failed with the message `failed`."""
        every = max(lease(db).total_seconds() / 4, 0.2)
        with keep_alive(lambda: self.beat(db.get_bind(), job_id, token), every):
            try:
                yield
            except LostClaim:
                log.warning("%s %s was taken over by another worker", self.name, job_id)
            except Exception:
                log.exception("%s %s failed", self.name, job_id)
                db.rollback()
                values = dict(status="failed", phase="", error=failed, finished_at=utcnow())
                db.exec(self.ours(job_id, token).values(**values))
                db.commit()

    @property
    def name(self) -> str:
        return self.model.__tablename__

    def stalled(self, db: Session) -> list:
        """Jobs whose worker has stopped, or whose message was lost."""
        m, silent_since = self.model, utcnow() - lease(db)
        queued = sa.and_(m.status == "queued", m.created_at < silent_since)
        running = sa.and_(m.status == "running", m.heartbeat_at < silent_since)
        return list(db.exec(select(m).where(sa.or_(queued, running))).all())


def creator(job) -> Actor:
    """Who a job works as: its creator with the roles they had when they started it."""
    roles = frozenset(r for r in job.created_roles.split(",") if r)
    return Actor(staff_id=job.created_by_id, username=job.created_by, roles=roles)
