"""Op bodies about films: render progress, the reviewers' decision, review notes and
the replies in their threads. Each edit of a mutable record names the revision it was
based on (``base_revision``); ``None`` creates the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vividverse_desktop.core.wire.drawing import Drawing, no_empty, optional_drawing
from vividverse_desktop.core.wire.fields import MAX_TEXT, Reader
from vividverse_desktop.core.wire.records import MAX_FPS, MAX_REVISION, frame_range
from vividverse_desktop.core.workflow import Decision


@dataclass(frozen=True, slots=True)
class ReviewNoteEdit:
    """A review note created (``base_revision`` is ``None``) or edited (``review_note``).

    An edit carries the note's whole state, its drawing included (None: no drawing).
    """

    note_id: str
    movie_id: str
    frame: int
    frame_end: int | None
    fps: float
    timecode: str
    text: str
    status: str
    base_revision: int | None = None
    drawing: Drawing | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "drawing", no_empty(self.drawing))

    def to_json(self) -> dict[str, Any]:
        """The op payload (camelCase keys); ``drawing`` only when there is one, so a
        note without one hashes as it did before drawings existed."""
        data: dict[str, Any] = {
            "noteId": self.note_id,
            "movieId": self.movie_id,
            "frame": self.frame,
            "frameEnd": self.frame_end,
            "fps": float(self.fps),
            "timecode": self.timecode,
            "text": self.text,
            "status": self.status,
            "baseRevision": self.base_revision,
        }
        if self.drawing is not None:
            data["drawing"] = self.drawing.to_json()
        return data

    @classmethod
    def from_json(cls, data: object, where: str = "") -> ReviewNoteEdit:
        """Parse and check (a range must not end before it starts)."""
        read = Reader(
            data,
            where,
            (
                "noteId",
                "movieId",
                "frame",
                "frameEnd",
                "fps",
                "timecode",
                "text",
                "status",
                "baseRevision",
                "drawing",
            ),
        )
        frame, frame_end = frame_range(read)
        return cls(
            note_id=read.identifier("noteId"),
            movie_id=read.identifier("movieId"),
            frame=frame,
            frame_end=frame_end,
            fps=read.number("fps", 1.0, MAX_FPS),
            timecode=read.text("timecode", max_length=16),
            text=read.text("text"),
            status=read.text("status", max_length=16),
            base_revision=read.optional_integer("baseRevision", 1, MAX_REVISION),
            drawing=optional_drawing(read),
        )


@dataclass(frozen=True, slots=True)
class MovieProgress:
    """A render's status, progress (0..1) and stage, based on the revision last seen."""

    movie_id: str
    status: str
    progress: float
    stage: str
    base_revision: int

    def to_json(self) -> dict[str, Any]:
        """The op payload (camelCase keys)."""
        return {
            "movieId": self.movie_id,
            "status": self.status,
            "progress": float(self.progress),
            "stage": self.stage,
            "baseRevision": self.base_revision,
        }

    @classmethod
    def from_json(cls, data: object, where: str = "") -> MovieProgress:
        """Parse and check; ``WireError`` naming the bad field."""
        read = Reader(data, where, ("movieId", "status", "progress", "stage", "baseRevision"))
        return cls(
            movie_id=read.identifier("movieId"),
            status=read.text("status", max_length=32),
            progress=read.number("progress", 0.0, 1.0),
            stage=read.text("stage", max_length=64, allow_empty=True),
            base_revision=read.integer("baseRevision", 1, MAX_REVISION),
        )


@dataclass(frozen=True, slots=True)
class MovieDecision:
    """A reviewer's decision on a finished movie, based on the revision last seen.

    The server checks the move with ``workflow.decision_refusal``; ``comment`` may be empty.
    """

    movie_id: str
    decision: Decision
    base_revision: int
    comment: str = ""

    def to_json(self) -> dict[str, Any]:
        """The op payload (camelCase keys)."""
        return {
            "movieId": self.movie_id,
            "decision": self.decision.value,
            "comment": self.comment,
            "baseRevision": self.base_revision,
        }

    @classmethod
    def from_json(cls, data: object, where: str = "") -> MovieDecision:
        """Parse and check; ``WireError`` naming the bad field."""
        read = Reader(data, where, ("movieId", "decision", "comment", "baseRevision"))
        return cls(
            movie_id=read.identifier("movieId"),
            decision=read.choice("decision", Decision),
            base_revision=read.integer("baseRevision", 1, MAX_REVISION),
            comment=read.optional_text("comment", max_length=MAX_TEXT) or "",
        )


@dataclass(frozen=True, slots=True)
class NoteReplyEdit:
    """A reply to a review note created (``base_revision`` is ``None``) or edited."""

    reply_id: str
    note_id: str
    text: str
    base_revision: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The op payload (camelCase keys)."""
        return {
            "replyId": self.reply_id,
            "noteId": self.note_id,
            "text": self.text,
            "baseRevision": self.base_revision,
        }

    @classmethod
    def from_json(cls, data: object, where: str = "") -> NoteReplyEdit:
        """Parse and check; ``WireError`` naming the bad field."""
        read = Reader(data, where, ("replyId", "noteId", "text", "baseRevision"))
        return cls(
            reply_id=read.identifier("replyId"),
            note_id=read.identifier("noteId"),
            text=read.text("text"),
            base_revision=read.optional_integer("baseRevision", 1, MAX_REVISION),
        )
