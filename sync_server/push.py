"""Applying a pushed batch of ops in one transaction (``POST /api/sync/push``).

The protocol is the wire package's (``vividverse_desktop.core.wire``). Here:

- The transaction first locks the USN counter, so a batch runs after any other writer
  has committed and sees its rows: a retry racing the original finds it and is a
  duplicate, never a second copy.
- An op id already applied with the same payload hash is ``duplicate`` (with the usn
  it was applied under); with another hash, or by another user, it is a
  ``payload_mismatch`` conflict. Only applied ops are recorded, so a refused op can be
  sent again later (after an admin restores a role, say).
- Each kind checks, in this order: the pusher's roles may do this at all (``forbidden``,
  from ``core.capabilities``),
  the record exists (``invalid``), the edit is based on the current revision (``stale``
  conflict carrying the server's record), then the rules of the change (``invalid``,
  or ``forbidden`` for a workflow move the role may not make).
- Status moves go through ``workflow.transition`` only; the system's own moves (quorum
  reached, render finished or failed) are made in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync_server import models, score_store
from sync_server.access import may_revise
from sync_server.accounts import Account
from sync_server.batch import Batch, PreparedPush, accepted, conflict, refused, stale
from sync_server.group_commit import MergedWork
from sync_server.movie_store import decision_op, note_op, progress_op, reply_op
from sync_server.push_rows import RenderedRows
from sync_server.records import script_record
from sync_server.score_store import OWN_SCRIPT, SCORABLE, Stored
from sync_server.scores import check_event_limits
from sync_server.screenplays import Measured
from sync_server.usn import UsnSequence
from vividverse_desktop.core.capabilities import Action
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.wire import (
    ConflictReason,
    MovieDecision,
    MovieProgress,
    NoteReplyEdit,
    Op,
    Outcome,
    PushResponse,
    PushResult,
    RefusedOp,
    ScriptMetadata,
    ScriptRevision,
    ScriptSubmission,
)
from vividverse_desktop.core.workflow import Status, move_exists, moves_others_scripts, transition

REVISABLE = frozenset({Status.DRAFT, Status.PENDING_VALIDATION, Status.REJECTED})
"""Statuses in which a script takes a new version (not once validated or beyond)."""
"""Movie statuses (any letter case) that end the script's Generating status."""


def apply_push(
    session: Session, account: Account, items: PreparedPush | Sequence[Op | RefusedOp]
) -> PushResponse:
    """Apply the ops of one push as ``account``, in order, in the caller's transaction.

    ``items`` may be prepared beforehand (:meth:`PreparedPush.of`), outside the
    transaction, which then does only what needs the database.
    """
    return apply_pushes(session, [(account, items)])[0]


def apply_pushes(
    session: Session,
    pushes: Sequence[tuple[Account, PreparedPush | Sequence[Op | RefusedOp]]],
    rendered: Sequence[RenderedRows | None] = (),
) -> list[PushResponse]:
    """Apply several pushes in the caller's transaction, in order; one response each.

    Each push sees what the ones before it applied, as if they had been sent one after
    another as a single batch: ids are looked up once for all of them, rows are
    inserted in bulk and the quorum is settled once, at the end. ``rendered`` may hold
    each push's rows, rendered beforehand (:meth:`RenderedRows.of`).
    """
    prepared = [
        items if isinstance(items, PreparedPush) else PreparedPush.of(items)
        for _account, items in pushes
    ]
    if not prepared:
        return []
    usns = UsnSequence(session).lock()
    shared = Batch(session, pushes[0][0], usns)
    known = shared.known_ops(key for push in prepared for key in push.op_keys.values())
    if any(push.event_keys for push in prepared):
        shared.look_up_scores(prepared)
    rows = list(rendered) or [None] * len(prepared)
    responses = [
        _apply_items(shared.of(account, push, push_rows), push, known)
        for (account, _items), push, push_rows in zip(pushes, prepared, rows, strict=True)
    ]
    shared.write_pending()
    score_store.settle_quorum(session, usns, shared.touched_scripts)
    usns.store()
    return responses


def _apply_items(
    batch: Batch, prepared: PreparedPush, known: dict[uuid.UUID, tuple[str, uuid.UUID, int]]
) -> PushResponse:
    """The results of one push's ops; ``known`` holds every op id applied so far."""
    account = batch.account
    keys = prepared.op_keys
    results: list[PushResult] = []
    for item, digest in zip(prepared.items, prepared.digests, strict=True):
        if isinstance(item, RefusedOp):
            unreadable = item.result()
            if unreadable is not None:
                results.append(unreadable)
            continue
        assert digest is not None
        key = keys[item.op_id]
        held = known.get(key)
        if held is not None:
            if held[:2] == (digest, account.id):
                results.append(PushResult(item.op_id, Outcome.DUPLICATE, usn=held[2]))
            else:
                results.append(
                    conflict(
                        item,
                        ConflictReason.PAYLOAD_MISMATCH,
                        None,
                        message="this op id was already used for a different op",
                    )
                )
            continue
        if not isinstance(item.body, ScoreEvent):
            batch.write_pending()  # other kinds query freely; they must see earlier rows
        result = apply_op(batch, item)
        if result.outcome.settled:
            assert result.usn is not None
            batch.add_op(item, key, digest, result.usn)
            known[key] = (digest, account.id, result.usn)
        results.append(result)
    return PushResponse(tuple(results))


