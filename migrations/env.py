"""Alembic environment: runs against the engine kaa_web.migrate hands over."""

from alembic import context
from sqlmodel import SQLModel

import kaa_web.models  # noqa: F401 - registers every table on the metadata

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch migrations rebuild a table (copy, drop, rename); with foreign keys enforced the
        # drop fails as soon as another table's rows refer to it. SQLite's own procedure for
        # this: keys off for the rebuild, then check that every reference still holds.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise RuntimeError("the migration left rows whose foreign keys point nowhere")
        connection.commit()
    finally:
        if sqlite:  # the connection goes back to the pool: keys on again, whatever happened
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
