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


def test_existing_mail_outs_keep_what_they_recorded_across_the_confirmation_migration(
    fresh_engine,
):
    """Jobs made before letters waited for a confirmation had recorded them: they are "sent",
    their protected identities stay listed, school reports with students lose only their
    token (SQLite rebuilds the table), and a downgrade gives the old shape back."""
    migrate.upgrade(fresh_engine, "fdfffd5ab6d6")
    with fresh_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO youth (personnummer, first_name, last_name, first_name_key, "
                "last_name_key, birth_date, gender, protected_identity, street_address, "
                "postal_code, city, phone, email, status, registration_reason, "
                "registration_source, registered_on, occupation, version, created_at, "
                "updated_at) VALUES ('200901012384', 'A', 'B', 'a', 'b', '2009-01-01', "
                "'kvinna', true, '', '', '', '', '', 'aktiv', 'annan', 'import', "
                "'2026-09-01', 'okand', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        youth_id = conn.execute(text("SELECT id FROM youth")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO mailout_job (token, status, phase, created_by, sending_date, "
                "make_pdf, youth_ids, protected_ids, document_ids, person_count, letter_count, "
                "contact_count, error, created_at) VALUES ('t', 'done', '', 'kaa', "
                f"'2026-09-20', false, '[{youth_id}]', '[{youth_id}]', '[]', 1, 0, 0, '', "
                "CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO school_unit (code, name, huvudman, own_huvudman, municipality_code,"
                " directory_group, contact_name, contact_phone, contact_email, street_address, "
                "postal_code, city, active) VALUES ('90000001', 'S', 'H', true, '', '', '', '', "
                "'', '', '', '', true)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO school_report (reference, token, kind, school_unit_id, "
                "submitted_by_name, submitted_at, contact_name, contact_phone, contact_email, "
                "details, status, status_changed_at, answer) SELECT 'SA-2026-00001', 'tok', "
                "'studieavbrott', id, '', CURRENT_TIMESTAMP, '', '', '', '{}', 'mottagen', "
                "CURRENT_TIMESTAMP, '' FROM school_unit"
            )
        )
        conn.execute(
            text(
                "INSERT INTO school_report_student (report_id, personnummer, first_name, "
                "last_name, birth_date, programme, contact, home_municipality, forward_note) "
                "SELECT id, '200901012384', 'A', 'B', '2009-01-01', '', '{}', '', '' "
                "FROM school_report"
            )
        )
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM mailout_job")).scalar_one() == "sent"
        people = conn.execute(text("SELECT youth_id, outcome FROM mailout_person")).all()
        assert [tuple(p) for p in people] == [(youth_id, "skyddad")]
        assert conn.execute(text("SELECT count(*) FROM school_report_student")).scalar() == 1
    migrate.downgrade(fresh_engine, "fdfffd5ab6d6")
    with fresh_engine.connect() as conn:
        row = conn.execute(text("SELECT status, protected_ids, token FROM mailout_job")).one()
        assert (row.status, row.protected_ids) == ("done", f"[{youth_id}]") and row.token
