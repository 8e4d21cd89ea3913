"""An extract imported in Chromium: the preview, then the import on the job worker, its page
updating by itself (htmx) or by its reload link without JavaScript (axe, reflow)."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from e2e.conftest import assert_accessible, assert_reflows, login
from kaa_web.models.base import local_today
from kaa_web.rules import personnummer as pnr


def _extract(tmp_path, n: int, serial: int):
    rows = [
        f"{pnr.make_valid(local_today() - timedelta(days=6400 + i), serial + i)};Ny{i};Strand;"
        "studiebevis"
        for i in range(n)
    ]
    path = tmp_path / "utdrag.csv"
    path.write_text("personnummer;fornamn;efternamn;orsak\n" + "\n".join(rows) + "\n")
    return path


def _preview(page, server_url, path) -> None:
    page.goto(server_url + "/ungdomar/import")
    page.get_by_label("Registerutdrag (CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("heading", name="Förhandsgranskning")).to_be_visible()


def test_an_import_runs_on_the_worker_and_its_page_shows_when_it_is_done(
    page, server_url, tmp_path
):
    login(page, server_url, "kaa")
    _preview(page, server_url, _extract(tmp_path, 3, 710))
    assert_accessible(page)
    page.get_by_role("button", name="Genomför importen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import av registerutdrag")
    expect(page.get_by_text("Importen är genomförd:")).to_be_visible(timeout=20_000)
    expect(page.locator("#import-status")).to_contain_text("3 nya")
    assert_accessible(page)
    assert_reflows(page)


def test_without_javascript_the_reload_link_shows_the_import_done(
    kaa_without_javascript, server_url, tmp_path
):
    page = kaa_without_javascript
    _preview(page, server_url, _extract(tmp_path, 2, 740))
    page.get_by_role("button", name="Genomför importen").click()
    for _attempt in range(40):
        if page.get_by_text("Importen är genomförd:").count():
            break
        page.get_by_role("link", name="Uppdatera sidan").click()
        page.wait_for_timeout(500)
    expect(page.locator("#import-status")).to_contain_text("2 nya")
