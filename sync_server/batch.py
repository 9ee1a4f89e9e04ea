"""One push batch in progress: the pusher, its USNs, caches, and the per-op results."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from sync_server import models, score_store
from sync_server.accounts import Account
from sync_server.score_store import VersionInfo
from sync_server.usn import UsnSequence
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.wire import Conflict, ConflictReason, Op, Outcome, PushResult


@dataclass(slots=True)
class Batch:
    """What applying one batch needs: the pusher, USNs, and a few look-up caches."""

    session: Session
    account: Account
    usns: UsnSequence
    touched_scripts: set[uuid.UUID] = field(default_factory=set)
    versions: dict[uuid.UUID, VersionInfo | None] = field(default_factory=dict)
    score_ids: set[uuid.UUID] = field(default_factory=set)
    new_scores: dict[uuid.UUID, tuple[ScoreEvent, int]] = field(default_factory=dict)
    score_rows: list[dict[str, Any]] = field(default_factory=list)
    op_rows: list[dict[str, Any]] = field(default_factory=list)

    def write_pending(self) -> None:
        """Insert the rows collected so far in bulk (one statement per table)."""
        if self.score_rows:
            self.session.execute(insert(models.ScoreEvent), self.score_rows)
            self.score_rows = []
        if self.op_rows:
            self.session.execute(insert(models.SyncOp), self.op_rows)
            self.op_rows = []

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
