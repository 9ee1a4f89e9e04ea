"""Pushes applied together in one pass answer as if they had been sent one after another."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from sync_server import models
from sync_server.accounts import Account, account_by_id
from sync_server.batch import PreparedPush
from sync_server.context import ServerContext
from sync_server.push import PushWork, apply_pushes
from sync_server.push_rows import RenderedRows
from tests.sync_server.test_sync import Device, _device, _submitted, score
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.wire import Op, OpKind, PushResponse
from vividverse_desktop.core.workflow import Status

pytestmark = pytest.mark.anyio


def _accounts(context: ServerContext, *devices: Device) -> list[Account]:
    with context.database.snapshot() as session:
        found = [account_by_id(session, uuid.UUID(device.user_id)) for device in devices]
    assert all(account is not None for account in found)
    return [account for account in found if account is not None]


def _outcomes(response: PushResponse) -> list[str]:
    return [result.outcome.value for result in response.results]


async def test_pushes_applied_in_one_pass_see_each_other(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    """Later pushes of a pass find the ops and scores of earlier ones; the quorum is settled."""
    context: ServerContext = app.state.context
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    v1, v2, v3 = [await _device(client, f"val{i}", "validator") for i in range(3)]
    a1, a2, a3 = _accounts(context, v1, v2, v3)
    first = Op.of(score(v1, submission.version_id, 7))
    second = Op.of(score(v1, submission.version_id, 8))
    assert isinstance(first.body, ScoreEvent)
    stolen_id = Op(first.op_id, OpKind.SCORE, score(v2, submission.version_id, 3), first.created_at)
    stolen_event = replace(score(v2, submission.version_id, 4), id=first.body.id)
    again = Op.of(second.body)  # the same score under a new op id
    pushes = [
        (a1, [first, second]),
        (a2, [Op.of(score(v2, submission.version_id, 6)), stolen_id, Op.of(stolen_event)]),
        (a1, [first, again]),
        (a3, [Op.of(score(v3, submission.version_id, 9))]),
    ]
    with context.database.transaction() as session:
        responses = apply_pushes(session, pushes)
    assert [_outcomes(r) for r in responses] == [
        ["accepted", "accepted"],
        ["accepted", "conflict", "conflict"],
        ["duplicate", "duplicate"],
        ["accepted"],
    ]
    assert responses[2].results[0].usn == responses[0].results[0].usn
    assert responses[2].results[1].usn == responses[0].results[1].usn
    statuses = [c.record().status for c in await writer.pull_all() if c.entity.value == "script"]
    assert statuses == [Status.VALIDATED]
    scores = [c for c in await v1.pull_all() if c.entity.value == "score_event"]
    assert len(scores) == 2


async def test_rows_rendered_before_the_transaction_store_the_same_scores(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    """A push whose rows were rendered beforehand stores what one rendered inside stores."""
    context: ServerContext = app.state.context
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    v1, v2 = [await _device(client, f"val{i}", "validator") for i in range(2)]
    a1, a2 = _accounts(context, v1, v2)
    ops1 = [Op.of(score(v1, submission.version_id, n)) for n in (5, 6)]
    ops2 = [Op.of(score(v2, submission.version_id, n)) for n in (5, 6)]
    prepared = PreparedPush.of(ops1)
    received = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)  # tells the rendered rows apart
    rendered = RenderedRows.of(prepared, a1, context.database.dialect, received)
    responses = [
        context.database.write(PushWork(a1, prepared, rendered)),
        context.database.write(PushWork(a2, PreparedPush.of(ops2))),
    ]
    assert [_outcomes(r) for r in responses] == [["accepted"] * 2] * 2
    pulled = {}
    for device in (v1, v2):
        for change in await device.pull_all():
            if change.entity.value == "score_event":
                pulled[change.id] = change.record()
    for op in ops1 + ops2:
        stored = pulled[op.body.id]  # type: ignore[union-attr]
        assert stored == op.body
    with context.database.snapshot() as session:
        scores = select(models.ScoreEvent.id, models.ScoreEvent.received_at)
        ops = select(models.SyncOp.op_id, models.SyncOp.received_at)
        times = {row[0]: row[1] for row in session.execute(scores)}
        op_times = {row[0]: row[1] for row in session.execute(ops)}
    for op in ops1:
        assert times[uuid.UUID(op.body.id)] == received  # type: ignore[union-attr]
        assert op_times[uuid.UUID(op.op_id)] == received
    for op in ops2:
        assert times[uuid.UUID(op.body.id)] > received  # type: ignore[union-attr]
