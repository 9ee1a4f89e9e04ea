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

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.orm import Session

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
"""``from_version -> step`` upgrading the schema by one version, inside a transaction."""


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
        connection.exec_driver_sql(f"PRAGMA user_version = {int(version)}")


def schema_version(engine: Engine) -> int:
    """The schema version recorded in the file."""
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())
