"""The production guide's backup and restore (kaa_web/deploy/backup.sh, restore.sh): a backup
restored into an empty database serves the same register, and the audit log stays append-only."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

from kaa_web import create_app, migrate
from kaa_web.db import create_engine
from kaa_web.demo import seed_demo
from tests.conftest import TEST_SECRET, KaaClient, log_in
from tests.servers import _pg_bin, own_database

DEPLOY = Path(__file__).resolve().parents[2] / "kaa_web" / "deploy"
ROW = re.compile(r'<th scope="row">.*?</tr>', re.S)


def _run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    path = f"{Path(_pg_bin('pg_dump')).parent}:{os.environ['PATH']}"
    return subprocess.run(
        [str(DEPLOY / script), *args],
        env={**os.environ, "PATH": path, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _register(url: str, ldap_server) -> list[str]:
    """The register list's rows as the KAA officer sees them on the database at `url`."""
    settings = {"env": "development", "database_url": url, "secret_key": TEST_SECRET}
    app = create_app({**ldap_server.settings, **settings})
    app.test_client_class = KaaClient
    client = app.test_client()
    assert log_in(client, "kaa").status_code == 303
    rows = []
    for page in (1, 2, 3):
        body = client.get(f"/ungdomar/?status=&sida={page}").get_data(as_text=True)
        rows += ROW.findall(body)
    app.extensions["kaa_engine"].dispose()
    return rows


def _row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = {
            table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for table in SQLModel.metadata.sorted_tables
        }
    engine.dispose()
    return counts


@pytest.fixture
def source(postgres_url):
    with own_database(postgres_url, "kaa_backup_source") as url:
        engine = create_engine(url)
        migrate.upgrade(engine)
        with Session(engine) as db:
            seed_demo(db)
        engine.dispose()
        yield url


def test_a_backup_restored_into_an_empty_database_serves_the_same_register(
    source, postgres_url, ldap_server, tmp_path
):
    before = _register(source, ldap_server)
    assert len(before) > 50  # the demo register: pages of people, not an empty list
    backup = _run("backup.sh", KAA_BACKUP_DATABASE_URL=source, KAA_BACKUP_DIR=str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    [dump] = tmp_path.glob("kaa-*.dump")
    assert backup.stdout.strip() == str(dump) and dump.stat().st_mode & 0o077 == 0
    with own_database(postgres_url, "kaa_backup_restored") as restored:
        result = _run("restore.sh", str(dump), restored)
        assert result.returncode == 0, result.stderr
        assert _row_counts(restored) == _row_counts(source)
        assert _register(restored, ldap_server) == before
        engine = create_engine(restored)
        with pytest.raises(DBAPIError), engine.begin() as connection:  # still append-only
            connection.execute(sa.text("DELETE FROM audit_event"))
        engine.dispose()


def test_restore_refuses_a_database_that_is_not_empty(source, tmp_path):
    backup = _run("backup.sh", KAA_BACKUP_DATABASE_URL=source, KAA_BACKUP_DIR=str(tmp_path))
    [dump] = tmp_path.glob("kaa-*.dump")
    result = _run("restore.sh", str(dump), source)
    assert backup.returncode == 0 and result.returncode == 1
    assert "restore only into an empty one" in result.stderr
