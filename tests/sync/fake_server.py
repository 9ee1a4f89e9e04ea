"""An in-memory sync server that speaks the protocol of ``core.wire``, for client tests.

It is deliberately small: accounts with opaque tokens (rotated on refresh, a reused
refresh token is refused), idempotent push by op id and payload hash, and a USN-ordered
pull of the score events it accepted. Tests flip its switches (``forbidden``,
``expire_access``) to drive the client through each path.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.wire import (
    PULL_PAGE_SIZE,
    Change,
    Conflict,
    ConflictReason,
    Op,
    OpKind,
    Outcome,
    PullResponse,
    PushResponse,
    PushResult,
    RefusedOp,
    read_push,
)

USER_ID = "0b9a6f52-5d1e-4d47-9a57-3f0f1f4c2a10"


class FakeServer:
    """One validator account (``ada`` / ``PASSWORD``) and the protocol's two routes."""

    PASSWORD = "correct horse battery"

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self.access: set[str] = set()
        self.refresh: dict[str, bool] = {}  # token -> still usable
        self.ops: dict[str, tuple[str, int]] = {}  # op id -> (payload hash, usn)
        self.changes: list[Change] = []
        self.usn = 0
        self.forbidden: set[OpKind] = set()
        self.requests: list[str] = []
        self.pushes = 0

    # --- switches and views -----------------------------------------------------------

    def expire_access(self) -> None:
        """Every access token handed out so far stops working (as when they time out)."""
        self.access.clear()

    def scores(self) -> dict[str, ScoreEvent]:
        """The score events the server holds, by id."""
        found: dict[str, ScoreEvent] = {}
        for change in self.changes:
            record = change.record()
            if isinstance(record, ScoreEvent):
                found[record.id] = record
        return found

    # --- transport --------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        """An httpx transport answering from this server (yielding to the event loop first,
        so concurrent requests interleave as they would over a network)."""

        async def answer(request: httpx.Request) -> httpx.Response:
            await asyncio.sleep(0)
            return self.handle(request)

        return httpx.MockTransport(answer)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request."""
        path = request.url.path
        self.requests.append(f"{request.method} {path}")
        body = json.loads(request.content) if request.content else None
        if path == "/api/auth/login":
            if body == {"username": "ada", "password": self.PASSWORD}:
                return httpx.Response(200, json=self._pair())
            return _error(401, "wrong username or password")
        if path == "/api/auth/refresh":
            token = body["refresh_token"] if isinstance(body, dict) else None
            if not self.refresh.get(token or ""):
                return _error(401, "this refresh token was already used")
            self.refresh[token or ""] = False
            return httpx.Response(200, json=self._pair())
        if path == "/api/auth/logout":
            self.refresh = dict.fromkeys(self.refresh, False)
            return httpx.Response(204)
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.access:
            return _error(401, "invalid access token")
        if path == "/api/auth/me":
            return httpx.Response(200, json=_user())
        if path == "/api/sync/push":
            return httpx.Response(200, json=self._push(body).to_json())
        if path == "/api/sync/pull":
            since = int(request.url.params.get("since", "0"))
            limit = int(request.url.params.get("limit", str(PULL_PAGE_SIZE)))
            return httpx.Response(200, json=self._pull(since, limit).to_json())
        return _error(404, "no such route")

    # --- protocol ---------------------------------------------------------------------

    def _pair(self) -> dict[str, Any]:
        n = next(self._counter)
        access, refresh = f"access-{n}", f"refresh-{n}"
        self.access.add(access)
        self.refresh[refresh] = True
        return {"access_token": access, "refresh_token": refresh, "user": _user()}

    def _push(self, body: object) -> PushResponse:
        self.pushes += 1
        _device, items = read_push(body, rubric=None)
        results: list[PushResult] = []
        for op in items:
            if isinstance(op, RefusedOp):
                refused = op.result()
                if refused is not None:
                    results.append(refused)
                continue
            results.append(self._apply(op))
        return PushResponse(tuple(results))

    def _apply(self, op: Op) -> PushResult:
        known = self.ops.get(op.op_id)
        if known is not None:
            digest, usn = known
            if digest == op.payload_sha256:
                return PushResult(op.op_id, Outcome.DUPLICATE, usn=usn)
            conflict = Conflict(
                ConflictReason.PAYLOAD_MISMATCH, op.entity, op.entity_id, op.payload()
            )
            return PushResult(op.op_id, Outcome.CONFLICT, message="id reused", conflict=conflict)
        if op.kind in self.forbidden:
            return PushResult(op.op_id, Outcome.FORBIDDEN, message="this needs the role validator")
        self.usn += 1
        self.ops[op.op_id] = (op.payload_sha256, self.usn)
        if isinstance(op.body, ScoreEvent):
            self.changes.append(Change.of(op.body, self.usn))
        return PushResult(op.op_id, Outcome.ACCEPTED, usn=self.usn)

    def _pull(self, since: int, limit: int) -> PullResponse:
        newer = [change for change in self.changes if change.usn > since]
        page = tuple(newer[:limit])
        next_since = page[-1].usn if page else max(since, 0)
        return PullResponse(page, next_since, has_more=len(newer) > limit)


def _user() -> dict[str, Any]:
    return {
        "id": USER_ID,
        "username": "ada",
        "display_name": "Ada",
        "role": "validator",
        "disabled": False,
        "created_at": datetime(2026, 1, 1, tzinfo=UTC).isoformat(),
    }


def _error(status: int, detail: str) -> httpx.Response:
    return httpx.Response(status, json={"error": "error", "detail": detail})
