"""Migrations equal the models and round-trip, on SQLite and on PostgreSQL."""

import pytest
from sqlalchemy import inspect, text

from kaa_web import migrate
from kaa_web.db import create_engine
from tests.servers import own_database


@pytest.fixture
def fresh_engine(database_url, tmp_path):
    """An empty database of the same kind as the test run's (its own file or schema)."""
    if database_url.startswith("sqlite"):
        engine = create_engine(f"sqlite:///{tmp_path}/fresh.db")
        yield engine
        engine.dispose()
        return
    with own_database(database_url, "kaa_fresh") as url:
        engine = create_engine(url)
        yield engine
        engine.dispose()


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


BEFORE_ONE_ROW_PER_PERSON = "fdfffd5ab6d6"


def test_staff_rows_that_differ_only_in_case_are_merged_into_one_person(fresh_engine):
    migrate.upgrade(fresh_engine, BEFORE_ONE_ROW_PER_PERSON)
    with fresh_engine.begin() as conn:
        for staff_id, username, last_login in [
            (1, "kaa", "2026-10-01 08:00:00"),
            (2, "KAA", "2026-11-20 08:00:00"),
            (3, "Kaa", None),
            (4, "chef", None),
        ]:
            conn.execute(
                text(
                    "INSERT INTO staff_user (id, username, display_name, email, roles, active,"
                    " last_login_at) VALUES (:id, :u, :name, '', :roles, :active, :at)"
                ),
                {
                    "id": staff_id,
                    "u": username,
                    "name": f"Namn {staff_id}",
                    "roles": "kaa" if staff_id == 2 else "",
                    "active": staff_id != 1,
                    "at": last_login,
                },
            )
        for task_id, assigned, created in [(1, 2, 3), (2, 4, 1)]:
            conn.execute(
                text(
                    "INSERT INTO task (id, kind, title, due, assigned_to, source_type, created_by,"
                    " created_at) VALUES (:id, 'annat', 'Ring', '2026-12-01', :a, '', :c,"
                    " '2026-11-01 08:00:00')"
                ),
                {"id": task_id, "a": assigned, "c": created},
            )
        for staff_id, form in [(1, "avbrott"), (2, "avbrott"), (2, "franvaro")]:
            conn.execute(
                text(
                    "INSERT INTO report_draft (staff_id, form, data, updated_at)"
                    " VALUES (:s, :f, :d, '2026-11-01 08:00:00')"
                ),
                {"s": staff_id, "f": form, "d": f'{{"av": {staff_id}}}'},
            )
        conn.execute(
            text(
                "INSERT INTO web_session (id, staff_id, data, created_at, last_seen_at)"
                " VALUES ('x', 2, '{}', '2026-11-20 08:00:00', '2026-11-20 08:00:00')"
            )
        )
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        staff = conn.execute(
            text("SELECT id, username, display_name, roles, active FROM staff_user ORDER BY id")
        ).all()
        tasks = conn.execute(text("SELECT assigned_to, created_by FROM task ORDER BY id")).all()
        drafts = conn.execute(text("SELECT staff_id, form, data FROM report_draft")).all()
        sessions = conn.execute(text("SELECT count(*) FROM web_session")).scalar_one()
    # the oldest row survives, with the latest login's name and roles
    assert [(r[0], r[1], r[2], r[3], bool(r[4])) for r in staff] == [
        (1, "kaa", "Namn 2", "kaa", True),
        (4, "chef", "Namn 4", "", True),
    ]
    assert [tuple(t) for t in tasks] == [(1, 1), (4, 1)]
    assert sorted((d[0], d[1], d[2]) for d in drafts) == [
        (1, "avbrott", '{"av": 1}'),
        (1, "franvaro", '{"av": 2}'),
    ]
    assert sessions == 0
    with pytest.raises(Exception, match="(?i)unique"), fresh_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff_user (username, display_name, email, roles, active)"
                " VALUES ('KAA', 'x', '', '', :yes)"
            ),
            {"yes": True},
        )


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
