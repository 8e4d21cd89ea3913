"""login: attempts counted per username and address in one row each, before the bind

The old table held one row per failed login, inserted after the directory had answered: 25
simultaneous wrong passwords all saw a count under the limit and reached the directory.

Revision ID: f82f6a49a095
Revises: 33b542ab4535
Create Date: 2026-12-01 09:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "f82f6a49a095"
down_revision: str | None = "33b542ab4535"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=170), nullable=False),
        sa.Column("window_start", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_login_throttle_window_start", "login_throttle", ["window_start"])
    op.drop_index("ix_login_failure_username_key", table_name="login_failure")
    op.drop_index("ix_login_failure_client_address", table_name="login_failure")
    op.drop_index("ix_login_failure_at", table_name="login_failure")
    op.drop_table("login_failure")


def downgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("client_address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failure_at", "login_failure", ["at"])
    op.create_index("ix_login_failure_client_address", "login_failure", ["client_address"])
    op.create_index("ix_login_failure_username_key", "login_failure", ["username_key"])
    op.drop_index("ix_login_throttle_window_start", table_name="login_throttle")
    op.drop_table("login_throttle")
