"""Each role logs in through the real form in Chromium and sees its own navigation."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import assert_accessible, login
from kaa_web.navigation import SECTIONS
from kaa_web.permissions import has_permission
from wsgi import app as wsgi_app


def expected_nav(role: str) -> list[str]:
    return [
        s.label
        for s in SECTIONS
        if s.endpoint in wsgi_app.view_functions and has_permission({role}, s.permission)
    ]


@pytest.mark.parametrize("role", ["kaa", "arbetsmarknad", "ifo", "skola", "chef", "admin"])
def test_each_role_logs_in_and_sees_its_own_navigation(page, server_url, role):
    login(page, server_url, role)
    nav = page.get_by_role("navigation", name="Huvudmeny")
    expect(nav.get_by_role("link")).to_have_text(expected_nav(role))
    if role == "admin":
        expect(nav.get_by_role("link", name="Granskningslogg")).to_be_visible()
    else:
        expect(nav.get_by_role("link", name="Granskningslogg")).to_have_count(0)
    assert_accessible(page)
    for link in expected_nav(role)[1:]:
        nav.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)


def test_wrong_password_shows_the_error_summary_and_keeps_the_username(page, server_url):
    page.goto(server_url + "/logga-in")
    page.get_by_label("Användarnamn").fill("kaa")
    page.get_by_label("Lösenord").fill("fel")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_contain_text("Fel användarnamn eller lösenord")
    expect(page.get_by_label("Användarnamn")).to_have_value("kaa")
    assert_accessible(page)


def test_logout_ends_the_session(page, server_url):
    login(page, server_url, "kaa")
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_text("Du är utloggad.")).to_be_visible()
    page.goto(server_url + "/")
    expect(page).to_have_url(server_url + "/logga-in?next=/")
    assert_accessible(page)
