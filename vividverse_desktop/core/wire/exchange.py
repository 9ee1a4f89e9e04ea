"""Push and pull messages: a batch of ops and its per-op results; a page of changes."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from vividverse_desktop.core.scoring import DEFAULT_RUBRIC, Rubric, ScoreEvent, ScoringError
from vividverse_desktop.core.wire.fields import Reader, WireError, join, parse_integer, parse_uuid
from vividverse_desktop.core.wire.ops import Op
from vividverse_desktop.core.wire.records import (
    MAX_REVISION,
    Entity,
    MovieRecord,
    NoteReplyRecord,
    ReviewNoteRecord,
    ScriptRecord,
    ScriptVersionRecord,
    UserRecord,
)

MAX_USN = 2**63 - 1
MAX_PUSH_OPS = 500
"""The most ops one push may carry; clients send batches of at most this many."""
PULL_PAGE_SIZE = 250
"""The number of changes a pull page holds unless the client asks for fewer."""
MAX_PULL_PAGE = 1000
MAX_SCOPE = 200
"""The longest pull scope (``PullResponse.scope``) a client accepts and keeps."""

Record = (
    UserRecord
    | ScriptRecord
    | ScriptVersionRecord
    | ScoreEvent
    | MovieRecord
    | ReviewNoteRecord
    | NoteReplyRecord
)

_ENTITY_OF: Mapping[type, Entity] = {
    UserRecord: Entity.USER,
    ScriptRecord: Entity.SCRIPT,
    ScriptVersionRecord: Entity.SCRIPT_VERSION,
    ScoreEvent: Entity.SCORE_EVENT,
    MovieRecord: Entity.MOVIE,
    ReviewNoteRecord: Entity.REVIEW_NOTE,
    NoteReplyRecord: Entity.NOTE_REPLY,
}


def entity_of(record: Record) -> Entity:
    """The entity kind of a record."""
    return _ENTITY_OF[type(record)]


@dataclass(frozen=True, slots=True)
class PushRequest:
    """``POST /api/sync/push``: the sending device and its ops, in outbox order."""

    device_id: str
    ops: tuple[Op, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.device_id, str) or not self.device_id.strip():
            raise WireError("must not be empty", "deviceId")
        if len(self.device_id) > 64:
            raise WireError("must be at most 64 characters", "deviceId")
        if len(self.ops) > MAX_PUSH_OPS:
            raise WireError(f"must hold at most {MAX_PUSH_OPS} items", "ops")

    def to_json(self) -> dict[str, Any]:
        """``{deviceId, ops}``."""
        return {"deviceId": self.device_id, "ops": [op.to_json() for op in self.ops]}

    @classmethod
    def from_json(cls, data: object, rubric: Rubric | None = DEFAULT_RUBRIC) -> PushRequest:
        """Parse and check the whole batch; the first bad field raises ``WireError``."""
        read = Reader(data, "", ("deviceId", "ops"))
        items = read.array("ops", MAX_PUSH_OPS)
        ops = tuple(Op.from_json(item, join("ops", i), rubric) for i, item in enumerate(items))
        return cls(read.text("deviceId", max_length=64), ops)


@dataclass(frozen=True, slots=True)
class RefusedOp:
    """An op of a push that could not be read: its id (when readable) and why."""

    op_id: str | None
    error: WireError

    def result(self) -> PushResult | None:
        """The ``invalid`` result naming the op, or ``None`` if it has no readable id."""
        if self.op_id is None:
            return None
        return PushResult(self.op_id, Outcome.INVALID, message=str(self.error))


def read_push(
    data: object, rubric: Rubric | None = DEFAULT_RUBRIC
) -> tuple[str, tuple[Op | RefusedOp, ...]]:
    """The device id and each op of a push body, read one at a time.

    A bad op becomes a :class:`RefusedOp` (answered ``invalid``) instead of failing the
    whole batch; a bad envelope (not an object, no ``deviceId``, too many ops) raises
    ``WireError``.
    """
    read = Reader(data, "", ("deviceId", "ops"))
    device_id = read.text("deviceId", max_length=64)
    ops: list[Op | RefusedOp] = []
    for i, item in enumerate(read.array("ops", MAX_PUSH_OPS)):
        try:
            ops.append(Op.from_json(item, join("ops", i), rubric))
        except WireError as exc:
            op_id: str | None = None
            if isinstance(item, Mapping):
                try:
                    op_id = parse_uuid(item.get("opId"), "opId")
                except WireError:
                    op_id = None
            ops.append(RefusedOp(op_id, exc))
    return device_id, tuple(ops)


class Outcome(enum.StrEnum):
    """What the server did with one pushed op. Values are the wire strings."""

    ACCEPTED = "accepted"
    """Applied now under ``usn``: the client deletes the op from its outbox."""
    DUPLICATE = "duplicate"
    """Already applied earlier with the same payload: treated exactly like accepted."""
    CONFLICT = "conflict"
    """409: the id was used with another payload, or the edit was stale. Kept, shown."""
    FORBIDDEN = "forbidden"
    """403: the user's role may not do this (e.g. revoked while offline). Kept, shown."""
    INVALID = "invalid"
    """4xx: the op breaks a rule (unknown script, illegal transition...). Kept, shown."""

    @property
    def settled(self) -> bool:
        """Whether the op is on the server and may leave the client's outbox."""
        return self in _SETTLED

    @property
    def http_status(self) -> int:
        """The HTTP status this outcome stands for."""
        return {"conflict": 409, "forbidden": 403, "invalid": 422}.get(self.value, 200)


