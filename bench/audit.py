"""The log review's searches on a large access log: by young person and by member of staff.

Generates an access log on PostgreSQL with set-based SQL (generate_series): ten years of a large
municipality's events, in time order, from 60 members of staff about 150,000 young people (six
events in seven name a person: lists name everyone they show). The log's indexes are dropped
for the load and built afterwards from the models' own definitions, then ANALYZE. Each search is
the review page's service call as the page makes it (`review_page`, one year, the newest first
page of 50, the count, and the period's flags), timed for several people and several staff
members; the figure is the median run of each, and the last line the slower of the two.

Run: .venv/bin/python bench/audit.py [--events N] [--full]
     (default 2,000,000 events; --full: 20,000,000, about ten minutes here)
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

# Run as a script, bench/ comes first on sys.path, and bench/statistics.py would stand in for
# the standard library's statistics module: the repository's root takes its place.
sys.path[:1] = [str(Path(__file__).resolve().parents[1])]

import statistics  # noqa: E402

from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from kaa_web import migrate  # noqa: E402
from kaa_web.db import create_engine  # noqa: E402
from kaa_web.models.audit import AuditEvent  # noqa: E402
from kaa_web.models.base import local_today  # noqa: E402
from kaa_web.permissions import Actor  # noqa: E402
from kaa_web.rules.working_hours import WorkingHours  # noqa: E402
from kaa_web.services.audit_review.flags import ReviewFilter, ReviewRules  # noqa: E402
from kaa_web.services.audit_review.review import review_page  # noqa: E402
from tests.servers import running_postgres  # noqa: E402

STAFF = 60
PEOPLE = 150_000
YEARS = 10
BATCH = 1_000_000
RUNS = 7
RULES = ReviewRules(WorkingHours.parse("07:00-18:00"), bulk_export_people=100)
REVIEWER = Actor(staff_id=None, username="granskare", roles=frozenset({"chef"}))

# One batch of events g = first..last, spread evenly over ten years up to now, in time order.
INSERT = f"""
INSERT INTO audit_event
    (at, username, role, action, object_type, object_id, youth_id, client_address, request_id,
     outcome)
SELECT
    now() - interval '{YEARS * 365} days' + (g::float8 / :total) * interval '{YEARS * 365} days',
    'handl' || lpad((g % {STAFF})::text, 2, '0'),
    CASE WHEN g % {STAFF} < 40 THEN 'kaa' WHEN g % {STAFF} < 50 THEN 'arbetsmarknad'
         WHEN g % {STAFF} < 55 THEN 'chef' ELSE 'ifo' END,
    CASE WHEN g % 11 = 0 THEN 'search' WHEN g % 97 = 0 THEN 'export' ELSE 'view' END,
    CASE WHEN g % 3 = 0 THEN 'youth' ELSE 'youth_list' END,
    (1 + (hashint % {PEOPLE}))::text,
    CASE WHEN g % 7 = 0 THEN NULL ELSE 1 + (hashint % {PEOPLE}) END,
    '10.0.' || (g % 250) || '.' || (g % 200),
    'r' || (g / 40),
    'ok'
FROM (
    SELECT g, abs(hashtext(g::text)) AS hashint FROM generate_series(:first, :last) AS g
) AS series
"""


def _log_indexes():
    return [i for i in AuditEvent.__table__.indexes]


def load(engine, total: int) -> None:
    """The log, loaded without its secondary indexes, which are then built and analysed."""
    start = time.perf_counter()
    with engine.begin() as conn:
        for index in _log_indexes():
            conn.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
    for first in range(1, total + 1, BATCH):
        last = min(first + BATCH - 1, total)
        with engine.begin() as conn:
            conn.execute(text(INSERT), {"first": first, "last": last, "total": total})
        print(f"events loaded: {last:,} ({time.perf_counter() - start:.0f} s)", flush=True)
    with engine.begin() as conn:
        conn.execute(text("SET maintenance_work_mem = '512MB'"))
        for index in _log_indexes():
            index.create(conn)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE audit_event"))
    print(f"load_and_index_s: {time.perf_counter() - start:.1f}", flush=True)


def timed(engine, filters: ReviewFilter) -> tuple[float, int, int]:
    """(seconds, events found, flags) of one review page as the page asks for it."""
    with Session(engine) as db:
        start = time.perf_counter()
        page = review_page(db, actor=REVIEWER, filters=filters, rules=RULES)
        seconds = time.perf_counter() - start
        db.rollback()  # the bench's own reads are not kept in the log
    return seconds, page.total, len(page.flags)


def search(engine, label: str, cases: list[ReviewFilter]) -> float:
    runs = []
    for filters in cases:
        timed(engine, filters)  # warm the cache for this case, as a reviewer's second look
        seconds, found, flags = timed(engine, filters)
        runs.append(seconds)
        print(f"  {label}: {seconds * 1000:.0f} ms, {found:,} events, {flags} flags", flush=True)
    median = statistics.median(runs)
    print(f"audit_search_{label}_s: {median:.3f} (max {max(runs):.3f})", flush=True)
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--full", action="store_true", help="20,000,000 events")
    args = parser.parse_args()
    total = 20_000_000 if args.full else args.events
    end = local_today()
    year = (end - timedelta(days=364), end)
    with running_postgres() as url:
        engine = create_engine(url)
        migrate.upgrade(engine)
        load(engine, total)
        print(f"events: {total:,}", flush=True)
        people = [ReviewFilter(*year, youth_id=1 + (n * 7919) % PEOPLE) for n in range(RUNS)]
        staff = [ReviewFilter(*year, username=f"handl{n * 7 % STAFF:02d}") for n in range(RUNS)]
        by_person = search(engine, "person", people)
        by_user = search(engine, "user", staff)
        engine.dispose()
    print(f"audit_search_s: {max(by_person, by_user):.3f}")


if __name__ == "__main__":
    main()
