"""pytest plugin (loaded with -p): the real servers both suites share (slapd, PostgreSQL, Redis)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

import kaa_web.models  # noqa: F401 - every table on the metadata
from kaa_web.config import Settings
from kaa_web.demo_directory import settings_for

# The app refuses to start without an explicit KAA_ENV; the tests (and the gunicorn they start)
# are a developer's machine.
os.environ["KAA_ENV"] = "development"

LDIF = Path(__file__).parent / "ldif" / "directory.ldif"
SERVICE_PASSWORD = "tjanst-losen"  # matches tests/ldif/directory.ldif

# username per role in tests/ldif/directory.ldif; every password is "losen-<username>"
USER_FOR_ROLE = {
    "kaa": "kaa",
    "arbetsmarknad": "arbetsmarknad",
    "ifo": "ifo",
    "skola": "skola",
    "chef": "chef",
    "admin": "admin",
}


def password_for(username: str) -> str:
    return f"losen-{username}"


def empty_tables(engine) -> None:
    """Delete every row (tests commit for real, so each starts from empty tables).

    The audit log refuses to lose recent events, so its triggers are set aside as a database
    owner would; the retention policy row is reset rather than deleted.
    """
    with engine.begin() as connection:
        audit_triggers = _set_aside_audit_triggers(connection)
        default_days = Settings().audit_retention_days
        connection.execute(text("UPDATE audit_policy SET retention_days = :d"), {"d": default_days})
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name != "audit_policy":
                connection.execute(table.delete())
        for create in audit_triggers:
            connection.execute(text(create))


def _set_aside_audit_triggers(connection) -> list[str]:
    """PostgreSQL: no triggers for this transaction. SQLite: drop them, return their SQL."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        return []
    rows = connection.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN ('audit_event', 'audit_policy')"
        )
    ).all()
    for name, _sql in rows:
        connection.execute(text(f'DROP TRIGGER "{name}"'))
    return [sql for _name, sql in rows]


ROOT = Path(__file__).resolve().parents[1]


def env_for(settings: dict) -> dict:
    """The environment a process of the app reads these settings (by name) from."""
    env = {f"KAA_{name.upper()}": str(value) for name, value in settings.items()}
    return {**os.environ, **env}


def start_worker(settings: dict, log: Path, threads: int = 1) -> subprocess.Popen:
    """`flask --app wsgi kaa worker` as production runs it: a process of its own."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "kaa", "worker"]
    return subprocess.Popen(
        [*command, "--threads", str(threads)],
        cwd=ROOT,
        env=env_for(settings),
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


@dataclass
class Directory:
    server: object
    settings: dict

    def modify(self, ldif: str) -> None:
        self.server.ldapmodify(ldif)


@pytest.fixture(scope="session")
def ldap_server(tmp_path_factory):
    """A real OpenLDAP slapd on 127.0.0.1, seeded from tests/ldif/directory.ldif."""
    from kaa_web.demo_directory import start_directory

    server = start_directory(tmp_path_factory.mktemp("slapd"), LDIF.read_text())
    yield Directory(server, settings_for(server.ldap_uri, SERVICE_PASSWORD))
    server.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _pg_bin(name: str) -> str:
    for version in ("17", "16", "15"):
        candidate = Path(f"/usr/lib/postgresql/{version}/bin/{name}")
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is missing: run `make test`, which installs it")
    return found


@dataclass
class Cluster:
    """A running throwaway PostgreSQL cluster: its URL, and stop/start for fault drills."""

    url: str
    data: Path
    options: str
    log: Path

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            _as_postgres([_pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "stop"]),
            capture_output=True,
        )

    def start(self) -> None:
        command = [_pg_bin("pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.log)]
        subprocess.run(
            _as_postgres([*command, "-o", self.options, "start"]), check=True, capture_output=True
        )


@contextmanager
def running_postgres(*, durable: bool = False):
    """A throwaway PostgreSQL cluster (initdb + pg_ctl) on a free port, yielding its URL.

    The tests' cluster does not wait for the disk (fsync off); `durable=True` keeps production's
    settings (every commit flushed), for the load bench."""
    with postgres_cluster(durable=durable) as cluster:
        yield cluster.url


@contextmanager
def postgres_cluster(*, durable: bool = False):
    """The running cluster itself (running_postgres yields only its URL)."""
    # Not under pytest's temp dir: that is private to root and the postgres user cannot enter it.
    root = Path(tempfile.mkdtemp(prefix="kaa-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    subprocess.run(
        _as_postgres(
            [
                _pg_bin("initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    port = free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    cluster = Cluster(url, data, options, root / "log")
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def own_database(postgres_url: str, name: str):
    """A new, empty database `name` on the test cluster, dropped afterwards; yields its URL."""
    from kaa_web.db import create_engine

    admin = create_engine(postgres_url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield postgres_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@contextmanager
def running_redis():
    """A throwaway Redis server (the production job queue) on a free port, yielding its URL."""
    import redis

    root = Path(tempfile.mkdtemp(prefix="kaa-redis-"))
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(root)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start: run `make test`") from None
            time.sleep(0.05)
    try:
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url():
    with running_redis() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url():
    with running_postgres() as url:
        yield url


ROOT = Path(__file__).resolve().parents[1]
GUNICORN_CONF = ROOT / "kaa_web" / "deploy" / "gunicorn.conf.py"


@dataclass
class Gunicorn:
    """A running gunicorn serving wsgi:app: its address, master process and log."""

    url: str
    process: subprocess.Popen
    log: Path
    control_socket: Path

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


@contextmanager
def running_gunicorn(settings: dict, log: Path, *args: str, timeout: float = 90):
    """gunicorn with the production configuration (kaa_web/deploy/gunicorn.conf.py) on a free
    port of 127.0.0.1; `args` override it (`--workers 2`). Waits until /halsa answers."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "-"]
    # each instance its own control socket (two on one machine must not share one), in a
    # short directory: a Unix socket's path has at most 107 bytes
    control = Path(tempfile.mkdtemp(prefix="kaa-ctl-")) / f"gunicorn-{port}.ctl"
    command += ["--control-socket", str(control), *args, "wsgi:app"]
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env_for(settings), stdout=output, stderr=output
        )
    server = Gunicorn(f"http://127.0.0.1:{port}", process, log, control)
    try:
        _wait_until_serving(server, timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(control.parent, ignore_errors=True)


def _wait_until_serving(server: Gunicorn, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(server.url + "/halsa", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # serving: /halsa's 503 names a part that is down (a worker not yet heard)
        except OSError:
            if server.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start:\n" + server.log.read_text()) from None
            time.sleep(0.2)
