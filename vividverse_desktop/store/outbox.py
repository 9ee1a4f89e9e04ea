"""The outbox: ops made here and not yet settled by the server, in the order they were made.

An op leaves the outbox only when a push reply names it as accepted or duplicate.
A conflicting, forbidden or invalid op stays, visible with the server's message, until
the user retries, rebases (``keep_mine``) or discards it; conflicts are kept beside it.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from vividverse_desktop.core.changes import ChangeLog, Subject
from vividverse_desktop.core.wire import (
    Conflict,
    ConflictReason,
    MovieDecision,
    MovieProgress,
    NoteReplyEdit,
    Op,
    OpKind,
    Outcome,
    PushResult,
    Record,
    ReviewNoteEdit,
    ScriptMetadata,
    canonical_json,
    decode_record,
    entity_of,
    new_id,
)
from vividverse_desktop.store.effects import apply_op
from vividverse_desktop.store.engine import StoreError
from vividverse_desktop.store.rows import TABLES
from vividverse_desktop.store.schema import (
    ConflictRow,
    OutboxRow,
    ScoreEventRow,
    ScriptRow,
    ScriptVersionRow,
)


class OutboxStatus(enum.StrEnum):
    """Where an op in the outbox stands."""

    PENDING = "pending"
    """Waiting to be pushed (again)."""
    CONFLICT = "conflict"
    """The server answered 409; see the conflict kept for it."""
    FORBIDDEN = "forbidden"
    """The server answered 403 (e.g. the role was revoked)."""
    INVALID = "invalid"
    """The server refused the op as breaking a rule."""


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """An op in the outbox, where it stands and the server's message about it."""

    seq: int
    op: Op
    status: OutboxStatus
    message: str


@dataclass(frozen=True, slots=True)
class ConflictEntry:
    """A conflict kept for the user: the op, both versions, and the server's message."""

    op_id: str
    conflict: Conflict
    message: str
    recorded_at: datetime


def _op_json(op: Op) -> str:
    return canonical_json(op.to_json()).decode("utf-8")


def _op(row: OutboxRow) -> Op:
    return Op.from_json(json.loads(row.op_json), rubric=None)


def _entry(row: OutboxRow) -> OutboxEntry:
    return OutboxEntry(row.seq, _op(row), OutboxStatus(row.status), row.message)


_EDITS = frozenset(
    {
        OpKind.REVIEW_NOTE,
        OpKind.MOVIE_PROGRESS,
        OpKind.SCRIPT_METADATA,
        OpKind.MOVIE_DECISION,
        OpKind.NOTE_REPLY,
    }
)


def snapshot(session: Session, op: Op) -> Record | None:
    """The record an edit op is about to change, as it is now (``None`` for creations)."""
    if op.kind not in _EDITS:
        return None
    spec = TABLES[op.entity]
    row = session.get(spec.model, op.entity_id)
    return None if row is None else spec.read(row)


def enqueue(session: Session, op: Op, log: ChangeLog, before: Record | None = None) -> None:
    """Append ``op`` to the outbox as pending; ``StoreError`` if its id is already there.

    ``before`` is the record the op changed, as it was (see :func:`snapshot`).
    """
    if session.scalar(select(OutboxRow.seq).where(OutboxRow.op_id == op.op_id)) is not None:
        raise StoreError(f"op {op.op_id} is already in the outbox")
    session.add(
        OutboxRow(
            op_id=op.op_id,
            kind=op.kind.value,
            entity_id=op.entity_id,
            op_json=_op_json(op),
            before_json=None if before is None else canonical_json(before.to_json()).decode(),
            payload_sha256=op.payload_sha256,
            status=OutboxStatus.PENDING.value,
            message="",
        )
    )
    log.add(Subject.OUTBOX, op.op_id)


def entries(session: Session) -> tuple[OutboxEntry, ...]:
    """Every op in the outbox, oldest first."""
    rows = session.scalars(select(OutboxRow).order_by(OutboxRow.seq))
    return tuple(_entry(row) for row in rows)


def pending(session: Session, limit: int) -> tuple[Op, ...]:
    """The oldest ``limit`` pending ops, in the order they were made."""
    texts = session.scalars(
        select(OutboxRow.op_json)
        .where(OutboxRow.status == OutboxStatus.PENDING.value)
        .order_by(OutboxRow.seq)
        .limit(limit)
    )
    return tuple(Op.from_json(json.loads(text), rubric=None) for text in texts)


