"""Security baseline: headers, CSRF, cookies, error pages in Swedish without tracebacks."""

import pytest

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


@pytest.mark.settings(
    env="production",
    secret_key="p" * 40,
    ldap_url="ldap://127.0.0.1:1",
    ldap_user_base="ou=personal,dc=kommun,dc=se",
)
def test_production_cookie_is_secure(app):
    assert app.config["SESSION_COOKIE_SECURE"] is True


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
