"""The audit log page: admins read and filter it; reading it is itself logged; others may not."""

import pytest
from sqlmodel import select

from kaa_web import audit
from kaa_web.models.audit import AuditEvent
from kaa_web.permissions import SYSTEM_ACTOR
from kaa_web.services import admin as admin_service
from kaa_web.services.errors import Invalid


def test_admin_sees_logins_and_reading_the_log_is_logged(login_as, db_session):
    login_as("kaa")
    admin = login_as("admin")
    page = admin.get("/admin/granskningslogg?action=login").get_data(as_text=True)
    assert "Inloggning" in page and "Karin Berg <span class=\"muted\">(kaa)</span>" in page
    views = db_session.exec(select(AuditEvent).where(AuditEvent.object_type == "audit_log")).all()
    assert [v.username for v in views] == ["admin"]


def test_filter_by_username_narrows_the_list(login_as):
    login_as("kaa")
    admin = login_as("admin")
    page = admin.get("/admin/granskningslogg?username=chef").get_data(as_text=True)
    assert "0 händelser" in page


def test_htmx_filter_returns_only_the_table(login_as):
    admin = login_as("admin")
    response = admin.get("/admin/granskningslogg", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<table" in body and "<html" not in body
    assert response.headers["Vary"] == "HX-Request"


def test_bad_filter_input_comes_back_with_a_swedish_error(login_as):
    response = login_as("admin").get("/admin/granskningslogg?youth_id=-3")
    assert response.status_code == 400
    assert "Ange ett positivt id." in response.get_data(as_text=True)


def test_other_roles_cannot_read_the_log(login_as):
    for role in ["kaa", "chef", "ifo", "skola", "arbetsmarknad"]:
        assert login_as(role).get("/admin/granskningslogg").status_code == 403


def test_a_district_refused_by_the_service_without_a_field_shows_why(login_as, monkeypatch):
    def refuse(db, **kwargs):
        raise Invalid("Kommundelen kunde inte sparas just nu.")

    monkeypatch.setattr(admin_service, "save_district", refuse)
    response = login_as("admin").post_form(
        "/admin/kommundelar", {"ny-code": "norra", "ny-name": "Norra"}
    )
    assert response.status_code == 400
    assert "Kommundelen kunde inte sparas just nu." in response.get_data(as_text=True)


def test_the_log_shows_swedish_words_and_names_never_raw_codes(login_as):
    kaa = login_as("kaa")
    kaa.get("/ungdomar/")  # a list read: youth_list
    assert kaa.get("/ungdomar/999999").status_code == 404  # logged: not_found_or_denied
    page = login_as("admin").get("/admin/granskningslogg").get_data(as_text=True)
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
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


def test_the_menu_marks_one_current_section(login_as):
    admin = login_as("admin")
    for url, current in (
        ("/admin/granskningslogg", "Granskningslogg"),
        ("/admin/kommundelar", "Administration"),
    ):
        nav = admin.get(url).get_data(as_text=True).split('aria-label="Huvudmeny"')[1]
        nav = nav.split("</nav>")[0]
        assert nav.count('aria-current="page"') == 1
        assert f'aria-current="page">{current}<' in nav
