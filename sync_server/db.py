"""Database engine, sessions and schema migrations.

SQLite (the default) runs in WAL mode with foreign keys enforced; PostgreSQL is used by
URL (``postgresql+psycopg://...``). Everything dialect-specific is in the SQLite branch
of :func:`make_engine`. The schema is only ever created by alembic (``upgrade head``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import Session, sessionmaker

from sync_server.group_commit import GroupCommit
from sync_server.writer_turn import WriterTurn

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
WRITE_OPTION = "vividverse_write"


def make_engine(url: str, *, connections: int = 40) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout.

    A SQLite file's engine keeps up to ``connections`` open connections.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        if parsed.drivername == "postgresql":
            # A bare postgresql:// URL means psycopg 3 here, not SQLAlchemy's psycopg2 default.
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    database = parsed.database or ""
    pooling: dict[str, int] = {}
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        pooling = {"pool_size": (connections + 1) // 2, "max_overflow": connections // 2}
    engine = create_engine(url, connect_args={"timeout": 30}, **pooling)

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
        # Leave pysqlite's implicit BEGIN handling out of the way so that the BEGIN
        # below is the one that starts each transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a commit the server acknowledged survives power loss, not only a crash.
        cursor.execute("PRAGMA synchronous=FULL")
        # Checkpoint every ~16 MB of WAL instead of ~4 MB: a page that many pushes touch
        # in between is copied back to the database once (measured: -20% commit time).
        cursor.execute("PRAGMA wal_autocheckpoint=4000")

        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Writers take the write lock at the start, so two of them queue up instead of
        # one failing with "database is locked" when it upgrades a read transaction.
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def migration_config(engine: Engine) -> Config:
    """An alembic configuration whose scripts are ours and whose target is ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade_schema(engine: Engine) -> None:
    """Bring the schema to the newest revision (``alembic upgrade head``); idempotent."""
    command.upgrade(migration_config(engine), "head")


class Database:
    """The server's engine and session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        # Room for every worker thread that may hold a connection at once.
        self.engine = make_engine(url)
        # SQLite writers take turns (see writer_turn), so one connection serves them all
        # and its page cache stays warm: a connection drops its whole cache when it
        # finds that another one has written since its last transaction.
        self.write_engine = self.engine
        if _writer_turn_file(self.engine) is not None:
            self.write_engine = make_engine(url, connections=1)
        readers = self.engine
        if self.engine.dialect.name == "postgresql":
            # One snapshot for the whole read: a pull that reads several tables must not
            # see a transaction committed between two of its statements.
            readers = self.engine.execution_options(isolation_level="REPEATABLE READ")
        self._readers = sessionmaker(readers, expire_on_commit=False)
        self._writers = sessionmaker(
            self.write_engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        # SQLite has one writer at a time anyway: writers queue for their turn (see
        # writer_turn) instead of polling. PostgreSQL writers run side by side.
        self._writer_turn = _writer_turn(self.engine)
        self._write_turn: AbstractContextManager[object] = self._writer_turn or nullcontext()
        self.group_commit = GroupCommit(self._transaction_in_turn, lambda: self._write_turn)

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a writing transaction; its result once that has committed.

        On SQLite, whose writers take turns anyway, writes that arrive together commit
        together (see :mod:`group_commit`); each is still all or nothing.
        """
        if self._writer_turn is None:  # PostgreSQL: writers run side by side
            with self.transaction() as session:
                return work(session)
        return self.group_commit.run(work)

    @property
    def dialect(self) -> Dialect:
        """The SQL dialect of writing transactions (rows are rendered for it)."""
        return self.write_engine.dialect

    def migrate(self) -> None:
        """Upgrade the schema to head."""
        upgrade_schema(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A writing session in one transaction: committed on success, rolled back on error.

        On SQLite writers take turns: one transaction at a time, across processes too.
        """
        with self._write_turn, self._transaction_in_turn() as session:
            yield session

    @contextmanager
    def _transaction_in_turn(self) -> Iterator[Session]:
        """:meth:`transaction` for a caller that holds the writers' turn already."""
        with self._writers() as session, session.begin():
            yield session

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A session for reads only; it does not queue behind writers on SQLite."""
        with self._readers() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection (and the writers' lock file)."""
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()
        if self._writer_turn is not None:
            self._writer_turn.close()


def _writer_turn(engine: Engine) -> WriterTurn | None:
    """The turn SQLite writers take; with a lock file beside a database file."""
    if engine.dialect.name != "sqlite":
        return None
    return WriterTurn(_writer_turn_file(engine))


def _writer_turn_file(engine: Engine) -> Path | None:
    """The lock file beside a SQLite database file; ``None`` for any other database."""
    database = engine.url.database or ""
    if engine.dialect.name != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):
        return None
    return Path(f"{database}.writer-lock")
