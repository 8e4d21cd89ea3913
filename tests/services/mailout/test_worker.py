"""A mail-out on a real job worker process: killed (SIGKILL) in the middle of 5,000 letters, taken
over by the next worker, and every person printed once and recorded once when confirmed."""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web.docx.render import DOCX_CONTENT_TYPE, count_letters
from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.documents import GeneratedDocument, GeneratedDocumentYouth
from kaa_web.models.mailout import MailoutJob, MailoutPerson
from kaa_web.models.register import ContactAttempt, RegistrationPeriod, Youth
from kaa_web.rules import personnummer as pnr
from kaa_web.services import jobs, mailout
from kaa_web.services.register import name_key
from tests import factories
from tests.servers import start_worker

ADULTS, MINORS = 1000, 4000  # two files: the kill falls after the first, in the second
LEASE_SECONDS = 2


@pytest.fixture
def queue_url(database_url, tmp_path, request):
    """The queue production pairs with each database: Redis beside PostgreSQL; the demo's
    SQLite file beside SQLite."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/jobs.db"
    return request.getfixturevalue("redis_url")


@pytest.fixture
def worker_settings(app, ldap_server, queue_url):
    engine = app.extensions["kaa_engine"]
    return {
        **ldap_server.settings,
        "env": "development",
        "database_url": engine.url.render_as_string(hide_password=False),
        "jobs_url": queue_url,
        "job_lease_seconds": LEASE_SECONDS,
    }


@pytest.fixture
def queued_app(app, worker_settings):
    """The app as a server enqueues with it: the same database, the worker's queue."""
    other = app.with_settings(jobs_url=worker_settings["jobs_url"])
    yield other
    other.extensions["kaa_engine"].dispose()


def due_letters(db: Session, adults: int, minors: int) -> list[int]:
    """People whose first letter is due: adults get one themselves, minors' go to their
    household (no guardian recorded: "Vårdnadshavare till …" at their address)."""
    today = local_today()
    rows = []
    for n in range(adults + minors):
        years = 19 if n < adults else 16
        born = today.replace(year=today.year - years) - timedelta(days=n % 300)
        number = pnr.parse(pnr.make_valid(born, 200 + n // 300))
        rows.append(
            dict(
                personnummer=number.canonical,
                first_name=f"Förnamn{n}",
                last_name="Efternamn",
                first_name_key=name_key(f"Förnamn{n}"),
                last_name_key=name_key("Efternamn"),
                birth_date=number.birth_date,
                gender=number.gender,
                street_address=f"Gatan {n}",
                postal_code="123 45",
                city="Exempelstad",
                next_step="brev",
                next_step_due=today - timedelta(days=10),
            )
        )
    db.connection().execute(sa.insert(Youth), rows)
    ids = list(db.exec(select(Youth.id).order_by(Youth.id)))
    periods = [
        dict(
            youth_id=youth_id,
            registered_on=today - timedelta(days=40),
            registration_reason="avbrott_nationellt",
            registration_source="import",
        )
        for youth_id in ids
    ]
    db.connection().execute(sa.insert(RegistrationPeriod), periods)
    db.commit()
    return ids


def wait_for(db: Session, job_id: int, done, seconds: float = 120) -> MailoutJob:
    deadline = time.monotonic() + seconds
    while True:
        db.expire_all()
        job = db.get(MailoutJob, job_id)
        if done(job):
            return job
        assert time.monotonic() < deadline, (job.status, job.letters_done, job.error)
        time.sleep(0.01)


def test_a_worker_killed_mid_mailout_is_taken_over_and_each_contact_is_recorded_once(
    db_session, staff, queued_app, worker_settings, tmp_path
):
    kaa = factories.actor("kaa", staff)
    ids = due_letters(db_session, ADULTS, MINORS)
    job = mailout.start_mailout(db_session, actor=kaa, youth_ids=ids, on=local_today())
    db_session.commit()
    log = tmp_path / "worker.log"
    first = start_worker(worker_settings, log)
    try:
        with queued_app.app_context():
            jobs.enqueue(mailout.TASK, job_id=job.id)
        # the first file (the adults') is stored; the second is being made
        wait_for(db_session, job.id, lambda j: j.letters_done >= ADULTS)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        first.kill()
    db_session.expire_all()
    killed = db_session.get(MailoutJob, job.id)
    assert (killed.status, killed.letters_done, killed.letter_count) == (
        "running",
        ADULTS,
        ADULTS + MINORS,
    ), log.read_text()[-3000:]
    stored = db_session.exec(select(sa.func.count()).select_from(MailoutPerson)).one()
    assert stored == ADULTS + MINORS

    time.sleep(LEASE_SECONDS + 0.5)  # the killed worker's lease runs out
    second = start_worker(worker_settings, log)  # it finds the stalled job when it starts
    try:
        ready = wait_for(db_session, job.id, lambda j: j.status not in ("queued", "running"))
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=30)
    assert (ready.status, ready.error, ready.attempts) == ("ready", "", 2), log.read_text()[-3000:]
    assert ready.letters_done == ADULTS + MINORS

    files = db_session.exec(
        select(GeneratedDocument).where(GeneratedDocument.content_type == DOCX_CONTENT_TYPE)
    ).all()
    assert sorted(f.id for f in files) == sorted(json.loads(ready.document_ids))
    assert sorted(count_letters(f.content) for f in files) == [ADULTS, MINORS]
    printed = db_session.exec(select(GeneratedDocumentYouth.youth_id)).all()
    assert sorted(printed) == sorted(ids)  # everyone in exactly one file
    generated = db_session.exec(
        select(AuditEvent.youth_id).where(AuditEvent.action == "document_generated")
    ).all()
    assert sorted(generated) == sorted(ids)  # and logged once, not once per attempt
    assert db_session.exec(select(ContactAttempt)).all() == []  # nothing sent before posting

    for _ in range(2):  # a double confirmation records once
        mailout.confirm_mailout(db_session, actor=kaa, job_id=job.id, posted_on=local_today())
        db_session.commit()
    recorded = db_session.exec(select(ContactAttempt.youth_id)).all()
    assert sorted(recorded) == sorted(ids)
