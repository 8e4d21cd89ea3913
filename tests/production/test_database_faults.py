"""Database faults on a PostgreSQL cluster of its own: stopped in the middle of a school's
submission and started again (gunicorn serving, never restarted), and out of disk while a
document is being stored (a tablespace on a small tmpfs)."""

from __future__ import annotations

import os
import pwd
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from kaa_web import create_app, migrate
from kaa_web.db import create_engine
from kaa_web.demo import seed_schools, seed_staff
from kaa_web.models.audit import AuditEvent
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.register import ContactAttempt
from kaa_web.models.school_reports import (
    ReportDraft,
    SchoolReport,
    SchoolReportStudent,
    SchoolUnit,
)
from tests import factories
from tests.conftest import TEST_SECRET, KaaClient, log_in
from tests.live import LiveClient
from tests.servers import empty_tables, postgres_cluster, running_gunicorn
from tests.views.school_reports.helpers import dropout

NOTHING_SAVED = "Databasen svarar inte just nu, så det du skickade har inte sparats."
DISK_FULL = "Servern har slut på lagringsutrymme, så inget av det du skickade har sparats."


@pytest.fixture(scope="module")
def cluster():
    with postgres_cluster() as running:
        yield running


@pytest.fixture(scope="module")
def engine(cluster):
    engine = create_engine(cluster.url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine):
    empty_tables(engine)
    with Session(engine) as session:
        seed_staff(session)
        seed_schools(session)
        session.commit()
        yield session


def _settings(url: str, ldap_server) -> dict:
    return {
        **ldap_server.settings,
        "env": "development",
        "database_url": url,
        "secret_key": TEST_SECRET,
    }


@contextmanager
def blocked(engine, table: str):
    """Hold a lock that lets readers of `table` through but makes a writer wait."""
    connection = engine.connect()
    transaction = connection.begin()
    connection.execute(sa.text(f"LOCK TABLE {table} IN SHARE MODE"))
    try:
        yield
    finally:
        try:
            transaction.rollback()
        except OperationalError:  # the cluster was stopped meanwhile
            pass
        connection.invalidate()


def wait_for_a_waiting_writer(engine, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    while True:
        with engine.connect() as connection:
            if connection.execute(query).scalar():
                return
        assert time.monotonic() < deadline, "the submission never reached its write"
        time.sleep(0.05)


def test_postgres_stopped_in_the_middle_of_a_submission_saves_nothing_keeps_the_draft_and_the_app_recovers(  # noqa: E501
    cluster, engine, db, ldap_server, tmp_path
):
    unit = db.exec(select(SchoolUnit).where(SchoolUnit.code == "90000001")).one()
    report = dropout(unit, token="mitt-i-anmalan")
    db.commit()  # back to the pool: checked (pre-ping) when next used, after the restart
    settings = _settings(cluster.url, ldap_server)
    with running_gunicorn(settings, tmp_path / "gunicorn.log", "--workers", "2") as server:
        school = LiveClient(server.url)
        assert school.log_in("skola").status_code == 303
        form = {"csrf_token": school.token(), **report}
        draft = school.post("/skola/anmalan/studieavbrott/utkast", form)
        assert draft.status_code == 204  # the form's autosave, before the school sends it
        workers = server.worker_pids()
        with blocked(engine, "form_submission"), ThreadPoolExecutor(1) as pool:
            sending = pool.submit(school.post, "/skola/anmalan/studieavbrott", form)
            wait_for_a_waiting_writer(engine)  # the report and student rows are written
            cluster.stop("fast")
            answer = sending.result(timeout=60)
        assert answer.status_code == 503 and NOTHING_SAVED in answer.text
        while_down = school.get("/skola/anmalan/studieavbrott")
        assert while_down.status_code == 503
        assert "Databasen svarar inte just nu. Försök igen om en stund." in while_down.text
        cluster.start()

        db.expire_all()
        assert db.exec(select(SchoolReport)).all() == []
        assert db.exec(select(SchoolReportStudent)).all() == []
        [kept] = db.exec(select(ReportDraft)).all()
        assert "Exempelsson" in kept.data
        page = school.get("/skola/anmalan/studieavbrott")  # still signed in, draft restored
        assert page.status_code == 200 and 'value="Exempelsson"' in page.text
        again = school.post("/skola/anmalan/studieavbrott", form)
        assert again.status_code == 303
        assert len(db.exec(select(SchoolReport)).all()) == 1
        assert server.worker_pids() == workers  # recovered without a restart of its own
        assert server.process.poll() is None


@contextmanager
def small_tablespace(engine, size: str = "4m"):
    """A tablespace on a tmpfs of `size`, owned by the cluster's user; dropped afterwards.
    (Outside pytest's temporary directory, which the postgres user cannot enter.)"""
    mount_point = Path(tempfile.mkdtemp(prefix="kaa-small-disk-"))
    owner = pwd.getpwnam("postgres")
    options = f"size={size},uid={owner.pw_uid},gid={owner.pw_gid},mode=0700"
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", mount_point], check=True)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text(f"CREATE TABLESPACE kaa_small LOCATION '{mount_point}'"))
        try:
            yield "kaa_small"
        finally:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("DROP TABLE IF EXISTS disk_filler"))
                connection.execute(
                    sa.text("ALTER TABLE generated_document SET TABLESPACE pg_default")
                )
                connection.execute(sa.text("DROP TABLESPACE IF EXISTS kaa_small"))
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)
        mount_point.rmdir()


