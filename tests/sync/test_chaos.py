"""The chaos run: 20 validators x 500 scores through a lossy network and a dying server.

A real server process on 127.0.0.1 (SQLite); each validator has their own store and
client, scores in five sittings and syncs after each while requests are dropped, replies
are lost after commit, requests arrive twice (in turn or racing), and the server is
killed (-9) mid-push and restarted on the same database three times. Then the faults
stop: within three syncs every outbox is empty, the server holds exactly the 10,000
scores that were saved, and both sides hash the same. Everything random is seeded.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sync_server import models
from sync_server.db import Database
from sync_server.records import score_record
from sync_server.settings import Settings
from tests.sync.chaos_network import Chaos, ChaosTransport
from tests.sync.chaos_validators import Validator, enlist, seeded_scores
from tests.sync.process import PASSWORD, ServerProcess, free_port, server_environment
from tests.sync.studio import digest
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.wire import Op, OpKind
from vividverse_desktop.store import LocalStore
from vividverse_desktop.sync import RetryPolicy, SyncClient, SyncError, synchronize

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("memory_keyring")]

SEED = 20261124
VALIDATORS = 20
SCORES_EACH = 500
SITTINGS = 5
SCRIPTS = 4
BATCH = 50
ROUNDS_AFTER = 3
DEADLINE_S = 180.0
"""A bound on the faulty phase (about 30 s on an idle 2-core machine)."""


async def pause(_seconds: float) -> None:
    """Backoff between retries: short and fixed, so the run does not depend on jitter."""
    await asyncio.sleep(0.05)


RETRY = RetryPolicy(attempts=3, base_delay=0.05, max_delay=0.2, sleep=pause)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    port = free_port()
    env = server_environment(tmp_path / "server", VIVIDVERSE_JWT_SECRET="c" * 48)
    command = [
        sys.executable, "-m", "sync_server", "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning",
    ]  # fmt: skip
    process = ServerProcess(command, env, port)
    process.start()
    try:
        yield process
    finally:
        process.stop()


async def score_and_sync(validator: Validator, started: float) -> None:
    """Save the scores in sittings, syncing after each; a failed sync is tried next time."""
    per_sitting = len(validator.scores) // SITTINGS
    for sitting in range(SITTINGS):
        chunk = validator.scores[sitting * per_sitting : (sitting + 1) * per_sitting]
        await asyncio.to_thread(_save, validator.store, chunk)
        try:
            await synchronize(validator.store, validator.client, batch_size=BATCH)
        except SyncError:
            validator.failed_syncs += 1
        assert time.monotonic() - started < DEADLINE_S, "the chaos phase ran too long"


def _save(store: LocalStore, events: list[ScoreEvent]) -> None:
    for event in events:
        store.save_score(event)


async def settle(validator: Validator) -> int:
    """Sync without faults until the outbox is empty; how many syncs that took."""
    for round_number in range(1, ROUNDS_AFTER + 1):
        report = await synchronize(validator.store, validator.client, batch_size=BATCH)
        outbox = await asyncio.to_thread(validator.store.outbox)
        if report.clean and not outbox:
            return round_number
    pytest.fail(f"{validator.username}: outbox not empty after {ROUNDS_AFTER} syncs")


def server_scores(server: ServerProcess) -> tuple[int, int, list[ScoreEvent], list[str]]:
    """Rows, distinct ids and events of the server's score table, and the payload hashes of
    the score ops it applied, sorted (read from its database file)."""
    database = Database(Settings.from_environ(server.env).database_url)
    try:
        with database.snapshot() as session:
            rows = session.scalar(select(func.count()).select_from(models.ScoreEvent)) or 0
            distinct = session.scalar(select(func.count(func.distinct(models.ScoreEvent.id))))
            events = [score_record(row) for row in session.scalars(select(models.ScoreEvent))]
            hashes = session.scalars(
                select(models.SyncOp.payload_sha256).where(models.SyncOp.kind == OpKind.SCORE.value)
            ).all()
    finally:
        database.dispose()
    return rows, distinct or 0, events, sorted(hashes)


@pytest.mark.slow
async def test_twenty_validators_lose_and_double_nothing_through_chaos(
    server: ServerProcess, tmp_path: Path
) -> None:
    """10,000 scores through drops, lost acks, duplicates and kills: all there exactly once."""
    started = time.monotonic()
    rng = random.Random(SEED)
    accounts, versions = await asyncio.to_thread(enlist, server.url, VALIDATORS, SCRIPTS)
    chaos = Chaos(server)
    validators: list[Validator] = []
    try:
        for index, (username, user_id) in enumerate(accounts):
            transport = ChaosTransport(chaos, random.Random(SEED + 1 + index))
            client = SyncClient(server.url, transport=transport, retry=RETRY)
            store = LocalStore.open(tmp_path / "devices" / f"{username}.sqlite3")
            validator = Validator(username, user_id, store, client)
            validators.append(validator)
            await client.login(username, PASSWORD)
            validator.scores = seeded_scores(
                rng, user_id, versions, SCORES_EACH, f"{username}-laptop"
            )
        await asyncio.gather(*(score_and_sync(v, started) for v in validators))
        await chaos.calm()
        rounds = await asyncio.gather(*(settle(v) for v in validators))

        assert chaos.restarts == len(chaos.kill_at)
        for fault in ("dropped requests", "dropped responses", "kills mid-push"):
            assert chaos.tally[fault] > 0, f"no {fault} happened: {chaos.tally}"
        assert chaos.tally["duplicated requests (in turn)"] > 0
        assert chaos.tally["duplicated requests (racing)"] > 0
        assert max(rounds) <= ROUNDS_AFTER
        assert sum(v.failed_syncs for v in validators) > 0, "no sync ever failed: no chaos"

        saved = [event for v in validators for event in v.scores]
        rows, distinct, on_server, op_hashes = await asyncio.to_thread(server_scores, server)
        assert (rows, distinct) == (VALIDATORS * SCORES_EACH, VALIDATORS * SCORES_EACH)
        held = [event for v in validators for event in v.store.score_events()]
        assert {e.id for e in on_server} == {e.id for e in saved} == {e.id for e in held}
        assert digest(on_server) == digest(saved) == digest(held)
        assert all(event.usn is not None for event in held)
        assert op_hashes == sorted(Op.of(event).payload_sha256 for event in saved)
    finally:
        await chaos.shutdown()
        for validator in validators:
            await validator.client.aclose()
            validator.store.close()
