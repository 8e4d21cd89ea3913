"""The SCB half-year file at scale: the check and the export of the half-year in progress, and
whether the export's cost follows the half-year's people or the register's history.

Seeds, on SQLite and on PostgreSQL, the statistics bench's registers (bench/statistics.py):
15,000 and 150,000 people with ten contact events each, the same 6,000 covered in the current
half-year in both, the rest history. Times, as a KAA officer through the services (the pages
add a template around the same calls), with the example mapping the migration loads:
- the check of the half-year (every person's problems, the previous half-year's figure);
- the export (the whole file written through the mapping and stored; rolled back after each);
- the export at 15,000 and at 150,000 people in interleaved pairs: the median of the ratios.
Last lines: `scb_check_s`, `scb_export_s`, `history_ratio` (worst of the databases).

Run: .venv/bin/python bench/scb.py [--quick]   (--quick: a tenth of the people, fewer runs;
for a shared machine)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import itertools  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

import bench.statistics as population  # noqa: E402
from bench.pairs import interleave  # noqa: E402
from bench.register import HISTORY, _contacts, analyze, databases  # noqa: E402
from kaa_web import migrate  # noqa: E402
from kaa_web.db import create_engine  # noqa: E402
from kaa_web.demo import seed_districts, seed_staff  # noqa: E402
from kaa_web.models.base import local_today  # noqa: E402
from kaa_web.models.register import ContactAttempt, District, RegistrationPeriod, Youth  # noqa: E402
from kaa_web.rules import scb as rules  # noqa: E402
from kaa_web.services.scb.checks import check_page  # noqa: E402
from kaa_web.services.scb.export import make_export  # noqa: E402
from tests import factories  # noqa: E402
from tests.servers import running_postgres  # noqa: E402

BACKENDS = ("sqlite", "postgresql")


def seed(engine, n: int) -> None:
    """The statistics bench's register, each person's last period marked as their latest."""
    rnd, today = random.Random(n), local_today()
    with Session(engine) as db:
        seed_staff(db)
        seed_districts(db)
        db.commit()
        districts = list(db.exec(select(District.id)).all())
        serials: dict = {}
        rows = [population._person(i, today, rnd, districts, serials) for i in range(n)]
        for start in range(0, n, 10_000):
            db.connection().execute(insert(Youth), rows[start : start + 10_000])
        ids = list(db.exec(select(Youth.id).order_by(Youth.id)).all())
        periods = population._periods(rows, ids, rnd)
        for period in periods:
            period["latest"] = True
        for earlier, later in itertools.pairwise(periods):
            earlier["latest"] = earlier["youth_id"] != later["youth_id"]
        for start in range(0, len(periods), 20_000):
            db.connection().execute(insert(RegistrationPeriod), periods[start : start + 20_000])
        contacts = _contacts(rows, ids, len(HISTORY), today, rnd)
        for start in range(0, len(contacts), 20_000):
            db.connection().execute(insert(ContactAttempt), contacts[start : start + 20_000])
        db.commit()
    analyze(engine)


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


class Officer:
    """A session on one database and the KAA officer acting in it."""

    def __init__(self, url: str, key: int):
        self.engine = create_engine(url)
        self.db = Session(self.engine)
        self.actor = factories.actor("kaa", factories.staff_rows(self.db))
        self.key = key

    def check(self, _run: int = 0) -> None:
        check_page(self.db, actor=self.actor, key=self.key)
        self.db.rollback()

    def export(self, _run: int = 0) -> None:
        made = make_export(self.db, actor=self.actor, key=self.key, confirmed=True)
        assert made.rows >= made.people > 0
        self.db.rollback()


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = (1_500, 15_000) if quick else population.SIZES
    if quick:
        population.ACTIVE = 600
    runs, pairs = (3, 5) if quick else (5, 15)
    key = rules.of_day(local_today())
    with tempfile.TemporaryDirectory() as tmp, running_postgres() as pg_url:
        urls = {}
        for backend, size, url in databases(Path(tmp), pg_url, sizes):
            engine = create_engine(url)
            migrate.upgrade(engine)  # loads the example mapping
            started = time.perf_counter()
            seed(engine, size)
            engine.dispose()
            print(f"{backend} {size:>7} people seeded in {time.perf_counter() - started:.1f} s")
            urls[(backend, size)] = url
        check_s, export_s, cases = [], [], {}
        for backend in BACKENDS:
            small, large = (
                Officer(urls[(backend, sizes[0])], key),
                Officer(urls[(backend, sizes[1])], key),
            )
            large.check()
            check_s.append(statistics.median(timed(large.check) for _ in range(runs)))
            print(f"{backend}_scb_check_s: {check_s[-1]:.2f}", flush=True)
            large.export()
            export_s.append(statistics.median(timed(large.export) for _ in range(runs)))
            print(f"{backend}_scb_export_s: {export_s[-1]:.2f}", flush=True)
            cases[backend] = (small.export, large.export)
        ratios = interleave(cases, pairs, warm_up=1)
        for backend, paired in ratios.items():
            print(
                f"{backend}_history_ratio: {paired.describe()}; median "
                f"{paired.a_ms:.0f} → {paired.b_ms:.0f} ms"
            )
        print(f"scb_check_s: {max(check_s):.2f}")
        print(f"scb_export_s: {max(export_s):.2f}")
        print(f"history_ratio: {max(p.ratio for p in ratios.values()):.2f}")


if __name__ == "__main__":
    main()
