"""Two gunicorn instances on one PostgreSQL, requests alternating between them as a load balancer
without sticky sessions sends them: whichever instance serves, the answer is the same."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, select

from kaa_web import migrate
from kaa_web.db import create_engine
from kaa_web.demo import seed_schools, seed_staff
from kaa_web.models.auth import WebSession
from kaa_web.models.documents import GeneratedDocument
from kaa_web.models.school_reports import SchoolReport, SchoolUnit
from tests.live import LiveClient
from tests.servers import empty_tables, own_database, running_gunicorn
from tests.views.school_reports.helpers import dropout


@pytest.fixture(scope="module")
def database(postgres_url):
    with own_database(postgres_url, "kaa_two_servers") as url:
        engine = create_engine(url)
        migrate.upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture(scope="module")
def instances(database, ldap_server, tmp_path_factory):
    """Two instances with the same settings, as two app servers behind one proxy have them."""
    settings = {
        **ldap_server.settings,
        "env": "development",
        "database_url": database.url.render_as_string(hide_password=False),
        "secret_key": "two-servers-" + "s" * 40,
        "role_refresh_minutes": 0,  # every request re-reads the directory, on either instance
    }
    logs = tmp_path_factory.mktemp("two-servers")
    with (
        running_gunicorn(settings, logs / "a.log", "--workers", "2") as a,
        running_gunicorn(settings, logs / "b.log", "--workers", "2") as b,
    ):
        yield a, b


@pytest.fixture(scope="module")
def servers(instances):
    return tuple(instance.url for instance in instances)


def test_each_instance_has_a_control_socket_of_its_own(instances):
    """gunicorn's default is one control socket per user: the second instance took it over."""
    a, b = instances
    assert a.control_socket != b.control_socket
    assert a.control_socket.is_socket() and b.control_socket.is_socket()


@pytest.fixture
def db(database):
    empty_tables(database)
    with Session(database) as session:
        seed_staff(session)
        seed_schools(session)
        session.commit()
        yield session


@pytest.fixture
def unit(db) -> SchoolUnit:
    return db.exec(select(SchoolUnit).where(SchoolUnit.code == "90000001")).one()


def test_a_login_on_one_server_is_signed_in_on_the_other_and_a_logout_ends_it_on_both(
    servers, db
):
    a, b = servers
    officer = LiveClient(a, b)
    assert officer.log_in("kaa", via=a).status_code == 303
    for via in (b, a, b):
        page = officer.get("/ungdomar/", via=via)
        assert page.status_code == 200 and "KAA-registret" in page.text
    assert officer.post_form("/logga-ut", via=b).status_code == 303
    assert db.exec(select(WebSession)).all() == []
    for via in (a, b):
        assert officer.get("/ungdomar/", via=via).headers["Location"].startswith("/logga-in")


def test_wrong_passwords_count_against_one_limit_whichever_server_they_reach(servers, db):
    guesser = LiveClient(*servers)  # alternates a, b, a, …
    statuses = [guesser.log_in("kaa", "fel-losen").status_code for _ in range(7)]
    assert statuses == [401] * 5 + [429] * 2
    assert LiveClient(*servers).log_in("kaa").status_code == 429  # the username waits


def test_one_form_submitted_to_both_servers_saves_one_report(servers, db, unit):
    a, b = servers
    school = LiveClient(a, b)
    school.log_in("skola")
    form = dropout(unit, token="en-kod-tva-servrar")
    first = school.post_form("/skola/anmalan/studieavbrott", form, via=a)
    second = school.post_form("/skola/anmalan/studieavbrott", form, via=b)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(db.exec(select(SchoolReport)).all()) == 1


def test_simultaneous_double_submits_on_two_servers_each_save_once_and_never_fail(
    servers, db, unit
):
    a, b = servers
    school = LiveClient(a, b)
    school.log_in("skola")
    token = school.token()
    forms = [{"csrf_token": token, **dropout(unit, token=f"kod-{n}")} for n in range(10)]

    def submit(job):
        form, via = job
        return school.post("/skola/anmalan/studieavbrott", form, via=via)

    jobs = [(form, via) for form in forms for via in (a, b)]  # each form to both at once
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(submit, jobs))
    assert {r.status_code for r in responses} == {303}
    for n in range(10):  # the twins were sent to the same receipt
        assert responses[2 * n].headers["Location"] == responses[2 * n + 1].headers["Location"]
    db.expire_all()
    assert len(db.exec(select(SchoolReport)).all()) == 10


def test_a_document_made_on_one_server_downloads_from_the_other(servers, db, unit):
    a, b = servers
    school = LiveClient(a, b)
    school.log_in("skola")
    receipt = school.post_form("/skola/anmalan/studieavbrott", dropout(unit), via=a)
    report = db.exec(select(SchoolReport)).one()
    assert receipt.headers["Location"].endswith(f"/skola/anmalningar/{report.id}")
    document = school.get(f"/skola/anmalningar/{report.id}/kvitto.docx", via=b)
    assert document.status_code == 200 and document.content[:2] == b"PK"
    [stored] = db.exec(select(GeneratedDocument)).all()
    assert document.content == stored.content
