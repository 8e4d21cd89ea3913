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


def _insert_youth(conn, protected: bool = False) -> int:
    """A young person in the register's oldest shape; their id."""
    conn.execute(
        text(
            "INSERT INTO youth (personnummer, first_name, last_name, first_name_key, "
            "last_name_key, birth_date, gender, protected_identity, street_address, "
            "postal_code, city, phone, email, status, registration_reason, "
            "registration_source, registered_on, occupation, version, created_at, "
            "updated_at) VALUES ('200901012384', 'A', 'B', 'a', 'b', '2009-01-01', "
            "'kvinna', :protected, '', '', '', '', '', 'aktiv', 'annan', 'import', "
            "'2026-09-01', 'okand', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {"protected": protected},
    )
    return conn.execute(text("SELECT id FROM youth")).scalar_one()


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


def test_existing_mail_outs_keep_what_they_recorded_across_the_confirmation_migration(
    fresh_engine,
):
    """Jobs made before letters waited for a confirmation had recorded them: they are "sent",
    their protected identities stay listed, school reports with students lose only their
    token (SQLite rebuilds the table), and a downgrade gives the old shape back."""
    migrate.upgrade(fresh_engine, "fdfffd5ab6d6")
    with fresh_engine.begin() as conn:
        youth_id = _insert_youth(conn, protected=True)
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


def test_a_letters_document_line_joins_its_contact_and_a_cancelled_ones_stays(fresh_engine):
    """b0fabd01cb86: a letter was two timeline lines ("… skapat" and "Brev – skickat"); the
    document now hangs on the contact, and a letter never sent keeps its line."""
    migrate.upgrade(fresh_engine, "cf76866173ae")
    with fresh_engine.begin() as conn:
        youth_id = _insert_youth(conn)
        for doc_id, doc_type in ((1, "brev_ungdom"), (2, "vykort")):
            conn.execute(
                text(
                    "INSERT INTO generated_document (id, doc_type, template_version, file_name, "
                    "content_type, content, letter_count, created_by, created_at) VALUES "
                    "(:id, :type, 0, 'f.docx', 'x', :content, 1, 'kaa', CURRENT_TIMESTAMP)"
                ),
                {"id": doc_id, "type": doc_type, "content": b"PK"},
            )
            conn.execute(
                text(
                    "INSERT INTO timeline_entry (youth_id, at, kind, title, ref_type, ref_id) "
                    "VALUES (:youth, '2026-09-20 08:00:00+00:00', 'dokument', 'skapat', "
                    "'generated_document', :id)"
                ),
                {"youth": youth_id, "id": doc_id},
            )
        conn.execute(
            text(
                'INSERT INTO contact_attempt (youth_id, kind, "on", to_guardians, note, '
                "created_at) VALUES (:youth, 'brev', '2026-09-22', false, '', CURRENT_TIMESTAMP)"
            ),
            {"youth": youth_id},
        )
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        linked = conn.execute(text("SELECT kind, document_id FROM contact_attempt")).all()
        lines = conn.execute(text("SELECT ref_id FROM timeline_entry")).all()
    assert [tuple(c) for c in linked] == [("brev", 1)]  # posted two days after it was made
    assert [r for (r,) in lines] == [2]  # the postcard was never recorded as sent


def test_each_registration_becomes_a_period_and_a_deregistered_person_a_closed_one(
    fresh_engine,
):
    """5e1f0a7c2b90 and 7a3c9d2e4f61: today's one registration per person becomes one period,
    the latest, closed where the person was deregistered; youth keeps none of it, and a
    downgrade gives the columns back from the latest period."""
    migrate.upgrade(fresh_engine, "4c6758b9ccbc")
    with fresh_engine.begin() as conn:
        active = _insert_youth(conn)
        conn.execute(
            text(
                "INSERT INTO youth (personnummer, first_name, last_name, first_name_key, "
                "last_name_key, birth_date, gender, protected_identity, street_address, "
                "postal_code, city, phone, email, status, registration_reason, "
                "registration_source, registered_on, deregistered_on, deregistration_reason, "
                "deregistration_result, occupation, version, created_at, updated_at) VALUES "
                "('200802022389', 'C', 'D', 'c', 'd', '2008-02-02', 'kvinna', :no, '', '', '', "
                "'', '', 'avregistrerad', 'studiebevis', 'skolanmalan', '2025-09-01', "
                "'2026-06-15', 'nationellt_program', 'studier', 'studier', 3, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"no": False},
        )
        left = conn.execute(text("SELECT id FROM youth WHERE status = 'avregistrerad'")).scalar()
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        periods = conn.execute(
            text(
                "SELECT youth_id, registered_on, registration_reason, registration_source, "
                "deregistered_on, deregistration_reason, deregistration_result, latest "
                "FROM registration_period ORDER BY youth_id"
            )
        ).all()
    columns = {c["name"] for c in inspect(fresh_engine).get_columns("youth")}
    assert [
        (p[0], str(p[1]), *p[2:4], p[4] and str(p[4]), *p[5:7], bool(p[7])) for p in periods
    ] == [
        (active, "2026-09-01", "annan", "import", None, None, None, True),
        (
            left,
            "2025-09-01",
            "studiebevis",
            "skolanmalan",
            "2026-06-15",
            "nationellt_program",
            "studier",
            True,
        ),
    ]
    assert not columns & {"registered_on", "registration_reason", "deregistered_on"}
    migrate.downgrade(fresh_engine, "5e1f0a7c2b90")
    with fresh_engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT registered_on, registration_source, deregistered_on, "
                "deregistration_result FROM youth WHERE id = :id"
            ),
            {"id": left},
        ).one()
    assert (str(row[0]), row[1], str(row[2]), row[3]) == (
        "2025-09-01",
        "skolanmalan",
        "2026-06-15",
        "studier",
    )
