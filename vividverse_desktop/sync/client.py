"""The HTTP side of sync: sign in, push a batch of ops, pull a page of changes.

:class:`SyncClient` wraps an ``httpx.AsyncClient`` (injectable: tests pass a mock
transport or the real server app through ``httpx.ASGITransport``). Every request goes
through one retry loop: transport errors and 5xx are retried with bounded backoff, a 429
is waited out when its Retry-After is short and reported otherwise. Failures become
:mod:`~vividverse_desktop.sync.errors` exceptions whose messages a user can act on.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any

import httpx

from vividverse_desktop.core.wire import (
    Op,
    Outcome,
    PullResponse,
    PushRequest,
    PushResponse,
    PushResult,
    UserRecord,
    WireError,
)
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.sync.auth import REFRESH_PATH, TokenAuth, TokenPair
from vividverse_desktop.sync.errors import (
    AccountRefused,
    BodyTooLarge,
    ProtocolViolation,
    RateLimited,
    ServerFailure,
    ServerUnreachable,
    SessionEnded,
    SyncError,
    WrongCredentials,
)
from vividverse_desktop.sync.keychain import Keychain
from vividverse_desktop.sync.retry import RETRIED_STATUSES, RetryPolicy, retry_after

PUSH_PATH = "/api/sync/push"
PULL_PATH = "/api/sync/pull"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class SyncClient:
    """One user's connection to one sync server.

    ``http`` is used as given (and not closed); without it the client makes its own,
    over ``transport`` when one is given. ``keychain`` keeps the refresh token (the OS
    keyring for ``server_url`` unless another is passed); every keyring call is made on a
    worker thread, never on the event loop.
    """

    def __init__(
        self,
        server_url: str,
        *,
        http: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        keychain: Keychain | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        url = httpx.URL(server_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"not an http(s) server address: {server_url!r}")
        self.server_url = server_url.rstrip("/")
        self._owns_http = http is None
        self.http = http or httpx.AsyncClient(transport=transport, timeout=DEFAULT_TIMEOUT)
        self.keychain = keychain if keychain is not None else Keychain(self.server_url)
        self.retry = retry or RetryPolicy()
        self.auth = TokenAuth(self._url(REFRESH_PATH), on_rotate=self._keep)
        self.user: UserRecord | None = None
        self.username: str | None = None

    async def __aenter__(self) -> SyncClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this object made it."""
        if self._owns_http:
            await self.http.aclose()

    @property
    def signed_in(self) -> bool:
        """Whether the client holds tokens (they may still turn out to be revoked)."""
        return self.auth.tokens is not None

    @property
    def refresh_token_kept(self) -> bool:
        """Whether the refresh token is kept in a keyring for the next session (this asks
        the keyring on the calling thread: on an event loop, use :meth:`keeps_refresh_token`)."""
        return self.keychain.usable

    async def keeps_refresh_token(self) -> bool:
        """Whether the refresh token is kept in a keyring, asked on a worker thread."""
        return await self.keychain.ausable()

    # --- session ----------------------------------------------------------------------

    async def register(
        self, username: str, password: str, role: Role, *, display_name: str = ""
    ) -> UserRecord:
        """Create an account (writers and validators may sign themselves up); no sign-in.

        Other roles need this client signed in as an admin. Raises ``AccountRefused``
        with the server's reason (a taken username, a weak password, a role that needs
        an admin), ``ServerUnreachable`` or ``ServerFailure``.
        """
        body = {"username": username, "password": password, "role": role.value}
        if display_name:
            body["display_name"] = display_name
        response = await self._send(
            "POST",
            "/api/auth/register",
            json=body,
            authenticated=self.signed_in,
            patient=False,
        )
        if response.status_code in (403, 409, 422):
            raise AccountRefused(_detail(response))
        await self._check(response)
        user = _user(_body(response))
        if user is None:
            raise ProtocolViolation("the server's register reply is not a user")
        return user

    async def login(self, username: str, password: str) -> UserRecord:
        """Sign in with a password; keeps the refresh token in the keyring when one exists.

        Raises ``WrongCredentials``, ``AccountRefused``, ``RateLimited``,
        ``ServerUnreachable`` or ``ServerFailure``.
        """
        response = await self._send(
            "POST",
            "/api/auth/login",
            json={"username": username, "password": password},
            authenticated=False,
            patient=False,
        )
        if response.status_code in (401, 422):
            raise WrongCredentials(f"wrong username or password for {self.server_url}")
        if response.status_code == 403:
            raise AccountRefused(f"{username} may not sign in: {_detail(response)}")
        await self._check(response)
        tokens = TokenPair.from_json(_body(response))
        if tokens is None:
            raise ProtocolViolation("the server's login reply carries no tokens")
        self.username = username.strip().lower()
        self.auth.tokens = tokens
        self.auth.session_ended = None
        await self._keep(tokens)
        self.user = _user(_body(response).get("user"))
        return self.user if self.user is not None else await self.me()

    async def resume(self, username: str) -> UserRecord | None:
        """Sign in with the refresh token kept for ``username``; ``None`` if that is not possible.

        A kept token the server no longer accepts is forgotten.
        """
        kept = await self.keychain.aload(username)
        if kept is None:
            return None
        response = await self._send(
            "POST", REFRESH_PATH, json={"refresh_token": kept}, authenticated=False
        )
        if response.status_code in (401, 403, 422):
            await self.keychain.aforget(username)
            return None
        await self._check(response)
        tokens = TokenPair.from_json(_body(response))
        if tokens is None:
            raise ProtocolViolation("the server's refresh reply carries no tokens")
        self.username = username.strip().lower()
        self.auth.tokens = tokens
        await self._keep(tokens)
        self.user = _user(_body(response).get("user"))
        return self.user if self.user is not None else await self.me()

    async def logout(self) -> None:
        """End the session on the server (best effort) and forget every token here."""
        tokens, username = self.auth.tokens, self.username
        self.auth.tokens = None
        self.user = None
        if username is not None:
            await self.keychain.aforget(username)
        if tokens is None:
            return
        try:
            await self._send(
                "POST",
                "/api/auth/logout",
                json={"refresh_token": tokens.refresh_token},
                authenticated=False,
            )
        except SyncError:
            return  # the tokens are gone here; the server's family expires on its own

    async def me(self) -> UserRecord:
        """The signed-in user as the server knows them now."""
        response = await self._send("GET", "/api/auth/me")
        await self._check(response)
        user = _user(_body(response))
        if user is None:
            raise ProtocolViolation("the server's /api/auth/me reply is not a user")
        self.user = user
        return user

    # --- protocol ---------------------------------------------------------------------

    async def push(self, device_id: str, ops: Sequence[Op]) -> PushResponse:
        """Send one batch; the reply names the ops it settled (see ``core.wire``).

        A whole-request 403 (the role may not push at all) is answered as if the reply
        named every op ``forbidden``, so they stay in the outbox, listed.
        """
        request = PushRequest(device_id, tuple(ops))
        response = await self._send("POST", PUSH_PATH, json=request.to_json())
        if response.status_code == 413:
            raise BodyTooLarge(f"the server refused a batch of {len(ops)} ops as too large", 413)
        if response.status_code == 403:
            message = _detail(response)
            return PushResponse(
                tuple(PushResult(op.op_id, Outcome.FORBIDDEN, message=message) for op in ops)
            )
        await self._check(response)
        try:
            return PushResponse.from_json(_body(response))
        except WireError as exc:
            raise ProtocolViolation(f"the server's push reply is malformed: {exc}") from None

    async def pull(self, since: int, limit: int | None = None) -> PullResponse:
        """The page of changes after ``since`` (at most ``limit`` when given)."""
        params: dict[str, int] = {"since": since}
        if limit is not None:
            params["limit"] = limit
        response = await self._send("GET", PULL_PATH, params=params)
        await self._check(response)
        # Reading a page checks every record (~0.1-0.3 ms each): off the event loop, so a
        # GUI sharing it does not stall for a whole page.
        return await asyncio.to_thread(_read_page, response, since)

    # --- other routes (sync.publishing) -------------------------------------------------

    async def authorized(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One request as the signed-in user, sent once (a 401 renews the session through
        the auth flow and sends it again); the response, whatever its status.

        Raises ``SessionEnded`` when not signed in, ``ServerUnreachable`` when the server
        does not answer.
        """
        if self.auth.tokens is None:
            raise SessionEnded(self.auth.session_ended or "sign in first")
        try:
            return await self.http.request(
                method, self._url(path), json=json, params=params, auth=self.auth
            )
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"cannot reach {self.server_url}: {exc}") from exc

    async def stream(
        self,
        method: str,
        path: str,
        body: Callable[[], AsyncIterable[bytes]],
        *,
        size: int,
        content_type: str,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send a large body as the signed-in user without holding it in memory.

        ``body()`` makes the byte stream (``size`` bytes). The access token is sent
        directly (the auth flow would keep the whole body to send it again); on a 401
        the session is renewed with one small request and a fresh ``body()`` sent once
        more. Raises ``SessionEnded`` or ``ServerUnreachable``.
        """
        headers = {"Content-Type": content_type, "Content-Length": str(size)}
        response = await self._stream_once(method, path, body, headers, params)
        if response.status_code == 401:
            await self.me()  # renews the access token through the auth flow
            response = await self._stream_once(method, path, body, headers, params)
        return response

    async def _stream_once(
        self,
        method: str,
        path: str,
        body: Callable[[], AsyncIterable[bytes]],
        headers: Mapping[str, str],
        params: Mapping[str, str] | None,
    ) -> httpx.Response:
        tokens = self.auth.tokens
        if tokens is None:
            raise SessionEnded(self.auth.session_ended or "sign in first")
        sent = {**headers, "Authorization": f"Bearer {tokens.access_token}"}
        try:
            return await self.http.request(
                method, self._url(path), params=params, headers=sent, content=body()
            )
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"cannot reach {self.server_url}: {exc}") from exc

    # --- plumbing ---------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self.server_url}{path}"

    async def _keep(self, tokens: TokenPair) -> None:
        if self.username is not None:
            await self.keychain.asave(self.username, tokens.refresh_token)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, int] | None = None,
        authenticated: bool = True,
        patient: bool = True,
    ) -> httpx.Response:
        """One request with bounded retries; returns the final response (any status).

        A 429 is waited out only when ``patient`` (a login throttled for failures is
        reported at once: trying the same password again would not help).
        """
        if authenticated and self.auth.tokens is None:
            raise SessionEnded(self.auth.session_ended or "sign in first")
        policy = self.retry
        for attempt in range(1, policy.attempts + 1):
            last = attempt == policy.attempts
            try:
                response = await self.http.request(
                    method,
                    self._url(path),
                    json=json,
                    params=params,
                    auth=self.auth if authenticated else None,
                )
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                raise ServerUnreachable(
                    f"{self.server_url} is not a usable address: {exc}"
                ) from exc
            except httpx.TransportError as exc:
                if last:
                    raise ServerUnreachable(
                        f"cannot reach the sync server at {self.server_url} "
                        f"({type(exc).__name__}: {exc or 'no answer'}); "
                        "check the address and your network, then sync again"
                    ) from exc
                await policy.sleep(policy.backoff(attempt))
                continue
            if response.status_code in RETRIED_STATUSES and not last:
                await policy.sleep(policy.backoff(attempt))
                continue
            if response.status_code == 429:
                wait = retry_after(response.headers.get("retry-after"))
                if patient and wait is not None and wait <= policy.max_wait and not last:
                    await policy.sleep(wait)
                    continue
                when = "later" if wait is None else f"in {wait:.0f} s"
                raise RateLimited(
                    f"the sync server is busy and asked us to wait; try again {when}", wait
                )
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    async def _check(self, response: httpx.Response) -> None:
        """Raise the error a non-2xx ``response`` stands for."""
        status = response.status_code
        if status < 300:
            return
        if status == 401:
            self.auth.tokens = None
            if self.username is not None:
                await self.keychain.aforget(self.username)
            reason = self.auth.session_ended or _detail(response)
            raise SessionEnded(f"your session has ended ({reason}); sign in again")
        if status >= 500:
            raise ServerFailure(
                f"the sync server failed (HTTP {status}) {self.retry.attempts} times in a row; "
                "nothing was lost, sync again later",
                status,
            )
        raise ServerFailure(
            f"the sync server refused the request (HTTP {status}): {_detail(response)}", status
        )