@dataclass(frozen=True, slots=True)
class PushWork(MergedWork[PushResponse]):
    """One push as a writing job; pushes waiting together are applied in one pass."""

    account: Account
    prepared: PreparedPush
    rendered: RenderedRows | None = None

    @classmethod
    def run_all(cls, session: Session, jobs: Sequence[PushWork]) -> list[PushResponse]:
        """Apply the pushes of ``jobs`` in order (:func:`apply_pushes`)."""
        return apply_pushes(
            session,
            [(job.account, job.prepared) for job in jobs],
            [job.rendered for job in jobs],
        )


def apply_op(batch: Batch, op: Op) -> PushResult:
    """Apply one op that the server has not seen; the result names it."""
    body = op.body
    if isinstance(body, ScoreEvent):
        return _score(batch, op, body)
    if isinstance(body, ScriptSubmission):
        return _submit(batch, op, body)
    if isinstance(body, ScriptRevision):
        return _revise(batch, op, body)
    if isinstance(body, ScriptMetadata):
        return _edit_script(batch, op, body)
    if isinstance(body, MovieProgress):
        return progress_op(batch, op, body)
    if isinstance(body, MovieDecision):
        return decision_op(batch, op, body)
    if isinstance(body, NoteReplyEdit):
        return reply_op(batch, op, body)
    return note_op(batch, op, body)


def _score(batch: Batch, op: Op, event: ScoreEvent) -> PushResult:
    account = batch.account
    reason = account.capabilities.reason(Action.SCORE_SCRIPT)
    if reason is not None:
        return refused(op, Outcome.FORBIDDEN, reason)
    if event.validator_id != batch.account_text:
        return refused(op, Outcome.FORBIDDEN, "a score must be your own (validatorId)")
    problem = check_event_limits(event)
    if problem is not None:
        return refused(op, Outcome.INVALID, problem)
    version_key = batch.version_key(event.script_version_id)
    version = None if version_key is None else batch.version(version_key)
    if version is None:
        return refused(op, Outcome.INVALID, f"no script version {event.script_version_id}")
    if version.author_id == account.id:
        return refused(op, Outcome.FORBIDDEN, OWN_SCRIPT)
    if version.status not in SCORABLE:
        return refused(op, Outcome.INVALID, f"the script is {version.status}: it takes no scores")
    event_id = batch.event_key(event.id)
    if event_id in batch.new_scores:  # sent twice in this batch under two op ids
        first, usn = batch.new_scores[event_id]
        outcome, held = (Stored.DUPLICATE if first == event else Stored.CONFLICT), first
    elif event_id in batch.score_ids:
        outcome, held = score_store.store_score(batch.session, batch.usns, event)
        usn = held.usn or 0
    else:
        outcome, held = Stored.ACCEPTED, event
        usn = batch.add_score(op.op_id, event, event_id, version.version_id)
        batch.new_scores[event_id] = (event, usn)
    if outcome is Stored.CONFLICT:
        # Another validator's event under this id: say so, never show it (scores are blind).
        theirs = held.with_usn(usn).to_json() if held.validator_id == batch.account_text else None
        return conflict(
            op,
            ConflictReason.PAYLOAD_MISMATCH,
            theirs,
            message=f"score {event.id} is already stored with other values",
        )
    if outcome is Stored.DUPLICATE:
        return PushResult(op.op_id, Outcome.DUPLICATE, usn=usn)
    batch.touched_scripts.add(version.script_id)
    return accepted(op, usn)


def _submit(batch: Batch, op: Op, body: ScriptSubmission) -> PushResult:
    account, session = batch.account, batch.session
    caps = account.capabilities
    reason = caps.reason(Action.SUBMIT_SCRIPT)
    if reason is not None:
        return refused(op, Outcome.FORBIDDEN, reason)
    script_id, version_id = uuid.UUID(body.script_id), uuid.UUID(body.version_id)
    held = session.get(models.Script, script_id)
    if held is not None:
        visible = held.author_id == account.id or caps.can(Action.READ_ALL_SCRIPTS)
        theirs = script_record(held).to_json() if visible else None
        return conflict(
            op, ConflictReason.PAYLOAD_MISMATCH, theirs, message="this script id is taken"
        )
    if session.get(models.ScriptVersion, version_id) is not None:
        return refused(op, Outcome.INVALID, f"versionId {version_id} is taken")
    measured = batch.measure(op, body.fountain_text)
    if isinstance(measured, str):
        return refused(op, Outcome.INVALID, measured)
    status = transition(Status.DRAFT, Status.PENDING_VALIDATION, account.roles, is_author=True)
    now = models.utc_now()
    session.add(
        models.Script(
            id=script_id,
            author_id=account.id,
            title=body.title.strip(),
            status=status.value,
            revision=1,
            created_at=now,
            updated_at=now,
            usn=batch.usns.take(),
        )
    )
    session.flush()
    usn = batch.usns.take()
    session.add(
        _version_row(
            body, version_id=version_id, script_id=script_id, n=1, measured=measured, usn=usn
        )
    )
    return accepted(op, usn)


