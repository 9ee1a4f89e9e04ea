"""A seeded, lossy loopback network for the chaos run, and the server restarts it causes.

``Chaos`` is shared by every simulated validator: it holds the fault odds, the switch
that turns faults off, the tallies, and the real server process it kills (-9) and
starts again on the same database. Each validator talks through its own
``ChaosTransport`` (a real ``httpx.AsyncHTTPTransport`` to 127.0.0.1) with its own
seeded random generator, so one validator's faults do not shift another's.

Only the sync routes (``/api/sync/...``) misbehave; sign-in is left alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from dataclasses import dataclass, field

import httpx

from tests.sync.process import ServerProcess

SYNC_PREFIX = "/api/sync/"
PUSH_PATH = "/api/sync/push"
KILL_DELAY_S = 0.005
"""How long after a push leaves the client the server is killed (it is mid-batch then)."""
DOWN_TIME_S = 0.2
"""How long the server stays dead before it is started again."""


@dataclass(frozen=True, slots=True)
class FaultOdds:
    """The chance of each fault for one sync request (at most one fault per request)."""

    drop_request: float = 0.06
    drop_response: float = 0.06
    duplicate: float = 0.06

    def __post_init__(self) -> None:
        if self.drop_request + self.drop_response + self.duplicate > 1:
            raise ValueError("the odds of the faults must add up to at most 1")


@dataclass(slots=True)
class Chaos:
    """The faults of one run: odds, the on/off switch, restarts, and what happened."""

    server: ServerProcess
    odds: FaultOdds = field(default_factory=FaultOdds)
    kill_at: tuple[int, ...] = (40, 100, 160)
    """Kill the server during the first push sent after this many pushes (one kill each)."""
    enabled: bool = True
    pushes: int = 0
    restarts: int = 0
    tally: Counter[str] = field(default_factory=Counter)
    restarting: asyncio.Task[None] | None = None

    def kill_due(self) -> bool:
        """Whether the push being sent now should take the server down with it."""
        due = self.restarts + (self.restarting is not None)
        return (
            self.enabled
            and self.restarting is None
            and due < len(self.kill_at)
            and self.pushes >= self.kill_at[due]
        )

    def restart_soon(self) -> None:
        """Kill the server (-9) in a moment and start it again on the same database."""
        self.restarting = asyncio.ensure_future(self._restart())

    async def _restart(self) -> None:
        await asyncio.sleep(KILL_DELAY_S)
        self.tally["kills mid-push"] += 1
        await asyncio.to_thread(self.server.kill)
        await asyncio.sleep(DOWN_TIME_S)
        await asyncio.to_thread(self.server.start)
        self.restarts += 1
        self.restarting = None

    async def calm(self) -> None:
        """Stop every fault: wait for a restart under way, then let requests through whole."""
        if self.restarting is not None:
            await self.restarting
        self.enabled = False

    async def shutdown(self) -> None:
        """Let a restart under way finish (even a failing one), so none outlives the run."""
        self.enabled = False
        if self.restarting is not None:
            await asyncio.gather(self.restarting, return_exceptions=True)


class ChaosTransport(httpx.AsyncBaseTransport):
    """Real HTTP to the server, with the faults of ``chaos`` drawn from ``rng``."""

    def __init__(self, chaos: Chaos, rng: random.Random) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.chaos = chaos
        self.rng = rng

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        chaos = self.chaos
        if not chaos.enabled or not request.url.path.startswith(SYNC_PREFIX):
            return await self.inner.handle_async_request(request)
        body = await request.aread()
        if request.url.path == PUSH_PATH:
            chaos.pushes += 1
            if chaos.kill_due():
                return await self._kill_during(request, body)
        roll = self.rng.random()
        odds = chaos.odds
        if roll < odds.drop_request:
            chaos.tally["dropped requests"] += 1
            raise httpx.ConnectError("the request was lost on the way", request=request)
        roll -= odds.drop_request
        if roll < odds.drop_response:
            response = await self.inner.handle_async_request(_copy(request, body))
            await response.aread()
            await response.aclose()
            chaos.tally["dropped responses"] += 1
            raise httpx.ReadError("the connection reset after the server answered", request=request)
        roll -= odds.drop_response
        if roll < odds.duplicate:
            return await self._twice(request, body)
        return await self.inner.handle_async_request(_copy(request, body))

    async def _kill_during(self, request: httpx.Request, body: bytes) -> httpx.Response:
        """Send the request; the server is killed while it works on it."""
        self.chaos.restart_soon()
        return await self.inner.handle_async_request(_copy(request, body))

    async def _twice(self, request: httpx.Request, body: bytes) -> httpx.Response:
        """The request reaches the server twice, one after the other or both at once;
        the client sees the second answer."""
        if self.rng.random() < 0.5:
            self.chaos.tally["duplicated requests (in turn)"] += 1
            first = await self.inner.handle_async_request(_copy(request, body))
            await first.aread()
            await first.aclose()
            return await self.inner.handle_async_request(_copy(request, body))
        self.chaos.tally["duplicated requests (racing)"] += 1
        first_task = asyncio.ensure_future(self.inner.handle_async_request(_copy(request, body)))
        try:
            return await self.inner.handle_async_request(_copy(request, body))
        finally:
            [answer] = await asyncio.gather(first_task, return_exceptions=True)
            if isinstance(answer, httpx.Response):
                with contextlib.suppress(httpx.TransportError):
                    await answer.aread()
                await answer.aclose()

    async def aclose(self) -> None:
        await self.inner.aclose()


def _copy(request: httpx.Request, body: bytes) -> httpx.Request:
    return httpx.Request(request.method, request.url, headers=request.headers, content=body)
