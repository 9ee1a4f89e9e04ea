"""The account read behind every authenticated request: fresh, cheap, and equal to the ORM's."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from sync_server import accounts
from sync_server.accounts import Account
from sync_server.db import Database
from sync_server.identity import AccountReader
from vividverse_desktop.core.workflow import Role

pytestmark = pytest.mark.anyio


def _database(app: Starlette) -> Database:
    database = app.state.context.database
    assert isinstance(database, Database)
    return database


def _create(database: Database, username: str, role: Role = Role.WRITER) -> Account:
    with database.transaction() as session:
        return accounts.create_account(session, username, username.title(), role, "not-a-hash")


def _orm_account(database: Database, user_id: uuid.UUID) -> Account | None:
    with database.snapshot() as session:
        return accounts.account_by_id(session, user_id)


async def test_reads_the_same_account_as_the_orm_repository(app: Starlette) -> None:
    """Every field (id, names, role, version, disabled, created_at with its zone) matches."""
    database = _database(app)
    created = _create(database, "ada", Role.VALIDATOR)
    read = await AccountReader(database.engine).account(created.id)
    assert read == _orm_account(database, created.id)
    assert read is not None
    assert read.created_at.tzinfo is not None


async def test_an_unknown_id_is_none(app: Starlette) -> None:
    """No account has this id: the answer is None, not an error."""
    assert await AccountReader(_database(app).engine).account(uuid.uuid4()) is None


async def test_a_change_committed_elsewhere_is_seen_by_the_next_read(app: Starlette) -> None:
    """After reads, a disable committed through another connection shows at once."""
    database = _database(app)
    reader = AccountReader(database.engine)
    created = _create(database, "dora")
    for _ in range(3):
        read = await reader.account(created.id)
        assert read is not None
        assert not read.disabled
    with database.transaction() as session:
        accounts.set_disabled(session, created.id, True)
    read = await reader.account(created.id)
    assert read is not None
    assert read.disabled
    assert read.token_version == created.token_version + 1


async def test_reads_keep_working_after_close(app: Starlette) -> None:
    """A closed reader answers through pooled connections instead of its own."""
    database = _database(app)
    reader = AccountReader(database.engine)
    created = _create(database, "carl")
    await reader.account(created.id)
    reader.close()
    assert await reader.account(created.id) == _orm_account(database, created.id)


async def test_reads_run_inline_only_on_a_sqlite_file(app: Starlette) -> None:
    """SQLite files are read on the calling thread; other databases on a worker thread."""
    database = _database(app)
    reader = AccountReader(database.engine)
    assert reader.inline == (database.engine.dialect.name == "sqlite")


async def test_an_inline_read_leaves_no_read_transaction_open(app: Starlette) -> None:
    """After a read, a writer can still truncate the SQLite WAL (no reader holds a snapshot)."""
    database = _database(app)
    if database.engine.dialect.name != "sqlite":
        pytest.skip("the WAL is SQLite's")
    reader = AccountReader(database.engine)
    created = _create(database, "wal")
    assert await reader.account(created.id) is not None
    _create(database, "wal-two")
    path = make_url(database.url).database
    assert path is not None
    writer = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    try:
        busy, _log, _done = writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        writer.close()
        reader.close()
    assert busy == 0