def _version_row(
    body: ScriptSubmission | ScriptRevision,
    *,
    version_id: uuid.UUID,
    script_id: uuid.UUID,
    n: int,
    measured: Measured,
    usn: int,
) -> models.ScriptVersion:
    return models.ScriptVersion(
        id=version_id,
        script_id=script_id,
        n=n,
        content_sha256=body.content_sha256,
        fountain_text=body.fountain_text,
        source_format=body.source_format.value,
        source_file_key=None,
        stats_json=measured.stats,
        created_at=models.utc_now(),
        usn=usn,
        blind_text=measured.blind_text,
        blind_sha256=measured.blind_sha256,
    )


def _revise(batch: Batch, op: Op, body: ScriptRevision) -> PushResult:
    account, session = batch.account, batch.session
    reason = account.capabilities.reason(Action.REVISE_OWN_SCRIPT, Action.REVISE_ANY_SCRIPT)
    if reason is not None:
        return refused(op, Outcome.FORBIDDEN, reason)
    script = session.get(models.Script, uuid.UUID(body.script_id))
    if script is None:
        return refused(op, Outcome.INVALID, f"no script {body.script_id}")
    if not may_revise(account, script.author_id):
        return refused(op, Outcome.FORBIDDEN, "only the script's author may revise it")
    version_id = uuid.UUID(body.version_id)
    if session.get(models.ScriptVersion, version_id) is not None:
        return refused(op, Outcome.INVALID, f"versionId {version_id} is taken")
    if Status(script.status) not in REVISABLE:
        return refused(
            op, Outcome.INVALID, f"the script is {script.status}: it takes no new version"
        )
    measured = batch.measure(op, body.fountain_text)
    if isinstance(measured, str):
        return refused(op, Outcome.INVALID, measured)
    latest = session.scalar(
        select(func.max(models.ScriptVersion.n)).where(models.ScriptVersion.script_id == script.id)
    )
    usn = batch.usns.take()
    session.add(
        _version_row(
            body,
            version_id=version_id,
            script_id=script.id,
            n=(latest or 0) + 1,
            measured=measured,
            usn=usn,
        )
    )
    session.flush()
    batch.touched_scripts.add(script.id)
    return accepted(op, usn)


def _edit_script(batch: Batch, op: Op, body: ScriptMetadata) -> PushResult:
    account, session = batch.account, batch.session
    caps = account.capabilities
    reason = caps.reason(Action.MOVE_SCRIPT)
    if reason is not None:
        return refused(op, Outcome.FORBIDDEN, reason)
    script = session.get(models.Script, uuid.UUID(body.script_id))
    if script is None:
        return refused(op, Outcome.INVALID, f"no script {body.script_id}")
    is_author = script.author_id == account.id
    if body.title is not None and not may_revise(account, script.author_id):
        return refused(op, Outcome.FORBIDDEN, "only the script's author or an admin retitles it")
    if not is_author and not moves_others_scripts(account.roles):
        return refused(op, Outcome.FORBIDDEN, "only the script's author may edit it")
    if body.base_revision != script.revision:
        return stale(op, script_record(script).to_json(), script.revision)
    current = Status(script.status)
    target = body.status
    if target is not None and target is not current:
        try:
            transition(current, target, account.roles, is_author=is_author)
        except ValueError as exc:
            # A move the table has was refused for the roles (or authorship).
            outcome = Outcome.FORBIDDEN if move_exists(current, target) else Outcome.INVALID
            return refused(op, outcome, str(exc))
        script.status = target.value
        if target is Status.PENDING_VALIDATION:
            _announce_latest_version(batch, script.id)
            batch.touched_scripts.add(script.id)
    if body.title is not None:
        script.title = body.title.strip()
    script.revision += 1
    script.updated_at = models.utc_now()
    script.usn = batch.usns.take()
    return accepted(op, script.usn)


def _announce_latest_version(batch: Batch, script_id: uuid.UUID) -> None:
    """Give the newest version a fresh usn: validators pull versions of pending scripts."""
    version = batch.session.scalars(
        select(models.ScriptVersion)
        .where(models.ScriptVersion.script_id == script_id)
        .order_by(models.ScriptVersion.n.desc())
        .limit(1)
    ).first()
    if version is not None:
        version.usn = batch.usns.take()
