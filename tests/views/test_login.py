"""Login against the real slapd: roles, wrong input, filter injection, rate limits, sessions."""

import threading

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.auth import StaffUser, WebSession
from kaa_web.sessions import COOKIE_NAME
from tests.conftest import log_in

DIRECTORY_DOWN = {"ldap_url": "ldap://127.0.0.1:1", "ldap_timeout": 1.0}


def take_directory_down(app) -> None:
    for name, value in DIRECTORY_DOWN.items():
        setattr(app.config["KAA_SETTINGS"], name, value)


def simultaneous_logins(app, usernames: list[str], password: str) -> list[int]:
    """One visitor per username, each with its own session and CSRF token, all posting the
    login form at the same moment (threads released together); their status codes."""
    clients = [app.test_client() for _ in usernames]
    tokens = [c.csrf_token() for c in clients]
    start = threading.Barrier(len(usernames))
    statuses: list[int | None] = [None] * len(usernames)

    def attempt(i: int) -> None:
        form = {"csrf_token": tokens[i], "username": usernames[i], "password": password}
        start.wait()
        statuses[i] = clients[i].post("/logga-in", data=form).status_code

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(usernames))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.parametrize("role", ["kaa", "arbetsmarknad", "ifo", "skola", "chef", "admin"])
def test_each_role_logs_in_and_sees_its_start_page(client, role):
    response = log_in(client, role)
    assert response.status_code == 303
    assert response.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Välkommen" in page
    assert "Logga ut" in page


def test_wrong_password_and_unknown_user_get_the_same_message(client, db_session):
    wrong = log_in(client, "kaa", "fel-losen")
    unknown = log_in(client, "finnsinte", "vad-som-helst")
    assert wrong.status_code == unknown.status_code == 401
    message = "Fel användarnamn eller lösenord."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    failures = db_session.exec(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    assert {f.username for f in failures} == {"kaa", "finnsinte"}


@pytest.mark.parametrize("password", ["", "   ", "\t"])
def test_empty_or_blank_password_is_refused_before_any_bind(client, password):
    response = log_in(client, "kaa", password)
    assert response.status_code in (400, 401)
    assert client.get("/").status_code == 303  # still not signed in


@pytest.mark.parametrize(
    "username", ["*", "*)(uid=*", "kaa*", "\\", "k\\2a", "kaa\x00", "*)(|(uid=*"]
)
def test_ldap_filter_metacharacters_never_match_anyone(client, username):
    response = log_in(client, username, "losen-kaa")
    assert response.status_code in (400, 401)
    assert client.get("/").status_code == 303


def test_user_in_no_mapped_group_cannot_log_in_and_is_told_so(client):
    response = log_in(client, "utanroll")
    assert response.status_code == 403
    assert "ingen behörighet i KAA-systemet" in response.get_data(as_text=True)
    assert client.get("/").status_code == 303


def test_school_user_without_school_unit_is_told_whom_to_contact(client):
    assert log_in(client, "nyskola").status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "inte kopplat till någon skolenhet" in page
    assert "kaa@exempelkommun.se" in page


def test_user_with_two_roles_gets_both(login_as):
    page = login_as("tvaroller").get("/").get_data(as_text=True)
    assert "KAA-handläggare" in page and "Chef" in page


@pytest.mark.settings(**DIRECTORY_DOWN)
def test_directory_down_answers_503_and_never_says_wrong_password(client):
    response = log_in(client, "kaa")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Inloggningen är inte tillgänglig just nu" in body
    assert "Fel användarnamn" not in body
    assert client.get("/").status_code == 303


@pytest.mark.settings(login_max_failures_user=3)
def test_username_rate_limit_blocks_after_failures_but_not_forever(client, db_session):
    for _ in range(3):
        assert log_in(client, "kaa", "fel").status_code == 401
    blocked = log_in(client, "kaa")  # even the right password waits now
    assert blocked.status_code == 429
    assert "För många misslyckade" in blocked.get_data(as_text=True)
    # the window passes: a new one starts with nothing counted
    from datetime import timedelta

    from kaa_web.models.auth import LoginThrottle

    for count in db_session.exec(select(LoginThrottle)).all():
        count.window_start = count.window_start - timedelta(minutes=16)
        db_session.add(count)
    db_session.commit()
    assert log_in(client, "kaa").status_code == 303


@pytest.mark.settings(login_max_failures_user=2)
def test_successful_logins_never_count_towards_the_limit(app):
    for _ in range(4):
        c = app.test_client()
        assert log_in(c, "kaa").status_code == 303


@pytest.mark.settings(login_max_failures_address=4, login_max_failures_user=100)
def test_address_rate_limit_counts_failures_across_usernames(client):
    for name in ["a1", "a2", "a3", "a4"]:
        assert log_in(client, name, "fel").status_code == 401
    assert log_in(client, "kaa").status_code == 429


def test_session_id_rotates_at_login(client):
    client.get("/logga-in")
    before = client.get_cookie(COOKIE_NAME).value
    log_in(client, "kaa")
    after = client.get_cookie(COOKIE_NAME).value
    assert before != after


def test_copied_cookie_is_useless_after_logout(app, login_as, db_session):
    signed_in = login_as("kaa")
    token = signed_in.get_cookie(COOKIE_NAME).value
    signed_in.post_form("/logga-ut")
    thief = app.test_client()
    thief.set_cookie(COOKIE_NAME, token)
    assert thief.get("/").status_code == 303
    assert db_session.exec(select(WebSession).where(WebSession.staff_id.is_not(None))).all() == []


@pytest.mark.settings(session_idle_minutes=30)
def test_idle_session_expires(login_as, db_session):
    from datetime import timedelta

    c = login_as("kaa")
    for row in db_session.exec(select(WebSession)).all():
        row.last_seen_at = row.last_seen_at - timedelta(minutes=31)
        db_session.add(row)
    db_session.commit()
    response = c.get("/")
    assert response.status_code == 303
    assert "/logga-in" in response.location


def test_absolute_session_lifetime_ends_even_an_active_session(login_as, db_session):
    from datetime import timedelta

    c = login_as("kaa")
    for row in db_session.exec(select(WebSession)).all():
        row.created_at = row.created_at - timedelta(hours=13)
        db_session.add(row)
    db_session.commit()
    assert c.get("/").status_code == 303


@pytest.mark.settings(role_refresh_minutes=0)
def test_user_removed_from_group_loses_access_on_next_request(ldap_server, login_as):
    c = login_as("flyttas")
    assert c.get("/").status_code == 200
    group = "cn=kaa-handlaggare,ou=grupper,dc=kommun,dc=se"
    member = "uid=flyttas,ou=personal,dc=kommun,dc=se"
    ldap_server.modify(f"dn: {group}\nchangetype: modify\ndelete: member\nmember: {member}\n")
    try:
        response = c.get("/")
        assert response.status_code == 303
        assert "/logga-in" in response.location
        assert c.get("/").status_code == 303
    finally:
        ldap_server.modify(f"dn: {group}\nchangetype: modify\nadd: member\nmember: {member}\n")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "\\\\evil.example",
    ],
)
def test_login_never_redirects_off_site(client, target):
    response = client.post(
        "/logga-in?next=" + target,
        data={"csrf_token": client.csrf_token(), "username": "kaa", "password": "losen-kaa"},
    )
    assert response.status_code == 303
    assert response.location == "/"


