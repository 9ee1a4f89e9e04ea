"""Where the store lives, how SQLite is configured, and the schema version check."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import platformdirs
import pytest

from tests.core.scoring.builders import score
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.store import DATA_DIR_ENV, LocalStore, StoreError, data_dir, store_path
from vividverse_desktop.store.schema import SCHEMA_VERSION


def test_the_data_dir_can_be_set_by_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """VIVIDVERSE_DATA_DIR decides where the store file goes."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "elsewhere"))
    assert store_path() == tmp_path / "elsewhere" / "vividverse.sqlite3"


def test_an_explicit_path_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A path given by the caller is used as is."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "elsewhere"))
    assert store_path(tmp_path / "mine.db") == tmp_path / "mine.db"


def test_by_default_the_store_is_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without overrides the data dir is the platform's one for Vividverse."""
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert data_dir() == Path(platformdirs.user_data_dir("Vividverse", appauthor=False))


def test_connections_use_wal_and_full_sync(store: LocalStore) -> None:
    """Every store connection runs in WAL mode with synchronous=FULL."""
    with store.engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar_one()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar_one()
    assert (journal, synchronous) == ("wal", 2)


def test_reopening_keeps_data_and_the_device_id(store_file: Path) -> None:
    """Closing and reopening the file finds the same scores and device id."""
    event = score("v-1", "validator-1")
    with LocalStore.open(store_file) as first:
        first.save_score(event)
        device = first.device_id()
    with LocalStore.open(store_file) as second:
        assert second.score_events() == (event,)
        assert second.device_id() == device


def test_a_store_from_a_newer_version_is_refused(store_file: Path) -> None:
    """A file whose schema is newer than this code is not touched."""
    LocalStore.open(store_file).close()
    with sqlite3.connect(store_file) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer Vividverse"):
        LocalStore.open(store_file)


def test_a_new_store_records_its_schema_version(store_file: Path) -> None:
    """A freshly created file carries the current schema version."""
    LocalStore.open(store_file).close()
    with sqlite3.connect(store_file) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    """Opening some other file as the store is a StoreError naming the file."""
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just words " * 100)
    with pytest.raises(StoreError, match=r"notes\.txt cannot be used"):
        LocalStore.open(path)
    assert path.read_text().startswith("not a database")


def test_a_path_with_url_characters_is_used_as_given(tmp_path: Path) -> None:
    """Characters that mean something in URLs (# ?) are kept in the file name."""
    path = tmp_path / "odd #1?.sqlite3"
    LocalStore.open(path).close()
    assert path.exists()


def _back_to_schema_2(connection: sqlite3.Connection) -> None:
    """Undo schema 3 on a new store: no decisions, drawings or replies."""
    connection.execute("ALTER TABLE movies DROP COLUMN decided_by")
    connection.execute("ALTER TABLE movies DROP COLUMN decision_comment")
    connection.execute("ALTER TABLE review_notes DROP COLUMN drawing")
    connection.execute("DROP TABLE note_replies")
    connection.execute("PRAGMA user_version = 2")


def test_a_schema_1_store_upgrades_keeping_each_users_role(store_file: Path) -> None:
    """Users cached before several roles existed hold the one role they had."""
    LocalStore.open(store_file).close()
    with sqlite3.connect(store_file) as connection:
        _back_to_schema_2(connection)
        connection.execute("ALTER TABLE users DROP COLUMN roles")
        connection.execute(
            "INSERT INTO users (id, username, display_name, role, disabled, usn)"
            " VALUES ('u-1', 'vera', 'Vera', 'validator', 0, 3)"
        )
        connection.execute("PRAGMA user_version = 1")
    with LocalStore.open(store_file) as store:
        user = store.user("u-1")
    assert user is not None
    assert (user.role, user.roles) == (Role.VALIDATOR, frozenset({Role.VALIDATOR}))
    with sqlite3.connect(store_file) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


def test_a_schema_2_store_upgrades_keeping_its_movies_and_notes(store_file: Path) -> None:
    """Movies and notes held before decisions, drawings and replies stay, undecided and
    undrawn, and replies can be kept at once."""
    LocalStore.open(store_file).close()
    with sqlite3.connect(store_file) as connection:
        _back_to_schema_2(connection)
        connection.execute(
            "INSERT INTO movies (id, script_version_id, status, progress, stage, created_by,"
            " revision, video_key, duration_s, usn) VALUES ('m-1', 'v-1', 'completed', 1.0,"
            " 'published', 'u-1', 3, NULL, 12.5, 7)"
        )
        connection.execute(
            "INSERT INTO review_notes (id, movie_id, author_id, frame, frame_end, fps, timecode,"
            " text, status, revision, created_at, usn) VALUES ('n-1', 'm-1', 'u-2', 24, NULL,"
            " 24.0, '00:00:01:00', 'Kept.', 'open', 1, '2026-12-01 10:00:00.000000', 8)"
        )
    with LocalStore.open(store_file) as store:
        movie = store.movie("m-1")
        note = store.review_note("n-1")
        replies = store.note_replies(movie_id="m-1")
    assert movie is not None
    assert (movie.status, movie.revision, movie.duration_s) == ("completed", 3, 12.5)
    assert (movie.decided_by, movie.decision_comment) == (None, "")
    assert note is not None
    assert (note.text, note.frame, note.drawing) == ("Kept.", 24, None)
    assert replies == ()
    with sqlite3.connect(store_file) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
