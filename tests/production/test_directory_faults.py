"""The directory slow (2 s) and down, on a slapd of its own that is paused (SIGSTOP): a slow
directory is waited for; a dead one is a 503 in Swedish and a session that is not kept alive."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from kaa_web import create_app
from kaa_web.demo_directory import settings_for, start_directory
from kaa_web.models.auth import WebSession
from kaa_web.models.base import utcnow
from tests.conftest import TEST_SECRET, KaaClient, log_in
from tests.servers import LDIF, SERVICE_PASSWORD, empty_tables

UNAVAILABLE = "Inloggningen är inte tillgänglig just nu"


class PausedDirectory:
    """slapd that stops answering (SIGSTOP) and answers again (SIGCONT)."""

    def __init__(self, server):
        self.server = server

    def pause(self, seconds: float | None = None) -> None:
        os.kill(self.server._proc.pid, signal.SIGSTOP)
        if seconds is not None:
            threading.Timer(seconds, self.resume).start()

    def resume(self) -> None:
        os.kill(self.server._proc.pid, signal.SIGCONT)


@pytest.fixture
def directory(tmp_path):
    server = start_directory(tmp_path / "slapd", LDIF.read_text())
    paused = PausedDirectory(server)
    yield paused
    paused.resume()
    server.stop()


@pytest.fixture
def app(directory, migrated_database):
    application = create_app(
        {
            **settings_for(directory.server.ldap_uri, SERVICE_PASSWORD),
            "env": "development",
            "database_url": migrated_database,
            "secret_key": TEST_SECRET,
            "ldap_timeout": 3,
            "role_refresh_minutes": 0,  # every request re-reads the directory
        }
    )
    application.test_client_class = KaaClient
    yield application
    empty_tables(application.extensions["kaa_engine"])


def _session_row(app) -> WebSession:
    with Session(app.extensions["kaa_engine"]) as db:
        return db.exec(select(WebSession)).one()


def test_a_directory_answering_after_2_seconds_is_waited_for_at_login_and_at_the_role_check(
    app, directory
):
    client = app.test_client()
    client.csrf_token()
    directory.pause(2.0)
    started = time.monotonic()
    assert log_in(client, "kaa").status_code == 303
    assert 2.0 <= time.monotonic() - started < 3
    directory.pause(2.0)
    started = time.monotonic()
    assert client.get("/ungdomar/").status_code == 200
    assert 2.0 <= time.monotonic() - started < 3


def test_a_directory_that_does_not_answer_is_a_503_and_does_not_keep_the_session_alive(
    app, directory
):
    client = app.test_client()
    assert log_in(client, "kaa").status_code == 303
    engine = app.extensions["kaa_engine"]
    twenty_minutes_ago = utcnow() - timedelta(minutes=20)  # idle timeout: 30 minutes
    with Session(engine) as db:
        row = db.exec(select(WebSession)).one()
        row.last_seen_at = twenty_minutes_ago
        db.add(row)
        db.commit()
    directory.pause()
    refused = client.get("/ungdomar/")
    assert refused.status_code == 503 and UNAVAILABLE in refused.get_data(as_text=True)
    assert _session_row(app).last_seen_at.replace(tzinfo=None) == twenty_minutes_ago.replace(
        tzinfo=None
    )  # the stale roles did not buy the session more time
    login = log_in(app.test_client(), "ifo", "fel-losen")
    assert login.status_code == 503 and UNAVAILABLE in login.get_data(as_text=True)
    directory.resume()
    assert client.get("/ungdomar/").status_code == 200  # the same session, roles re-checked
    assert _session_row(app).last_seen_at.replace(tzinfo=None) > twenty_minutes_ago.replace(
        tzinfo=None
    )
