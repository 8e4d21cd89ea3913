"""The audit log's own guarantees in the database: recent events cannot be deleted, the purge of
old ones still works, and a change of the enforced period is itself logged."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from kaa_web import audit, migrate
from kaa_web.db import create_engine
from kaa_web.models.audit import AuditEvent, AuditFlagReview
from kaa_web.models.base import utcnow
from kaa_web.services.audit_log import purge_audit_log
from tests.servers import empty_tables, own_database

REFUSED = "younger than the retention period"


def add_event(db, days_ago: int) -> None:
    db.add(AuditEvent(action="view", object_type="youth", at=utcnow() - timedelta(days=days_ago)))
    db.commit()


def ages(db) -> list[int]:
    db.expire_all()
    events = db.exec(select(AuditEvent).where(AuditEvent.object_type == "youth")).all()
    return sorted((utcnow() - e.at).days for e in events)


def test_the_database_refuses_to_delete_a_recent_event(db_session):
    add_event(db_session, days_ago=1)
    with pytest.raises(Exception, match=REFUSED):
        db_session.execute(text("DELETE FROM audit_event"))
    db_session.rollback()
    assert ages(db_session) == [1]


def test_the_nightly_purge_deletes_what_is_past_the_period_and_nothing_younger(db_session):
    audit.enforce_retention(db_session, 365)
    for days_ago in (400, 300, 10):
        add_event(db_session, days_ago)
    assert purge_audit_log(db_session, retention_days=30) == 1  # the database keeps 365 days
    db_session.commit()
    assert ages(db_session) == [10, 300]


def test_the_purge_takes_the_reviews_of_purged_events_with_them(db_session, staff):
    audit.enforce_retention(db_session, 365)
    for days_ago in (400, 10):
        add_event(db_session, days_ago)
    for event in db_session.exec(select(AuditEvent).where(AuditEvent.object_type == "youth")):
        db_session.add(
            AuditFlagReview(
                event_id=event.id,
                event_at=event.at,
                kind="outside_hours",
                reviewed_by=staff["chef"].id,
                comment="Granskad.",
            )
        )
    db_session.commit()
    purge_audit_log(db_session, retention_days=365)
    db_session.commit()
    kept = db_session.exec(select(AuditFlagReview)).all()
    assert [(utcnow() - r.event_at).days for r in kept] == [10]


def test_migrate_enforces_the_configured_period(app, db_session):
    app.config["KAA_SETTINGS"].audit_retention_days = 400
    result = app.test_cli_runner().invoke(args=["kaa", "migrate"])
    assert result.exit_code == 0, result.output
    assert "yngre än 400 dagar" in result.output
    assert audit.enforced_retention_days(db_session) == 400


def test_lowering_the_period_even_behind_the_app_s_back_is_logged(db_session):
    db_session.execute(text("UPDATE audit_policy SET retention_days = 1"))
    db_session.commit()
    logged = db_session.exec(
        select(AuditEvent).where(AuditEvent.object_type == "audit_policy")
    ).all()
    assert [(e.action, e.object_id) for e in logged] == [("update", "3650->1")]


@pytest.fixture(scope="module")
def postgres_only(postgres_url):
    """A migrated PostgreSQL database of this module's own (TRUNCATE and roles are PostgreSQL's)."""
    with own_database(postgres_url, "kaa_audit") as url:
        engine = create_engine(url)
        migrate.upgrade(engine)
        yield url, engine
        engine.dispose()


@pytest.fixture
def pg_session(postgres_only):
    _url, engine = postgres_only
    with Session(engine, expire_on_commit=False) as session:
        yield session
    empty_tables(engine)


def test_the_log_cannot_be_truncated(pg_session):
    add_event(pg_session, days_ago=1)
    with pytest.raises(Exception, match="cannot be truncated"):
        pg_session.execute(text("TRUNCATE audit_event"))
    pg_session.rollback()
    assert ages(pg_session) == [1]


APP_ROLE_GRANTS = [  # what the README's default privileges give the app's own role
    "CREATE ROLE kaa_app_test LOGIN",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO kaa_app_test",
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO kaa_app_test",
]


@pytest.fixture
def app_role_engine(pg_session, postgres_only):
    """An engine connected as a role that uses the tables but does not own them, after
    `flask kaa migrate` (as the owner) has enforced the retention period."""
    url, _engine = postgres_only
    for statement in APP_ROLE_GRANTS:
        pg_session.execute(text(statement))
    pg_session.commit()
    audit.enforce_retention(pg_session, 3650)
    engine = create_engine(url.replace("postgres@", "kaa_app_test@", 1))
    yield engine
    engine.dispose()
    pg_session.execute(text("DROP OWNED BY kaa_app_test"))
    pg_session.execute(text("DROP ROLE kaa_app_test"))
    pg_session.commit()


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("DELETE FROM audit_event", REFUSED),
        ("UPDATE audit_policy SET retention_days = 1", "permission denied"),
        ("ALTER TABLE audit_event DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TRIGGER audit_event_keep_recent ON audit_event", "must be owner"),
        ("TRUNCATE audit_event", "permission denied"),
    ],
)
def test_the_app_s_own_role_cannot_remove_recent_events(
    pg_session, app_role_engine, statement, refusal
):
    add_event(pg_session, days_ago=1)
    with pytest.raises(Exception, match=refusal), app_role_engine.begin() as conn:
        conn.execute(text(statement))
    assert ages(pg_session) == [1]


def test_the_app_s_own_role_still_purges_old_events(pg_session, app_role_engine):
    audit.enforce_retention(pg_session, 365)
    for days_ago in (400, 10):
        add_event(pg_session, days_ago)
    with Session(app_role_engine) as as_app:
        assert purge_audit_log(as_app, retention_days=365) == 1
        as_app.commit()
    assert ages(pg_session) == [10]
