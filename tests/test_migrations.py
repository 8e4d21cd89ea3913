"""Migrations equal the models and round-trip, on SQLite and on PostgreSQL."""

import pytest
from sqlalchemy import inspect, text

from kaa_web import migrate
from kaa_web.db import create_engine


@pytest.fixture
def fresh_engine(database_url, tmp_path):
    """An empty database of the same kind as the test run's (its own file or schema)."""
    if database_url.startswith("sqlite"):
        engine = create_engine(f"sqlite:///{tmp_path}/fresh.db")
        yield engine
        engine.dispose()
        return
    admin = create_engine(database_url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("DROP DATABASE IF EXISTS kaa_fresh"))
        conn.execute(text("CREATE DATABASE kaa_fresh"))
    engine = create_engine(database_url.rsplit("/", 1)[0] + "/kaa_fresh")
    yield engine
    engine.dispose()
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("DROP DATABASE IF EXISTS kaa_fresh"))
    admin.dispose()


def test_upgrade_on_empty_database_equals_the_models(fresh_engine):
    migrate.upgrade(fresh_engine)
    assert migrate.pending_differences(fresh_engine) == []


def test_downgrade_to_base_and_upgrade_again_round_trips(fresh_engine):
    migrate.upgrade(fresh_engine)
    migrate.downgrade(fresh_engine, "base")
    assert set(inspect(fresh_engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(fresh_engine)
    assert migrate.pending_differences(fresh_engine) == []


def test_audit_log_refuses_updates_in_the_database(fresh_engine):
    migrate.upgrade(fresh_engine)
    with fresh_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_event (at, username, role, action, object_type, object_id, "
                "client_address, request_id, outcome) VALUES (CURRENT_TIMESTAMP, 'kaa', 'kaa', "
                "'view', 'youth', '1', '', '', 'ok')"
            )
        )
    with pytest.raises(Exception, match="append-only"), fresh_engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET username = 'annan'"))


def test_migration_files_are_date_prefixed():
    names = [p.name for p in migrate.MIGRATIONS.joinpath("versions").glob("*.py")]
    assert names and all(n[:8].isdigit() and n[8] == "_" for n in names)


def test_reports_stored_with_the_senders_account_name_get_their_name(fresh_engine):
    """cc5addbe0b9a: receipts said "av skola"; stored reports now name the person."""
    migrate.upgrade(fresh_engine, "fdfffd5ab6d6")
    report = (
        "INSERT INTO school_report (id, reference, token, kind, school_unit_id, submitted_by, "
        "submitted_by_name, submitted_at, contact_name, contact_phone, contact_email, details, "
        "status, status_changed_at, answer) VALUES (:id, :ref, :ref, 'risk', 1, 1, :name, "
        "CURRENT_TIMESTAMP, '', '', '', '{}', 'mottagen', CURRENT_TIMESTAMP, '')"
    )
    with fresh_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff_user (id, username, display_name, email, roles, active) "
                "VALUES (1, 'skola', 'Sara Lund', '', 'skola', :yes)"
            ),
            {"yes": True},
        )
        conn.execute(
            text(
                "INSERT INTO school_unit (id, code, name, huvudman, directory_group, active, "
                "own_huvudman, municipality_code, contact_name, contact_phone, contact_email, "
                "street_address, postal_code, city) VALUES (1, '90000001', 'Skolan', '', '', "
                ":yes, :no, '', '', '', '', '', '', '')"
            ),
            {"yes": True, "no": False},
        )
        conn.execute(text(report), {"id": 1, "ref": "RA-1", "name": "skola"})
        conn.execute(text(report), {"id": 2, "ref": "RA-2", "name": "Sara L., SYV"})
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        names = conn.execute(text("SELECT submitted_by_name FROM school_report ORDER BY id"))
        assert [n for (n,) in names] == ["Sara Lund", "Sara L., SYV"]
