"""A real server process killed (-9) while a batch is on its way, then restarted."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

import httpx
import pytest

from tests.core.scoring.builders import score
from tests.sync.process import (
    PASSWORD,
    ServerProcess,
    free_port,
    prepare_studio,
    server_environment,
)
from tests.sync.studio import digest
from vividverse_desktop.store import LocalStore
from vividverse_desktop.sync import RetryPolicy, SyncClient, SyncError, synchronize

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("memory_keyring")]


class KillDuringPush(httpx.AsyncBaseTransport):
    """Sends the ``nth`` push and kills the server a moment after it starts on it."""

    def __init__(self, server: ServerProcess, nth: int) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.server = server
        self.left = nth
        self.killed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/sync/push" and not self.killed:
            self.left -= 1
            if self.left == 0:
                self.killed = True
                sending = asyncio.ensure_future(self.inner.handle_async_request(request))
                await asyncio.sleep(0.005)
                await asyncio.to_thread(self.server.kill)
                # The server may have committed the batch and even answered within those
                # 5 ms; the client never learns which: its answer dies with the server.
                with contextlib.suppress(httpx.HTTPError):
                    answered = await sending
                    await answered.aclose()
                raise httpx.ConnectError("the server was killed during this batch")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.mark.slow
async def test_a_server_killed_mid_batch_loses_and_doubles_nothing(tmp_path: Path) -> None:
    """Killed during the 3rd batch, restarted: the next sync leaves exactly the saved scores."""
    port = free_port()
    env = server_environment(tmp_path / "server", VIVIDVERSE_JWT_SECRET="k" * 48)
    command = [sys.executable, "-m", "sync_server", "--host", "127.0.0.1", "--port", str(port)]
    server = ServerProcess(command, env, port)
    server.start()
    try:
        validator_id, version_id = prepare_studio(server.url)
        events = [score(version_id, validator_id) for _ in range(250)]
        with LocalStore.open(tmp_path / "client.sqlite3") as store:
            for event in events:
                store.save_score(event)
            killer = KillDuringPush(server, nth=3)
            retry = RetryPolicy(attempts=2, base_delay=0.01)
            async with SyncClient(server.url, transport=killer, retry=retry) as client:
                await client.login("vera", PASSWORD)
                with pytest.raises(SyncError, match="cannot reach"):
                    await synchronize(store, client, batch_size=50)
                assert killer.killed
                assert len(store.outbox()) >= 150
                server.start()
                report = await synchronize(store, client, batch_size=50)
            assert report.clean, report.problems
            assert report.accepted + report.duplicates == report.pushed >= 150
            assert store.outbox() == ()
        with LocalStore.open(tmp_path / "check.sqlite3") as check:
            async with SyncClient(server.url) as reader:
                await reader.login("vera", PASSWORD)
                await synchronize(check, reader)
            assert digest(check.score_events()) == digest(events)
    finally:
        server.stop()
