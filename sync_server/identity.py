"""Who is calling: the account behind an access token, read fresh on every request.

Every authenticated request reads its account from the database, so disabling a user or
bumping their token version is refused on the very next request by every server process
that shares the database: there is no cache of account state to invalidate. The read is
made cheap instead. It is one primary-key SELECT of the ``users`` columns an
:class:`~sync_server.accounts.Account` shows (no password hash), compiled once by
SQLAlchemy, with values converted by the columns' own types; no ORM session.

- SQLite file: run inline on the calling thread, on a read-only connection of that
  thread's own (~10 µs; no thread hop). In WAL mode a reader does not wait for writers;
  a short busy timeout bounds the rare exception, which then takes the path below.
- Otherwise (PostgreSQL): a pooled Core connection on a worker thread, so the event loop
  never waits on the network.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, bindparam, select
from starlette.concurrency import run_in_threadpool

from sync_server.accounts import Account
from sync_server.models import User, roles_in_column

INLINE_BUSY_TIMEOUT_S = 0.1
"""How long an inline SQLite read may wait for a lock before it moves to a worker thread."""

_COLUMNS = (
    User.username,
    User.display_name,
    User.roles,
    User.token_version,
    User.disabled,
    User.created_at,
)
_BY_ID = select(*_COLUMNS).where(User.id == bindparam("user_id"))

log = logging.getLogger(__name__)


class AccountReader:
    """Reads one account by id for authentication; see the module docstring for how."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        dialect = engine.dialect
        compiled = _BY_ID.compile(dialect=dialect)
        self._sql = compiled.string
        self._id_to_db = User.id.type.dialect_impl(dialect).bind_processor(dialect)
        self._from_db: tuple[Callable[[Any], Any] | None, ...] = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in _COLUMNS
        )
        self._path = _sqlite_file(engine)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[sqlite3.Connection] = []
        self._closed = False

    @property
    def inline(self) -> bool:
        """Whether reads run on the calling thread (a SQLite file) or on a worker thread."""
        return self._path is not None

    async def account(self, user_id: uuid.UUID) -> Account | None:
        """The account with ``user_id`` as committed now, or ``None`` if there is none."""
        if self._path is not None and not self._closed:
            try:
                return self._read_inline(user_id)
            except sqlite3.Error as exc:
                log.info("inline account read failed (%s); reading on a worker thread", exc)
        return await run_in_threadpool(self._read_pooled, user_id)

    def close(self) -> None:
        """Close the inline connections; later reads use pooled connections."""
        with self._lock:
            self._closed = True
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()

    def _read_inline(self, user_id: uuid.UUID) -> Account | None:
        parameter = user_id if self._id_to_db is None else self._id_to_db(user_id)
        # fetchall runs the statement to its end, so no read transaction stays open.
        rows = self._connection().execute(self._sql, (parameter,)).fetchall()
        return self._account(user_id, rows[0]) if rows else None

    def _read_pooled(self, user_id: uuid.UUID) -> Account | None:
        with self._engine.connect() as connection:
            row = connection.execute(_BY_ID, {"user_id": user_id}).one_or_none()
        if row is None:
            return None
        return _account_of(user_id, tuple(row))

    def _account(self, user_id: uuid.UUID, raw: Sequence[Any]) -> Account:
        values = tuple(
            value if convert is None else convert(value)
            for convert, value in zip(self._from_db, raw, strict=True)
        )
        return _account_of(user_id, values)

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            assert self._path is not None
            connection = sqlite3.connect(
                self._path,
                timeout=INLINE_BUSY_TIMEOUT_S,
                isolation_level=None,
                check_same_thread=False,
            )
            connection.execute("PRAGMA query_only = ON")
            with self._lock:
                self._opened.append(connection)
            self._local.connection = connection
        return connection


def _account_of(user_id: uuid.UUID, values: Sequence[Any]) -> Account:
    username, display_name, roles, token_version, disabled, created_at = values
    return Account(
        id=user_id,
        username=username,
        display_name=display_name,
        roles=roles_in_column(roles),
        token_version=token_version,
        disabled=bool(disabled),
        created_at=created_at,
    )


def _sqlite_file(engine: Engine) -> str | None:
    """The file of a SQLite database given by a plain path; ``None`` for anything else."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.query:
        return None
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database
