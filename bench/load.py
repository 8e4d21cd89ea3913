"""Load from outside: locust's users against gunicorn (the production configuration, 4 sync
workers) on PostgreSQL with durable commits, 5,000 young people, all on 127.0.0.1.

1. 50 users (bench/load_journeys.py: officers on the worklist, register, person pages and
   search; schools submitting dropout reports; a manager on the start page, the register and
   meetings) with 1–3 s of thought, for 2 minutes (`--long`: 10). The app processes' CPU time
   (gunicorn's master, workers and their render servers, from /proc) over the run, divided by
   the requests served, is `load_cpu_ms_per_request`.
2. A burst: 30 different school reports, each sent twice at the same moment (a double click),
   60 requests at once; the database must then hold exactly those 30 reports.

`--mailout` also starts a mail-out to every young person through the page's own POST when the
run starts; where the installed app has a job worker (`flask --app wsgi kaa worker`), one runs
beside gunicorn and does it. Last lines: `load_p95_ms`, `load_errors`, `load_cpu_ms_per_request`.

Run: .venv/bin/python bench/load.py [--long] [--users 50] [--mailout]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path

# Run as a script, bench/ comes first on sys.path, and bench/statistics.py would stand in for
# the standard library's statistics module: the repository's root takes its place.
sys.path[:1] = [str(Path(__file__).resolve().parents[1])]

from sqlmodel import Session, select  # noqa: E402

from bench.register import seed  # noqa: E402
from kaa_web import migrate  # noqa: E402
from kaa_web.db import create_engine  # noqa: E402
from kaa_web.demo import seed_schools  # noqa: E402
from kaa_web.demo_directory import settings_for, start_directory  # noqa: E402
from kaa_web.models.base import local_today  # noqa: E402
from kaa_web.models.register import District, Youth  # noqa: E402
from kaa_web.models.school_reports import SchoolReport, SchoolReportStudent, SchoolUnit  # noqa: E402
from kaa_web.rules import personnummer as pnr  # noqa: E402
from tests.live import LiveClient  # noqa: E402
from tests.servers import (  # noqa: E402
    LDIF,
    ROOT,
    SERVICE_PASSWORD,
    env_for,
    own_database,
    running_gunicorn,
    running_postgres,
)
from tests.views.school_reports.helpers import dropout  # noqa: E402

PEOPLE = 5_000
BURST = 30
HERE = Path(__file__).resolve().parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(root_pid: int) -> float:
    """User and system time of a process and its descendants, those alive and those reaped."""
    total, pending = 0.0, [root_pid]
    while pending:
        pid = pending.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except FileNotFoundError:  # ended meanwhile: its parent's cutime has it
            continue
        total += sum(int(f) for f in fields[11:15]) / CLOCK_TICKS  # utime stime cutime cstime
        pending += [int(c) for c in children]
    return total


def _students(n: int, start_serial: int) -> list[str]:
    """Personnummer of 17-year-olds no one has reported yet."""
    today = local_today()
    return [
        pnr.make_valid(today - timedelta(days=6200 + i % 300), start_serial + i // 300)
        for i in range(n)
    ]


def _load_data(engine, path: Path) -> dict:
    """What the users need: active people with their names, districts, a dropout form."""
    with Session(engine) as db:
        people = db.exec(
            select(Youth.id, Youth.first_name, Youth.last_name)
            .where(Youth.status == "aktiv")
            .limit(500)
        ).all()
        districts = list(db.exec(select(District.id)).all())
        unit = db.exec(select(SchoolUnit).where(SchoolUnit.code == "90000001")).one()
    form = dropout(unit)
    data = {
        "people": [[i, f"{first} {last}"] for i, first, last in people],
        "districts": districts,
        "students": _students(3000, 600),
        "dropout": {k: v for k, v in form.items() if k not in {"engangskod", "personnummer"}},
        "unit_id": unit.id,
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return data


def _run_locust(url: str, data_file: Path, users: int, seconds: int, out: Path) -> Path:
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(HERE / "load_journeys.py"),
        "--headless",
        "--host",
        url,
        "--users",
        str(users),
        "--spawn-rate",
        str(users),  # everyone within the first second
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(out / "load"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "KAA_LOAD_DATA": str(data_file)}
    subprocess.run(command, env=env, check=False, cwd=ROOT)
    return out / "load_stats.csv"


def _summary(stats_csv: Path) -> dict:
    with stats_csv.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["Name"] != "Aggregated":
            print(
                f"  {row['Type']:4} {row['Name']:40} n={row['Request Count']:>5} "
                f"p50={row['50%']:>4} p95={row['95%']:>4} ms fel={row['Failure Count']}"
            )
    return next(r for r in rows if r["Name"] == "Aggregated")


def _burst(urls: tuple[str, ...], engine, unit_id: int) -> tuple[int, int, int]:
    """30 reports, each sent twice at once; returns (stored, lost, duplicated)."""
    school = LiveClient(*urls)
    assert school.log_in("skola").status_code == 303
    token = school.token()
    unit = SchoolUnit(id=unit_id)
    numbers = _students(BURST, 900)
    forms = [
        {"csrf_token": token, **dropout(unit, token=f"burst-{n}", personnummer=number)}
        for n, number in enumerate(numbers)
    ]
    start = threading.Barrier(2 * BURST)

    def send(form):
        start.wait()
        return school.post("/skola/anmalan/studieavbrott", form).status_code

    with ThreadPoolExecutor(max_workers=2 * BURST) as pool:
        statuses = list(pool.map(send, [f for f in forms for _twice in (1, 2)]))
    with Session(engine) as db:
        stored = db.exec(
            select(SchoolReportStudent.personnummer)
            .join(SchoolReport)
            .where(SchoolReportStudent.personnummer.in_(numbers))
        ).all()
    print(f"burst_statuses: {sorted(set(statuses))}")
    lost = len(set(numbers) - set(stored))
    return len(stored), lost, len(stored) - len(set(stored))


def _worker_command() -> list[str] | None:
    """The job worker's command, when this version of the app has one."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "kaa", "worker"]
    probe = subprocess.run([*command, "--help"], capture_output=True, cwd=ROOT, check=False)
    return command if probe.returncode == 0 else None


