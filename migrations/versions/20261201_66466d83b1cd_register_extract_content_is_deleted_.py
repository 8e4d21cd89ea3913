"""register: extract content is deleted once applied or expired

Revision ID: 66466d83b1cd
Revises: cf76866173ae
Create Date: 2026-12-01 20:50:40.455865
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "66466d83b1cd"
down_revision: str | None = "cf76866173ae"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)
    # Extracts applied before this revision were kept whole: delete them now.
    op.execute("UPDATE import_batch SET content = NULL WHERE status = 'genomford'")


def downgrade() -> None:
    op.execute(
        sa.text("UPDATE import_batch SET content = :empty WHERE content IS NULL").bindparams(
            empty=b""
        )
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
