"""Gallring in Chromium: admin reads what the next run would do and runs it now."""

from datetime import date, timedelta

from playwright.sync_api import expect

from e2e.conftest import assert_accessible, login
from kaa_web.models.base import local_today
from tests import factories


def test_admin_runs_gallring_from_its_page(page, server_url, db):
    long_ago = local_today() - timedelta(days=2000)
    factories.history(
        db,
        [dict(registered_on=long_ago - timedelta(days=200), deregistered_on=long_ago)],
        birth_date=date(2003, 4, 17),
        first_name="Gunborg",
        last_name="Arkivsson",
        serial=901,
    )
    login(page, server_url, "admin")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Administration"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="Gallring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gallring")
    expect(page.get_by_text("Gunborg")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Kör gallringen nu").click()
    expect(page.get_by_text("Gallringen är startad.")).to_be_visible()
    for _ in range(40):  # the job runs in the worker beside the app
        if page.get_by_role("cell", name="Klar").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(page.get_by_role("cell", name="Klar").first).to_be_visible()
    assert_accessible(page)
