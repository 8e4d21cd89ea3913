"""/halsa, for load balancers: 200 when the database, the directory and the job runner answer,
503 naming the part that does not; a few words, no personal data, nothing cached."""

from __future__ import annotations

import signal
import time

import pytest

from tests.servers import free_port, start_worker

ALL_OK = {"status": "ok", "database": "ok", "directory": "ok", "jobs": "ok"}


@pytest.fixture
def app_with(app):
    """app_with(**settings): this test's app with some settings changed (and disposed after)."""
    made = []

    def _make(**changes):
        made.append(app.with_settings(**changes))
        return made[-1]

    yield _make
    for other in made:
        other.extensions["kaa_engine"].dispose()


def health(application):
    response = application.test_client().get("/halsa")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    return response.status_code, response.get_json()


def test_everything_up_answers_200_in_a_few_words(app):
    status, body = health(app)
    assert (status, body) == (200, ALL_OK)


def test_the_database_down_answers_503(app_with, database_url, tmp_path):
    if database_url.startswith("sqlite"):
        down = f"sqlite:///{tmp_path}"  # a directory: no database can be opened there
    else:
        down = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres"
    status, body = health(app_with(database_url=down))
    assert (status, body) == (503, {**ALL_OK, "status": "fail", "database": "unreachable"})


def test_the_directory_down_answers_503_within_the_checks_timeout(app_with):
    started = time.monotonic()
    status, body = health(app_with(ldap_url=f"ldap://127.0.0.1:{free_port()}"))
    assert (status, body) == (503, {**ALL_OK, "status": "fail", "directory": "unreachable"})
    assert time.monotonic() - started < 5


def test_the_job_queue_down_answers_503(app_with):
    status, body = health(app_with(jobs_url=f"redis://127.0.0.1:{free_port()}/0"))
    assert (status, body) == (503, {**ALL_OK, "status": "fail", "jobs": "queue unreachable"})


def test_no_job_worker_running_answers_503_and_a_started_worker_makes_it_200(
    app, app_with, redis_url, ldap_server, tmp_path
):
    redis_app = app_with(jobs_url=redis_url)
    redis_app.extensions["kaa_jobs"].queue.delete("kaa-worker-beat")
    status, body = health(redis_app)
    assert (status, body) == (503, {**ALL_OK, "status": "fail", "jobs": "no worker"})

    engine = app.extensions["kaa_engine"]
    settings = {
        **ldap_server.settings,
        "env": "development",
        "database_url": engine.url.render_as_string(hide_password=False),
        "jobs_url": redis_url,
    }
    worker = start_worker(settings, tmp_path / "worker.log")
    try:
        deadline = time.monotonic() + 30
        while health(redis_app)[0] != 200:
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()[-2000:]
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=30)
    assert health(redis_app) == (200, ALL_OK)
