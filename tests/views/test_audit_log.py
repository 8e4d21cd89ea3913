"""The audit log page: admins read and filter it; reading it is itself logged; others may not."""

import pytest
from sqlmodel import select

from kaa_web import audit
from kaa_web.models.audit import AuditEvent
from kaa_web.permissions import SYSTEM_ACTOR


@pytest.fixture
def admin_pages(client_request):
    """The log's pages as the administrator sees them (the KAA officer has logged in first)."""
    return client_request.as_("admin")


def test_admin_sees_logins_and_reading_the_log_is_logged(admin_pages, db_session):
    page = admin_pages.get("audit_log.index", action="login")
    assert "Inloggning" in page.text and "Karin Berg (kaa)" in page.text
    assert 'Karin Berg <span class="muted">(kaa)</span>' in page.html
    views = db_session.exec(select(AuditEvent).where(AuditEvent.object_type == "audit_log")).all()
    assert [v.username for v in views] == ["admin"]


def test_filter_by_username_narrows_the_list(admin_pages):
    assert "0 händelser" in admin_pages.get("audit_log.index", username="chef").text


def test_htmx_filter_returns_only_the_table(admin_pages):
    url = admin_pages.url("audit_log.index")
    response = admin_pages.check(admin_pages.client.get(url, headers={"HX-Request": "true"}), 200)
    assert "<table" in response.html and "<html" not in response.html
    assert response.response.headers["Vary"] == "HX-Request"


def test_bad_filter_input_comes_back_with_a_swedish_error(admin_pages):
    page = admin_pages.get("audit_log.index", youth_id=-3, status=400)
    assert "Ange ett positivt id." in page.text


def test_other_roles_cannot_read_the_log(client_request):
    for role in ["kaa", "chef", "ifo", "skola", "arbetsmarknad"]:
        client_request.as_(role).get("audit_log.index", status=403)


def test_the_log_shows_swedish_words_and_names_never_raw_codes(client_request, admin_pages):
    client_request.get("register.index")  # a list read: youth_list
    client_request.get("register.person", youth_id=999999, status=404)  # not_found_or_denied
    page = admin_pages.get("audit_log.index")
    table = page.html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    for words in ("Registerlistan", "Nekad åtkomst", "Finns inte eller saknar behörighet"):
        assert words in table
    assert "<td>KAA-handläggare</td>" in table and "Karin Berg" in table
    for code in ("youth_list", "not_found_or_denied", ">denied<", ">view<", ">kaa<", ">ok<"):
        assert code not in table


def test_an_event_with_a_code_the_log_has_no_words_for_is_refused(db_session):
    with pytest.raises(ValueError, match="object type 'thing'"):
        audit.record(db_session, SYSTEM_ACTOR, "view", object_type="thing")
    with pytest.raises(ValueError, match="outcome 'odd'"):
        audit.record(db_session, SYSTEM_ACTOR, "view", object_type="youth", outcome="odd")
