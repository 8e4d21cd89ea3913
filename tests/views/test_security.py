"""Security baseline: headers, CSRF, cookies, error pages in Swedish without tracebacks."""

import logging

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from kaa_web.db import get_db
from kaa_web.sessions import COOKIE_NAME


def _pages(login_as):
    c = login_as("admin")
    return c, ["/", "/admin/", "/admin/granskningslogg", "/finns-inte"]


def test_security_headers_on_every_page(client, login_as):
    responses = [client.get("/logga-in"), client.get("/halsa"), client.get("/finns-inte")]
    c, urls = _pages(login_as)
    responses += [c.get(u) for u in urls]
    for response in responses:
        csp = response.headers["Content-Security-Policy"]
        assert (
            "script-src 'self'" in csp
            and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        )
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_hsts_when_served_over_https(client):
    response = client.get("/logga-in", base_url="https://kaa.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_scripts(login_as):
    c, urls = _pages(login_as)
    for url in urls:
        html = c.get(url).get_data(as_text=True)
        for tag in html.split("<script")[1:]:
            assert "src=" in tag.split(">")[0], f"inline script on {url}"
        assert " onclick=" not in html and " onload=" not in html


def test_post_without_csrf_token_is_refused_in_swedish(login_as):
    c = login_as("kaa")
    response = c.post("/logga-ut")
    assert response.status_code == 400
    assert "säkerhetskod" in response.get_data(as_text=True)
    assert c.get("/").status_code == 200  # still signed in: nothing happened


def test_login_post_without_csrf_is_refused(client):
    response = client.post("/logga-in", data={"username": "kaa", "password": "losen-kaa"})
    assert response.status_code == 400


def test_session_cookie_flags(client):
    client.get("/logga-in")
    cookie = client.get_cookie(COOKIE_NAME)
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure  # development; production sets Secure (see test_config)


def test_error_pages_are_swedish_without_traceback(app, client, login_as):
    @app.route("/krasch")
    def crash():
        raise RuntimeError("hemlig detalj i stackspåret")

    crash.required_permissions = ("signed_in",)
    c = login_as("kaa")
    response = c.get("/krasch")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Något gick fel" in body
    assert "Traceback" not in body and "hemlig detalj" not in body
    assert 'lang="sv"' in body
    missing = client.get("/finns-inte")
    assert missing.status_code == 404 and "Sidan finns inte" in missing.get_data(as_text=True)


INSERT = text(
    "INSERT INTO staff_user (username, display_name, email, roles, active) "
    "VALUES (:username, :name, '', '', :active)"
)
PERSON = {"username": "stina.hemligsson", "name": "Stina Hemligsson, Storgatan 1", "active": True}


def test_a_failing_statement_s_data_never_reaches_the_log(app, login_as, caplog):
    """PostgreSQL quotes the clashing row in its message, SQLAlchemy the parameters; a clash is
    answered 409 (nothing saved) and logged without either."""

    @app.route("/krasch-sql")
    def crash():
        for _ in range(2):  # the second clashes with the first
            get_db().execute(INSERT, PERSON)
        return "inte hit"

    crash.required_permissions = ("signed_in",)
    c = login_as("kaa")
    caplog.set_level(logging.DEBUG)
    response = c.get("/krasch-sql")
    assert response.status_code == 409
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "hemligsson" not in logged.lower() and "Storgatan" not in logged
    assert response.headers["X-Request-ID"] in logged
    assert "IntegrityError" in logged


def test_an_unhandled_error_s_message_never_reaches_the_log(app, login_as, caplog):
    @app.route("/krasch")
    def crash():
        raise RuntimeError("Hemligsson, Storgatan 1")

    crash.required_permissions = ("signed_in",)
    c = login_as("kaa")
    caplog.set_level(logging.DEBUG)
    response = c.get("/krasch")
    assert response.status_code == 500
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "hemligsson" not in logged.lower() and "Storgatan" not in logged
    assert response.headers["X-Request-ID"] in logged and "RuntimeError" in logged


def test_database_errors_never_quote_the_parameters(db_session):
    with pytest.raises(sa_exc.IntegrityError) as raised:
        for _ in range(2):
            db_session.execute(INSERT, PERSON)
    db_session.rollback()
    assert "Storgatan" not in str(raised.value)


@pytest.mark.settings(max_upload_mb=1)
def test_too_large_request_gets_swedish_413(login_as):
    c = login_as("kaa")
    response = c.post("/logga-ut", data={"f": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "för stor" in response.get_data(as_text=True)


def test_role_without_permission_gets_403_page(login_as):
    response = login_as("kaa").get("/admin/granskningslogg")
    assert response.status_code == 403
    assert "Ingen behörighet" in response.get_data(as_text=True)


def test_htmx_request_for_protected_page_when_signed_out_redirects_whole_page(client):
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/logga-in")


def test_vendored_htmx_matches_its_recorded_checksum():
    import hashlib
    from pathlib import Path

    path = Path(__file__).parents[2] / "kaa_web/static/vendor/htmx-2.0.11.min.js"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
