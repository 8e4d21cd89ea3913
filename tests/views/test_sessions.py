"""Sessions: nothing stored for anonymous visitors, yet CSRF holds; the HTTPS cookie's name."""

from sqlmodel import select

from kaa_web import create_app
from kaa_web.models.auth import WebSession
from kaa_web.sessions import COOKIE_NAME, SECURE_COOKIE_NAME
from tests.conftest import log_in

HTTPS = "https://kaa.example"


def session_rows(db_session) -> list[WebSession]:
    db_session.expire_all()
    return db_session.exec(select(WebSession)).all()


def test_anonymous_page_views_store_no_session_rows(app, client, db_session):
    for _ in range(50):  # fifty visitors without a cookie, as a script would send them
        assert app.test_client().get("/logga-in").status_code == 200
    for _ in range(5):  # one visitor coming back, and refused pages with their message
        assert client.get("/logga-in").status_code == 200
        assert client.get("/").status_code == 303
    assert session_rows(db_session) == []


def test_a_login_from_the_anonymous_cookie_stores_exactly_one_session(client, db_session):
    assert log_in(client, "kaa").status_code == 303
    assert [row.staff_id is not None for row in session_rows(db_session)] == [True]


def test_the_login_form_refuses_a_token_issued_to_another_visitor(app, client):
    other = app.test_client()
    token = other.csrf_token()
    client.get("/logga-in")  # this visitor has a cookie of its own, with another token
    response = client.post(
        "/logga-in", data={"csrf_token": token, "username": "kaa", "password": "losen-kaa"}
    )
    assert response.status_code == 400
    assert "säkerhetskod" in response.get_data(as_text=True)


def test_the_login_form_refuses_a_forged_anonymous_cookie(client):
    token = client.csrf_token()
    forged = "a." + client.get_cookie(COOKIE_NAME).value[2:].replace(".", "x.", 1)
    client.set_cookie(COOKIE_NAME, forged)
    response = client.post(
        "/logga-in", data={"csrf_token": token, "username": "kaa", "password": "losen-kaa"}
    )
    assert response.status_code == 400


def test_the_anonymous_cookie_cannot_claim_a_signed_in_user(app, client):
    """Even a cookie signed with the app's key only ever carries a CSRF token and messages."""
    serializer = app.session_interface._serializer(app)
    claim = {"_user_id": "1", "username": "admin", "roles": ["admin"]}
    client.set_cookie(COOKIE_NAME, "a." + serializer.dumps(claim))
    assert client.get("/admin/").status_code == 303


def test_logout_leaves_only_its_message_in_the_cookie(login_as, db_session):
    c = login_as("kaa")
    c.post_form("/logga-ut")
    assert "Du är utloggad." in c.get("/logga-in").get_data(as_text=True)
    assert session_rows(db_session) == []


def test_an_expired_session_is_still_told_so(login_as, db_session):
    c = login_as("kaa")
    for row in session_rows(db_session):
        db_session.delete(row)
    db_session.commit()
    response = c.get("/")
    assert response.status_code == 303
    assert "Din session har gått ut" in c.get(response.location).get_data(as_text=True)
    assert session_rows(db_session) == []


def test_over_https_the_cookie_is_host_only_and_secure(client):
    set_cookie = client.get("/logga-in", base_url=HTTPS).headers["Set-Cookie"]
    assert set_cookie.startswith(SECURE_COOKIE_NAME + "=")
    attributes = {a.strip().split("=")[0].lower() for a in set_cookie.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attributes and "domain" not in attributes
    token = client.csrf_token(base_url=HTTPS)
    response = client.post(
        "/logga-in",
        data={"csrf_token": token, "username": "kaa", "password": "losen-kaa"},
        base_url=HTTPS,
        headers={"Referer": HTTPS + "/logga-in"},  # Flask-WTF checks it over HTTPS
    )
    assert response.status_code == 303
    assert response.headers["Set-Cookie"].startswith(SECURE_COOKIE_NAME + "=")
    assert client.get("/", base_url=HTTPS).status_code == 200
    assert client.get_cookie(COOKIE_NAME, domain="kaa.example") is None


def test_production_always_names_the_cookie_host_only(postgres_url):
    app = create_app(
        {
            "env": "production",
            "secret_key": "p" * 40,
            "database_url": postgres_url,  # production refuses SQLite
            "municipality": "Sundsvalls kommun",
            "municipality_code": "2281",
            "support_contact": "KAA-samordnaren",
            "proxy_count": 1,
            "ldap_url": "ldaps://127.0.0.1:1",
            "ldap_user_base": "ou=personal,dc=kommun,dc=se",
            "ldap_enabled_filter": "(objectClass=*)",
            "role_group_kaa": "cn=kaa,dc=kommun,dc=se",
            "jobs_url": "redis://127.0.0.1:1/0",
        }
    )
    response = app.test_client().get("/logga-in")
    assert response.headers["Set-Cookie"].startswith(SECURE_COOKIE_NAME + "=")
    assert "Secure" in response.headers["Set-Cookie"]