_SETTLED = frozenset({Outcome.ACCEPTED, Outcome.DUPLICATE})


class ConflictReason(enum.StrEnum):
    """Why an op conflicts. Values are the wire strings."""

    PAYLOAD_MISMATCH = "payload_mismatch"
    """The op id is known to the server with a different payload hash."""
    STALE = "stale"
    """The edit was based on a revision older than the server's current one."""


@dataclass(frozen=True, slots=True)
class Conflict:
    """Both sides of a conflict, kept for the user: the client's op and the server's record."""

    reason: ConflictReason
    entity: Entity
    entity_id: str
    mine: Mapping[str, Any]
    theirs: Mapping[str, Any] | None = None
    base_revision: int | None = None
    server_revision: int | None = None

    def to_json(self) -> dict[str, Any]:
        """``{reason, entity, entityId, mine, theirs, baseRevision, serverRevision}``."""
        return {
            "reason": self.reason.value,
            "entity": self.entity.value,
            "entityId": self.entity_id,
            "mine": dict(self.mine),
            "theirs": None if self.theirs is None else dict(self.theirs),
            "baseRevision": self.base_revision,
            "serverRevision": self.server_revision,
        }

    @classmethod
    def from_json(cls, data: object, where: str = "") -> Conflict:
        """Parse and check: a stale edit must carry the server's record (``theirs``)."""
        read = Reader(
            data,
            where,
            ("reason", "entity", "entityId", "mine", "theirs", "baseRevision", "serverRevision"),
        )
        reason = read.choice("reason", ConflictReason)
        theirs = read.mapping("theirs") if read.has("theirs") else None
        if reason is ConflictReason.STALE and theirs is None:
            raise WireError("a stale edit must carry the server's record", read.path("theirs"))
        return cls(
            reason=reason,
            entity=read.choice("entity", Entity),
            entity_id=read.identifier("entityId"),
            mine=MappingProxyType(dict(read.mapping("mine"))),
            theirs=None if theirs is None else MappingProxyType(dict(theirs)),
            base_revision=read.optional_integer("baseRevision", 1, MAX_REVISION),
            server_revision=read.optional_integer("serverRevision", 1, MAX_REVISION),
        )


@dataclass(frozen=True, slots=True)
class PushResult:
    """The server's answer for one op, naming it by ``op_id``.

    Accepted and duplicate carry the ``usn`` the op was applied under; a conflict carries
    :class:`Conflict`; forbidden and invalid carry a message for the user.
    """

    op_id: str
    outcome: Outcome
    usn: int | None = None
    message: str = ""
    conflict: Conflict | None = None

    def __post_init__(self) -> None:
        if self.outcome.settled and self.usn is None:
            raise WireError(f"a {self.outcome} result must carry the usn", "usn")
        if self.outcome is Outcome.CONFLICT and self.conflict is None:
            raise WireError("a conflict result must carry both versions", "conflict")
        if self.outcome in (Outcome.FORBIDDEN, Outcome.INVALID) and not self.message.strip():
            raise WireError(f"a {self.outcome} result must say why", "message")

    def to_json(self) -> dict[str, Any]:
        """``{opId, outcome, usn, message, conflict}``."""
        return {
            "opId": self.op_id,
            "outcome": self.outcome.value,
            "usn": self.usn,
            "message": self.message,
            "conflict": None if self.conflict is None else self.conflict.to_json(),
        }

    @classmethod
    def from_json(cls, data: object, where: str = "") -> PushResult:
        """Parse and check one result."""
        read = Reader(data, where, ("opId", "outcome", "usn", "message", "conflict"))
        conflict = None
        if read.has("conflict"):
            conflict = Conflict.from_json(read.raw("conflict"), read.path("conflict"))
        try:
            return cls(
                op_id=read.identifier("opId"),
                outcome=read.choice("outcome", Outcome),
                usn=read.optional_integer("usn", 1, MAX_USN),
                message=read.optional_text("message") or "",
                conflict=conflict,
            )
        except WireError as exc:
            raise WireError(exc.message, join(where, exc.field or "")) from None


@dataclass(frozen=True, slots=True)
class PushResponse:
    """The reply to a push: one result per op, in the order the ops were sent."""

    results: tuple[PushResult, ...]

    def to_json(self) -> dict[str, Any]:
        """``{results}``."""
        return {"results": [result.to_json() for result in self.results]}

    @classmethod
    def from_json(cls, data: object) -> PushResponse:
        """Parse and check the reply."""
        read = Reader(data, "", ("results",))
        items = read.array("results", MAX_PUSH_OPS)
        return cls(tuple(PushResult.from_json(r, join("results", i)) for i, r in enumerate(items)))

    def named(self) -> frozenset[str]:
        """The op ids this reply names (only these may leave or change in the outbox)."""
        return frozenset(result.op_id for result in self.results)


