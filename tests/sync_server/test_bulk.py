"""Rows inserted by BulkInsert are stored exactly as SQLAlchemy's own INSERT stores them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import Table, insert, select
from sqlalchemy.dialects import sqlite

from sync_server import models
from sync_server.bulk import BulkInsert, KeyLookup
from sync_server.db import Database

SCORES = cast(Table, models.ScoreEvent.__table__)


@contextmanager
def _migrated(url: str) -> Iterator[Database]:
    database = Database(url)
    database.migrate()
    try:
        yield database
    finally:
        database.dispose()


def _version(database: Database) -> tuple[uuid.UUID, uuid.UUID]:
    """A validator, a script and a version for score rows to refer to: (version, validator)."""
    now = datetime.now(UTC)
    user = models.User(
        username="val", display_name="Val", role="validator", password_hash="x", usn=1
    )
    with database.transaction() as session:
        session.add(user)
        session.flush()
        script = models.Script(author_id=user.id, title="T", status="PendingValidation", usn=2)
        session.add(script)
        session.flush()
        version = models.ScriptVersion(
            script_id=script.id,
            n=1,
            content_sha256="0" * 64,
            fountain_text="INT. ROOM - DAY",
            source_format="fountain",
            created_at=now,
            usn=3,
            blind_text="INT. ROOM - DAY\n",
            blind_sha256="1" * 64,
        )
        session.add(version)
        session.flush()
        return version.id, user.id


def _row(version_id: uuid.UUID, validator_id: uuid.UUID, usn: int) -> dict[str, Any]:
    created = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=timezone(timedelta(hours=2)))
    return {
        "id": uuid.uuid4(),
        "script_version_id": version_id,
        "validator_id": validator_id,
        "criteria": {"structure": 7, "dialogue": 9},
        "overall": 8,
        "verdict": "approve",
        "confidence": None,
        "comments": "ünïcode, 'quotes' and \"doubles\"",
        "scene_ref": None,
        "created_at": created,
        "device_id": "dev-1",
        "received_at": datetime(2026, 3, 4, 5, 6, 8, tzinfo=UTC),
        "usn": usn,
    }


@pytest.mark.parametrize("rows_per_statement", [1, 2, 500])
def test_bulk_rows_read_back_like_rows_inserted_by_sqlalchemy(
    database_url: str, rows_per_statement: int
) -> None:
    """Every column of a bulk-inserted row reads back equal to the same row inserted by Core."""
    with _migrated(database_url) as database:
        version_id, validator_id = _version(database)
        by_core = [_row(version_id, validator_id, usn) for usn in (10, 11, 12)]
        by_bulk = [dict(row, id=uuid.uuid4()) for row in by_core]
        bulk = BulkInsert(SCORES, database.dialect, rows_per_statement=rows_per_statement)
        with database.transaction() as session:
            connection = session.connection()
            connection.execute(insert(SCORES), by_core)
            bulk.run(connection, [bulk.render(row) for row in by_bulk])
        with database.snapshot() as session:
            stored = {row.id: row for row in session.scalars(select(models.ScoreEvent))}
        assert len(stored) == 6
        columns = [column.key for column in SCORES.columns if column.key != "id"]
        for core_row, bulk_row in zip(by_core, by_bulk, strict=True):
            a, b = stored[core_row["id"]], stored[bulk_row["id"]]
            assert [getattr(a, c) for c in columns] == [getattr(b, c) for c in columns]
            assert b.created_at == bulk_row["created_at"]
            assert b.criteria == bulk_row["criteria"]


def test_bulk_rows_are_stored_in_the_same_text_as_sqlalchemy_stores_them(tmp_path: Path) -> None:
    """On SQLite the stored values (uuids, timestamps, JSON) are the very same text."""
    with _migrated(f"sqlite:///{tmp_path / 'bulk.sqlite3'}") as database:
        version_id, validator_id = _version(database)
        core_row = _row(version_id, validator_id, 10)
        bulk_row = dict(core_row, id=uuid.uuid4())
        bulk = BulkInsert(SCORES, database.dialect)
        with database.transaction() as session:
            connection = session.connection()
            connection.execute(insert(SCORES), [core_row])
            bulk.run(connection, [bulk.render(bulk_row)])
        with database.snapshot() as session:
            raw = session.connection().exec_driver_sql("SELECT * FROM score_events").all()
        assert len(raw) == 2
        assert raw[0][1:] == raw[1][1:]
        assert raw[1][0] == bulk_row["id"].hex


def test_a_dialect_with_another_parameter_style_is_refused() -> None:
    """Only the qmark and format parameter styles are rendered; others are a clear error."""
    dialect = sqlite.dialect(paramstyle="named")
    with pytest.raises(ValueError, match="paramstyle named"):
        BulkInsert(SCORES, dialect)


def test_a_renderer_with_fixed_values_renders_like_render(tmp_path: Path) -> None:
    """Values fixed once for many rows come out as render gives them row by row."""
    with _migrated(f"sqlite:///{tmp_path / 'render.sqlite3'}") as database:
        bulk = BulkInsert(SCORES, database.dialect)
        row = _row(uuid.uuid4(), uuid.uuid4(), 7)
        fixed = {"received_at": row["received_at"], "validator_id": row["validator_id"]}
        render = bulk.renderer(fixed)
        rest = {key: value for key, value in row.items() if key not in fixed}
        assert render(rest) == bulk.render(row)
        assert render(rest) is not render(rest)  # each row is a list of its own


@pytest.mark.parametrize("keys_per_statement", [2, 500])
def test_a_key_lookup_finds_the_rows_sqlalchemy_finds(
    database_url: str, keys_per_statement: int
) -> None:
    """Rows found by key among many read back as SQLAlchemy reads them; unknown keys are absent."""
    with _migrated(database_url) as database:
        version_id, validator_id = _version(database)
        rows = [_row(version_id, validator_id, usn) for usn in (10, 11, 12)]
        with database.transaction() as session:
            session.connection().execute(insert(SCORES), rows)
        lookup = KeyLookup(
            SCORES, "id", ("id", "validator_id", "usn"), database.dialect, keys_per_statement
        )
        wanted = [rows[0]["id"], uuid.uuid4(), rows[2]["id"], uuid.uuid4(), uuid.uuid4()]
        with database.snapshot() as session:
            found = lookup.find(session.connection(), wanted)
        assert sorted(found, key=lambda row: row[2]) == [
            (rows[0]["id"], validator_id, 10),
            (rows[2]["id"], validator_id, 12),
        ]
        assert all(isinstance(row[0], uuid.UUID) for row in found)
