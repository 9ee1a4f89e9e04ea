"""Conversions between table rows and core records: the only place that knows both."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from vividverse_desktop.core.scoring import ScoreEvent, Verdict
from vividverse_desktop.core.wire import (
    Drawing,
    Entity,
    MovieRecord,
    NoteReplyRecord,
    Record,
    ReviewNoteRecord,
    ScriptRecord,
    ScriptVersionRecord,
    SourceFormat,
    UserRecord,
)
from vividverse_desktop.core.workflow import Role, Status, role_names, roles_of
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
    return ScoreEvent(
        id=row.id,
        script_version_id=row.script_version_id,
        validator_id=row.validator_id,
        criteria=dict(row.criteria),
        overall=row.overall,
        verdict=None if row.verdict is None else Verdict(row.verdict),
        confidence=row.confidence,
        comments=row.comments,
        scene_ref=row.scene_ref,
        created_at=row.created_at,
        device_id=row.device_id,
        usn=row.usn,
    )


def fill_score(row: ScoreEventRow, event: ScoreEvent) -> None:
    """Copy an event's fields into a row (not its usn)."""
    row.id = event.id
    row.script_version_id = event.script_version_id
    row.validator_id = event.validator_id
    row.criteria = dict(event.criteria)
    row.overall = event.overall
    row.verdict = None if event.verdict is None else event.verdict.value
    row.confidence = event.confidence
    row.comments = event.comments
    row.scene_ref = event.scene_ref
    row.created_at = event.created_at
    row.device_id = event.device_id


def user_from_row(row: UserRow) -> UserRecord:
    """The user a row holds."""
    roles = roles_of(row.roles.split(",")) if row.roles else frozenset({Role(row.role)})
    return UserRecord(
        row.id, row.username, row.display_name, Role.primary(roles), row.disabled, roles
    )


def fill_user(row: UserRow, record: UserRecord) -> None:
    """Copy a user's fields into a row."""
    row.id = record.id
    row.username = record.username
    row.display_name = record.display_name
    row.role = record.role.value
    row.roles = ",".join(role_names(record.roles))
    row.disabled = record.disabled


def script_from_row(row: ScriptRow) -> ScriptRecord:
    """The script a row holds."""
    return ScriptRecord(
        row.id, row.author_id, row.title, Status(row.status), row.revision, row.created_at
    )


def fill_script(row: ScriptRow, record: ScriptRecord) -> None:
    """Copy a script's fields into a row."""
    row.id = record.id
    row.author_id = record.author_id
    row.title = record.title
    row.status = record.status.value
    row.revision = record.revision
    row.created_at = record.created_at


def version_from_row(row: ScriptVersionRow) -> ScriptVersionRecord:
    """The script version a row holds."""
    return ScriptVersionRecord(
        id=row.id,
        script_id=row.script_id,
        n=row.n,
        content_sha256=row.content_sha256,
        fountain_text=row.fountain_text,
        source_format=SourceFormat(row.source_format),
        created_at=row.created_at,
        source_file_key=row.source_file_key,
        stats=MappingProxyType(dict(row.stats or {})),
    )


def fill_version(row: ScriptVersionRow, record: ScriptVersionRecord) -> None:
    """Copy a script version's fields into a row."""
    row.id = record.id
    row.script_id = record.script_id
    row.n = record.n
    row.content_sha256 = record.content_sha256
    row.fountain_text = record.fountain_text
    row.source_format = record.source_format.value
    row.source_file_key = record.source_file_key
    row.stats = dict(record.stats)
    row.created_at = record.created_at


def movie_from_row(row: MovieRow) -> MovieRecord:
    """The movie a row holds."""
    return MovieRecord(
        id=row.id,
        script_version_id=row.script_version_id,
        status=row.status,
        progress=row.progress,
        stage=row.stage,
        created_by=row.created_by,
        revision=row.revision,
        video_key=row.video_key,
        duration_s=row.duration_s,
        decided_by=row.decided_by,
        decision_comment=row.decision_comment or "",
    )


def fill_movie(row: MovieRow, record: MovieRecord) -> None:
    """Copy a movie's fields into a row."""
    row.id = record.id
    row.script_version_id = record.script_version_id
    row.status = record.status
    row.progress = record.progress
    row.stage = record.stage
    row.created_by = record.created_by
    row.revision = record.revision
    row.video_key = record.video_key
    row.duration_s = record.duration_s
    row.decided_by = record.decided_by
    row.decision_comment = record.decision_comment


def note_from_row(row: ReviewNoteRow) -> ReviewNoteRecord:
    """The review note a row holds."""
    return ReviewNoteRecord(
        id=row.id,
        movie_id=row.movie_id,
        author_id=row.author_id,
        frame=row.frame,
        frame_end=row.frame_end,
        fps=row.fps,
        timecode=row.timecode,
        text=row.text,
        status=row.status,
        revision=row.revision,
        created_at=row.created_at,
        drawing=None if row.drawing is None else Drawing.from_json(row.drawing),
    )


def fill_note(row: ReviewNoteRow, record: ReviewNoteRecord) -> None:
    """Copy a review note's fields into a row."""
    row.id = record.id
    row.movie_id = record.movie_id
    row.author_id = record.author_id
    row.frame = record.frame
    row.frame_end = record.frame_end
    row.fps = record.fps
    row.timecode = record.timecode
    row.text = record.text
    row.status = record.status
    row.revision = record.revision
    row.created_at = record.created_at
    row.drawing = None if record.drawing is None else record.drawing.to_json()


def reply_from_row(row: NoteReplyRow) -> NoteReplyRecord:
    """The reply a row holds."""
    return NoteReplyRecord(
        id=row.id,
        note_id=row.note_id,
        movie_id=row.movie_id,
        author_id=row.author_id,
        text=row.text,
        revision=row.revision,
        created_at=row.created_at,
    )


def fill_reply(row: NoteReplyRow, record: NoteReplyRecord) -> None:
    """Copy a reply's fields into a row."""
    row.id = record.id
    row.note_id = record.note_id
    row.movie_id = record.movie_id
    row.author_id = record.author_id
    row.text = record.text
    row.revision = record.revision
    row.created_at = record.created_at


class _Values:
    """A plain attribute holder the ``fill_*`` functions can write into."""


@dataclass(frozen=True, slots=True)
class TableSpec:
    """How one entity is kept: its table and the two conversions."""

    model: Any
    fill: Callable[[Any, Any], None]
    read: Callable[[Any], Record]

    def values(self, record: Record) -> dict[str, Any]:
        """The record as column values (no ``usn``), for bulk inserts and updates."""
        holder = _Values()
        self.fill(holder, record)
        return dict(vars(holder))


TABLES: Mapping[Entity, TableSpec] = {
    Entity.USER: TableSpec(UserRow, fill_user, user_from_row),
    Entity.SCRIPT: TableSpec(ScriptRow, fill_script, script_from_row),
    Entity.SCRIPT_VERSION: TableSpec(ScriptVersionRow, fill_version, version_from_row),
    Entity.SCORE_EVENT: TableSpec(ScoreEventRow, fill_score, score_from_row),
    Entity.MOVIE: TableSpec(MovieRow, fill_movie, movie_from_row),
    Entity.REVIEW_NOTE: TableSpec(ReviewNoteRow, fill_note, note_from_row),
    Entity.NOTE_REPLY: TableSpec(NoteReplyRow, fill_reply, reply_from_row),
}
"""Entity -> table, row filler and row reader."""
