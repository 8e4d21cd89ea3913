"""CPU time per request of the load test's pages, in-process, with their statements and size.

The pages of bench/load_journeys.py (the register list and a district's list, the worklist,
a person page, a search, the school's report pages and a submitted dropout report with its
receipt, the manager's start page and statistics) on PostgreSQL with 5,000 active young
people as bench/load.py seeds them, signed in for real against a local slapd. Each page is
asked for in blocks (`--blocks`, of `--runs` requests); its figure is the best block's CPU
time (`time.process_time`) per request, so other work on the shared machine counts as little
as it can, beside its Python function calls per request (which a busy machine does not change:
compare those between commits). `--profile PAGE` writes a cProfile of that page (on CPU
time) to /tmp and prints its top functions. Last line: `pages_cpu_ms_mean: X` (the pages
weighted as the load test's users ask for them).

Run: .venv/bin/python bench/pages.py [--runs 15] [--blocks 6] [--profile register_list]
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

# Run as a script, bench/ comes first on sys.path, and bench/statistics.py would stand in for
# the standard library's statistics module: the repository's root takes its place.
sys.path[:1] = [str(Path(__file__).resolve().parents[1])]

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, select  # noqa: E402
from tests.views.test_school_reports import dropout  # noqa: E402

from bench.load import _students  # noqa: E402
from bench.register import _token, seed  # noqa: E402
from kaa_web import create_app, migrate  # noqa: E402
from kaa_web.db import create_engine  # noqa: E402
from kaa_web.demo import seed_schools  # noqa: E402
from kaa_web.demo_directory import settings_for, start_directory  # noqa: E402
from kaa_web.models.register import District, Youth  # noqa: E402
from kaa_web.models.school_reports import SchoolUnit  # noqa: E402
from tests.servers import LDIF, SERVICE_PASSWORD, own_database, running_postgres  # noqa: E402

PEOPLE = 5_000
# How often the load test's users ask for each page (bench/load_journeys.py: task weights
# times user weights), for the weighted mean.
WEIGHTS = {
    "worklist": 40 * 3,
    "worklist_everyone": 40 * 2,
    "register_list": 40 * 3 + 4 * 2,
    "register_district": 40 * 1,
    "person_page": 40 * 4,
    "search": 40 * 2,
    "school_start": 6,
    "school_form": 6,
    "school_submit": 6,
    "school_receipt": 6,
    "start_page": 4 * 2,
    "meetings": 4 * 1,
    "statistics": 0,  # not on the load test's journeys; shown for the manager's own page
}


def _client(app, username: str):
    client = app.test_client()
    token = _token(client.get("/logga-in").get_data(as_text=True))
    form = {"csrf_token": token, "username": username, "password": f"losen-{username}"}
    assert client.post("/logga-in", data=form).status_code == 303, username
    return client, _token(client.get("/").get_data(as_text=True))


def _ok(response, status: int = 200):
    assert response.status_code == status, response.status_code
    return response


def pages(app, engine) -> dict:
    """Each page as a function of its run number, returning the response."""
    with Session(engine) as db:
        people = db.exec(
            select(Youth.id, Youth.first_name, Youth.last_name).where(Youth.status == "aktiv")
        ).all()[:500]
        districts = list(db.exec(select(District.id)).all())
        unit = db.exec(select(SchoolUnit).where(SchoolUnit.code == "90000001")).one()
    officer, officer_token = _client(app, "kaa")
    school, school_token = _client(app, "skola")
    manager, _manager_token = _client(app, "chef")
    students = iter(_students(20_000, 600))
    receipts = []

    def search(i):
        _id, first, last = people[i % len(people)]
        form = {"csrf_token": officer_token, "status": "aktiv", "search": f"{first} {last}"}
        return _ok(officer.post("/ungdomar/sok", data=form))

    def submit(i):
        form = dropout(unit, token=f"pages-{i}-{time.time()}", personnummer=next(students))
        response = _ok(
            school.post("/skola/anmalan/studieavbrott", data={"csrf_token": school_token, **form}),
            303,
        )
        receipts.append(response.headers["Location"])
        return response

    def receipt(i):
        if not receipts:
            submit(i)
        return _ok(school.get(receipts[i % len(receipts)]))

    return {
        "worklist": lambda i: _ok(officer.get("/att-gora/")),
        "worklist_everyone": lambda i: _ok(officer.get("/att-gora/?vy=alla")),
        "register_list": lambda i: _ok(officer.get("/ungdomar/")),
        "register_district": lambda i: _ok(
            officer.get(f"/ungdomar/?district_id={districts[i % len(districts)]}")
        ),
        "person_page": lambda i: _ok(officer.get(f"/ungdomar/{people[i % len(people)][0]}")),
        "search": search,
        "school_start": lambda i: _ok(school.get("/skola/anmalan")),
        "school_form": lambda i: _ok(school.get("/skola/anmalan/studieavbrott")),
        "school_submit": submit,
        "school_receipt": receipt,
        "start_page": lambda i: _ok(manager.get("/")),
        "meetings": lambda i: _ok(manager.get("/samverkan")),
        "statistics": lambda i: _ok(manager.get("/statistik")),
    }


def calls(action, counter, runs: int = 5) -> int:
    """Python function calls per request: unlike CPU time, the same on a busy machine."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _run in range(runs):
        action(next(counter))
    profiler.disable()
    return round(pstats.Stats(profiler).total_calls / runs)


