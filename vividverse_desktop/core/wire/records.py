"""The records clients pull: users, scripts, versions, movies and review notes.

Score events are :class:`~vividverse_desktop.core.scoring.ScoreEvent` (their JSON is the
event's ``to_json``). Mutable records (scripts, movies, review notes) carry ``revision``:
the server bumps it on every accepted change, and an edit names the revision it was based
on so a stale edit is a conflict, never a silent overwrite (DESIGN.md §4).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from vividverse_desktop.core.wire.drawing import Drawing, drawing_json, no_empty, optional_drawing
from vividverse_desktop.core.wire.fields import MAX_SCRIPT_TEXT, Reader, WireError, sha256_hex
from vividverse_desktop.core.workflow import Role, Status, role_names

MAX_REVISION = 2**31 - 1
MAX_FRAME = 10**9
MAX_FPS = 1000.0


class Entity(enum.StrEnum):
    """The kinds of record a pull can carry. Values are the wire strings."""

    USER = "user"
    SCRIPT = "script"
    SCRIPT_VERSION = "script_version"
    SCORE_EVENT = "score_event"
    MOVIE = "movie"
    REVIEW_NOTE = "review_note"
    NOTE_REPLY = "note_reply"


class SourceFormat(enum.StrEnum):
    """What a script version was imported from. Values are the wire strings."""

    FOUNTAIN = "fountain"
    TEXT = "text"
    PDF = "pdf"
    FDX = "fdx"


def content_sha256(fountain_text: str) -> str:
    """The content hash of a script version: hex SHA-256 of its Fountain text in UTF-8."""
    return sha256_hex(fountain_text)


def check_content_hash(fountain_text: str, declared: str, where: str) -> None:
    """Raise ``WireError`` at ``where`` unless ``declared`` is the hash of the text."""
    if declared != content_sha256(fountain_text):
        raise WireError("does not match the SHA-256 of fountainText", where)


def _stamp(value: datetime) -> str:
    return value.isoformat()


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A user as clients see them: never a password hash or token data.

    ``roles`` are every role held (``{role}`` when not given); ``role`` is the most
    privileged of them (``Role.primary``), for clients that show one.
    """

    id: str
    username: str
    display_name: str
    role: Role
    disabled: bool = False
    roles: frozenset[Role] = frozenset()

    def __post_init__(self) -> None:
        if not self.roles:
            object.__setattr__(self, "roles", frozenset({self.role}))

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object (camelCase keys)."""
        return {
            "id": self.id,
            "username": self.username,
            "displayName": self.display_name,
            "role": self.role.value,
            "roles": list(role_names(self.roles)),
            "disabled": self.disabled,
        }

    @classmethod
    def from_json(cls, data: object, where: str = "") -> UserRecord:
        """Parse and check; ``WireError`` naming the bad field. Without ``roles`` (an
        older server) the user holds ``role`` alone."""
        read = Reader(data, where, ("id", "username", "displayName", "role", "roles", "disabled"))
        role = _user_role(read.choice("role", Role), read.path("role"))
        roles = frozenset({role})
        if read.has("roles"):
            items = read.array("roles", len(Role))
            roles = frozenset(
                _user_role(_role(item, read.path(f"roles[{i}]")), read.path(f"roles[{i}]"))
                for i, item in enumerate(items)
            )
            if not roles or Role.primary(roles) is not role:
                raise WireError("must be the most privileged of roles", read.path("role"))
        return cls(
            id=read.identifier("id"),
            username=read.text("username", max_length=64),
            display_name=read.text("displayName", max_length=128, allow_empty=True),
            role=role,
            disabled=read.boolean("disabled", default=False),
            roles=roles,
        )


def _role(value: object, where: str) -> Role:
    for role in Role:
        if role.value == value:
            return role
    names = ", ".join(role.value for role in Role)
    raise WireError(f"must be one of {names}, not {value!r}", where)


def _user_role(role: Role, where: str) -> Role:
    if role is Role.SYSTEM:
        raise WireError("no user holds the system role", where)
    return role


@dataclass(frozen=True, slots=True)
class ScriptRecord:
    """A script: its author, title and workflow status at ``revision``."""

    id: str
    author_id: str
    title: str
    status: Status
    revision: int
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object (camelCase keys)."""
        return {
            "id": self.id,
            "authorId": self.author_id,
            "title": self.title,
            "status": self.status.value,
            "revision": self.revision,
            "createdAt": _stamp(self.created_at),
        }

    @classmethod
    def from_json(cls, data: object, where: str = "") -> ScriptRecord:
        """Parse and check; ``WireError`` naming the bad field."""
        read = Reader(data, where, ("id", "authorId", "title", "status", "revision", "createdAt"))
        return cls(
            id=read.identifier("id"),
            author_id=read.identifier("authorId"),
            title=read.text("title", max_length=300),
            status=read.choice("status", Status),
            revision=read.integer("revision", 1, MAX_REVISION),
            created_at=read.timestamp("createdAt"),
        )


