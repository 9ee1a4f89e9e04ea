"""The sync client against a real server process on 127.0.0.1, over real HTTP."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.scoring.builders import score
from tests.sync.process import (
    PASSWORD,
    free_port,
    prepare_studio,
    served,
    server_environment,
)
from tests.sync.studio import digest
from vividverse_desktop.store import LocalStore
from vividverse_desktop.sync import RetryPolicy, ServerUnreachable, SyncClient, synchronize

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("memory_keyring")]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = server_environment(tmp_path / "server", VIVIDVERSE_JWT_SECRET="p" * 48)
    command = [sys.executable, "-m", "sync_server", "--host", "127.0.0.1", "--port", str(port)]
    with served(command, env, port) as base_url:
        yield base_url


async def test_two_devices_meet_through_a_real_server(server: str, tmp_path: Path) -> None:
    """Device A pushes 300 scores over HTTP; device B pulls exactly those, hashes equal."""
    validator_id, version_id = prepare_studio(server)
    events = [score(version_id, validator_id) for _ in range(300)]
    with (
        LocalStore.open(tmp_path / "a.sqlite3") as first,
        LocalStore.open(tmp_path / "b.sqlite3") as second,
    ):
        for event in events:
            first.save_score(event)
        async with SyncClient(server) as client:
            await client.login("vera", PASSWORD)
            pushed = await synchronize(first, client)
        async with SyncClient(server) as client:
            await client.login("vera", PASSWORD)
            pulled = await synchronize(second, client)
        assert (pushed.accepted, pushed.batches) == (300, 2)
        assert pulled.pulled >= 300
        assert first.outbox() == ()
        assert digest(second.score_events()) == digest(events) == digest(first.score_events())


async def test_a_port_nobody_listens_on_is_reported_unreachable() -> None:
    """Connection refused on loopback becomes ServerUnreachable after the bounded retries."""
    retry = RetryPolicy(attempts=2, base_delay=0.01)
    async with SyncClient(f"http://127.0.0.1:{free_port()}", retry=retry) as client:
        with pytest.raises(ServerUnreachable, match="cannot reach"):
            await client.login("vera", PASSWORD)
