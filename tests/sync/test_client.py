"""The sync client's session and its answers to a failing network or server."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from keyring.backends import fail

from tests.sync.conftest import SERVER_URL, Naps
from tests.sync.fake_server import FakeServer
from tests.sync.memory_keyring import MemoryKeyring
from vividverse_desktop.sync import (
    SERVICE,
    Keychain,
    RateLimited,
    RetryPolicy,
    ServerFailure,
    ServerUnreachable,
    SessionEnded,
    SyncClient,
    WrongCredentials,
    account_key,
)

pytestmark = pytest.mark.anyio

KEY = (SERVICE, account_key(SERVER_URL, "ada"))


def client_for(transport: httpx.AsyncBaseTransport, retry: RetryPolicy) -> SyncClient:
    return SyncClient(SERVER_URL, transport=transport, retry=retry)


async def test_login_keeps_only_the_refresh_token_in_the_keyring(
    fake: FakeServer, memory_keyring: MemoryKeyring, retry: RetryPolicy
) -> None:
    """After a login the keyring holds the refresh token under the server URL and user."""
    async with client_for(fake.transport(), retry) as client:
        user = await client.login("ada", FakeServer.PASSWORD)
    assert user.username == "ada"
    assert memory_keyring.secrets == {KEY: "refresh-1"}


async def test_a_wrong_password_is_reported_and_nothing_is_kept(
    fake: FakeServer, memory_keyring: MemoryKeyring, retry: RetryPolicy
) -> None:
    """A refused password raises WrongCredentials naming the server; the keyring stays empty."""
    async with client_for(fake.transport(), retry) as client:
        with pytest.raises(WrongCredentials, match="wrong username or password"):
            await client.login("ada", "not it")
        assert not client.signed_in
    assert memory_keyring.secrets == {}


async def test_without_a_usable_keyring_nothing_is_stored(
    fake: FakeServer, retry: RetryPolicy
) -> None:
    """With the fail backend the login works and the refresh token is simply not kept."""
    keychain = Keychain(SERVER_URL, backend=fail.Keyring())  # type: ignore[no-untyped-call]
    client = SyncClient(SERVER_URL, transport=fake.transport(), keychain=keychain, retry=retry)
    async with client:
        await client.login("ada", FakeServer.PASSWORD)
        assert client.signed_in
        assert not client.refresh_token_kept
        assert await client.resume("ada") is None


async def test_a_new_session_resumes_from_the_kept_refresh_token(
    fake: FakeServer, memory_keyring: MemoryKeyring, retry: RetryPolicy
) -> None:
    """A second client signs in without a password and keeps the rotated token."""
    async with client_for(fake.transport(), retry) as first:
        await first.login("ada", FakeServer.PASSWORD)
    async with client_for(fake.transport(), retry) as second:
        user = await second.resume("ada")
        assert user is not None
        assert (await second.me()).id == user.id
    assert memory_keyring.secrets == {KEY: "refresh-2"}
    assert fake.refresh["refresh-1"] is False


async def test_a_kept_token_the_server_refuses_is_forgotten(
    fake: FakeServer, memory_keyring: MemoryKeyring, retry: RetryPolicy
) -> None:
    """Resuming with a revoked refresh token gives None and clears it from the keyring."""
    memory_keyring.secrets[KEY] = "refresh-revoked"
    async with client_for(fake.transport(), retry) as client:
        assert await client.resume("ada") is None
    assert memory_keyring.secrets == {}


async def test_an_expired_access_token_is_refreshed_and_the_request_retried(
    fake: FakeServer, memory_keyring: MemoryKeyring, retry: RetryPolicy
) -> None:
    """On 401 the client refreshes once, repeats the request, and keeps the new token."""
    async with client_for(fake.transport(), retry) as client:
        await client.login("ada", FakeServer.PASSWORD)
        fake.expire_access()
        page = await client.pull(0)
    assert page.changes == ()
    assert fake.requests[-3:] == [
        "GET /api/sync/pull",
        "POST /api/auth/refresh",
        "GET /api/sync/pull",
    ]
    assert memory_keyring.secrets == {KEY: "refresh-2"}


async def test_requests_failing_together_refresh_the_token_once(
    fake: FakeServer, memory_keyring: MemoryKeyring, retry: RetryPolicy
) -> None:
    """Three requests that all meet a 401 share one refresh (a second would be a reuse)."""
    async with client_for(fake.transport(), retry) as client:
        await client.login("ada", FakeServer.PASSWORD)
        fake.expire_access()
        await asyncio.gather(client.pull(0), client.pull(0), client.me())
    assert fake.requests.count("POST /api/auth/refresh") == 1


async def test_a_refused_refresh_ends_the_session(
    fake: FakeServer, memory_keyring: MemoryKeyring, retry: RetryPolicy
) -> None:
    """When the refresh token is refused too, SessionEnded asks to sign in again."""
    async with client_for(fake.transport(), retry) as client:
        await client.login("ada", FakeServer.PASSWORD)
        fake.expire_access()
        fake.refresh = dict.fromkeys(fake.refresh, False)
        with pytest.raises(SessionEnded, match="sign in again"):
            await client.pull(0)
        assert not client.signed_in
    assert memory_keyring.secrets == {}


async def test_logout_ends_the_session_on_the_server_and_here(
    fake: FakeServer, memory_keyring: MemoryKeyring, retry: RetryPolicy
) -> None:
    """After logout the keyring is empty and the old refresh token no longer works."""
    async with client_for(fake.transport(), retry) as client:
        await client.login("ada", FakeServer.PASSWORD)
        await client.logout()
        assert not client.signed_in
        with pytest.raises(SessionEnded):
            await client.pull(0)
    assert memory_keyring.secrets == {}
    assert not any(fake.refresh.values())


async def test_an_unreachable_server_is_tried_a_bounded_number_of_times(
    retry: RetryPolicy, naps: Naps
) -> None:
    """Connection refused on every try: four tries, three growing pauses, then a clear error."""
    tries: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        tries.append(request)
        raise httpx.ConnectError("connection refused", request=request)

    async with client_for(httpx.MockTransport(refuse), retry) as client:
        with pytest.raises(ServerUnreachable, match=r"cannot reach the sync server at http://sync"):
            await client.login("ada", "whatever-password")
    assert len(tries) == 4
    assert len(naps.taken) == 3
    assert naps.taken[0] <= 0.25 < naps.taken[2] <= 1.0


async def test_server_errors_are_retried_until_one_succeeds(
    fake: FakeServer, retry: RetryPolicy, naps: Naps
) -> None:
    """Two 503s then a good answer: the caller only sees the good answer."""
    failures = iter([503, 502])

    def flaky(request: httpx.Request) -> httpx.Response:
        status = next(failures, None)
        if status is not None:
            return httpx.Response(status, json={"error": "unavailable", "detail": "busy"})
        return fake.handle(request)

    async with client_for(httpx.MockTransport(flaky), retry) as client:
        user = await client.login("ada", FakeServer.PASSWORD)
    assert user.username == "ada"
    assert len(naps.taken) == 2


async def test_a_server_that_keeps_failing_is_reported_after_the_last_try(
    retry: RetryPolicy, naps: Naps
) -> None:
    """Every answer a 500: four tries, then ServerFailure with the status."""
    tries = 0

    def broken(request: httpx.Request) -> httpx.Response:
        nonlocal tries
        tries += 1
        return httpx.Response(500, json={"error": "internal_error", "detail": "oops"})

    async with client_for(httpx.MockTransport(broken), retry) as client:
        with pytest.raises(ServerFailure, match="HTTP 500") as caught:
            await client.login("ada", "whatever-password")
    assert caught.value.status == 500
    assert tries == 4


async def test_a_short_retry_after_is_waited_out(
    fake: FakeServer, retry: RetryPolicy, naps: Naps
) -> None:
    """A 429 with Retry-After: 2 on a pull makes the client wait 2 s and try again."""
    answered = False

    def busy_once(request: httpx.Request) -> httpx.Response:
        nonlocal answered
        if request.url.path == "/api/sync/pull" and not answered:
            answered = True
            return httpx.Response(429, headers={"Retry-After": "2"}, json={"detail": "slow down"})
        return fake.handle(request)

    async with client_for(httpx.MockTransport(busy_once), retry) as client:
        await client.login("ada", FakeServer.PASSWORD)
        await client.pull(0)
    assert naps.taken == [2.0]


async def test_a_throttled_login_is_reported_at_once(retry: RetryPolicy, naps: Naps) -> None:
    """Too many failed logins (429): reported with the wait, the password not tried again."""
    tries = 0

    def throttled(request: httpx.Request) -> httpx.Response:
        nonlocal tries
        tries += 1
        return httpx.Response(429, headers={"Retry-After": "5"}, json={"detail": "wait"})

    async with client_for(httpx.MockTransport(throttled), retry) as client:
        with pytest.raises(RateLimited, match="in 5 s"):
            await client.login("ada", "whatever-password")
    assert (tries, naps.taken) == (1, [])


async def test_a_long_retry_after_is_reported_not_waited(
    fake: FakeServer, retry: RetryPolicy, naps: Naps
) -> None:
    """A 429 asking for an hour raises RateLimited with the wait, without sleeping."""

    def throttled(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/sync/pull":
            return httpx.Response(429, headers={"Retry-After": "3600"}, json={"detail": "wait"})
        return fake.handle(request)

    async with client_for(httpx.MockTransport(throttled), retry) as client:
        await client.login("ada", FakeServer.PASSWORD)
        with pytest.raises(RateLimited, match="in 3600 s") as caught:
            await client.pull(0)
    assert caught.value.retry_after == 3600.0
    assert naps.taken == []


async def test_an_injected_http_client_is_used_and_left_open(
    fake: FakeServer, retry: RetryPolicy
) -> None:
    """A caller-owned httpx.AsyncClient carries the requests and is not closed by ours."""
    async with httpx.AsyncClient(transport=fake.transport()) as http:
        async with SyncClient(SERVER_URL, http=http, retry=retry) as client:
            await client.login("ada", FakeServer.PASSWORD)
        assert not http.is_closed
        assert fake.requests == ["POST /api/auth/login"]


def test_a_server_address_must_be_http() -> None:
    """A non-HTTP address is refused when the client is made, not at the first sync."""
    with pytest.raises(ValueError, match="not an http"):
        SyncClient("ftp://example.org")