def measure(action, engine, runs: int, blocks: int) -> tuple[float, int, int, int]:
    """Best block's CPU ms per request; statements, KiB and function calls of one request."""
    counter = itertools.count()
    statements = []

    def count(*_args):
        statements.append(1)

    action(next(counter))  # warm: templates compiled, statements cached
    sa.event.listen(engine, "before_cursor_execute", count)
    size = len(action(next(counter)).get_data())
    sa.event.remove(engine, "before_cursor_execute", count)
    best = float("inf")
    for _block in range(blocks):
        start = time.process_time()
        for _run in range(runs):
            action(next(counter))
        best = min(best, (time.process_time() - start) / runs)
    return best * 1000, len(statements), size // 1024, calls(action, counter)


def profile(action, name: str, runs: int) -> None:
    action(0)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for i in range(1, runs + 1):
        action(i)
    profiler.disable()
    out = Path(tempfile.gettempdir()) / f"kaa-{name}.prof"
    profiler.dump_stats(out)
    print(f"profile: {out}")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def _seed(engine) -> None:
    migrate.upgrade(engine)
    seed(engine, PEOPLE, active_every=1)
    with Session(engine) as db:
        seed_schools(db)
        db.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--profile", help="write a cProfile of this page")
    parser.add_argument("--only", help="comma-separated pages")
    parser.add_argument("--url", help="a database this script seeded before (kept as it is)")
    args = parser.parse_args()
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        url = args.url or stack.enter_context(
            own_database(stack.enter_context(running_postgres()), "kaa_pages")
        )
        engine = create_engine(url)
        if not args.url:
            _seed(engine)
        directory = start_directory(Path(tmp) / "slapd", LDIF.read_text())
        try:
            settings = {
                **settings_for(directory.ldap_uri, SERVICE_PASSWORD),
                "env": "development",
                "database_url": url,
                "secret_key": "pages-" + "p" * 40,
                "jobs_url": "immediate",
                "login_max_failures_address": 1000,
            }
            app = create_app(settings)
            actions = pages(app, app.extensions["kaa_engine"])
            if args.profile:
                profile(actions[args.profile], args.profile, args.runs * args.blocks)
                return
            wanted = args.only.split(",") if args.only else list(actions)
            figures = {}
            for name in wanted:
                ms, statements, kib, n = measure(
                    actions[name], app.extensions["kaa_engine"], args.runs, args.blocks
                )
                figures[name] = ms
                print(
                    f"{name}_cpu_ms: {ms:.1f} ({statements} statements, {kib} KiB, "
                    f"{n:,} function calls)",
                    flush=True,
                )
        finally:
            directory.stop()
            engine.dispose()
    weighted = [(figures[n], WEIGHTS[n]) for n in figures if WEIGHTS[n]]
    mean = sum(ms * w for ms, w in weighted) / max(sum(w for _ms, w in weighted), 1)
    print(f"pages_cpu_ms_mean: {mean:.1f}")


if __name__ == "__main__":
    main()
