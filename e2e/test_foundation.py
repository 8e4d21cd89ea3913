"""Each role logs in through the real form in Chromium and sees its own navigation; the shared
focus style."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import assert_accessible, login, make_person
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
    for link in expected_nav(role)[1:]:
        nav.get_by_role("link", name=link, exact=True).click()
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


_FOCUSED = """() => {
  const e = document.activeElement, style = getComputedStyle(e);
  return {
    control: e.tagName.toLowerCase() + (e.tagName === "INPUT" ? "[" + e.type + "]" : ""),
    id: e.id,
    closed: e.tagName === "SUMMARY" && !e.parentElement.open,
    ring: [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow].join(" "),
  };
}"""
APP_RING = "solid 3px rgb(255, 191, 71) rgb(27, 31, 35) 0px 0px 0px 5px"


def test_every_control_shows_the_apps_focus_ring_even_a_date_fields_calendar_button(
    page, server_url, db
):
    youth = make_person(db, "Fokus", "Exempelsson", 3)
    login(page, server_url, "kaa")
    page.goto(f"{server_url}/ungdomar/{youth.id}/plan")
    assert_accessible(page)
    stops = []
    for _ in range(80):  # through the whole page with the keyboard
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused["control"] == "body":
            break
        assert focused["ring"] == APP_RING, focused
        stops.append(focused)
        if focused["closed"]:
            page.keyboard.press("Enter")  # open it and walk its form too
    controls = {f["control"] for f in stops}
    assert {"a", "button", "select", "summary", "textarea", "input[date]"} <= controls
    # a date field is four stops: year, month, day and the calendar button
    first_date = next(f["id"] for f in stops if f["control"] == "input[date]")
    assert [f["id"] for f in stops].count(first_date) == 4
