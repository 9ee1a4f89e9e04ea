"""The local tables follow the records' declared fields, and older files catch up by
themselves when a column is added (nullable, or with a constant default)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.store.builders import page
from vividverse_desktop.core.wire import (
    Drawing,
    Entity,
    MovieRecord,
    Op,
    Pen,
    ReviewNoteEdit,
    new_id,
)
from vividverse_desktop.core.wire.schema import spec_of
from vividverse_desktop.store import LocalStore, StoreError
from vividverse_desktop.store.rows import TABLES
from vividverse_desktop.store.schema import SCHEMA_VERSION

STORE_ONLY = {"usn"}
"""Columns of a record's table that are not the record's: the usn the row is held at."""
SCORE_ONLY = {"seq"}
"""And of the score events' table: the local order of the events saved here."""
WRITER = new_id()


@pytest.mark.parametrize("entity", list(TABLES))
def test_each_table_has_a_column_for_every_field_of_its_record_and_no_other(
    entity: Entity,
) -> None:
    """A declared field without a column, or a column no field declares, fails here;
    an optional field's column takes NULL and only an optional one does. Score events
    declare their usn (it is in their JSON once the server has accepted them)."""
    spec = TABLES[entity]
    table = spec.model.__table__
    fields = {f.name: f for f in spec_of(spec.record).fields}
    own = STORE_ONLY | (SCORE_ONLY if entity is Entity.SCORE_EVENT else set())
    assert set(table.columns.keys()) == set(fields) | own
    nullable = {name for name in fields if table.columns[name].nullable}
    assert nullable == {name for name, f in fields.items() if f.optional}


def _note(movie_id: str) -> ReviewNoteEdit:
    return ReviewNoteEdit(new_id(), movie_id, 24, None, 24.0, "00:00:01:00", "Too dark", "open")


def test_a_nullable_column_the_file_lacks_is_added_without_a_schema_step(
    store_file: Path,
) -> None:
    """A file at the current schema without a newer nullable column (here: drawings)
    gets it on opening; its notes read with none and can be given one."""
    movie_id = new_id()
    note = _note(movie_id)
    with LocalStore.open(store_file) as store:
        store.record(Op.of(note), user_id=WRITER)
    with sqlite3.connect(store_file) as connection:
        connection.execute("ALTER TABLE review_notes DROP COLUMN drawing")
    drawing = Drawing.of(Pen(((0.1, 0.1), (0.5, 0.5))))
    with LocalStore.open(store_file) as store:
        [kept] = store.review_notes(movie_id)
        assert (kept.text, kept.drawing) == ("Too dark", None)
        edit = ReviewNoteEdit(**{**_fields(note), "base_revision": 1, "drawing": drawing})
        store.record(Op.of(edit), user_id=WRITER)
        [drawn] = store.review_notes(movie_id)
    assert drawn.drawing == drawing
    with sqlite3.connect(store_file) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


def _fields(edit: ReviewNoteEdit) -> dict[str, object]:
    return {f.name: getattr(edit, f.name) for f in spec_of(ReviewNoteEdit).fields}


def test_a_required_column_with_a_constant_default_is_added_with_it(store_file: Path) -> None:
    """A movie held in a file without decision comments reads with the default (empty)."""
    movie = MovieRecord(new_id(), new_id(), "completed", 1.0, "published", new_id(), 3)
    with LocalStore.open(store_file) as store:
        store.apply_pull(page([(movie, 7)]))
    with sqlite3.connect(store_file) as connection:
        connection.execute("ALTER TABLE movies DROP COLUMN decision_comment")
    with LocalStore.open(store_file) as store:
        assert store.movie(movie.id) == movie


def test_a_required_column_without_a_default_asks_for_a_migration(store_file: Path) -> None:
    """A column that cannot be added safely is a clear error naming it, not a guess."""
    LocalStore.open(store_file).close()
    with sqlite3.connect(store_file) as connection:
        connection.execute("ALTER TABLE review_notes DROP COLUMN timecode")
    with pytest.raises(StoreError, match=r"review_notes\.timecode .* needs a migration step"):
        LocalStore.open(store_file)


def test_a_table_the_file_lacks_is_created(store_file: Path) -> None:
    """A new table needs no schema step either: replies appear in a file without them."""
    LocalStore.open(store_file).close()
    with sqlite3.connect(store_file) as connection:
        connection.execute("DROP TABLE note_replies")
    with LocalStore.open(store_file) as store:
        assert store.note_replies(movie_id=new_id()) == ()