@dataclass(frozen=True, slots=True)
class ScriptVersionRecord:
    """One immutable text of a script; ``n`` counts versions from 1 in server order."""

    id: str
    script_id: str
    n: int
    content_sha256: str
    fountain_text: str
    source_format: SourceFormat
    created_at: datetime
    source_file_key: str | None = None
    stats: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object (camelCase keys)."""
        return {
            "id": self.id,
            "scriptId": self.script_id,
            "n": self.n,
            "contentSha256": self.content_sha256,
            "fountainText": self.fountain_text,
            "sourceFormat": self.source_format.value,
            "sourceFileKey": self.source_file_key,
            "stats": dict(self.stats),
            "createdAt": _stamp(self.created_at),
        }

    @classmethod
    def from_json(cls, data: object, where: str = "") -> ScriptVersionRecord:
        """Parse and check (the content hash must match the text)."""
        read = Reader(
            data,
            where,
            (
                "id",
                "scriptId",
                "n",
                "contentSha256",
                "fountainText",
                "sourceFormat",
                "sourceFileKey",
                "stats",
                "createdAt",
            ),
        )
        text = read.text("fountainText", max_length=MAX_SCRIPT_TEXT, allow_empty=True)
        digest = read.text("contentSha256", max_length=64)
        check_content_hash(text, digest, read.path("contentSha256"))
        stats = read.mapping("stats") if read.has("stats") else {}
        return cls(
            id=read.identifier("id"),
            script_id=read.identifier("scriptId"),
            n=read.integer("n", 1, MAX_REVISION),
            content_sha256=digest,
            fountain_text=text,
            source_format=read.choice("sourceFormat", SourceFormat),
            created_at=read.timestamp("createdAt"),
            source_file_key=read.optional_text("sourceFileKey", max_length=200),
            stats=MappingProxyType(dict(stats)),
        )


@dataclass(frozen=True, slots=True)
class MovieRecord:
    """A film rendered from a script version and how far its render has got; once
    finished, the reviewers' decision (``status`` approved or changes_requested, who
    decided and their comment)."""

    id: str
    script_version_id: str
    status: str
    progress: float
    stage: str
    created_by: str
    revision: int
    video_key: str | None = None
    duration_s: float | None = None
    decided_by: str | None = None
    decision_comment: str = ""

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object (camelCase keys)."""
        return {
            "id": self.id,
            "scriptVersionId": self.script_version_id,
            "status": self.status,
            "progress": self.progress,
            "stage": self.stage,
            "createdBy": self.created_by,
            "revision": self.revision,
            "videoKey": self.video_key,
            "durationS": self.duration_s,
            "decidedBy": self.decided_by,
            "decisionComment": self.decision_comment,
        }

    @classmethod
    def from_json(cls, data: object, where: str = "") -> MovieRecord:
        """Parse and check; ``WireError`` naming the bad field. An older server sends no
        decision fields."""
        read = Reader(
            data,
            where,
            (
                "id",
                "scriptVersionId",
                "status",
                "progress",
                "stage",
                "createdBy",
                "revision",
                "videoKey",
                "durationS",
                "decidedBy",
                "decisionComment",
            ),
        )
        return cls(
            id=read.identifier("id"),
            script_version_id=read.identifier("scriptVersionId"),
            status=read.text("status", max_length=32),
            progress=read.number("progress", 0.0, 1.0),
            stage=read.text("stage", max_length=64, allow_empty=True),
            created_by=read.identifier("createdBy"),
            revision=read.integer("revision", 1, MAX_REVISION),
            video_key=read.optional_text("videoKey", max_length=200),
            duration_s=read.optional_number("durationS", 0.0, 1e7),
            decided_by=read.optional_identifier("decidedBy"),
            decision_comment=read.optional_text("decisionComment") or "",
        )


