"""Small builders for the store tests: stores in tmp_path, server replies, pulled pages."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vividverse_desktop.core.wire import (
    Change,
    Op,
    Outcome,
    PullResponse,
    PushResult,
    Record,
)

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def accepted(op: Op, usn: int) -> PushResult:
    """The server's reply that ``op`` was applied under ``usn``."""
    return PushResult(op.op_id, Outcome.ACCEPTED, usn=usn)


def page(records: Iterable[tuple[Record, int]], *, has_more: bool = False) -> PullResponse:
    """A pull page carrying ``(record, usn)`` pairs; the cursor is the last usn."""
    changes = tuple(Change.of(record, usn) for record, usn in records)
    return PullResponse(changes, max((c.usn for c in changes), default=0), has_more)


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the SQLite file, read with the plain sqlite3 module."""
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"'), key=repr)
            for table in tables
        }
