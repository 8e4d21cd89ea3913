"""End-to-end fixtures: gunicorn serving the app on PostgreSQL with the real slapd; Chromium."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlmodel import Session, select

from kaa_web import migrate
from kaa_web.db import create_engine
from kaa_web.demo import seed_schools, seed_staff
from kaa_web.models.auth import StaffUser
from kaa_web.models.base import local_today
from tests import factories
from tests.servers import (
    USER_FOR_ROLE,
    empty_tables,
    own_database,
    password_for,
    running_gunicorn,
    start_worker,
)

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: no browser download is possible on these machines."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def e2e_database(postgres_url):
    with own_database(postgres_url, "kaa_e2e") as url:
        engine = create_engine(url)
        migrate.upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture(scope="session")
def server_url(e2e_database, ldap_server, redis_url, tmp_path_factory):
    """The app under gunicorn (a real WSGI server), as production runs it."""
    settings = {
        **ldap_server.settings,
        "env": "development",
        "database_url": str(e2e_database.url.render_as_string(hide_password=False)),
        "secret_key": "e2e-" + "k" * 40,
        "jobs_url": redis_url,  # as in production: Redis, a worker beside gunicorn
    }
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    worker = start_worker(settings, log.with_name("worker.log"))
    try:
        # threads: a journey's browser opens several connections at once
        with running_gunicorn(settings, log, "--workers", "2", "--threads", "4") as server:
            yield server.url
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.fixture(autouse=True)
def fresh_data(e2e_database):
    """Each journey starts from the same small, known data."""
    empty_tables(e2e_database)
    with Session(e2e_database) as db:
        seed_staff(db)
        seed_schools(db)
        db.commit()
    yield


@pytest.fixture
def db(e2e_database):
    with Session(e2e_database, expire_on_commit=False) as session:
        yield session


_axe = Axe()
REFLOW_WIDTH = 320  # WCAG 2.1 reflow (1.4.10): 320 CSS px wide without scrolling sideways

_DUPLICATE_IDS = """() => {
  const seen = {};
  document.querySelectorAll("[id]").forEach(e => { seen[e.id] = (seen[e.id] || 0) + 1; });
  return Object.keys(seen).filter(id => seen[id] > 1);
}"""
# The page's width, and what sticks out of it (a data table's own scrolling region may be wider).
_OVERFLOW = """() => {
  const root = document.documentElement;
  const out = [...document.body.querySelectorAll("*")]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 0.5)
    .filter(e => !e.parentElement.closest(".table-scroll"))
    .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " + e.className);
  return {scroll: root.scrollWidth, client: root.clientWidth, out: out.slice(0, 5)};
}"""


def assert_reflows(page) -> None:
    """At 320 CSS px the page does not scroll sideways; a data table scrolls in its own box."""
    size = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": size["height"]})
    try:
        width = page.evaluate(_OVERFLOW)
    finally:
        page.set_viewport_size(size)
    assert width["scroll"] <= width["client"], (
        f"{page.url} scrolls sideways at {REFLOW_WIDTH} px: "
        f"{width['scroll']} > {width['client']}, widest: {width['out']}"
    )


_checked: set[str] = set()  # the pages the running journey has checked


def _page_address(url: str) -> str:
    """A page is its path: the query and fragment (filters, htmx's pushed URLs) change its rows."""
    return urlsplit(url).path


@pytest.fixture
def page(page):
    """A journey's page: every page it loads must have passed `assert_accessible` by its end."""
    _checked.clear()
    loaded: list[str] = []
    page.on("load", lambda p: loaded.append(_page_address(p.url)))
    yield page
    unchecked = sorted({url for url in loaded if url not in _checked})
    assert not unchecked, f"pages loaded but never checked with assert_accessible: {unchecked}"


def assert_accessible(page) -> None:
    """The page as it stands now: axe-core finds no violations, no id is used twice (a label or
    an aria reference would point at another element), and it reflows at 320 px."""
    _checked.add(_page_address(page.url))
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    duplicates = page.evaluate(_DUPLICATE_IDS)
    assert not duplicates, f"{page.url}: ids used more than once: {duplicates}"
    assert_reflows(page)


def login(page, server_url: str, role_or_username: str, check_accessibility=True) -> None:
    """Log in through the real form, with the keyboard only; check the login and start pages
    unless told not to (test_foundation checks them for every role)."""
    username = USER_FOR_ROLE.get(role_or_username, role_or_username)
    page.goto(server_url + "/logga-in")
    if check_accessibility:  # axe needs JavaScript in the page
        assert_accessible(page)
    else:
        _checked.update({"/logga-in", "/"})
    page.keyboard.press("Tab")  # skip link first
    page.get_by_label("Användarnamn").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password_for(username))
    page.keyboard.press("Enter")
    page.wait_for_url(server_url + "/")
    if check_accessibility:
        assert_accessible(page)


@pytest.fixture
def kaa_without_javascript(browser, server_url):
    """A page of a browser with JavaScript off, logged in as the KAA officer."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, server_url, "kaa", check_accessibility=False)
    yield page
    context.close()


def make_person(db, first: str, last: str, n: int, **fields):
    """A registered young person about 17 years old (`n` sets their exact birth date and
    number), registered 40 days ago, with the stored next step computed (tests/factories.py)."""
    today = local_today()
    return factories.youth(
        db,
        first,
        last,
        birth_date=today - timedelta(days=6300 + n * 40),
        serial=400 + n,
        registered_on=fields.pop("registered_on", today - timedelta(days=40)),
        **fields,
    )


def samverkansgrupp(db):
    """The samverkansgrupp of the meeting journeys: convened by KAA, with labour market and IFO,
    three standing items; Noa (a consent to share with social services) and Mio (none), both
    without occupation, so the review lists them."""
    staff = {s.username: s for s in db.exec(select(StaffUser)).all()}
    group = factories.group(
        db,
        staff,
        members=("arbetsmarknad", "ifo"),
        standing_items=[
            *factories.SAMVERKAN_ITEMS,
            ("Uppföljning av handlingsplanen", ""),
            ("Statistik", ""),
        ],
    )
    named = make_person(db, "Noa", "Samtyckesson", 3, occupation="ingen")
    make_person(db, "Mio", "Hemligsson", 4, occupation="ingen")
    factories.consent(db, factories.actor("kaa", staff), named, parties={"socialtjansten"})
    return group