@contextmanager
def _worker(settings: dict, log: Path):
    command = _worker_command()
    if command is None:
        print("job_worker: none (this version runs a mail-out inside the app)")
        yield
        return
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env_for(settings), stdout=output, stderr=output
        )
    print("job_worker: flask --app wsgi kaa worker")
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def _start_mailout(url: str, engine) -> None:
    officer = LiveClient(url)
    assert officer.log_in("kaa").status_code == 303
    with Session(engine) as db:
        ids = db.exec(select(Youth.id).where(Youth.status == "aktiv")).all()
    form = {"youth_ids": ",".join(map(str, ids)), "engangskod": "load-mailout"}
    response = officer.post_form("/utskick/", form)
    assert response.status_code == 303, response.status_code
    print(f"mailout_started: {len(ids)} ungdomar, {response.headers['Location']}")


@contextmanager
def _servers(tmp: Path):
    """PostgreSQL (durable), slapd, the database with 5,000 people, gunicorn; yields them."""
    with ExitStack() as stack:
        postgres = stack.enter_context(running_postgres(durable=True))
        url = stack.enter_context(own_database(postgres, "kaa_load"))
        engine = create_engine(url)
        stack.callback(engine.dispose)
        migrate.upgrade(engine)
        seed(engine, PEOPLE, active_every=1)
        with Session(engine) as db:
            seed_schools(db)
            db.commit()
        directory = start_directory(tmp / "slapd", LDIF.read_text())
        stack.callback(directory.stop)
        settings = {
            **settings_for(directory.ldap_uri, SERVICE_PASSWORD),
            "env": "development",
            "database_url": url,
            "secret_key": "load-" + "l" * 40,
            "login_max_failures_address": 1000,
        }
        server = stack.enter_context(running_gunicorn(settings, tmp / "gunicorn.log"))
        yield server, engine, settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long", action="store_true", help="10 minutes instead of 2")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--mailout", action="store_true", help="a mail-out runs meanwhile")
    parser.add_argument("--seconds", type=int, help="another length of run, at most 600 s")
    args = parser.parse_args()
    seconds = min(args.seconds or (600 if args.long else 120), 600)
    tmp = Path(tempfile.mkdtemp(prefix="kaa-load-"))
    with _servers(tmp) as (server, engine, settings), _worker(settings, tmp / "worker.log"):
        data = _load_data(engine, tmp / "data.json")
        if args.mailout:
            _start_mailout(server.url, engine)
        cpu_before = _cpu_seconds(server.process.pid)
        stats = _summary(_run_locust(server.url, tmp / "data.json", args.users, seconds, tmp))
        cpu = _cpu_seconds(server.process.pid) - cpu_before
        stored, lost, duplicated = _burst((server.url,), engine, data["unit_id"])
    requests, errors = int(stats["Request Count"]), int(stats["Failure Count"])
    if not requests:
        raise SystemExit(f"locust sent no requests: see {tmp}")
    print(f"load_users: {args.users}")
    print(f"load_seconds: {seconds}")
    print(f"load_requests: {requests}")
    print(f"load_throughput_rps: {float(stats['Requests/s']):.1f}")
    print(f"load_p50_ms: {stats['50%']}")
    print(f"load_p99_ms: {stats['99%']}")
    print(f"load_app_cpu_s: {cpu:.1f}")
    print(f"burst_reports_stored: {stored}")
    print(f"burst_lost: {lost}")
    print(f"burst_duplicated: {duplicated}")
    print(f"load_p95_ms: {stats['95%']}")
    print(f"load_errors: {errors}")
    print(f"load_cpu_ms_per_request: {1000 * cpu / max(requests, 1):.1f}")


if __name__ == "__main__":
    main()