@dataclass(frozen=True, slots=True)
class ReviewNoteRecord:
    """A timecoded note on a movie: frame ``frame`` or the range ``frame..frame_end``,
    perhaps with a drawing on the frame (never an empty one: no drawing is None)."""

    id: str
    movie_id: str
    author_id: str
    frame: int
    frame_end: int | None
    fps: float
    timecode: str
    text: str
    status: str
    revision: int
    created_at: datetime
    drawing: Drawing | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "drawing", no_empty(self.drawing))

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object (camelCase keys)."""
        return {
            "id": self.id,
            "movieId": self.movie_id,
            "authorId": self.author_id,
            "frame": self.frame,
            "frameEnd": self.frame_end,
            "fps": self.fps,
            "timecode": self.timecode,
            "text": self.text,
            "status": self.status,
            "revision": self.revision,
            "createdAt": _stamp(self.created_at),
            "drawing": drawing_json(self.drawing),
        }

    @classmethod
    def from_json(cls, data: object, where: str = "") -> ReviewNoteRecord:
        """Parse and check (a range must not end before it starts)."""
        read = Reader(
            data,
            where,
            (
                "id",
                "movieId",
                "authorId",
                "frame",
                "frameEnd",
                "fps",
                "timecode",
                "text",
                "status",
                "revision",
                "createdAt",
                "drawing",
            ),
        )
        frame, frame_end = frame_range(read)
        return cls(
            id=read.identifier("id"),
            movie_id=read.identifier("movieId"),
            author_id=read.identifier("authorId"),
            frame=frame,
            frame_end=frame_end,
            fps=read.number("fps", 1.0, MAX_FPS),
            timecode=read.text("timecode", max_length=16),
            text=read.text("text"),
            status=read.text("status", max_length=16),
            revision=read.integer("revision", 1, MAX_REVISION),
            created_at=read.timestamp("createdAt"),
            drawing=optional_drawing(read),
        )


@dataclass(frozen=True, slots=True)
class NoteReplyRecord:
    """A reply in a review note's thread; its author may edit it."""

    id: str
    note_id: str
    movie_id: str
    author_id: str
    text: str
    revision: int
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object (camelCase keys)."""
        return {
            "id": self.id,
            "noteId": self.note_id,
            "movieId": self.movie_id,
            "authorId": self.author_id,
            "text": self.text,
            "revision": self.revision,
            "createdAt": _stamp(self.created_at),
        }

    @classmethod
    def from_json(cls, data: object, where: str = "") -> NoteReplyRecord:
        """Parse and check; ``WireError`` naming the bad field."""
        read = Reader(
            data,
            where,
            ("id", "noteId", "movieId", "authorId", "text", "revision", "createdAt"),
        )
        return cls(
            id=read.identifier("id"),
            note_id=read.identifier("noteId"),
            movie_id=read.identifier("movieId"),
            author_id=read.identifier("authorId"),
            text=read.text("text"),
            revision=read.integer("revision", 1, MAX_REVISION),
            created_at=read.timestamp("createdAt"),
        )


def frame_range(read: Reader) -> tuple[int, int | None]:
    """``frame`` and ``frameEnd`` of a note; the end (if any) is not before the start."""
    frame = read.integer("frame", 0, MAX_FRAME)
    frame_end = read.optional_integer("frameEnd", 0, MAX_FRAME)
    if frame_end is not None and frame_end < frame:
        raise WireError("must not be before frame", read.path("frameEnd"))
    return frame, frame_end