def conflicts(session: Session) -> tuple[ConflictEntry, ...]:
    """Conflicts kept for the user, oldest first."""
    rows = session.scalars(select(ConflictRow).order_by(ConflictRow.seq))
    return tuple(
        ConflictEntry(row.op_id, _conflict(row), row.message, row.recorded_at) for row in rows
    )


def _conflict(row: ConflictRow) -> Conflict:
    return Conflict.from_json(json.loads(row.conflict_json))


def settle(session: Session, results: Iterable[PushResult], log: ChangeLog) -> None:
    """Record the server's answers; only ops the answers name are touched."""
    answers = list(results)
    found = session.execute(
        select(OutboxRow.op_id, OutboxRow.kind, OutboxRow.entity_id).where(
            OutboxRow.op_id.in_({result.op_id for result in answers})
        )
    )
    held = {row[0]: (row[1], row[2]) for row in found}
    done: list[str] = []
    scored: list[dict[str, object]] = []
    marked: list[dict[str, object]] = []
    for result in answers:
        known = held.pop(result.op_id, None)
        if known is None:
            continue  # not ours, or already settled by an earlier answer
        kind, entity_id = known
        log.add(Subject.OUTBOX, result.op_id)
        if result.outcome.settled:
            done.append(result.op_id)
            if kind == OpKind.SCORE.value and result.usn is not None:
                scored.append({"event_id": entity_id, "usn": result.usn})
                log.add(Subject.SCORE_EVENTS, entity_id)
            continue
        status = OutboxStatus(result.outcome.value).value
        marked.append({"key": result.op_id, "status": status, "message": result.message})
        if result.outcome is Outcome.CONFLICT and result.conflict is not None:
            _keep_conflict(session, result.op_id, result.conflict, result.message, log)
    connection = session.connection()
    if done:
        session.execute(delete(OutboxRow).where(OutboxRow.op_id.in_(done)))
        session.execute(delete(ConflictRow).where(ConflictRow.op_id.in_(done)))
    if marked:
        outbox = cast(Table, OutboxRow.__table__)
        connection.execute(
            update(outbox)
            .where(outbox.c.op_id == bindparam("key"))
            .values(status=bindparam("status"), message=bindparam("message")),
            marked,
        )
    if scored:
        # Mutable records and server-numbered versions arrive with the next pull; a score
        # is immutable, so the local event simply takes the usn it was accepted under.
        events = cast(Table, ScoreEventRow.__table__)
        connection.execute(
            update(events)
            .where(events.c.id == bindparam("event_id"), events.c.usn.is_(None))
            .values(usn=bindparam("usn")),
            scored,
        )


def _keep_conflict(
    session: Session, op_id: str, conflict: Conflict, message: str, log: ChangeLog
) -> None:
    session.execute(delete(ConflictRow).where(ConflictRow.op_id == op_id))
    session.add(
        ConflictRow(
            op_id=op_id,
            conflict_json=canonical_json(conflict.to_json()).decode("utf-8"),
            message=message,
            recorded_at=datetime.now(UTC),
        )
    )
    log.add(Subject.CONFLICTS, op_id)


def _held(session: Session, op_id: str) -> OutboxRow:
    row = session.scalars(select(OutboxRow).where(OutboxRow.op_id == op_id)).first()
    if row is None:
        raise StoreError(f"op {op_id} is not in the outbox")
    return row


def _their_record(session: Session, op_id: str) -> Conflict | None:
    row = session.scalars(select(ConflictRow).where(ConflictRow.op_id == op_id)).first()
    return None if row is None else _conflict(row)


def discard(session: Session, op_id: str, log: ChangeLog) -> None:
    """Drop an op the user gives up on, and undo what it did locally where that is known.

    A record it created that the server never accepted is removed; a record it edited
    is reset to the server's version kept with its conflict, or else to what it was
    before the edit.
    """
    row = _held(session, op_id)
    op = _op(row)
    conflict = _their_record(session, op_id)
    restored = conflict is not None and _restore_theirs(session, conflict, log)
    if not restored and row.before_json is not None:
        _restore(session, decode_record(op.entity, json.loads(row.before_json)), log)
    elif not restored:
        _drop_unsent_creation(session, op, log)
    session.execute(delete(ConflictRow).where(ConflictRow.op_id == op_id))
    session.delete(row)
    log.add(Subject.OUTBOX, op_id)
    log.add(Subject.CONFLICTS, op_id)


