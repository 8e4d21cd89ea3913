"""staff: one row per person whatever the spelling of the login; audit usernames searched folded

Logging in as `KAA` instead of `kaa` used to create a second staff row. This merges every set of
rows whose usernames differ only in case into the oldest row: every column that references
staff_user is re-pointed (found by reflection, so tables added by later features are covered
too), rows that would then break a unique constraint are dropped from the duplicate's side,
sessions of the duplicates are ended, and the survivor gets the folded username and the most
recent login's name, e-mail and roles. Audit events are append-only and keep the spelling they
were recorded with; the audit log is searched on lower(username) instead.

Revision ID: 33b542ab4535
Revises: fdfffd5ab6d6
Create Date: 2026-12-01 09:00:00
"""

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "33b542ab4535"
down_revision: str | None = "fdfffd5ab6d6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAFF = sa.table(
    "staff_user",
    sa.column("id"),
    sa.column("username"),
    sa.column("display_name"),
    sa.column("email"),
    sa.column("roles"),
    sa.column("active"),
    sa.column("last_login_at"),
)


def upgrade() -> None:
    bind = op.get_bind()
    _merge_duplicate_staff(bind)
    op.create_index(
        "uq_staff_user_username_folded", "staff_user", [sa.text("lower(username)")], unique=True
    )
    op.drop_index("ix_audit_event_username", table_name="audit_event")
    op.create_index("ix_audit_event_username_folded", "audit_event", [sa.text("lower(username)")])


def downgrade() -> None:
    # The merge itself is not undone: the duplicates were one person.
    op.drop_index("ix_audit_event_username_folded", table_name="audit_event")
    op.create_index("ix_audit_event_username", "audit_event", ["username"])
    op.drop_index("uq_staff_user_username_folded", table_name="staff_user")


def _merge_duplicate_staff(bind) -> None:
    rows = bind.execute(sa.select(STAFF).order_by(STAFF.c.id)).mappings().all()
    people = defaultdict(list)
    for row in rows:
        people[row["username"].strip().lower()].append(row)
    references = _references_to_staff(bind)
    for folded, spellings in people.items():
        keep, *duplicates = spellings
        for duplicate in duplicates:
            for table, column, unique_sets in references:
                _repoint(bind, table, column, duplicate["id"], keep["id"], unique_sets)
            bind.execute(STAFF.delete().where(STAFF.c.id == duplicate["id"]))
        latest = max(spellings, key=lambda r: (r["last_login_at"] is not None, r["last_login_at"]))
        bind.execute(
            STAFF.update()
            .where(STAFF.c.id == keep["id"])
            .values(
                username=folded,
                display_name=latest["display_name"],
                email=latest["email"],
                roles=latest["roles"],
                active=any(r["active"] for r in spellings),
                last_login_at=latest["last_login_at"],
            )
        )


def _references_to_staff(bind) -> list[tuple[str, str, list[set[str]]]]:
    """(table, column, the unique column sets that include it) for every staff_user reference."""
    inspector = sa.inspect(bind)
    found = []
    for table in inspector.get_table_names():
        uniques = [set(u["column_names"]) for u in inspector.get_unique_constraints(table)]
        uniques += [
            set(i["column_names"])
            for i in inspector.get_indexes(table)
            if i["unique"] and None not in i["column_names"]
        ]
        for fk in inspector.get_foreign_keys(table):
            if fk["referred_table"] != "staff_user":
                continue
            for column in fk["constrained_columns"]:
                found.append((table, column, [u for u in uniques if column in u]))
    return found


def _repoint(bind, table: str, column: str, old: int, new: int, unique_sets) -> None:
    """Move `old`'s rows to `new`; sessions end, and rows `new` already has equivalents of go."""
    target = sa.table(table, *(sa.column(c) for c in {column}.union(*unique_sets)))
    if table == "web_session":
        bind.execute(target.delete().where(target.c[column] == old))
        return
    for unique in unique_sets:
        kept = target.alias("kept")
        same = [kept.c[c] == target.c[c] for c in sorted(unique - {column})]
        clash = sa.exists().where(kept.c[column] == new, *same)
        bind.execute(target.delete().where(target.c[column] == old, clash))
    bind.execute(target.update().where(target.c[column] == old).values({column: new}))
