"""The records clients pull: users, scripts, versions, movies and review notes.

Score events are :class:`~vividverse_desktop.core.scoring.ScoreEvent` (their JSON is the
event's ``to_json``). Mutable records (scripts, movies, review notes) carry ``revision``:
the server bumps it on every accepted change, and an edit names the revision it was based
on so a stale edit is a conflict, never a silent overwrite (DESIGN.md §4).

Each record declares its fields once, with what each is on the wire (``core.wire.schema``):
its JSON reader and writer and its row copiers follow from that list.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Annotated, Any

from vividverse_desktop.core.wire.drawing import Drawing, Shapes, no_empty
from vividverse_desktop.core.wire.fields import MAX_SCRIPT_TEXT, Reader, WireError, sha256_hex
from vividverse_desktop.core.wire.schema import (
    Flag,
    Kind,
    Number,
    Object,
    OneOf,
    Stamp,
    Text,
    Uuid,
    Whole,
    read_record,
    write_record,
)
from vividverse_desktop.core.workflow import Role, Status, role_names, roles_of

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


Revision = Annotated[int, Whole(1, MAX_REVISION)]
"""A mutable record's revision, or the one an edit was based on."""
Frame = Annotated[int, Whole(0, MAX_FRAME)]
Fps = Annotated[float, Number(1.0, MAX_FPS)]
Timecode = Annotated[str, Text(max_length=16)]
Prose = Annotated[str, Text()]
"""Free text a person wrote (a note's, a reply's): not blank, at most ``MAX_TEXT``."""
NoteStatus = Annotated[str, Text(max_length=16)]


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
class UserRole(Kind):
    """A role a user may hold (never the system's)."""

    def read(self, read: Reader, key: str) -> Role:
        return _user_role(read.choice(key, Role), read.path(key))

    def write(self, value: Any) -> str:
        return str(value.value)

    def to_column(self, value: Any, ids: Callable[[str], Any]) -> str:
        return str(value.value)

    def from_column(self, value: Any) -> Role:
        return Role(value)


@dataclass(frozen=True, slots=True)
class UserRoles(Kind):
    """Every role a user holds: a JSON array of names; comma-separated in a column."""

    def read(self, read: Reader, key: str) -> frozenset[Role]:
        items = read.array(key, len(Role))
        return frozenset(
            _user_role(_role(item, read.path(f"{key}[{i}]")), read.path(f"{key}[{i}]"))
            for i, item in enumerate(items)
        )

    def write(self, value: Any) -> list[str]:
        return list(role_names(value))

    def to_column(self, value: Any, ids: Callable[[str], Any]) -> str:
        return ",".join(role_names(value))

    def from_column(self, value: Any) -> frozenset[Role]:
        return roles_of(value.split(",")) if value else frozenset()


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A user as clients see them: never a password hash or token data.

    ``roles`` are every role held (``{role}`` when not given); ``role`` is the most
    privileged of them (``Role.primary``), for clients that show one.
    """

    id: Uuid
    username: Annotated[str, Text(max_length=64)]
    display_name: Annotated[str, Text(max_length=128, allow_empty=True)]
    role: Annotated[Role, UserRole()]
    disabled: Annotated[bool, Flag()] = False
    roles: Annotated[frozenset[Role], UserRoles()] = frozenset()

    def __post_init__(self) -> None:
        if not self.roles:
            object.__setattr__(self, "roles", frozenset({self.role}))

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object (camelCase keys)."""
        return write_record(self)

    @classmethod
    def from_json(cls, data: object, where: str = "") -> UserRecord:
        """Parse and check; ``WireError`` naming the bad field. Without ``roles`` (an
        older server) the user holds ``role`` alone."""
        return read_record(cls, data, where, _check_primary_role)


def _check_primary_role(read: Reader, values: dict[str, Any]) -> None:
    roles = values["roles"]
    if read.has("roles") and (not roles or Role.primary(roles) is not values["role"]):
        raise WireError("must be the most privileged of roles", read.path("role"))


