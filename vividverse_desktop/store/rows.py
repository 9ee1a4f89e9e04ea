"""Conversions between table rows and core records: the only place that knows both.

Records that declare their fields (``core.wire.schema``) are copied column by column,
each column named like its field (score events too).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.wire import (
    Entity,
    MovieRecord,
    NoteReplyRecord,
    Record,
    ReviewNoteRecord,
    ScriptRecord,
    ScriptVersionRecord,
    UserRecord,
)
from vividverse_desktop.core.wire.schema import fill_row, record_from_row, row_values
from vividverse_desktop.core.workflow import Role, roles_of
from vividverse_desktop.store.schema import (
    MovieRow,
    NoteReplyRow,
    ReviewNoteRow,
    ScoreEventRow,
    ScriptRow,
    ScriptVersionRow,
    UserRow,
)


def score_from_row(row: ScoreEventRow) -> ScoreEvent:
    """The score event a row holds (with its usn, if the server has accepted it)."""
    return record_from_row(ScoreEvent, row)


def fill_score(row: ScoreEventRow, event: ScoreEvent) -> None:
    """Copy an event's fields into a row (not its usn)."""
    fill_row(row, event, skip=("usn",))


def user_from_row(row: UserRow) -> UserRecord:
    """The user a row holds (its primary role is the most privileged it holds)."""
    roles = roles_of(row.roles.split(",")) if row.roles else frozenset({Role(row.role)})
    return record_from_row(UserRecord, row, role=Role.primary(roles), roles=roles)


def fill_user(row: UserRow, record: UserRecord) -> None:
    """Copy a user's fields into a row."""
    fill_row(row, record)


def script_from_row(row: ScriptRow) -> ScriptRecord:
    """The script a row holds."""
    return record_from_row(ScriptRecord, row)


def version_from_row(row: ScriptVersionRow) -> ScriptVersionRecord:
    """The script version a row holds."""
    return record_from_row(ScriptVersionRecord, row)


def movie_from_row(row: MovieRow) -> MovieRecord:
    """The movie a row holds."""
    return record_from_row(MovieRecord, row)


def note_from_row(row: ReviewNoteRow) -> ReviewNoteRecord:
    """The review note a row holds."""
    return record_from_row(ReviewNoteRecord, row)


def reply_from_row(row: NoteReplyRow) -> NoteReplyRecord:
    """The reply a row holds."""
    return record_from_row(NoteReplyRecord, row)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """How one entity is kept: its table and the two conversions."""

    model: Any
    record: type[Any]
    fill: Callable[[Any, Any], None]
    read: Callable[[Any], Record]

    def values(self, record: Record) -> dict[str, Any]:
        """The record as column values (no ``usn``), for bulk inserts and updates."""
        return row_values(record, skip=("usn",))


def _declared(model: Any, record: type[Any]) -> TableSpec:
    """The table of a record that declares its fields: every field in its column."""
    return TableSpec(model, record, fill_row, functools.partial(record_from_row, record))


TABLES: Mapping[Entity, TableSpec] = {
    Entity.USER: TableSpec(UserRow, UserRecord, fill_user, user_from_row),
    Entity.SCRIPT: _declared(ScriptRow, ScriptRecord),
    Entity.SCRIPT_VERSION: _declared(ScriptVersionRow, ScriptVersionRecord),
    Entity.SCORE_EVENT: TableSpec(ScoreEventRow, ScoreEvent, fill_score, score_from_row),
    Entity.MOVIE: _declared(MovieRow, MovieRecord),
    Entity.REVIEW_NOTE: _declared(ReviewNoteRow, ReviewNoteRecord),
    Entity.NOTE_REPLY: _declared(NoteReplyRow, NoteReplyRecord),
}
"""Entity -> table, record class, row filler and row reader."""
