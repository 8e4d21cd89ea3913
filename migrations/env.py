"""Alembic environment: runs against the engine kaa_web.migrate hands over."""

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import kaa_web.models  # noqa: F401 - registers every table on the metadata

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch migrations rebuild a table (copy, drop, rename): with foreign keys on, dropping
        # a table that other rows refer to fails. Off for the run (only outside a transaction
        # does the pragma take effect), and every reference is checked before it is on again.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite and (broken := connection.execute(text("PRAGMA foreign_key_check")).all()):
            raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
    connection.commit()
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
