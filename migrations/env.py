"""Alembic environment: runs against the engine kaa_web.migrate hands over."""

from alembic import context
from sqlmodel import SQLModel

import kaa_web.models  # noqa: F401 - registers every table on the metadata

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
