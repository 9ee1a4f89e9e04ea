"""What every route needs, built once per app: settings, database, hasher, tokens, throttle,
script readers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from sync_server.db import Database
from sync_server.passwords import PasswordHasher
from sync_server.score_store import LeaderboardCache
from sync_server.script_readers import ScriptReaders
from sync_server.settings import Settings
from sync_server.throttle import LoginThrottle
from sync_server.tokens import TokenIssuer

T = TypeVar("T")


@dataclass(slots=True)
class ServerContext:
    """The long-lived parts of one server app."""

    settings: Settings
    database: Database
    hasher: PasswordHasher
    tokens: TokenIssuer
    throttle: LoginThrottle
    readers: ScriptReaders
    leaderboard: LeaderboardCache = field(default_factory=LeaderboardCache)

    async def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a writing transaction on a worker thread (:meth:`Database.write`)."""
        return await run_in_threadpool(self.database.write, work)

    async def read(self, work: Callable[[Session], T]) -> T:
        """Run read-only ``work`` in one transaction on a worker thread."""
        return await run_in_threadpool(self._in_snapshot, work)

    def _in_snapshot(self, work: Callable[[Session], T]) -> T:
        with self.database.snapshot() as session:
            return work(session)


def context_of(request: Request) -> ServerContext:
    """The :class:`ServerContext` of the app serving ``request``."""
    context = request.app.state.context
    assert isinstance(context, ServerContext)
    return context
