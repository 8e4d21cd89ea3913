"""A gunicorn worker killed (SIGKILL) in the middle of a school's submission: nothing of it is
stored, gunicorn starts a new worker, and sending the same form again saves it once."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import migrate
from kaa_web.db import create_engine
from kaa_web.demo import seed_schools, seed_staff
from kaa_web.models.school_reports import SchoolReport, SchoolReportStudent, SchoolUnit
from tests.live import LiveClient
from tests.production.test_database_faults import blocked, wait_for_a_waiting_writer
from tests.servers import own_database, running_gunicorn
from tests.views.school_reports.helpers import dropout


@pytest.fixture
def engine(postgres_url):
    with own_database(postgres_url, "kaa_worker_killed") as url:
        engine = create_engine(url)
        migrate.upgrade(engine)
        with Session(engine) as db:
            seed_staff(db)
            seed_schools(db)
            db.commit()
        yield engine
        engine.dispose()


def _until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.1)


def _busy_backends(engine) -> int:
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND state <> 'idle'"
    )
    with engine.connect() as connection:
        return connection.execute(query).scalar()


def test_a_worker_killed_mid_request_stores_nothing_and_the_retry_saves_once(
    engine, ldap_server, tmp_path
):
    settings = {
        **ldap_server.settings,
        "env": "development",
        "database_url": engine.url.render_as_string(hide_password=False),
        "secret_key": "killed-" + "k" * 40,
    }
    with Session(engine) as db:
        unit = db.exec(select(SchoolUnit).where(SchoolUnit.code == "90000001")).one()
        report = dropout(unit, token="arbetaren-dog")
    with running_gunicorn(settings, tmp_path / "gunicorn.log", "--workers", "1") as server:
        school = LiveClient(server.url)
        assert school.log_in("skola").status_code == 303
        form = {"csrf_token": school.token(), **report}
        [worker] = server.worker_pids()
        with blocked(engine, "form_submission"), ThreadPoolExecutor(1) as pool:
            sending = pool.submit(school.post, "/skola/anmalan/studieavbrott", form)
            wait_for_a_waiting_writer(engine)  # the report's rows are written, not committed
            os.kill(worker, signal.SIGKILL)
            with pytest.raises(requests.ConnectionError):
                sending.result(timeout=30)
        _until(lambda: _busy_backends(engine) == 0)  # PostgreSQL rolled the dead one back
        with Session(engine) as db:
            assert db.exec(select(SchoolReport)).all() == []
            assert db.exec(select(SchoolReportStudent)).all() == []
        _until(lambda: server.worker_pids() and server.worker_pids() != [worker])
        again = school.post("/skola/anmalan/studieavbrott", form)
        assert again.status_code == 303
        twice = school.post("/skola/anmalan/studieavbrott", form)  # and a double click
        assert twice.headers["Location"] == again.headers["Location"]
        with Session(engine) as db:
            assert len(db.exec(select(SchoolReport)).all()) == 1