@dataclass(frozen=True, slots=True)
class ScriptRecord:
    """A script: its author, title and workflow status at ``revision``."""

    id: Uuid
    author_id: Uuid
    title: Annotated[str, Text(max_length=300)]
    status: Annotated[Status, OneOf(Status)]
    revision: Revision
    created_at: Stamp

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object (camelCase keys)."""
        return write_record(self)

    @classmethod
    def from_json(cls, data: object, where: str = "") -> ScriptRecord:
        """Parse and check; ``WireError`` naming the bad field."""
        return read_record(cls, data, where)


ScriptText = Annotated[str, Text(max_length=MAX_SCRIPT_TEXT, allow_empty=True)]
"""A script version's Fountain text."""
Sha256 = Annotated[str, Text(max_length=64)]


def check_text_hash(read: Reader, values: dict[str, Any]) -> None:
    """``contentSha256`` must be the hash of ``fountainText`` (a record's or an op's)."""
    check_content_hash(
        values["fountain_text"], values["content_sha256"], read.path("contentSha256")
    )


@dataclass(frozen=True, slots=True)
class ScriptVersionRecord:
    """One immutable text of a script; ``n`` counts versions from 1 in server order."""

    id: Uuid
    script_id: Uuid
    n: Revision
    content_sha256: Sha256
    fountain_text: ScriptText
    source_format: Annotated[SourceFormat, OneOf(SourceFormat)]
    created_at: Stamp
    source_file_key: Annotated[str | None, Text(max_length=200, allow_empty=True)] = None
    stats: Annotated[Mapping[str, Any], Object()] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object (camelCase keys)."""
        return write_record(self)

    @classmethod
    def from_json(cls, data: object, where: str = "") -> ScriptVersionRecord:
        """Parse and check (the content hash must match the text)."""
        return read_record(cls, data, where, check_text_hash)


@dataclass(frozen=True, slots=True)
class MovieRecord:
    """A film rendered from a script version and how far its render has got; once
    finished, the reviewers' decision (``status`` approved or changes_requested, who
    decided and their comment)."""

    id: Uuid
    script_version_id: Uuid
    status: Annotated[str, Text(max_length=32)]
    progress: Annotated[float, Number(0.0, 1.0)]
    stage: Annotated[str, Text(max_length=64, allow_empty=True)]
    created_by: Uuid
    revision: Revision
    video_key: Annotated[str | None, Text(max_length=200, allow_empty=True)] = None
    duration_s: Annotated[float | None, Number(0.0, 1e7)] = None
    decided_by: Uuid | None = None
    decision_comment: Annotated[str, Text(allow_empty=True)] = ""

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object (camelCase keys)."""
        return write_record(self)

    @classmethod
    def from_json(cls, data: object, where: str = "") -> MovieRecord:
        """Parse and check; ``WireError`` naming the bad field. An older server sends no
        decision fields."""
        return read_record(cls, data, where)


@dataclass(frozen=True, slots=True)
class ReviewNoteRecord:
    """A timecoded note on a movie: frame ``frame`` or the range ``frame..frame_end``,
    perhaps with a drawing on the frame (never an empty one: no drawing is None)."""

    id: Uuid
    movie_id: Uuid
    author_id: Uuid
    frame: Frame
    frame_end: Frame | None
    fps: Fps
    timecode: Timecode
    text: Prose
    status: NoteStatus
    revision: Revision
    created_at: Stamp
    drawing: Annotated[Drawing | None, Shapes()] = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "drawing", no_empty(self.drawing))

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object (camelCase keys)."""
        return write_record(self)

    @classmethod
    def from_json(cls, data: object, where: str = "") -> ReviewNoteRecord:
        """Parse and check (a range must not end before it starts)."""
        return read_record(cls, data, where, check_frame_range)


@dataclass(frozen=True, slots=True)
class NoteReplyRecord:
    """A reply in a review note's thread; its author may edit it."""

    id: Uuid
    note_id: Uuid
    movie_id: Uuid
    author_id: Uuid
    text: Prose
    revision: Revision
    created_at: Stamp

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object (camelCase keys)."""
        return write_record(self)

    @classmethod
    def from_json(cls, data: object, where: str = "") -> NoteReplyRecord:
        """Parse and check; ``WireError`` naming the bad field."""
        return read_record(cls, data, where)


def check_frame_range(read: Reader, values: dict[str, Any]) -> None:
    """A note's range (if any) does not end before it starts."""
    frame_end = values["frame_end"]
    if frame_end is not None and frame_end < values["frame"]:
        raise WireError("must not be before frame", read.path("frameEnd"))