def _restore_theirs(session: Session, conflict: Conflict, log: ChangeLog) -> bool:
    """Write the server's record kept with a conflict over the local one; False if none."""
    if conflict.theirs is None:
        return False
    _restore(session, decode_record(conflict.entity, conflict.theirs), log)
    return True


def _restore(session: Session, record: Record, log: ChangeLog) -> None:
    """Write ``record`` over the row holding it (its usn is left as it is)."""
    entity = entity_of(record)
    spec = TABLES[entity]
    target = session.get(spec.model, record.id)
    if target is not None:
        spec.fill(target, record)
        log.add(Subject.of(entity), record.id)


def _drop_unsent_creation(session: Session, op: Op, log: ChangeLog) -> None:
    if op.kind in (OpKind.SCORE, OpKind.REVIEW_NOTE, OpKind.NOTE_REPLY):
        model = TABLES[op.entity].model
        session.execute(delete(model).where(model.id == op.entity_id, model.usn.is_(None)))
        log.add(Subject.of(op.entity), op.entity_id)
    elif op.kind in (OpKind.SUBMIT_SCRIPT, OpKind.NEW_SCRIPT_VERSION):
        body = op.payload()
        session.execute(
            delete(ScriptVersionRow).where(
                ScriptVersionRow.id == body["versionId"], ScriptVersionRow.usn.is_(None)
            )
        )
        log.add(Subject.SCRIPT_VERSIONS, body["versionId"])
        if op.kind is OpKind.SUBMIT_SCRIPT:
            session.execute(
                delete(ScriptRow).where(ScriptRow.id == body["scriptId"], ScriptRow.usn.is_(None))
            )
            log.add(Subject.SCRIPTS, body["scriptId"])


def retry(session: Session, op_ids: Iterable[str], log: ChangeLog) -> None:
    """Put forbidden or invalid ops back to pending (e.g. after a role is granted again)."""
    for op_id in op_ids:
        row = _held(session, op_id)
        if row.status == OutboxStatus.CONFLICT.value:
            raise StoreError(f"op {op_id} is in conflict: keep yours or discard it")
        row.status = OutboxStatus.PENDING.value
        row.message = ""
        log.add(Subject.OUTBOX, op_id)


def keep_mine(session: Session, op_id: str, user_id: str, log: ChangeLog) -> Op:
    """Resolve a conflict for the local version: the op is replaced, in place, by a new one.

    A stale edit is rebased on the server's revision; an op whose id the server knew with
    another payload gets a fresh id. Either way it is pending again.
    """
    row = _held(session, op_id)
    conflict = _their_record(session, op_id)
    if row.status != OutboxStatus.CONFLICT.value or conflict is None:
        raise StoreError(f"op {op_id} is not in conflict")
    op = _op(row)
    body = op.body
    if conflict.reason is ConflictReason.STALE:
        if conflict.server_revision is None or not isinstance(
            body, ReviewNoteEdit | MovieProgress | ScriptMetadata | MovieDecision | NoteReplyEdit
        ):
            raise StoreError(f"op {op_id} cannot be rebased")
        body = replace(body, base_revision=conflict.server_revision)
    fresh = Op(new_id(), op.kind, body, op.created_at)
    session.execute(delete(ConflictRow).where(ConflictRow.op_id == op_id))
    row.op_id = fresh.op_id
    row.op_json = _op_json(fresh)
    row.payload_sha256 = fresh.payload_sha256
    row.status = OutboxStatus.PENDING.value
    row.message = ""
    if conflict.reason is ConflictReason.STALE:
        _restore_theirs(session, conflict, log)
        if conflict.theirs is not None:
            row.before_json = canonical_json(dict(conflict.theirs)).decode()
        apply_op(session, fresh, user_id, log)
    log.add(Subject.OUTBOX, op_id)
    log.add(Subject.OUTBOX, fresh.op_id)
    log.add(Subject.CONFLICTS, op_id)
    return fresh
