"""The database engine and the per-request session; SQLite pragmas for the embedded default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session


def create_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout on every connection.

    Statement parameters (names, addresses, personnummer) never appear in an exception's text,
    so they cannot reach a log through one.
    """
    if not url.startswith("sqlite"):
        # Small multi-row INSERT pages keep each statement under psycopg's 4 KB parse cache;
        # one huge statement per thousand rows is re-parsed every time (seconds for an import).
        return sa_create_engine(
            url, pool_pre_ping=True, insertmanyvalues_page_size=8, hide_parameters=True
        )
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = sa_create_engine(
        url, connect_args={"timeout": 15, "check_same_thread": False}, hide_parameters=True
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def engine() -> Engine:
    return current_app.extensions["kaa_engine"]


def app_session(**options) -> Session:
    """A session of this app's database that carries the settings services read (the outreach
    ladder's delays, `info["ladder_rules"]`), so they reach the rules as arguments."""
    settings = current_app.config["KAA_SETTINGS"]
    return Session(engine(), info={"ladder_rules": settings.ladder_rules()}, **options)


def get_db() -> Session:
    """The request's session, created on first use and closed at teardown."""
    if "db" not in g:
        g.db = app_session(expire_on_commit=False)
    return g.db


def close_db(_exc=None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


@contextmanager
def separate_session(bind: Engine):
    """A short session of its own that commits whatever the request's transaction does."""
    with Session(bind, expire_on_commit=False) as session:
        yield session
        session.commit()


IN_CHUNK = 1000  # ids per IN (...) list: under every database's parameter limit


def chunks(ids: list, size: int = IN_CHUNK):
    """`ids` in slices small enough for one `IN (...)` each."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _postgresql(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def id_batches(db: Session, ids) -> Iterator[list]:
    """`ids` in batches for `any_of`: all at once on PostgreSQL, IN_CHUNK at a time elsewhere."""
    ids = list(ids)
    if not _postgresql(db):
        yield from chunks(ids)
    elif ids:
        yield ids


def any_of(db: Session, column, ids):
    """`column` is one of `ids`. On PostgreSQL `= ANY(:array)`, one parameter however many ids:
    an IN list of thousands (a mail-out's people) is thousands of parameters to bind, send and
    plan, and a statement of its own for every length; elsewhere IN (...)."""
    if _postgresql(db):
        return column == sa.any_(sa.bindparam(None, list(ids), type_=sa.ARRAY(column.type)))
    return column.in_(list(ids))


def insert_rows(db: Session, table, rows: list[dict], *, return_ids: bool = False) -> list[int]:
    """Insert many rows in the session's transaction; the new ids in order when asked.

    On PostgreSQL through COPY, or psycopg's pipelined executemany when the ids are needed:
    SQLAlchemy's multi-row statements are re-parsed by psycopg for every page, which made a
    20,000-row import take many seconds.
    """
    if not rows:
        return []
    connection = db.connection()
    if connection.dialect.name != "postgresql":
        statement = table.insert()
        if return_ids:
            result = connection.execute(
                statement.returning(table.c.id, sort_by_parameter_order=True), rows
            )
            return list(result.scalars().all())
        connection.execute(statement, rows)
        return []
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = connection.connection.driver_connection.cursor()
    if not return_ids:
        # one statement for any number of rows: a list page's audit events cost ~1 ms, not ~8
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for r in rows:
                copy.write_row(tuple(r[c] for c in columns))
        return []
    values = ", ".join(["%s"] * len(columns))
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({values}) RETURNING id'
    cursor.executemany(sql, [tuple(r[c] for c in columns) for r in rows], returning=True)
    ids = []
    while True:
        ids.append(cursor.fetchone()[0])
        if not cursor.nextset():
            break
    return ids
