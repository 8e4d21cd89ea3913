"""The nightly steps on the job runner: scheduled by the worker at KAA_NIGHTLY_AT (Swedish time),
each a job of its own, and harmless when a night's run is repeated."""

from __future__ import annotations

from datetime import datetime

import pytest

from kaa_web import create_app
from kaa_web.models.base import local_today
from kaa_web.models.register import Youth
from kaa_web.nightly import STEPS
from kaa_web.rules import personnummer as pnr
from kaa_web.services import register


def scheduled_at(app, utc: datetime) -> list[str]:
    """The periodic jobs a worker's scheduler enqueues at this (naive UTC) minute."""
    queue = app.extensions["kaa_jobs"].queue
    return sorted(task.name for task in queue.read_periodic(utc))


def test_the_worker_schedules_the_night_at_the_swedish_time_of_day(app):
    assert scheduled_at(app, datetime(2026, 12, 2, 1, 30)) == ["kaa.minutely", "kaa.nightly"]
    assert scheduled_at(app, datetime(2026, 7, 2, 0, 30)) == ["kaa.minutely", "kaa.nightly"]
    assert scheduled_at(app, datetime(2026, 12, 2, 2, 30)) == ["kaa.minutely"]


@pytest.mark.settings(nightly_at="")
def test_an_empty_time_schedules_no_night_for_cron_to_run_the_command_instead(app):
    assert scheduled_at(app, datetime(2026, 12, 2, 1, 30)) == ["kaa.minutely"]


def test_a_nights_steps_run_as_jobs_and_a_repeated_night_changes_nothing_more(
    app, db_session, make_youth
):
    today = local_today()
    old = make_youth("Tjugo", "Idag", birth_date=pnr.birthday_cutoff(today, 20))
    runner = app.extensions["kaa_jobs"]

    runner.night()  # each step enqueued (and, with KAA_JOBS_URL=immediate, run at once)
    db_session.expire_all()
    period = register.current_period(db_session, old.id)
    assert db_session.get(Youth, old.id).status == "avregistrerad"
    assert (period.deregistration_reason, period.deregistered_on) == ("fyllt_20", today)

    runner.night()
    db_session.expire_all()
    assert len(register.periods_of(db_session, old.id)) == 1
    assert register.current_period(db_session, old.id).deregistered_on == today
    assert list(STEPS)[0] == "nightly.aged_out"  # before the next steps it changes


def test_two_workers_on_one_queue_enqueue_the_night_once(app, tmp_path):
    """Every worker's scheduler fires at KAA_NIGHTLY_AT: the first claims the night."""
    shared = {**app.overrides, "jobs_url": f"sqlite:///{tmp_path}/jobs.db"}
    first, second = (create_app(shared).extensions["kaa_jobs"] for _worker in (1, 2))
    first.scheduled_night()
    second.scheduled_night()
    first.scheduled_night()
    assert first.queue.pending_count() == len(STEPS)
    assert second.queue.pending_count() == len(STEPS)
