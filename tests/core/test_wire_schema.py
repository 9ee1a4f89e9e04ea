"""Declared fields (core.wire.schema): one list per record gives its JSON and its rows.

A field added to a record is one line: these tests add one (a note's colour) to a copy of
the real note record and find it read, checked, written and copied with nothing else.
"""

from __future__ import annotations

import typing
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import pytest

from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.wire import (
    Drawing,
    MovieRecord,
    NoteReplyEdit,
    NoteReplyRecord,
    Pen,
    ReviewNoteEdit,
    ReviewNoteRecord,
    WireError,
    new_id,
)
from vividverse_desktop.core.wire.ops import Body
from vividverse_desktop.core.wire.schema import (
    Text,
    Uuid,
    camel_case,
    fill_row,
    read_record,
    record_from_row,
    row_values,
    spec_of,
    write_record,
)

T0 = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ColouredNote(ReviewNoteRecord):
    """The review note with one more field, declared the way a newcomer would."""

    colour: Annotated[str | None, Text(max_length=16)] = None


@dataclass(frozen=True, slots=True)
class ColouredEdit(ReviewNoteEdit):
    """Its edit op, given the same field (left out of the JSON when there is none)."""

    colour: Annotated[str | None, Text(max_length=16, omit_none=True)] = None


def _note(**changes: Any) -> dict[str, Any]:
    """A coloured note's JSON as a server would send it."""
    note = ColouredNote(
        new_id(), new_id(), new_id(), 24, None, 24.0, "00:00:01:00", "Dark", "open", 1, T0
    )
    return {**write_record(note), **changes}


class Row:
    """A stand-in for a table row: one attribute per column."""

    id = movie_id = author_id = frame = frame_end = fps = timecode = None
    text = status = revision = created_at = drawing = colour = None


def test_a_new_field_is_read_and_written_under_its_camel_case_key() -> None:
    """The added field is on the wire as soon as it is declared."""
    read = read_record(ColouredNote, _note(colour="#ffcc00"))
    assert read.colour == "#ffcc00"
    assert write_record(read)["colour"] == "#ffcc00"
    assert read_record(ColouredNote, write_record(read)) == read


def test_an_optional_field_absent_or_null_reads_as_none() -> None:
    """A sender that does not know the field (absent) and one that has none (null) agree."""
    absent = _note()
    del absent["colour"]
    assert read_record(ColouredNote, absent).colour is None
    assert read_record(ColouredNote, _note(colour=None)).colour is None


def test_a_bad_value_of_the_new_field_names_its_path() -> None:
    """The new field is checked like the others, with the same messages."""
    with pytest.raises(WireError) as caught:
        read_record(ColouredNote, _note(colour="x" * 17), "changes[3].data")
    assert (caught.value.field, caught.value.message) == (
        "changes[3].data.colour",
        "must be at most 16 characters",
    )
    with pytest.raises(WireError, match="must be a string"):
        read_record(ColouredNote, _note(colour=5))


def test_a_key_the_record_does_not_declare_is_refused_as_unknown() -> None:
    """Strictness stays: a record refuses any key it does not declare."""
    with pytest.raises(WireError) as caught:
        read_record(ColouredNote, _note(mood="grim"), "data")
    assert (caught.value.field, caught.value.message) == ("data.mood", "unknown field")


def test_the_new_field_is_copied_to_and_from_a_row() -> None:
    """The row copiers carry the new field to its column and back."""
    note = read_record(ColouredNote, _note(colour="#00ff88"))
    row = Row()
    fill_row(row, note)
    assert row.colour == "#00ff88"
    assert record_from_row(ColouredNote, row) == note


def test_an_edit_of_a_note_keeps_the_new_field() -> None:
    """An edit made from a held note carries every field it does not change."""
    note = read_record(ColouredNote, _note(colour="#00ff88"))
    edit = ColouredEdit.of(note, status="resolved")
    assert (edit.colour, edit.status, edit.base_revision) == ("#00ff88", "resolved", 1)
    assert (edit.note_id, edit.text, edit.frame) == (note.id, note.text, note.frame)
    assert ColouredEdit.from_json(edit.to_json()) == edit


def test_an_op_without_the_new_field_hashes_as_before() -> None:
    """An op body's new field is left out when it is None: same JSON, same hash."""
    note = read_record(ColouredNote, _note())
    plain = ReviewNoteEdit.of(note)
    coloured = ColouredEdit.of(note)
    assert coloured.to_json() == plain.to_json()
    assert "colour" not in coloured.to_json()


