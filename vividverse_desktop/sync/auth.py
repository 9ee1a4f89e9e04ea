"""The bearer-token auth flow: refresh on 401, retry once, rotate the refresh token.

:class:`TokenAuth` is an ``httpx.Auth`` flow object. It adds the access token to each
request; when the server answers 401 it exchanges the refresh token for a new pair
(``POST /api/auth/refresh``, sent through the same client and transport), hands the
rotated refresh token to ``on_rotate`` (awaited: the keychain, which stores it off the
event loop) and sends the request once more.
Refreshes are serialised, so two requests that fail together rotate the token once:
presenting an already-rotated refresh token would make the server end the session.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from dataclasses import dataclass

import httpx

REFRESH_PATH = "/api/auth/refresh"


@dataclass(frozen=True, slots=True)
class TokenPair:
    """An access token (memory only) and a refresh token (memory and keyring)."""

    access_token: str
    refresh_token: str

    @classmethod
    def from_json(cls, data: object) -> TokenPair | None:
        """The pair in a login or refresh reply, or ``None`` if the reply carries none."""
        if not isinstance(data, dict):
            return None
        access, refresh = data.get("access_token"), data.get("refresh_token")
        if isinstance(access, str) and access and isinstance(refresh, str) and refresh:
            return cls(access, refresh)
        return None

    def __repr__(self) -> str:
        return "TokenPair(access_token='***', refresh_token='***')"


class TokenAuth(httpx.Auth):
    """Bearer auth with refresh-on-401; ``session_ended`` says why the last refresh failed."""

    requires_request_body = True

    def __init__(
        self,
        refresh_url: str,
        tokens: TokenPair | None = None,
        on_rotate: Callable[[TokenPair], Awaitable[None]] | None = None,
    ) -> None:
        self.refresh_url = refresh_url
        self.tokens = tokens
        self.on_rotate = on_rotate
        self.session_ended: str | None = None
        self._lock = asyncio.Lock()

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        """Not supported: the sync client runs on asyncio only."""
        raise RuntimeError("TokenAuth works with httpx.AsyncClient only")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Send with the access token; on 401 refresh once and send again."""
        await request.aread()  # the body is sent again if a refresh is needed
        sent_with = self.tokens
        if sent_with is not None:
            request.headers["Authorization"] = f"Bearer {sent_with.access_token}"
        response = yield request
        if response.status_code != 401 or sent_with is None:
            return
        async with self._lock:
            if self.tokens is sent_with:  # nobody refreshed while this request was out
                refresh = httpx.Request(
                    "POST", self.refresh_url, json={"refresh_token": sent_with.refresh_token}
                )
                reply = yield refresh
                await reply.aread()
                if reply.status_code not in (200, 401, 403):
                    return  # the server is failing or busy: the caller may try again later
                fresh = TokenPair.from_json(_json(reply)) if reply.status_code == 200 else None
                if fresh is None:
                    self.tokens = None
                    self.session_ended = _detail(reply)
                    return
                self.tokens = fresh
                self.session_ended = None
                if self.on_rotate is not None:
                    await self.on_rotate(fresh)
            current = self.tokens
        if current is None:
            return
        request.headers["Authorization"] = f"Bearer {current.access_token}"
        yield request


def _json(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _detail(response: httpx.Response) -> str:
    body = _json(response)
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return str(body["detail"])
    return f"the server refused to renew the session (HTTP {response.status_code})"
