"""Statistics at scale: the page for a half-year, the annual report, and whether the cost
follows the period's activity or the archive.

Seeds, on SQLite and on PostgreSQL, 15,000 and 150,000 people with ten contact events each
(1,500,000 at the large size): the same 6,000 people covered this year in both (a tenth of
them left KAA and came back), the rest history — registered and deregistered years ago. All
four databases are seeded before anything is timed. Times, signed in for real as a manager
against a local slapd (in-process WSGI: routing, session, queries, templates):
- the statistics page for the current half-year on the large register (median of runs);
- the annual report (Word with charts, none drawn before) for the current year on the large
  register (median of runs);
- the same page at 15,000 and at 150,000 people in interleaved pairs (bench/pairs.py): the
  median of the pairs' ratios.
The machine's load (`uptime`) is printed before and after: the figures are only as good as it.
Last lines: `statistics_page_s`, `annual_report_s`, `history_ratio` (worst of the databases).

Run: .venv/bin/python bench/statistics.py [--quick]
(--quick: 3,000 and 30,000 people with 1,200 of them covered, fewer runs and pairs: a check
that it works and of the ratio, not of the bars, which are for the full size)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this folder comes first on sys.path, and this file would stand in for the
# standard library's statistics module (for the app's queries and bench/pairs.py too).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench.pairs import interleave  # noqa: E402
from bench.register import HISTORY, _contacts, _ok, _token, analyze, databases  # noqa: E402
from kaa_web import create_app, migrate  # noqa: E402
from kaa_web.db import create_engine  # noqa: E402
from kaa_web.demo import seed_districts, seed_staff  # noqa: E402
from kaa_web.demo_directory import settings_for, start_directory  # noqa: E402
from kaa_web.models.base import local_today  # noqa: E402
from kaa_web.models.register import ContactAttempt, District, RegistrationPeriod, Youth  # noqa: E402
from kaa_web.rules import personnummer as pnr  # noqa: E402
from kaa_web.rules.report_periods import latest_half_year  # noqa: E402
from kaa_web.services.register import name_key  # noqa: E402
from kaa_web.services.statistics import charts  # noqa: E402
from kaa_web.services.statistics import report as reports  # noqa: E402
from tests import factories  # noqa: E402
from tests.servers import LDIF, SERVICE_PASSWORD, running_postgres  # noqa: E402

FULL = (6_000, (15_000, 150_000))  # (people covered this year, sizes of the register)
QUICK = (1_200, (3_000, 30_000))
BACKENDS = ("sqlite", "postgresql")
REASONS = ("avbrott_nationellt", "studiebevis", "aldrig_borjat", "inflyttad", "annan")


def _person(i: int, today: date, rnd: random.Random, districts, serials: dict, active: int):
    active = i < active
    age = rnd.randint(16 * 365 + 30, 19 * 365 + 300) if active else rnd.randint(23 * 365, 30 * 365)
    birth = today - timedelta(days=age)
    registered = (
        today - timedelta(days=rnd.randint(1, 330))
        if active
        else birth + timedelta(days=rnd.randint(16 * 365, 17 * 365))
    )
    serials[birth] = serials.get(birth, 0) + 1  # birth numbers start at 001
    return dict(
        personnummer=pnr.make_valid(birth, serials[birth]),
        first_name=f"Person{i}",
        last_name="Exempel",
        first_name_key=name_key(f"Person{i}"),
        last_name_key=name_key("Exempel"),
        birth_date=birth,
        gender="kvinna" if i % 2 else "man",
        protected_identity=False,
        district_id=rnd.choice(districts),
        status="aktiv" if active else "avregistrerad",
        registration_reason=rnd.choice(REASONS),
        registration_source="import",
        registered_on=registered,
        occupation="okand",
        version=1,
        deregistered_on=None if active else birth + timedelta(days=20 * 365 + 5),
        deregistration_reason=None if active else "fyllt_20",
    )


def _periods(rows, ids, rnd: random.Random) -> list[dict]:
    """One period per person as the youth row holds it; a tenth of the active people also
    have an earlier period they left (a national programme) before coming back."""
    out = []
    for n, (row, youth_id) in enumerate(zip(rows, ids, strict=True)):
        if row["status"] == "aktiv" and n % 10 == 0:
            left = row["registered_on"] - timedelta(days=rnd.randint(20, 120))
            out.append(
                dict(
                    youth_id=youth_id,
                    registered_on=left - timedelta(days=200),
                    registration_reason="avbrott_nationellt",
                    registration_source="import",
                    deregistered_on=left,
                    deregistration_reason="nationellt_program",
                    deregistration_result="studier",
                    latest=False,
                )
            )
        out.append(
            dict(
                youth_id=youth_id,
                registered_on=row["registered_on"],
                registration_reason=row["registration_reason"],
                registration_source="import",
                deregistered_on=row["deregistered_on"],
                deregistration_reason=row["deregistration_reason"],
                deregistration_result="ingen" if row["deregistered_on"] else None,
                latest=True,
            )
        )
    return out


def seed(engine, n: int, active: int) -> None:
    rnd, today = random.Random(n), local_today()
    with Session(engine) as db:
        seed_staff(db)
        seed_districts(db)
        db.commit()
        districts = list(db.exec(select(District.id)).all())
        serials: dict = {}
        rows = [_person(i, today, rnd, districts, serials, active) for i in range(n)]
        for start in range(0, n, 10_000):
            db.connection().execute(insert(Youth), rows[start : start + 10_000])
        ids = list(db.exec(select(Youth.id).order_by(Youth.id)).all())
        periods = _periods(rows, ids, rnd)
        for start in range(0, len(periods), 20_000):
            db.connection().execute(insert(RegistrationPeriod), periods[start : start + 20_000])
        contacts = _contacts(rows, ids, len(HISTORY), today, rnd)
        for start in range(0, len(contacts), 20_000):
            db.connection().execute(insert(ContactAttempt), contacts[start : start + 20_000])
        db.commit()
    analyze(engine)


def signed_in(url: str, directory_settings: dict):
    """A test client of the app on `url`, signed in as the manager."""
    app = create_app(
        {**directory_settings, "env": "development", "database_url": url, "secret_key": "s" * 40}
    )
    client = app.test_client()
    token = _token(client.get("/logga-in").get_data(as_text=True))
    response = client.post(
        "/logga-in", data={"csrf_token": token, "username": "chef", "password": "losen-chef"}
    )
    assert response.status_code == 303, "login failed"
    return app, client


def page_action(client, today: date):
    period = latest_half_year(today)
    path = f"/statistik?typ={period.kind}&ar={period.year}"
    return lambda run: _ok(client.get(path), "Omfattade under perioden")


def time_annual_report(app, today: date) -> float:
    """Seconds to make the year's report (figures, charts, the Word document) and store it,
    with no chart drawn before (what a worker does for a new report)."""
    with app.app_context():
        from kaa_web.db import app_session

        with app_session() as db:
            chef = factories.actor("chef", factories.staff_rows(db))
            report = reports.open_report(db, actor=chef, kind="t3", year=today.year)
            charts.render.cache_clear()
            start = time.perf_counter()
            reports.generate_report(db, actor=chef, report=report, limit=5)
            db.commit()
            return time.perf_counter() - start


def machine_load() -> str:
    """The load averages over 1, 5 and 15 minutes, and the cores they share."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> None:
    quick = "--quick" in sys.argv
    runs, pairs = (3, 5) if quick else (7, 15)
    active, sizes = QUICK if quick else FULL
    print(f"load before: {machine_load()}", flush=True)
    today = local_today()
    with tempfile.TemporaryDirectory() as tmp, running_postgres() as pg_url:
        workdir = Path(tmp)
        directory = start_directory(workdir / "slapd", LDIF.read_text())
        directory_settings = settings_for(directory.ldap_uri, SERVICE_PASSWORD)
        try:
            urls = {}
            for backend, size, url in databases(workdir, pg_url, sizes):
                engine = create_engine(url)
                migrate.upgrade(engine)
                started = time.perf_counter()
                seed(engine, size, active)
                engine.dispose()
                print(
                    f"{backend} {size:>7} people seeded ({size * len(HISTORY):,} contacts) "
                    f"in {time.perf_counter() - started:.1f} s",
                    flush=True,
                )
                urls[(backend, size)] = url
            page_s, report_s, cases = [], [], {}
            for backend in BACKENDS:
                small = signed_in(urls[(backend, sizes[0])], directory_settings)
                large = signed_in(urls[(backend, sizes[1])], directory_settings)
                action = page_action(large[1], today)
                action(0)
                seconds = []
                for run in range(runs):
                    started = time.perf_counter()
                    action(run)
                    seconds.append(time.perf_counter() - started)
                page_s.append(statistics.median(seconds))
                print(f"{backend}_statistics_page_s: {page_s[-1]:.2f}", flush=True)
                made = [time_annual_report(large[0], today) for _ in range(min(runs, 3))]
                report_s.append(statistics.median(made))
                print(f"{backend}_annual_report_s: {report_s[-1]:.2f}", flush=True)
                cases[backend] = (page_action(small[1], today), action)
            ratios = interleave(cases, pairs, warm_up=1)
            for backend, paired in ratios.items():
                print(
                    f"{backend}_history_ratio: {paired.describe()}; median "
                    f"{paired.a_ms:.0f} → {paired.b_ms:.0f} ms"
                )
            print(f"load after: {machine_load()}")
            print(f"statistics_page_s: {max(page_s):.2f}")
            print(f"annual_report_s: {max(report_s):.2f}")
            print(f"history_ratio: {max(p.ratio for p in ratios.values()):.2f}")
        finally:
            directory.stop()


if __name__ == "__main__":
    main()