def test_login_follows_a_same_site_next(client):
    response = client.post(
        "/logga-in?next=/admin/",
        data={"csrf_token": client.csrf_token(), "username": "kaa", "password": "losen-kaa"},
    )
    assert response.location == "/admin/"


def test_login_and_logout_are_audited_without_passwords(login_as, db_session):
    c = login_as("kaa")
    c.post_form("/logga-ut")
    events = db_session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events if e.username == "kaa"][-2:] == ["login", "logout"]
    for event in events:
        assert "losen" not in " ".join(str(v) for v in event.model_dump().values())


@pytest.mark.settings(role_refresh_minutes=0)
def test_directory_down_at_the_role_check_answers_503_not_stale_access(app, login_as):
    c = login_as("kaa")
    take_directory_down(app)
    response = c.get("/")
    assert response.status_code == 503
    assert "Inloggningen är inte tillgänglig just nu" in response.get_data(as_text=True)


def test_simultaneous_wrong_passwords_reach_the_directory_only_up_to_the_limit(app, db_session):
    statuses = simultaneous_logins(app, ["kaa"] * 25, "fel-losen")
    # 401 comes only from the directory's answer; 429 is refused before any bind
    assert statuses.count(401) == 5
    assert statuses.count(429) == 20
    failed = db_session.exec(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    assert sorted(e.outcome for e in failed) == ["invalid"] * 5 + ["rate_limited"] * 20


@pytest.mark.settings(**DIRECTORY_DOWN)
def test_an_unreachable_directory_counts_no_attempts(client, db_session):
    for _ in range(6):
        assert log_in(client, "kaa", "fel").status_code == 503
    from kaa_web.models.auth import LoginThrottle

    assert {t.attempts for t in db_session.exec(select(LoginThrottle)).all()} <= {0}


def test_logging_in_as_kaa_in_capitals_is_the_same_person(app, db_session):
    for spelling in ("KAA", "kaa", " Kaa"):
        assert log_in(app.test_client(), spelling, "losen-kaa").status_code == 303
    assert [s.username for s in db_session.exec(select(StaffUser)).all()] == ["kaa"]
    logins = db_session.exec(select(AuditEvent).where(AuditEvent.action == "login")).all()
    assert [e.username for e in logins] == ["kaa"] * 3


def test_simultaneous_first_logins_make_one_staff_row(app, db_session):
    assert simultaneous_logins(app, ["kaa", "KAA", "Kaa", "kaa"], "losen-kaa") == [303] * 4
    assert [s.username for s in db_session.exec(select(StaffUser)).all()] == ["kaa"]


def test_the_audit_filter_finds_a_person_under_any_spelling(app, login_as, db_session):
    db_session.add(AuditEvent(username="KAA", action="view", object_type="youth", object_id="7"))
    db_session.commit()  # as a login typed in capitals was recorded before
    assert log_in(app.test_client(), "KAA", "losen-kaa").status_code == 303
    admin = login_as("admin")
    for spelling in ("kaa", "KAA", "Kaa"):
        page = admin.get(f"/admin/granskningslogg?username={spelling}").get_data(as_text=True)
        assert "2 händelser." in page


@pytest.mark.settings(role_refresh_minutes=0)
def test_logout_ends_the_session_while_the_directory_is_down(app, login_as, db_session):
    c = login_as("kaa")
    token, cookie = c.csrf_token(), c.get_cookie(COOKIE_NAME).value
    take_directory_down(app)
    response = c.post("/logga-ut", data={"csrf_token": token})
    assert response.status_code == 303 and response.location == "/logga-in"
    assert db_session.exec(select(WebSession)).all() == []
    thief = app.test_client()
    thief.set_cookie(COOKIE_NAME, cookie)
    assert thief.get("/").status_code == 303
    logouts = db_session.exec(select(AuditEvent).where(AuditEvent.action == "logout")).all()
    assert [e.username for e in logouts] == ["kaa"]


@pytest.mark.settings(role_refresh_minutes=0)
def test_static_files_need_no_role_check_but_pages_still_do(app, login_as):
    c = login_as("kaa")
    take_directory_down(app)
    assert c.get("/static/css/kaa.css").status_code == 200
    assert c.get("/").status_code == 503


ENABLED = "(!(employeeType=avslutad))"  # the OpenLDAP stand-in for AD's userAccountControl
AVSLUTAS = "uid=avslutas,ou=personal,dc=kommun,dc=se"


@pytest.mark.settings(role_refresh_minutes=0, ldap_enabled_filter=ENABLED)
def test_an_account_disabled_in_the_directory_loses_its_session(app, ldap_server, login_as):
    c = login_as("avslutas")
    assert c.get("/").status_code == 200
    ldap_server.modify(
        f"dn: {AVSLUTAS}\nchangetype: modify\nadd: employeeType\nemployeeType: avslutad\n"
    )
    try:
        response = c.get("/")
        assert response.status_code == 303 and "/logga-in" in response.location
        assert "Din behörighet har ändrats" in c.get(response.location).get_data(as_text=True)
        assert c.get("/").status_code == 303
        assert log_in(app.test_client(), "avslutas").status_code == 401
    finally:
        ldap_server.modify(f"dn: {AVSLUTAS}\nchangetype: modify\ndelete: employeeType\n")


TASBORT = "uid=tasbort,ou=personal,dc=kommun,dc=se"
TASBORT_ENTRY = (
    f"dn: {TASBORT}\nobjectClass: inetOrgPerson\nuid: tasbort\ncn: Tage Bort\nsn: Bort\n"
    "userPassword: losen-tasbort\n"
)


@pytest.mark.settings(role_refresh_minutes=0)
def test_an_account_removed_from_the_directory_loses_its_session(ldap_server, login_as):
    c = login_as("tasbort")
    ldap_server.server.ldapdelete(TASBORT)
    try:
        response = c.get("/")
        assert response.status_code == 303 and "/logga-in" in response.location
        assert c.get("/").status_code == 303
    finally:
        ldap_server.server.ldapadd(TASBORT_ENTRY)
