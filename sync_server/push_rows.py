"""The rows a push inserts: score events and applied ops, rendered for the database.

A row is rendered (every value as the driver takes it, see :class:`BulkInsert`) once,
before the writing transaction when the caller can (:class:`RenderedRows`), so that
the transaction, which writers take in turn, only fills in the USN.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table
from sqlalchemy.engine import Dialect

from sync_server import models
from sync_server.accounts import Account
from sync_server.bulk import BulkInsert, KeyLookup, bulk_insert
from vividverse_desktop.core.declared import row_values
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.wire import Op

if TYPE_CHECKING:
    from sync_server.batch import PreparedPush

SCORES = cast(Table, models.ScoreEvent.__table__)
OPS = cast(Table, models.SyncOp.__table__)


def score_row(
    event: ScoreEvent,
    *,
    event_id: uuid.UUID,
    version_id: uuid.UUID,
    validator_id: uuid.UUID,
    received_at: datetime,
    usn: int,
) -> dict[str, Any]:
    """The ``score_events`` row of ``event``, by column."""
    return _event_columns(event) | {
        "id": event_id,
        "script_version_id": version_id,
        "validator_id": validator_id,
        "received_at": received_at,
        "usn": usn,
    }


def op_row(
    op: Op, *, key: uuid.UUID, user_id: uuid.UUID, digest: str, received_at: datetime, usn: int
) -> dict[str, Any]:
    """The ``sync_ops`` row recording that ``op`` was applied under ``usn``."""
    return {
        "op_id": key,
        "user_id": user_id,
        "kind": op.kind.value,
        "payload_sha256": digest,
        "usn": usn,
        "received_at": received_at,
    }


class RowWriter:
    """Rendered rows for one dialect, with their USN filled in; the look-ups of a push."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.scores: BulkInsert = bulk_insert(SCORES, dialect)
        self.ops: BulkInsert = bulk_insert(OPS, dialect)
        self.known_ops = KeyLookup(
            OPS, "op_id", ("op_id", "payload_sha256", "user_id", "usn"), dialect
        )
        """Applied ops by id: ``(op_id, payload_sha256, user_id, usn)``."""
        self.stored_scores = KeyLookup(SCORES, "id", ("id",), dialect)
        """Stored score events by id: ``(id,)``."""
        self._score_usn = self.scores.position("usn")
        self._op_usn = self.ops.position("usn")

    def score(self, template: list[Any], usn: int) -> list[Any]:
        """A copy of the rendered score row ``template`` under ``usn``."""
        row = list(template)
        row[self._score_usn] = usn
        return row

    def op(self, template: list[Any], usn: int) -> list[Any]:
        """A copy of the rendered op row ``template`` under ``usn``."""
        row = list(template)
        row[self._op_usn] = usn
        return row


@functools.lru_cache(maxsize=16)
def row_writer(dialect: Dialect) -> RowWriter:
    """The :class:`RowWriter` for ``dialect`` (made once)."""
    return RowWriter(dialect)


@dataclass(frozen=True, slots=True)
class RenderedRows:
    """The rows a push would insert if every op were applied; rendered, USN left blank."""

    dialect: Dialect
    scores: dict[str, list[Any]]
    """The score event row of each score op, by op id (as sent)."""
    ops: dict[uuid.UUID, list[Any]]
    """The ``sync_ops`` row of each op, by op id."""

    @classmethod
    def of(
        cls, prepared: PreparedPush, account: Account, dialect: Dialect, received_at: datetime
    ) -> RenderedRows:
        """Render the rows of ``prepared`` as pushed by ``account``; no database needed."""
        writer = row_writer(dialect)
        same = {"received_at": received_at, "usn": 0}
        render_score = writer.scores.renderer(same | {"validator_id": account.id})
        render_op = writer.ops.renderer(same | {"user_id": account.id})
        scores: dict[str, list[Any]] = {}
        ops: dict[uuid.UUID, list[Any]] = {}
        for item, digest in zip(prepared.items, prepared.digests, strict=True):
            if not isinstance(item, Op) or digest is None:
                continue
            key = prepared.op_keys[item.op_id]
            ops[key] = render_op({"op_id": key, "kind": item.kind.value, "payload_sha256": digest})
            body = item.body
            if not isinstance(body, ScoreEvent):
                continue
            version_id = prepared.version_keys.get(body.script_version_id)
            if version_id is not None:
                event = _event_columns(body)
                event["id"] = prepared.event_keys[body.id]
                event["script_version_id"] = version_id
                scores[item.op_id] = render_score(event)
        return cls(dialect, scores, ops)


def _event_columns(event: ScoreEvent) -> dict[str, Any]:
    """The columns of ``event``'s row that the event itself holds (not ids or USN)."""
    return row_values(event, skip=_GIVEN)


_GIVEN = ("id", "script_version_id", "validator_id", "usn")
"""The score event's fields whose columns a push fills from the database's keys."""
