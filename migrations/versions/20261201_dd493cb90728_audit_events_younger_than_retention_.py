"""audit: events younger than the retention period cannot be deleted, not even by the app's role

The period the database enforces is the one row of audit_policy (set from
KAA_AUDIT_RETENTION_DAYS by `flask kaa migrate`). A DELETE of a younger event fails, TRUNCATE
of the log fails (PostgreSQL), and a change of the period is itself written to the log by
the database, so lowering it first cannot go unseen.

Revision ID: dd493cb90728
Revises: f82f6a49a095
Create Date: 2026-12-01 09:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "dd493cb90728"
down_revision: str | None = "f82f6a49a095"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_RETENTION_DAYS = 3650  # KAA_AUDIT_RETENTION_DAYS' default; `flask kaa migrate` sets it
REFUSED = "audit_event: events younger than the retention period cannot be deleted"

POSTGRESQL = [
    f"""CREATE FUNCTION audit_event_refuse_early_delete() RETURNS trigger AS $$
    DECLARE days integer;
    BEGIN
      SELECT retention_days INTO days FROM audit_policy WHERE id = 1;
      IF days IS NULL OR OLD.at > now() - make_interval(days => days) THEN
        RAISE EXCEPTION '{REFUSED}';
      END IF;
      RETURN OLD;
    END; $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER audit_event_keep_recent BEFORE DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_early_delete()",
    """CREATE FUNCTION audit_event_refuse_truncate() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit_event cannot be truncated'; END; $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_truncate()",
    """CREATE FUNCTION audit_policy_log_change() RETURNS trigger AS $$
    BEGIN
      INSERT INTO audit_event (at, username, role, action, object_type, object_id,
                               client_address, request_id, outcome)
      VALUES (now(), left(current_user, 100), '', 'update', 'audit_policy',
              OLD.retention_days || '->' || NEW.retention_days, '', '', 'ok');
      RETURN NEW;
    END; $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER audit_policy_logged AFTER UPDATE ON audit_policy FOR EACH ROW "
    "WHEN (OLD.retention_days IS DISTINCT FROM NEW.retention_days) "
    "EXECUTE FUNCTION audit_policy_log_change()",
]

_SQLITE_DAYS = "(SELECT retention_days FROM audit_policy WHERE id = 1)"
SQLITE = [
    # `at` is stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC, which compares as text with
    # datetime('now', ...); a missing policy row refuses every delete.
    "CREATE TRIGGER audit_event_keep_recent BEFORE DELETE ON audit_event "
    f"WHEN {_SQLITE_DAYS} IS NULL "
    f"OR OLD.at > datetime('now', '-' || {_SQLITE_DAYS} || ' days') "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END",
    "CREATE TRIGGER audit_policy_logged AFTER UPDATE ON audit_policy "
    "WHEN OLD.retention_days IS NOT NEW.retention_days BEGIN "
    "INSERT INTO audit_event (at, username, role, action, object_type, object_id, "
    "client_address, request_id, outcome) VALUES (strftime('%Y-%m-%d %H:%M:%f', 'now'), "
    "'database', '', 'update', 'audit_policy', "
    "OLD.retention_days || '->' || NEW.retention_days, '', '', 'ok'); END",
]


def upgrade() -> None:
    op.create_table(
        "audit_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_policy_one_row"),
        sa.CheckConstraint("retention_days > 0", name="ck_audit_policy_positive"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(
        sa.text("INSERT INTO audit_policy (id, retention_days) VALUES (1, :days)").bindparams(
            days=DEFAULT_RETENTION_DAYS
        )
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL if postgresql else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_policy_logged ON audit_policy")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_keep_recent ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_policy_log_change()")
        op.execute("DROP FUNCTION IF EXISTS audit_event_refuse_truncate()")
        op.execute("DROP FUNCTION IF EXISTS audit_event_refuse_early_delete()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_policy_logged")
        op.execute("DROP TRIGGER IF EXISTS audit_event_keep_recent")
    op.drop_table("audit_policy")