def fill(engine, tablespace: str) -> None:
    """Write incompressible rows into the tablespace until its disk is full."""
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE TABLE disk_filler (b bytea) TABLESPACE {tablespace}"))
    with pytest.raises(OperationalError, match="No space left on device"):
        for _ in range(1_000):  # 64 MB: far past the disk's size
            with engine.begin() as connection:
                connection.execute(
                    sa.text("INSERT INTO disk_filler VALUES (:b)"), {"b": os.urandom(64 * 1024)}
                )


def test_a_full_disk_while_a_letter_is_stored_answers_in_swedish_and_records_nothing(
    engine, db, ldap_server
):
    youth = factories.youth(
        db, "Disa", "Diskfull", street_address="Storgatan 1", postal_code="85230", city="Sundsvall"
    )
    db.commit()
    app = create_app(_settings(engine.url.render_as_string(hide_password=False), ldap_server))
    app.test_client_class = KaaClient
    officer = app.test_client()
    assert log_in(officer, "kaa").status_code == 303
    with small_tablespace(engine) as tablespace:
        with engine.begin() as connection:
            connection.execute(
                sa.text(f"ALTER TABLE generated_document SET TABLESPACE {tablespace}")
            )
        fill(engine, tablespace)
        response = officer.post_form(f"/ungdomar/{youth.id}/dokument", {"step": "brev"})
        assert response.status_code == 503 and DISK_FULL in response.get_data(as_text=True)
        db.expire_all()
        assert db.exec(select(GeneratedDocument)).all() == []
        assert db.exec(select(ContactAttempt).where(ContactAttempt.kind == "brev")).all() == []
        generated = select(AuditEvent).where(AuditEvent.object_type == "generated_document")
        assert db.exec(generated).all() == []
        db.rollback()
        with engine.begin() as connection:  # IT frees the disk: the same letter works
            connection.execute(sa.text("DROP TABLE disk_filler"))
        retried = officer.post_form(f"/ungdomar/{youth.id}/dokument", {"step": "brev"})
        assert retried.status_code == 303
        db.expire_all()
        assert len(db.exec(select(GeneratedDocument)).all()) == 1
        db.rollback()  # its lock on the table would hold up moving it back
    app.extensions["kaa_engine"].dispose()
