"""Fixtures: a fresh local store on a real SQLite file in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vividverse_desktop.store import LocalStore


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    """Where the test's store lives."""
    return tmp_path / "data" / "store.sqlite3"


@pytest.fixture
def store(store_file: Path) -> Iterator[LocalStore]:
    """An open store, closed after the test."""
    with LocalStore.open(store_file) as opened:
        yield opened
