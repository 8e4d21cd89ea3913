"""A mail-out job on the runner: taken over when its worker falls silent, given up after
MAX_ATTEMPTS, and a worker that lost its job stores nothing."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web.models.base import local_today, utcnow
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.mailout import MailoutJob, MailoutPerson
from kaa_web.services import documents as document_service
from kaa_web.services import mailout
from kaa_web.services.mailout import runs as mailout_runs
from tests.services.mailout.steps import (
    contacts,
)


def test_a_job_whose_worker_fell_silent_is_taken_over_by_the_minutely_check(
    app, db_session, kaa, person
):
    someone = person("Vuxen")
    job = mailout.start_mailout(db_session, actor=kaa, youth_ids=[someone.id], on=local_today())
    job.status, job.attempts = "running", 1
    job.heartbeat_at = utcnow() - timedelta(seconds=61)  # past the 60 s lease
    db_session.add(job)
    db_session.commit()

    app.extensions["kaa_jobs"].minutely()  # what a worker runs at its start and every minute

    db_session.expire_all()
    job = db_session.get(MailoutJob, job.id)
    assert (job.status, job.attempts, job.letters_done) == ("ready", 2, 1)


def test_a_job_no_worker_could_finish_is_given_up_with_nothing_recorded(
    app, db_session, kaa, person
):
    someone = person("Vuxen")
    job = mailout.start_mailout(db_session, actor=kaa, youth_ids=[someone.id], on=local_today())
    job.status, job.attempts = "running", mailout_runs.MAX_ATTEMPTS
    job.heartbeat_at = utcnow() - timedelta(minutes=5)
    db_session.add(job)
    db_session.commit()

    app.extensions["kaa_jobs"].minutely()

    view = mailout.get_mailout_job(db_session, actor=kaa, job_id=job.id)
    assert view.job.status == "failed" and "inget är registrerat" in view.job.error
    mailout.run_mailout_job(db_session, job_id=job.id)  # too late: no-op
    assert db_session.exec(select(MailoutPerson)).all() == []
    assert contacts(db_session) == []


def test_a_worker_that_lost_its_job_to_another_stores_nothing(db_session, kaa, person, monkeypatch):
    someone = person("Vuxen")
    job = mailout.start_mailout(db_session, actor=kaa, youth_ids=[someone.id], on=local_today())
    db_session.commit()
    real = document_service.generate_batch

    def taken_over_meanwhile(db, **kwargs):
        with Session(db.get_bind()) as other:  # another worker claims it while this one renders
            other.exec(sa.update(MailoutJob).values(worker_token="another-worker"))
            other.commit()
        return real(db, **kwargs)

    monkeypatch.setattr(document_service, "generate_batch", taken_over_meanwhile)
    mailout.run_mailout_job(db_session, job_id=job.id)

    db_session.expire_all()
    assert db_session.get(MailoutJob, job.id).letters_done == 0
    assert db_session.exec(select(GeneratedDocument)).all() == []
