"""End-to-end fixtures: gunicorn serving the app on PostgreSQL with the real slapd; Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlmodel import Session

from kaa_web import migrate
from kaa_web.db import create_engine
from kaa_web.demo_data import seed_schools, seed_staff
from kaa_web.models.base import local_today
from tests import factories
from tests.servers import USER_FOR_ROLE, empty_tables, free_port, own_database, password_for

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: no browser download is possible on these machines."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


def _env_for(settings: dict) -> dict:
    env = {f"KAA_{name.upper()}": str(value) for name, value in settings.items()}
    return {**os.environ, **env}


@pytest.fixture(scope="session")
def e2e_database(postgres_url):
    with own_database(postgres_url, "kaa_e2e") as url:
        engine = create_engine(url)
        migrate.upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture(scope="session")
def server_url(e2e_database, ldap_server, tmp_path_factory):
    """The app under gunicorn (a real WSGI server), as production runs it."""
    port = free_port()
    settings = {
        **ldap_server.settings,
        "env": "development",
        "database_url": str(e2e_database.url.render_as_string(hide_password=False)),
        "secret_key": "e2e-" + "k" * 40,
    }
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=_env_for(settings),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/halsa", timeout=1)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start:\n" + log.read_text()) from None
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(autouse=True)
def fresh_data(e2e_database):
    """Each journey starts from the same small, known data."""
    empty_tables(e2e_database)
    with Session(e2e_database) as db:
        seed_staff(db)
        seed_schools(db)
        db.commit()
    yield


@pytest.fixture
def db(e2e_database):
    with Session(e2e_database, expire_on_commit=False) as session:
        yield session


_axe = Axe()


def assert_accessible(page) -> None:
    """axe-core finds no violations on the page as it stands now."""
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def login(page, server_url: str, role_or_username: str, check_accessibility=True) -> None:
    """Log in through the real form, with the keyboard only."""
    username = USER_FOR_ROLE.get(role_or_username, role_or_username)
    page.goto(server_url + "/logga-in")
    if check_accessibility:  # axe needs JavaScript in the page
        assert_accessible(page)
    page.keyboard.press("Tab")  # skip link first
    page.get_by_label("Användarnamn").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password_for(username))
    page.keyboard.press("Enter")
    page.wait_for_url(server_url + "/")


@pytest.fixture
def kaa_without_javascript(browser, server_url):
    """A page of a browser with JavaScript off, logged in as the KAA officer."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, server_url, "kaa", check_accessibility=False)
    yield page
    context.close()


def make_person(db, first: str, last: str, n: int, **fields):
    """A registered young person about 17 years old (`n` sets their exact birth date and
    number), registered 40 days ago, with the stored next step computed (tests/factories.py)."""
    today = local_today()
    return factories.youth(
        db,
        first,
        last,
        birth_date=today - timedelta(days=6300 + n * 40),
        serial=400 + n,
        registered_on=fields.pop("registered_on", today - timedelta(days=40)),
        **fields,
    )