def decode_record(entity: Entity, data: object, where: str = "data") -> Record:
    """The typed record ``data`` encodes for ``entity``; ``WireError`` if it does not."""
    if entity is Entity.SCORE_EVENT:
        try:
            return ScoreEvent.from_json(data, rubric=None)
        except ScoringError as exc:
            raise WireError(exc.message, join(where, exc.field or "")) from None
    if entity is Entity.USER:
        return UserRecord.from_json(data, where)
    if entity is Entity.SCRIPT:
        return ScriptRecord.from_json(data, where)
    if entity is Entity.SCRIPT_VERSION:
        return ScriptVersionRecord.from_json(data, where)
    if entity is Entity.MOVIE:
        return MovieRecord.from_json(data, where)
    if entity is Entity.NOTE_REPLY:
        return NoteReplyRecord.from_json(data, where)
    return ReviewNoteRecord.from_json(data, where)


def _at_usn(record: Record, usn: int) -> Record:
    return record.with_usn(usn) if isinstance(record, ScoreEvent) else record


@dataclass(frozen=True, slots=True)
class Change:
    """One record as of update ``usn``: the record's whole current state, not a diff.

    ``decoded`` caches the typed record when the change was built from one or parsed
    (it is not part of the wire form or of equality).
    """

    usn: int
    entity: Entity
    id: str
    data: Mapping[str, Any] = field(default_factory=dict)
    decoded: Record | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, record: Record, usn: int) -> Change:
        """The change that carries ``record`` as of ``usn`` (a score's usn is set to it)."""
        record = _at_usn(record, usn)
        data = MappingProxyType(record.to_json())
        return cls(usn, _ENTITY_OF[type(record)], record.id, data, record)

    def record(self) -> Record:
        """The typed record this change carries."""
        if self.decoded is not None:
            return self.decoded
        return _at_usn(decode_record(self.entity, self.data), self.usn)

    def to_json(self) -> dict[str, Any]:
        """``{usn, entity, id, data}``."""
        data = dict(self.data)
        return {"usn": self.usn, "entity": self.entity.value, "id": self.id, "data": data}

    @classmethod
    def from_json(cls, data: object, where: str = "") -> Change:
        """Parse and check: ``data`` must decode as the entity and carry the same id."""
        read = Reader(data, where, ("usn", "entity", "id", "data"))
        usn = read.integer("usn", 1, MAX_USN)
        entity = read.choice("entity", Entity)
        record_id = read.identifier("id")
        body = MappingProxyType(dict(read.mapping("data")))
        record = decode_record(entity, body, read.path("data"))
        if record.id != record_id:
            raise WireError("names another record than the change's id", read.path("data.id"))
        return cls(usn, entity, record_id, body, _at_usn(record, usn))


@dataclass(frozen=True, slots=True)
class PullResponse:
    """``GET /api/sync/pull?since=USN``: changes with ``since < usn``, in usn order.

    The next request asks for ``since=next_since``; ``has_more`` says another page waits.
    ``scope`` names what the user may see (it changes with their roles; ``None`` from an
    older server): a client whose last pull was under another scope pulls again from 0,
    since records it may now see can be older than its cursor.
    """

    changes: tuple[Change, ...]
    next_since: int
    has_more: bool = False
    scope: str | None = None

    def __post_init__(self) -> None:
        previous = 0
        for i, change in enumerate(self.changes):
            if change.usn < previous:
                raise WireError("changes must come in usn order", join("changes", i))
            previous = change.usn
        if self.next_since < previous:
            raise WireError("must not be below the last change's usn", "nextSince")

    def to_json(self) -> dict[str, Any]:
        """``{changes, nextSince, hasMore, scope?}``."""
        data: dict[str, Any] = {
            "changes": [change.to_json() for change in self.changes],
            "nextSince": self.next_since,
            "hasMore": self.has_more,
        }
        if self.scope is not None:
            data["scope"] = self.scope
        return data

    @classmethod
    def from_json(cls, data: object, since: int | None = None) -> PullResponse:
        """Parse and check a page; with ``since``, every change must be newer than it."""
        read = Reader(data, "", ("changes", "nextSince", "hasMore", "scope"))
        items = read.array("changes", MAX_PULL_PAGE)
        changes = tuple(Change.from_json(c, join("changes", i)) for i, c in enumerate(items))
        page = cls(
            changes,
            read.integer("nextSince", 0, MAX_USN),
            read.boolean("hasMore"),
            read.optional_text("scope", max_length=MAX_SCOPE),
        )
        if since is not None:
            for i, change in enumerate(changes):
                if change.usn <= since:
                    raise WireError(f"usn must be above since={since}", join("changes", i))
            if page.next_since < since:
                raise WireError(f"must not go back below since={since}", "nextSince")
        return page


def usn_cursor(value: object) -> int:
    """The ``since`` query parameter as a USN (a whole number from 0)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        value = int(value)
    return parse_integer(value, 0, MAX_USN, "since")
