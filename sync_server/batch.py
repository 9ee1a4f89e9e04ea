"""One push batch: what is read from it before the transaction, and the batch in progress.

:class:`PreparedPush` holds what needs no database (op ids and event ids as UUIDs,
payload hashes), computed before the writing transaction starts so that the
transaction, which writers take in turn, stays short. :class:`Batch` is the pusher,
its USNs, look-up caches and the rows collected for bulk inserts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sync_server import models, score_store
from sync_server.accounts import Account
from sync_server.push_rows import RenderedRows, RowWriter, op_row, row_writer, score_row
from sync_server.score_store import VersionInfo
from sync_server.screenplays import Measured, measure
from sync_server.script_readers import ReadTimeout, ScriptReaders
from sync_server.usn import UsnSequence
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.wire import (
    Conflict,
    ConflictReason,
    Op,
    Outcome,
    PushResult,
    RefusedOp,
    ScriptRevision,
    ScriptSubmission,
)


# Core statements on the tables: a batch's rows go in as one executemany each, without
# the ORM's per-row bookkeeping.
@dataclass(frozen=True, slots=True)
class PreparedPush:
    """The ops of one push with what they need that no database holds."""

    items: tuple[Op | RefusedOp, ...]
    op_keys: dict[str, uuid.UUID]
    """Each op id as a UUID."""
    digests: tuple[str | None, ...]
    """Each item's ``payload_sha256`` (``None`` for a refused item), in ``items`` order."""
    event_keys: dict[str, uuid.UUID]
    """Each score event id as a UUID."""
    version_keys: dict[str, uuid.UUID | None]
    """Each script version id scores name, as a UUID; ``None`` when it is not one."""
    measured: dict[str, Measured | str] = field(default_factory=dict)
    """Each submitted or revised text's statistics and blind copy (or why it cannot be
    read), by op id: parsing is the slow part of a push, and done before its turn."""

    @classmethod
    def of(
        cls, items: Sequence[Op | RefusedOp], texts: Mapping[str, Measured | str] | None = None
    ) -> PreparedPush:
        """Read ``items`` (as :func:`read_push` returns them); no database needed.

        ``texts`` are the ops' texts measured already (:func:`measure_texts`); any other
        is measured here, on the calling thread.
        """
        op_keys: dict[str, uuid.UUID] = {}
        digests: list[str | None] = []
        event_keys: dict[str, uuid.UUID] = {}
        version_keys: dict[str, uuid.UUID | None] = {}
        measured: dict[str, Measured | str] = dict(texts or {})
        for item in items:
            if not isinstance(item, Op):
                digests.append(None)
                continue
            digests.append(item.payload_sha256)
            if item.op_id not in op_keys:
                op_keys[item.op_id] = uuid.UUID(item.op_id)
            body = item.body
            if isinstance(body, ScriptSubmission | ScriptRevision) and item.op_id not in measured:
                measured[item.op_id] = measure_text(body.fountain_text)
            if isinstance(body, ScoreEvent):
                event_keys[body.id] = uuid.UUID(body.id)
                if body.script_version_id not in version_keys:
                    version_keys[body.script_version_id] = _uuid_or_none(body.script_version_id)
        return cls(tuple(items), op_keys, tuple(digests), event_keys, version_keys, measured)

    def alone(self, index: int) -> PreparedPush:
        """The push of only its ``index``-th item, reusing what was computed for it."""
        item = self.items[index]
        if not isinstance(item, Op):
            return PreparedPush((item,), {}, (None,), {}, {})
        body = item.body
        events = {body.id: self.event_keys[body.id]} if isinstance(body, ScoreEvent) else {}
        versions = (
            {body.script_version_id: self.version_keys[body.script_version_id]}
            if isinstance(body, ScoreEvent)
            else {}
        )
        measured = {item.op_id: self.measured[item.op_id]} if item.op_id in self.measured else {}
        return PreparedPush(
            (item,),
            {item.op_id: self.op_keys[item.op_id]},
            (self.digests[index],),
            events,
            versions,
            measured,
        )


