"""Push batches applied in bulk: per-op answers, quorum counting, pulled scores, writer turns."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event as sql_event

from sync_server.db import Database
from tests.sync_server.test_sync import Device, _device, _submitted, score
from vividverse_desktop.core.wire import Op, OpKind
from vividverse_desktop.core.workflow import Status

pytestmark = pytest.mark.anyio


async def _script_status(writer: Device) -> list[Status]:
    return [c.record().status for c in await writer.pull_all() if c.entity.value == "script"]


async def test_one_op_id_with_two_payloads_in_one_batch_is_accepted_then_a_conflict(
    client: httpx.AsyncClient,
) -> None:
    """The second op reusing an id within the same batch is a payload_mismatch conflict."""
    submission = await _submitted(await _device(client, "ada"))
    validator = await _device(client, "val1", "validator")
    op = Op.of(score(validator, submission.version_id, 7))
    forged = Op(op.op_id, OpKind.SCORE, score(validator, submission.version_id, 3), op.created_at)
    results = (await validator.push(op, forged, op)).results
    assert [r.outcome.value for r in results] == ["accepted", "conflict", "duplicate"]
    assert results[1].conflict is not None
    assert results[1].conflict.reason.value == "payload_mismatch"
    assert results[2].usn == results[0].usn


async def test_many_scores_from_two_validators_are_no_quorum(client: httpx.AsyncClient) -> None:
    """Quorum counts validators, not events: two validators' 40 scores leave it pending."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    first = await _device(client, "val1", "validator")
    second = await _device(client, "val2", "validator")
    for validator in (first, second):
        ops = [Op.of(score(validator, submission.version_id, 1 + n % 10)) for n in range(20)]
        results = (await validator.push(*ops)).results
        assert {r.outcome.value for r in results} == {"accepted"}
    assert await _script_status(writer) == [Status.PENDING_VALIDATION]
    third = await _device(client, "val3", "validator")
    await third.push(Op.of(score(third, submission.version_id)))
    assert await _script_status(writer) == [Status.VALIDATED]


async def test_score_naming_a_version_that_is_not_a_uuid_is_invalid(
    client: httpx.AsyncClient,
) -> None:
    """A score whose scriptVersionId is no UUID is answered invalid; the batch goes on."""
    submission = await _submitted(await _device(client, "ada"))
    validator = await _device(client, "val1", "validator")
    bad = Op.of(score(validator, submission.version_id)).to_json()
    bad["payload"]["scriptVersionId"] = "not-a-version"
    good = Op.of(score(validator, submission.version_id)).to_json()
    response = await validator.client.post(
        "/api/sync/push",
        json={"deviceId": "device-1", "ops": [bad, good]},
        headers=validator.headers,
    )
    assert response.status_code == 200, response.text
    outcomes = [r["outcome"] for r in response.json()["results"]]
    assert outcomes == ["invalid", "accepted"]


async def test_pulled_scores_carry_the_events_as_pushed(client: httpx.AsyncClient) -> None:
    """Each pulled score is the pushed event with its usn: same wire data, same record."""
    submission = await _submitted(await _device(client, "ada"))
    validator = await _device(client, "val1", "validator")
    events = [score(validator, submission.version_id, 1 + n) for n in range(5)]
    results = (await validator.push(*(Op.of(event) for event in events))).results
    usns = {event.id: result.usn for event, result in zip(events, results, strict=True)}
    pulled = [c for c in await validator.pull_all() if c.entity.value == "score_event"]
    assert len(pulled) == len(events)
    for event, change in zip(events, pulled, strict=True):
        assert change.usn == usns[event.id]
        assert dict(change.data) == event.with_usn(change.usn).to_json()
        assert change.record() == event


@pytest.mark.parametrize("instances", [1, 2], ids=["one-process", "two-processes"])
def test_sqlite_writer_waits_for_its_turn_without_a_connection(
    tmp_path: Path, instances: int
) -> None:
    """On SQLite a second writer takes a connection only once the first has ended.

    Two ``Database`` objects on one file stand for two server processes (``--workers 2``).
    """
    url = f"sqlite:///{tmp_path / 'turns.sqlite3'}"
    databases = [Database(url) for _ in range(instances)]
    databases[0].migrate()
    first_db, second_db = databases[0], databases[-1]
    first_in, release = threading.Event(), threading.Event()
    order: list[str] = []
    for database in databases:
        sql_event.listen(
            database.write_engine, "checkout", lambda *_: order.append("connection taken")
        )

    def first() -> None:
        with first_db.transaction() as session:
            session.connection()
            order.append("first begins")
            first_in.set()
            release.wait(5)
            order.append("first ends")

    def second() -> None:
        first_in.wait(5)
        with second_db.transaction() as session:
            session.connection()
            order.append("second begins")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    try:
        for thread in threads:
            thread.start()
        first_in.wait(5)
        time.sleep(0.2)  # room for the second writer to take a connection too early
        release.set()
        for thread in threads:
            thread.join(10)
    finally:
        for database in databases:
            database.dispose()
    assert order == [
        "connection taken",
        "first begins",
        "first ends",
        "connection taken",
        "second begins",
    ]
