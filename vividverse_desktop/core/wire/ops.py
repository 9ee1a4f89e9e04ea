"""Ops: what a client did, recorded while offline and pushed later.

An :class:`Op` wraps one body (a script submission, a new script version, a score, a
review note or a reply to one, a movie progress report or decision, a script metadata
edit; film bodies are in ``review_ops``) with ``op_id``, a UUID the
client made when the user acted. ``payload_sha256`` (canonical JSON of kind and payload)
is what tells a retry of the same op from a different op reusing the id.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import Annotated, Any

from vividverse_desktop.core.instants import instant_problem
from vividverse_desktop.core.scoring import DEFAULT_RUBRIC, Rubric, ScoreEvent, ScoringError
from vividverse_desktop.core.wire.fields import (
    Reader,
    WireError,
    canonical_json,
    join,
    new_id,
    parse_uuid,
    sha256_hex,
)
from vividverse_desktop.core.wire.records import (
    Entity,
    Revision,
    ScriptText,
    Sha256,
    SourceFormat,
    check_text_hash,
    content_sha256,
)
from vividverse_desktop.core.wire.review_ops import (
    MovieDecision,
    MovieProgress,
    NoteReplyEdit,
    ReviewNoteEdit,
)
from vividverse_desktop.core.wire.schema import OneOf, Text, Uuid, read_record, write_record
from vividverse_desktop.core.workflow import Status


class OpKind(enum.StrEnum):
    """What an op does. Values are the wire strings."""

    SUBMIT_SCRIPT = "submit_script"
    NEW_SCRIPT_VERSION = "new_script_version"
    SCORE = "score"
    REVIEW_NOTE = "review_note"
    MOVIE_PROGRESS = "movie_progress"
    SCRIPT_METADATA = "script_metadata"
    MOVIE_DECISION = "movie_decision"
    NOTE_REPLY = "note_reply"


@dataclass(frozen=True, slots=True)
class ScriptSubmission:
    """A new script and its first version (``submit_script``); both ids made by the client."""

    script_id: Uuid
    version_id: Uuid
    title: Annotated[str, Text(max_length=300)]
    fountain_text: ScriptText
    source_format: Annotated[SourceFormat, OneOf(SourceFormat)]
    content_sha256: Sha256

    @classmethod
    def of(
        cls, title: str, fountain_text: str, source_format: SourceFormat = SourceFormat.FOUNTAIN
    ) -> ScriptSubmission:
        """A submission with fresh ids and the hash computed from the text."""
        return cls(
            new_id(), new_id(), title, fountain_text, source_format, content_sha256(fountain_text)
        )

    def to_json(self) -> dict[str, Any]:
        """The op payload (camelCase keys)."""
        return write_record(self)

    @classmethod
    def from_json(cls, data: object, where: str = "") -> ScriptSubmission:
        """Parse and check (the hash must match the text)."""
        return read_record(cls, data, where, check_text_hash)


@dataclass(frozen=True, slots=True)
class ScriptRevision:
    """A new immutable version of an existing script (``new_script_version``).

    The server numbers versions (``n``) in the order it accepts them.
    """

    script_id: Uuid
    version_id: Uuid
    fountain_text: ScriptText
    source_format: Annotated[SourceFormat, OneOf(SourceFormat)]
    content_sha256: Sha256

    @classmethod
    def of(
        cls,
        script_id: str,
        fountain_text: str,
        source_format: SourceFormat = SourceFormat.FOUNTAIN,
    ) -> ScriptRevision:
        """A revision with a fresh version id and the hash computed from the text."""
        return cls(script_id, new_id(), fountain_text, source_format, content_sha256(fountain_text))

    def to_json(self) -> dict[str, Any]:
        """The op payload (camelCase keys)."""
        return write_record(self)

    @classmethod
    def from_json(cls, data: object, where: str = "") -> ScriptRevision:
        """Parse and check (the hash must match the text)."""
        return read_record(cls, data, where, check_text_hash)


@dataclass(frozen=True, slots=True)
class ScriptMetadata:
    """A title change and/or a requested status move, based on the revision last seen.

    The server checks a status move with ``workflow.transition``.
    """

    script_id: Uuid
    base_revision: Revision
    title: Annotated[str | None, Text(max_length=300)] = None
    status: Annotated[Status | None, OneOf(Status)] = None

    def to_json(self) -> dict[str, Any]:
        """The op payload (camelCase keys)."""
        return write_record(self)

    @classmethod
    def from_json(cls, data: object, where: str = "") -> ScriptMetadata:
        """Parse and check: at least one of title and status must be given."""
        return read_record(cls, data, where, _changes_something)


def _changes_something(read: Reader, values: dict[str, Any]) -> None:
    if values["title"] is None and values["status"] is None:
        raise WireError("must change the title, the status or both", read.where or None)


Body = (
    ScriptSubmission
    | ScriptRevision
    | ScoreEvent
    | ReviewNoteEdit
    | MovieProgress
    | ScriptMetadata
    | MovieDecision
    | NoteReplyEdit
)

_KIND_OF: Mapping[type, OpKind] = {
    ScriptSubmission: OpKind.SUBMIT_SCRIPT,
    ScriptRevision: OpKind.NEW_SCRIPT_VERSION,
    ScoreEvent: OpKind.SCORE,
    ReviewNoteEdit: OpKind.REVIEW_NOTE,
    MovieProgress: OpKind.MOVIE_PROGRESS,
    ScriptMetadata: OpKind.SCRIPT_METADATA,
    MovieDecision: OpKind.MOVIE_DECISION,
    NoteReplyEdit: OpKind.NOTE_REPLY,
}

OP_ENTITY: Mapping[OpKind, Entity] = {
    OpKind.SUBMIT_SCRIPT: Entity.SCRIPT,
    OpKind.NEW_SCRIPT_VERSION: Entity.SCRIPT_VERSION,
    OpKind.SCORE: Entity.SCORE_EVENT,
    OpKind.REVIEW_NOTE: Entity.REVIEW_NOTE,
    OpKind.MOVIE_PROGRESS: Entity.MOVIE,
    OpKind.SCRIPT_METADATA: Entity.SCRIPT,
    OpKind.MOVIE_DECISION: Entity.MOVIE,
    OpKind.NOTE_REPLY: Entity.NOTE_REPLY,
}
"""The kind of record each op creates or changes."""


def _body_json(body: Body) -> dict[str, Any]:
    if isinstance(body, ScoreEvent):
        return body.payload()
    return body.to_json()


_OP_FIELDS = ("opId", "kind", "payload", "createdAt")


@functools.lru_cache(maxsize=64)
def _criteria_layout(names: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """Criteria named ``names`` in canonical JSON: the members with ``%d`` for each
    score, and the names in the order of those members (sorted)."""
    ordered = tuple(sorted(names))
    members = ",".join(encode_basestring(name).replace("%", "%%") + ":%d" for name in ordered)
    return members, ordered


def _json_int(value: int | None) -> str:
    return "null" if value is None else int.__repr__(value)


def _score_op_json(event: ScoreEvent) -> bytes:
    """``canonical_json({"kind": "score", "payload": event.payload()})``, written directly.

    The event's constructor guarantees the types (text, whole numbers, ``None``), so each
    value is written as ``json.dumps`` writes it: strings by the same escaping function,
    keys sorted, no spaces. An event holding a field beyond ``ScoreEvent``'s tuned ones
    (see ``core.scoring.events``) goes through ``canonical_json``.
    """
    if event.has_extras():
        return canonical_json({"kind": OpKind.SCORE.value, "payload": event.payload()})
    text = encode_basestring
    given = event.criteria
    members, names = _criteria_layout(tuple(given))
    criteria = members % tuple(map(given.__getitem__, names))
    verdict = "null" if event.verdict is None else text(event.verdict)  # a StrEnum: its value
    scene_ref = "null" if event.scene_ref is None else text(event.scene_ref)
    return (
        f'{{"kind":"score","payload":{{"comments":{text(event.comments)}'
        f',"confidence":{_json_int(event.confidence)}'
        f',"createdAt":{text(event.created_at.isoformat())}'
        f',"criteria":{{{criteria}}}'
        f',"deviceId":{text(event.device_id)}'
        f',"id":{text(event.id)}'
        f',"overall":{_json_int(event.overall)}'
        f',"sceneRef":{scene_ref}'
        f',"scriptVersionId":{text(event.script_version_id)}'
        f',"validatorId":{text(event.validator_id)}'
        f',"verdict":{verdict}}}}}'
    ).encode()


def _score_from_json(data: object, where: str, rubric: Rubric | None) -> ScoreEvent:
    if isinstance(data, Mapping) and "usn" in data:
        raise WireError("is assigned by the server, never pushed", join(where, "usn"))
    try:
        return ScoreEvent.from_json(data, rubric)
    except ScoringError as exc:
        field = join(where, exc.field) if exc.field else (where or None)
        raise WireError(exc.message, field) from None


@dataclass(frozen=True, slots=True)
class Op:
    """One client-made change: ``op_id`` (client UUID), its kind and body.

    ``created_at`` is the client's clock, for display only: nothing is ever ordered by it.
    """

    op_id: str
    kind: OpKind
    body: Body
    created_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "op_id", parse_uuid(self.op_id, "opId"))
        expected = _KIND_OF.get(type(self.body))
        if expected is not self.kind:
            raise WireError(f"a {type(self.body).__name__} is not a {self.kind} op", "kind")
        problem = instant_problem(self.created_at)
        if problem is not None:
            raise WireError(problem, "createdAt")

    @classmethod
    def of(cls, body: Body, created_at: datetime | None = None) -> Op:
        """A new op for ``body`` with a fresh ``op_id`` (``created_at`` defaults to now)."""
        return cls(new_id(), _KIND_OF[type(body)], body, created_at or datetime.now(UTC))

    @property
    def entity(self) -> Entity:
        """The kind of record this op creates or changes."""
        return OP_ENTITY[self.kind]

    @property
    def entity_id(self) -> str:
        """The id of the record this op creates or changes."""
        body = self.body
        if isinstance(body, ScoreEvent):
            return body.id
        if isinstance(body, ScriptSubmission | ScriptMetadata):
            return body.script_id
        if isinstance(body, ScriptRevision):
            return body.version_id
        if isinstance(body, ReviewNoteEdit):
            return body.note_id
        if isinstance(body, NoteReplyEdit):
            return body.reply_id
        return body.movie_id

    @property
    def base_revision(self) -> int | None:
        """The revision of the record the edit was based on (``None`` for creations)."""
        body = self.body
        if isinstance(
            body, ReviewNoteEdit | MovieProgress | ScriptMetadata | MovieDecision | NoteReplyEdit
        ):
            return body.base_revision
        return None

    def payload(self) -> dict[str, Any]:
        """The body's JSON object."""
        return _body_json(self.body)

    @property
    def payload_sha256(self) -> str:
        """SHA-256 of canonical JSON ``{"kind", "payload"}``: equal exactly for the same op."""
        body = self.body
        if type(body) is ScoreEvent:  # the most frequent op: written without json.dumps
            return sha256_hex(_score_op_json(body))
        return sha256_hex(canonical_json({"kind": self.kind.value, "payload": self.payload()}))

    def to_json(self) -> dict[str, Any]:
        """``{opId, kind, payload, createdAt}``."""
        return {
            "opId": self.op_id,
            "kind": self.kind.value,
            "payload": self.payload(),
            "createdAt": self.created_at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: object, where: str = "", rubric: Rubric | None = DEFAULT_RUBRIC) -> Op:
        """Parse and check an op; a score's criteria must fit ``rubric`` unless it is None."""
        read = Reader(data, where, _OP_FIELDS)
        op_id = read.identifier("opId")
        kind = read.choice("kind", OpKind)
        at = read.path("payload")
        raw = read.raw("payload")
        body: Body
        if kind is OpKind.SCORE:
            body = _score_from_json(raw, at, rubric)
        elif kind is OpKind.SUBMIT_SCRIPT:
            body = ScriptSubmission.from_json(raw, at)
        elif kind is OpKind.NEW_SCRIPT_VERSION:
            body = ScriptRevision.from_json(raw, at)
        elif kind is OpKind.REVIEW_NOTE:
            body = ReviewNoteEdit.from_json(raw, at)
        elif kind is OpKind.MOVIE_PROGRESS:
            body = MovieProgress.from_json(raw, at)
        elif kind is OpKind.MOVIE_DECISION:
            body = MovieDecision.from_json(raw, at)
        elif kind is OpKind.NOTE_REPLY:
            body = NoteReplyEdit.from_json(raw, at)
        else:
            body = ScriptMetadata.from_json(raw, at)
        created_at = read.timestamp("createdAt")
        if cls is not Op:
            return cls(op_id, kind, body, created_at)
        # Everything the constructor checks holds already: a canonical id, the body that
        # ``kind`` reads, an aware time. Build the op without checking again.
        op = object.__new__(cls)
        put = object.__setattr__
        put(op, "op_id", op_id)
        put(op, "kind", kind)
        put(op, "body", body)
        put(op, "created_at", created_at)
        return op