def measure_text(fountain_text: str) -> Measured | str:
    """The statistics and blind copy of a pushed text, or why it cannot be read (blocking)."""
    try:
        return measure(fountain_text)
    except ScreenplayError as exc:
        return _unreadable(exc)


async def measure_texts(
    readers: ScriptReaders, items: Iterable[Op | RefusedOp]
) -> dict[str, Measured | str]:
    """Each pushed text's statistics and blind copy, read by ``readers`` one after
    another, or why it cannot be read (within the time limit), by op id.

    Raises :class:`ReadersBusy` or :class:`ReaderFailed` (the whole push is to be sent again).
    """
    measured: dict[str, Measured | str] = {}
    for item in items:
        if not isinstance(item, Op) or item.op_id in measured:
            continue
        body = item.body
        if isinstance(body, ScriptSubmission | ScriptRevision):
            try:
                measured[item.op_id] = await readers.measure(body.fountain_text)
            except ScreenplayError as exc:
                measured[item.op_id] = _unreadable(exc)
            except ReadTimeout as exc:
                measured[item.op_id] = f"fountainText: {exc}"
    return measured


def _unreadable(exc: ScreenplayError) -> str:
    return f"fountainText: line {exc.line}: {exc.message}"


def _uuid_or_none(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


@dataclass(slots=True)
class Batch:
    """What applying one batch needs: the pusher, USNs, and a few look-up caches."""

    session: Session
    account: Account
    usns: UsnSequence
    received_at: datetime = field(default_factory=models.utc_now)
    touched_scripts: set[uuid.UUID] = field(default_factory=set)
    versions: dict[uuid.UUID, VersionInfo | None] = field(default_factory=dict)
    version_keys: dict[str, uuid.UUID | None] = field(default_factory=dict)
    event_keys: dict[str, uuid.UUID] = field(default_factory=dict)
    score_ids: set[uuid.UUID] = field(default_factory=set)
    new_scores: dict[uuid.UUID, tuple[ScoreEvent, int]] = field(default_factory=dict)
    score_rows: list[list[Any]] = field(default_factory=list)
    """Rendered score rows not inserted yet."""
    op_rows: list[list[Any]] = field(default_factory=list)
    """Rendered op rows not inserted yet."""
    rendered: RenderedRows | None = None
    """The rows of the push being applied, rendered before the transaction (if they were)."""
    measured: dict[str, Measured | str] = field(default_factory=dict)
    """The texts of the push being applied, measured before the transaction."""
    writer: RowWriter = field(init=False)
    """Renders rows for this session's database."""
    account_text: str = field(init=False)
    """The account's id as the wire spells it."""

    def __post_init__(self) -> None:
        self.writer = row_writer(self.session.get_bind().dialect)
        self.account_text = str(self.account.id)
        if self.rendered is not None and self.rendered.dialect is not self.writer.dialect:
            self.rendered = None  # rendered for another database: render again here

    def of(self, account: Account, prepared: PreparedPush, rendered: RenderedRows | None) -> Batch:
        """The same batch in progress (caches, rows, USNs), applying ``account``'s ops."""
        return replace(self, account=account, rendered=rendered, measured=prepared.measured)

    def measure(self, op: Op, fountain_text: str) -> Measured | str:
        """The statistics and blind copy of ``op``'s text (measured beforehand if it was)."""
        found = self.measured.get(op.op_id)
        return found if found is not None else measure_text(fountain_text)

    def add_score(
        self, op_id: str, event: ScoreEvent, event_id: uuid.UUID, version_id: uuid.UUID
    ) -> int:
        """Queue ``event`` (pushed by the account as op ``op_id``) for insertion; its usn."""
        usn = self.usns.take()
        writer = self.writer
        template = None if self.rendered is None else self.rendered.scores.get(op_id)
        if template is None:
            row = score_row(
                event,
                event_id=event_id,
                version_id=version_id,
                validator_id=self.account.id,
                received_at=self.received_at,
                usn=usn,
            )
            self.score_rows.append(writer.scores.render(row))
        else:
            self.score_rows.append(writer.score(template, usn))
        return usn

    def add_op(self, op: Op, key: uuid.UUID, digest: str, usn: int) -> None:
        """Record ``op`` (id ``key``) as applied under ``usn``."""
        writer = self.writer
        template = None if self.rendered is None else self.rendered.ops.get(key)
        if template is None:
            row = op_row(
                op,
                key=key,
                user_id=self.account.id,
                digest=digest,
                received_at=self.received_at,
                usn=usn,
            )
            self.op_rows.append(writer.ops.render(row))
        else:
            self.op_rows.append(writer.op(template, usn))

    def known_ops(self, op_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[str, uuid.UUID, int]]:
        """``op_id -> (payload_sha256, user_id, usn)`` of the ids already applied."""
        rows = self.writer.known_ops.find(self.session.connection(), list(op_ids))
        return {row[0]: (row[1], row[2], row[3]) for row in rows}

    def look_up_scores(self, pushes: Iterable[PreparedPush]) -> None:
        """Look up the versions and stored event ids the pushes' scores name (one query each)."""
        for prepared in pushes:
            self.event_keys.update(prepared.event_keys)
            self.version_keys.update(prepared.version_keys)
        targets = {key for key in self.version_keys.values() if key is not None}
        found = score_store.versions_info(self.session, targets)
        self.versions.update({target: found.get(target) for target in targets})
        stored = self.writer.stored_scores.find(
            self.session.connection(), list(self.event_keys.values())
        )
        self.score_ids.update(row[0] for row in stored)

    def event_key(self, event_id: str) -> uuid.UUID:
        """A score event's id (canonical, as the wire reads it) as a UUID, parsed once."""
        key = self.event_keys.get(event_id)
        if key is None:
            key = self.event_keys[event_id] = uuid.UUID(event_id)
        return key

    def version_key(self, version_id: str) -> uuid.UUID | None:
        """``version_id`` as a UUID (parsed once per batch), or ``None`` if it is not one."""
        if version_id not in self.version_keys:
            self.version_keys[version_id] = _uuid_or_none(version_id)
        return self.version_keys[version_id]

    def write_pending(self) -> None:
        """Insert the rows collected so far in bulk (one statement per table)."""
        if not (self.score_rows or self.op_rows):
            return
        self.session.flush()  # rows the ORM holds go first: the new ones may refer to them
        connection = self.session.connection()
        if self.score_rows:
            self.writer.scores.run(connection, self.score_rows)
            self.score_rows.clear()
        if self.op_rows:
            self.writer.ops.run(connection, self.op_rows)
            self.op_rows.clear()

    def version(self, version_id: uuid.UUID) -> VersionInfo | None:
        """The version with its script's status (looked up once per batch)."""
        held = self.versions.get(version_id)
        if held is None:  # unknown, or created by an earlier op of this batch
            held = self.versions[version_id] = score_store.version_info(self.session, version_id)
        return held


def accepted(op: Op, usn: int) -> PushResult:
    """``op`` applied under ``usn``."""
    return PushResult(op.op_id, Outcome.ACCEPTED, usn=usn)


def refused(op: Op, outcome: Outcome, message: str) -> PushResult:
    """``op`` refused (``forbidden`` or ``invalid``) with a message for the user."""
    return PushResult(op.op_id, outcome, message=message)


def conflict(
    op: Op,
    reason: ConflictReason,
    theirs: dict[str, Any] | None,
    server_revision: int | None = None,
    message: str = "",
) -> PushResult:
    """``op`` in conflict: both versions, the client's (``mine``) and the server's."""
    conflict = Conflict(
        reason=reason,
        entity=op.entity,
        entity_id=op.entity_id,
        mine=op.payload(),
        theirs=theirs,
        base_revision=op.base_revision,
        server_revision=server_revision,
    )
    return PushResult(op.op_id, Outcome.CONFLICT, message=message, conflict=conflict)


def stale(op: Op, theirs: dict[str, Any], revision: int) -> PushResult:
    """``op`` edited an older revision than the server's ``revision`` of ``theirs``."""
    return conflict(
        op,
        ConflictReason.STALE,
        theirs,
        revision,
        f"edited on the server since revision {op.base_revision} (now {revision})",
    )