def test_a_field_without_a_column_is_refused_by_the_row_copier() -> None:
    """Copying into a row that has no column for a field fails, naming the column."""

    class OldRow:
        id = movie_id = author_id = frame = frame_end = fps = timecode = None
        text = status = revision = created_at = drawing = None

    note = read_record(ColouredNote, _note(colour="#00ff88"))
    with pytest.raises(AttributeError, match="OldRow has no column 'colour'"):
        fill_row(OldRow(), note)


def test_ids_take_the_columns_type_and_come_back_as_text() -> None:
    """A server's UUID columns get UUIDs; reading them gives canonical text again."""
    note = read_record(ColouredNote, _note())
    values = row_values(note, ids=uuid.UUID)
    assert values["movie_id"] == uuid.UUID(note.movie_id)
    assert (values["frame"], values["timecode"]) == (24, "00:00:01:00")
    row = Row()
    for column, value in values.items():
        setattr(row, column, value)
    assert record_from_row(ColouredNote, row) == note


def test_a_null_column_gives_the_fields_default() -> None:
    """A movie row from before decisions (NULL comment) reads with the empty comment."""
    movie = MovieRecord(new_id(), new_id(), "completed", 1.0, "published", new_id(), 3)
    values = row_values(movie)
    values["decision_comment"] = None
    row = type("MovieRow", (), values)()
    assert record_from_row(MovieRecord, row) == movie


def test_a_drawing_is_kept_as_its_json_in_a_column() -> None:
    """The drawing kind writes its shapes' JSON to the column and reads them back."""
    drawing = Drawing.of(Pen(((0.1, 0.2), (0.3, 0.4))))
    note = read_record(ColouredNote, _note(drawing=drawing.to_json()))
    assert row_values(note)["drawing"] == drawing.to_json()
    assert note.drawing == drawing


def test_a_field_that_does_not_say_what_it_is_is_refused() -> None:
    """Every field of a declared record needs a kind: the spec names the one without."""

    @dataclass(frozen=True)
    class Vague:
        id: Uuid
        mood: str

    with pytest.raises(TypeError, match=r"Vague\.mood does not say what it is on the wire"):
        spec_of(Vague)


def test_keys_are_the_field_names_in_camel_case() -> None:
    """The wire key of a field follows from its name."""
    names = ("created_at", "duration_s", "content_sha256", "text")
    assert [camel_case(n) for n in names] == ["createdAt", "durationS", "contentSha256", "text"]


NULL_WRITTEN_OP_FIELDS = {
    "ReviewNoteEdit": {"frame_end", "base_revision"},
    "ScriptMetadata": {"title", "status"},
    "NoteReplyEdit": {"base_revision"},
}
"""Optional op-body fields written as null since the protocol began. Any other optional
op field must be ``omit_none=True``: an older server refuses a key it does not know, and
an op made before the field existed must keep its payload hash."""


def test_optional_op_fields_added_later_are_left_out_when_none() -> None:
    """An op body writes null only for the optional fields it always had."""
    written_as_null: dict[str, set[str]] = {}
    for body in typing.get_args(Body):
        if body is ScoreEvent:
            continue  # the score event writes its own JSON (core.scoring.events)
        fields = [f for f in spec_of(body).fields if f.optional and not f.kind.omit_none]
        if fields:
            written_as_null[body.__name__] = {f.name for f in fields}
    assert written_as_null == NULL_WRITTEN_OP_FIELDS


def _names(cls: type) -> set[str]:
    return {f.name for f in spec_of(cls).fields}


def test_a_note_edit_carries_every_field_of_the_note_a_client_may_set() -> None:
    """Declare a note's new field on the record and on its edit op, or here as server-set."""
    server_set = {"id", "author_id", "revision", "created_at"}
    assert _names(ReviewNoteRecord) - server_set == _names(ReviewNoteEdit) - {
        "note_id",
        "base_revision",
    }


def test_a_reply_edit_carries_every_field_of_the_reply_a_client_may_set() -> None:
    """Declare a reply's new field on the record and on its edit op, or here as server-set."""
    server_set = {"id", "movie_id", "author_id", "revision", "created_at"}
    assert _names(NoteReplyRecord) - server_set == _names(NoteReplyEdit) - {
        "reply_id",
        "base_revision",
    }
