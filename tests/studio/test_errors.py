"""Every error a front end catches becomes a sentence a person can act on."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from vividverse_desktop.studio.errors import DISK_FULL, StudioError, explain
from vividverse_desktop.studio.scripts import write_atomically


def test_a_full_disk_says_so_whatever_layer_raised_it() -> None:
    assert explain(OSError(errno.ENOSPC, "No space left on device")) == DISK_FULL
    assert explain(sqlite3.OperationalError("database or disk is full")) == DISK_FULL
    wrapped = StudioError("draft.fountain: the file could not be written: No space left on device")
    assert explain(wrapped) == DISK_FULL


def test_a_write_that_hits_a_full_disk_leaves_the_old_file_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "script.fountain"
    target.write_text("the old text", encoding="utf-8")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("os.fsync", full)
    with pytest.raises(StudioError) as caught:
        write_atomically(target, b"the new text")
    assert explain(caught.value) == DISK_FULL
    assert target.read_text(encoding="utf-8") == "the old text"
    assert not list(tmp_path.glob(".script.fountain.*"))  # no half-written file left


def test_sqlites_own_full_disk_error_is_recognised(tmp_path: Path) -> None:
    """SQLite's real message when it cannot grow (a page limit stands in for the disk)."""
    connection = sqlite3.connect(tmp_path / "store.sqlite3")
    try:
        connection.execute("CREATE TABLE t (x TEXT)")
        connection.execute("PRAGMA max_page_count = 3")
        rows = [("x" * 4000,)] * 100
        with pytest.raises(sqlite3.OperationalError) as caught:
            connection.executemany("INSERT INTO t VALUES (?)", rows)
    finally:
        connection.close()
    assert explain(caught.value) == DISK_FULL


def test_other_errors_stay_one_line() -> None:
    assert explain(StudioError("no such file")) == "no such file"
    assert explain(PermissionError(errno.EACCES, "Permission denied", "/x")).startswith(
        "this computer refused to write there (/x)"
    )
    assert explain(ValueError("odd")) == "something went wrong: odd. Details are in the log"
