"""Op bodies about films: render progress, the reviewers' decision, review notes and
the replies in their threads. Each edit of a mutable record names the revision it was
based on (``base_revision``); ``None`` creates the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from vividverse_desktop.core.wire.drawing import Drawing, Shapes, no_empty
from vividverse_desktop.core.wire.records import (
    Fps,
    Frame,
    NoteReplyRecord,
    NoteStatus,
    Prose,
    ReviewNoteRecord,
    Revision,
    Timecode,
    check_frame_range,
)
from vividverse_desktop.core.wire.schema import (
    Number,
    OneOf,
    Text,
    Uuid,
    carried,
    read_record,
    write_record,
)
from vividverse_desktop.core.workflow import Decision


@dataclass(frozen=True, slots=True)
class ReviewNoteEdit:
    """A review note created (``base_revision`` is ``None``) or edited (``review_note``).

    An edit carries the note's whole state, its drawing included (None: no drawing).
    ``drawing`` is left out of the JSON when there is none, so a note without one hashes
    as it did before drawings existed.
    """

    note_id: Uuid
    movie_id: Uuid
    frame: Frame
    frame_end: Frame | None
    fps: Fps
    timecode: Timecode
    text: Prose
    status: NoteStatus
    base_revision: Revision | None = None
    drawing: Annotated[Drawing | None, Shapes(omit_none=True)] = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "drawing", no_empty(self.drawing))

    @classmethod
    def of(cls, note: ReviewNoteRecord, **changes: Any) -> ReviewNoteEdit:
        """An edit of ``note`` based on its revision: its whole state but ``changes``."""
        return carried(note, cls, **{"note_id": note.id, "base_revision": note.revision, **changes})

    def to_json(self) -> dict[str, Any]:
        """The op payload (camelCase keys)."""
        return write_record(self)

    @classmethod
    def from_json(cls, data: object, where: str = "") -> ReviewNoteEdit:
        """Parse and check (a range must not end before it starts)."""
        return read_record(cls, data, where, check_frame_range)


@dataclass(frozen=True, slots=True)
class MovieProgress:
    """A render's status, progress (0..1) and stage, based on the revision last seen."""

    movie_id: Uuid
    status: Annotated[str, Text(max_length=32)]
    progress: Annotated[float, Number(0.0, 1.0)]
    stage: Annotated[str, Text(max_length=64, allow_empty=True)]
    base_revision: Revision

    def to_json(self) -> dict[str, Any]:
        """The op payload (camelCase keys)."""
        return write_record(self)

    @classmethod
    def from_json(cls, data: object, where: str = "") -> MovieProgress:
        """Parse and check; ``WireError`` naming the bad field."""
        return read_record(cls, data, where)


@dataclass(frozen=True, slots=True)
class MovieDecision:
    """A reviewer's decision on a finished movie, based on the revision last seen.

    The server checks the move with ``workflow.decision_refusal``; ``comment`` may be empty.
    """

    movie_id: Uuid
    decision: Annotated[Decision, OneOf(Decision)]
    base_revision: Revision
    comment: Annotated[str, Text(allow_empty=True)] = ""

    def to_json(self) -> dict[str, Any]:
        """The op payload (camelCase keys)."""
        return write_record(self)

    @classmethod
    def from_json(cls, data: object, where: str = "") -> MovieDecision:
        """Parse and check; ``WireError`` naming the bad field."""
        return read_record(cls, data, where)


@dataclass(frozen=True, slots=True)
class NoteReplyEdit:
    """A reply to a review note created (``base_revision`` is ``None``) or edited."""

    reply_id: Uuid
    note_id: Uuid
    text: Prose
    base_revision: Revision | None = None

    @classmethod
    def of(cls, reply: NoteReplyRecord, **changes: Any) -> NoteReplyEdit:
        """An edit of ``reply`` based on its revision: its whole state but ``changes``."""
        return carried(
            reply, cls, **{"reply_id": reply.id, "base_revision": reply.revision, **changes}
        )

    def to_json(self) -> dict[str, Any]:
        """The op payload (camelCase keys)."""
        return write_record(self)

    @classmethod
    def from_json(cls, data: object, where: str = "") -> NoteReplyEdit:
        """Parse and check; ``WireError`` naming the bad field."""
        return read_record(cls, data, where)
