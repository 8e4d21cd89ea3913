"""Fixtures: the app on SQLite and on PostgreSQL, a real slapd, clients that log in for real."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from kaa_web import create_app, migrate
from kaa_web.db import create_engine
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


class _PageParser(HTMLParser):
    """Collects what makes a page invalid for us: repeated ids and script the CSP would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.inline_script: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"]] += 1
        if tag == "script" and not attributes.get("src"):
            self.inline_script.append(f"<script> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.inline_script.append(f"<{tag} {name}=…> at line {self.getpos()[0]}")


def page_problems(html: str) -> list[str]:
    """Repeated ids (a label or aria reference then names another element) and inline script."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    duplicates = [f"id {name!r} {n} times" for name, n in parser.ids.items() if n > 1]
    return duplicates + parser.inline_script


class KaaClient(FlaskClient):
    """A test client that fetches the CSRF token the way a browser gets it: from a page, and
    fails the test on any HTML response with a duplicate id or an inline script."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html":
            problems = page_problems(response.get_data(as_text=True))
            assert not problems, f"{response.request.path}: " + "; ".join(problems)
        return response

    def csrf_token(self, **kwargs) -> str:
        page = self.get("/logga-in", **kwargs).get_data(as_text=True)
        if "X-CSRFToken" not in page:
            page = self.get("/", **kwargs).get_data(as_text=True)
        return _CSRF.search(page).group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        return self.post(url, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs)


@pytest.fixture
def app(request, migrated_database, ldap_server):
    overrides = {
        **ldap_server.settings,
        "env": "development",
        "database_url": migrated_database,
        "secret_key": TEST_SECRET,
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
def staff(db_session):
    """The demo directory's staff rows (officers to assign), as after their first logins."""
    from sqlmodel import select

    from kaa_web.demo_data import seed_districts, seed_staff
    from kaa_web.models.auth import StaffUser

    seed_staff(db_session)
    seed_districts(db_session)
    db_session.commit()
    return {s.username: s for s in db_session.exec(select(StaffUser)).all()}


@pytest.fixture
def make_youth(app, db_session):
    """make_youth(first_name=..., birth_date=..., contacts=[(kind, on, outcome), ...])."""
    import itertools
    from datetime import date, timedelta

    from kaa_web.models.base import local_today
    from kaa_web.models.register import ContactAttempt
    from kaa_web.rules import personnummer as pnr
    from kaa_web.services import outreach
    from kaa_web.services.register import new_youth

    serials = itertools.count(201)

    def _make(first_name="Test", last_name="Testsson", birth_date=None, contacts=(), **fields):
        birth = birth_date or local_today() - timedelta(days=17 * 365)
        number = pnr.parse(pnr.make_valid(birth, next(serials)))
        youth = new_youth(
            number,
            first_name,
            last_name,
            registration_reason=fields.pop("registration_reason", "avbrott_nationellt"),
            registration_source=fields.pop("registration_source", "import"),
            registered_on=fields.pop("registered_on", local_today() - timedelta(days=10)),
            **fields,
        )
        db_session.add(youth)
        db_session.flush()
        for kind, on, outcome in contacts:
            db_session.add(ContactAttempt(youth_id=youth.id, kind=kind, on=on, outcome=outcome))
        db_session.flush()
        outreach.refresh_next_step(db_session, youth)
        db_session.commit()
        return youth

    _make.date = date
    return _make


@pytest.fixture
def y(make_youth):
    """y(n): the id of a young person standing for the number n in a test (made on first use)."""
    made: dict[int, int] = {}

    def _id(n: int) -> int:
        if n not in made:
            made[n] = make_youth(f"Person{n}", "Exempel").id
        return made[n]

    return _id
