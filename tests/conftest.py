"""Fixtures: the app on SQLite and on PostgreSQL, a real slapd, clients that log in for real."""

from __future__ import annotations

import itertools
import re
from datetime import date

import lxml.html
import pytest
from flask import url_for
from flask.testing import FlaskClient
from sqlmodel import Session

from kaa_web import create_app, migrate
from kaa_web.db import create_engine
from tests import factories
from tests.pages import PageClient, html_problems
from tests.servers import USER_FOR_ROLE, empty_tables, password_for

TEST_SECRET = "test-secret-" + "x" * 40
_CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


def pytest_configure(config):
    config.addinivalue_line("markers", "settings(**overrides): settings for this test's app")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """Every test that uses the database runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite')}/kaa.db"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def migrated_database(database_url):
    engine = create_engine(database_url)
    migrate.upgrade(engine)
    engine.dispose()
    return database_url


class KaaClient(FlaskClient):
    """A test client that fetches the CSRF token the way a browser gets it: from a page, and
    fails the test on any HTML response it receives with an id used twice or inline script
    (tests/pages.py), whichever test asked for it."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and response.get_data().strip():
            problems = html_problems(lxml.html.fromstring(response.get_data(as_text=True)))
            assert not problems, f"{response.request.path}: " + "; ".join(problems)
        return response

    def csrf_token(self, **kwargs) -> str:
        page = self.get("/logga-in", **kwargs).get_data(as_text=True)
        if "X-CSRFToken" not in page:
            page = self.get("/", **kwargs).get_data(as_text=True)
        return _CSRF.search(page).group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        return self.post(url, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs)

    def url(self, endpoint: str, **values) -> str:
        """A page's path by its endpoint, so a test follows a URL that is renamed."""
        with self.application.test_request_context():
            return url_for(endpoint, **values)


@pytest.fixture
def app(request, migrated_database, ldap_server):
    overrides = {
        **ldap_server.settings,
        "env": "development",
        "database_url": migrated_database,
        "secret_key": TEST_SECRET,
        "jobs_url": "immediate",  # a job runs in the request that starts it (see tests/jobs)
    }
    marker = request.node.get_closest_marker("settings")
    if marker:
        overrides.update(marker.kwargs)
    application = create_app(overrides)
    application.test_client_class = KaaClient
    yield application
    empty_tables(application.extensions["kaa_engine"])
    application.extensions["kaa_engine"].dispose()


@pytest.fixture
def client(app) -> KaaClient:
    return app.test_client()


@pytest.fixture
def db_session(app):
    with Session(app.extensions["kaa_engine"], expire_on_commit=False) as session:
        yield session


def log_in(client: KaaClient, username: str, password: str | None = None):
    return client.post_form(
        "/logga-in",
        {
            "username": username,
            "password": password_for(username) if password is None else password,
        },
    )


@pytest.fixture
def login_as(app):
    """login_as("kaa") -> a new client signed in as that role's (or that named) test user."""

    def _login(role_or_username: str) -> KaaClient:
        c = app.test_client()
        response = log_in(c, USER_FOR_ROLE.get(role_or_username, role_or_username))
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        return c

    return _login


@pytest.fixture
def client_request(app, login_as):
    """Pages as the KAA officer sees them, asked for by endpoint and checked (tests/pages.py);
    `client_request.as_("chef")` for another role."""
    return PageClient(app, login_as("kaa"), login_as)


@pytest.fixture
def staff(db_session):
    """The directory's staff rows (officers to assign) and the demo's districts, by username."""
    return factories.staff_rows(db_session)


@pytest.fixture
def make_youth(db_session):
    """make_youth(first_name=..., birth_date=..., contacts=[(kind, on, outcome), ...]): a young
    person built by tests/factories.py, committed; numbers count from the same start each test."""
    serials = itertools.count(201)

    def _make(first_name="Test", last_name="Testsson", **fields):
        return factories.youth(db_session, first_name, last_name, serial=next(serials), **fields)

    _make.date = date
    return _make


@pytest.fixture
def person_id(make_youth):
    """person_id(n): the id of a young person standing for the number n in a test (made on
    first use)."""
    made: dict[int, int] = {}

    def _id(n: int) -> int:
        if n not in made:
            made[n] = make_youth(f"Person{n}", "Exempel").id
        return made[n]

    return _id