def _read_page(response: httpx.Response, since: int) -> PullResponse:
    try:
        return PullResponse.from_json(_body(response), since=since)
    except WireError as exc:
        raise ProtocolViolation(f"the server's pull page is malformed: {exc}") from None


def _body(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        raise ProtocolViolation(
            f"the server's reply to {response.request.url.path} is not JSON"
        ) from None
    if not isinstance(data, dict):
        raise ProtocolViolation(
            f"the server's reply to {response.request.url.path} is not an object"
        )
    return data


def _detail(response: httpx.Response) -> str:
    """The server's error detail as one line (field problems joined)."""
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase or f"HTTP {response.status_code}"
    detail = data.get("detail") if isinstance(data, dict) else None
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        parts = [
            f"{item.get('field')}: {item.get('message')}" if isinstance(item, dict) else str(item)
            for item in detail
        ]
        return "; ".join(parts)
    return response.reason_phrase or f"HTTP {response.status_code}"


def _user(data: object) -> UserRecord | None:
    """A user from the server's account JSON (snake_case) or a wire ``UserRecord``;
    without ``roles`` (an older server) the user holds ``role`` alone."""
    if not isinstance(data, dict):
        return None
    try:
        role = Role(str(data.get("role")))
        listed = data.get("roles")
        roles = frozenset(Role(str(name)) for name in listed) if isinstance(listed, list) else None
        return UserRecord(
            id=str(data["id"]),
            username=str(data["username"]),
            display_name=str(data.get("display_name") or data.get("displayName") or ""),
            role=Role.primary(roles) if roles else role,
            disabled=bool(data.get("disabled", False)),
            roles=roles or frozenset({role}),
        )
    except (KeyError, ValueError):
        return None
