"""The store's engine, sessions and schema version check.

Every connection runs SQLite in WAL mode with ``synchronous=FULL``: each commit is on disk
(WAL fsynced) before it returns, so an op the UI calls saved survives kill -9 and power
loss (DESIGN.md §4). Writers start with ``BEGIN IMMEDIATE`` so that two writers queue
instead of one failing half way. One Session per call: callers use :func:`writing` and
:func:`reading` and never keep a session across calls or threads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Column, Connection, Engine, Table, create_engine, event
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from vividverse_desktop.store.schema import SCHEMA_VERSION, Base, NoteReplyRow

WRITE_OPTION = "vividverse_store_write"
BUSY_TIMEOUT_S = 30.0


class StoreError(RuntimeError):
    """The local store cannot be opened or used (e.g. made by a newer Vividverse)."""


def make_engine(path: Path) -> Engine:
    """An engine on the SQLite file ``path`` (created with its directory if missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    url = URL.create("sqlite", database=str(path))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so the BEGIN below is the real one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Session]:
    """A session in one write transaction: committed on success, rolled back on error."""
    writer = engine.execution_options(**{WRITE_OPTION: True})
    with Session(writer, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session for reads in one snapshot; it does not wait for writers (WAL)."""
    with Session(engine) as session, session.begin():
        yield session


def _user_roles(connection: Connection) -> None:
    """Schema 1 -> 2: users hold several roles; each cached user keeps the one it had."""
    connection.exec_driver_sql(
        "ALTER TABLE users ADD COLUMN roles VARCHAR(128) NOT NULL DEFAULT ''"
    )
    connection.exec_driver_sql("UPDATE users SET roles = role")


def _film_review(connection: Connection) -> None:
    """Schema 2 -> 3: a movie's decision, a note's drawing, and replies to notes."""
    connection.exec_driver_sql("ALTER TABLE movies ADD COLUMN decided_by VARCHAR(36)")
    connection.exec_driver_sql(
        "ALTER TABLE movies ADD COLUMN decision_comment TEXT NOT NULL DEFAULT ''"
    )
    connection.exec_driver_sql("ALTER TABLE review_notes ADD COLUMN drawing JSON")
    Base.metadata.create_all(connection, tables=[Base.metadata.tables[NoteReplyRow.__tablename__]])


MIGRATIONS: Mapping[int, Callable[[Connection], None]] = {1: _user_roles, 2: _film_review}
"""``from_version -> step`` upgrading the schema by one version, inside a transaction.

A new table, or a new column that may be NULL or has a constant default, needs no step:
:func:`add_what_is_new` adds it to every file. Anything else (a new required column, a
changed type, data to move) is a step here and a bump of ``SCHEMA_VERSION``.
"""


def _literal(value: object) -> str | None:
    """``value`` as an SQL literal, or None when it is not a plain constant."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return None


def _add_column(connection: Connection, table: Table, column: Column[Any]) -> None:
    kind = column.type.compile(dialect=connection.dialect)
    sql = f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}'
    if not column.nullable:
        default = column.default
        literal = None
        if isinstance(default, ScalarElementColumnDefault):
            literal = _literal(default.arg)
        if literal is None:
            raise StoreError(
                f"the new column {table.name}.{column.name} may not be NULL and has no "
                "constant default: it needs a migration step (store/engine.py MIGRATIONS)"
            )
        sql += f" NOT NULL DEFAULT {literal}"
    connection.exec_driver_sql(sql)


def add_what_is_new(connection: Connection) -> None:
    """Give the file every table, column and index the models declare that it lacks.

    Safe by construction: only additions, and a new column is NULL (or its constant
    default) in the rows already held; a file with a column this code does not know
    keeps it.
    """
    Base.metadata.create_all(connection)  # only the tables the file lacks
    for table in Base.metadata.sorted_tables:
        held = {row[1] for row in connection.exec_driver_sql(f'PRAGMA table_info("{table.name}")')}
        added = [column for column in table.columns if column.name not in held]
        for column in added:
            _add_column(connection, table, column)
        for index in table.indexes:
            if any(column in added for column in index.columns):
                index.create(connection, checkfirst=True)


def prepare_schema(engine: Engine) -> None:
    """Create the schema on a new file or upgrade an older one; refuse a newer one."""
    writer = engine.execution_options(**{WRITE_OPTION: True})
    with writer.begin() as connection:
        version = int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the local store was written by a newer Vividverse (schema {version}, "
                f"this version reads up to {SCHEMA_VERSION})"
            )
        if version == 0:
            Base.metadata.create_all(connection)
            version = SCHEMA_VERSION
        while version < SCHEMA_VERSION:
            step = MIGRATIONS.get(version)
            if step is None:
                raise StoreError(f"no migration from local store schema {version}")
            step(connection)
            version += 1
        add_what_is_new(connection)
        connection.exec_driver_sql(f"PRAGMA user_version = {int(version)}")


def schema_version(engine: Engine) -> int:
    """The schema version recorded in the file."""
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())
