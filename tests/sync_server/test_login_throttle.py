"""Login throttling counted in the shared database: per account and address, per address,
across workers and restarts, X-Forwarded-For only from trusted proxies, bcrypt bounded."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from sync_server.app import create_app
from tests.sync_server.conftest import PASSWORD, login, make_settings, register

pytestmark = pytest.mark.anyio


@contextmanager
def server(tmp_path: Path, database_url: str, **overrides: object) -> Iterator[Starlette]:
    """A real app on ``database_url`` (each one stands for a worker process or a restart)."""
    app = create_app(make_settings(tmp_path, database_url=database_url, **overrides))
    try:
        yield app
    finally:
        app.state.context.database.dispose()


@asynccontextmanager
async def client_from(app: Starlette, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client whose requests come from ``address``."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_spraying_many_usernames_from_one_address_is_throttled(
    tmp_path: Path, database_url: str
) -> None:
    """30 usernames from one address: the address budget (20) ends it; others go on."""
    with server(tmp_path, database_url, login_address_max_failures=20) as app:
        async with (
            client_from(app, "198.51.100.9") as sprayer,
            client_from(app, "198.51.100.10") as other,
        ):
            for n in range(3):
                assert (await register(other, f"user{n}")).status_code == 201
            codes = [
                (await login(sprayer, f"user{n % 3}x{n}", "guess guess")).status_code
                for n in range(30)
            ]
            assert codes[:20] == [401] * 20
            assert set(codes[20:]) == {429}
            refused = await login(sprayer, "user0", PASSWORD)
            assert refused.status_code == 429
            assert 1 <= int(refused.headers["retry-after"]) <= 300
            assert (await login(other, "user0", PASSWORD)).status_code == 200


async def test_a_known_address_lets_its_users_in_during_a_spray(
    tmp_path: Path, database_url: str
) -> None:
    """Behind a shared address under attack, a user who signed in there before gets in;
    a user new to that address waits, and a guessed account keeps its own budget."""
    with server(tmp_path, database_url, login_address_max_failures=10) as app:
        async with client_from(app, "203.0.113.50") as office:
            for name in ("alice", "bob"):
                assert (await register(office, name)).status_code == 201
            assert (await login(office, "alice", PASSWORD)).status_code == 200
            for n in range(10):
                await login(office, f"nobody{n}", "guess guess")
            assert (await login(office, "alice", PASSWORD)).status_code == 200
            assert (await login(office, "bob", PASSWORD)).status_code == 429
            for _ in range(5):
                assert (await login(office, "alice", "guess guess")).status_code == 401
            assert (await login(office, "alice", PASSWORD)).status_code == 429


async def test_failures_are_counted_across_workers_and_restarts(
    tmp_path: Path, database_url: str
) -> None:
    """Two apps on one database (two workers) share the count; a third (a restart) keeps it."""
    with server(tmp_path, database_url) as first, server(tmp_path, database_url) as second:
        async with (
            client_from(first, "198.51.100.1") as one,
            client_from(second, "198.51.100.1") as two,
        ):
            await register(one, "target")
            for n in range(5):
                assert (await login((one, two)[n % 2], "target", "guess guess")).status_code == 401
            assert (await login(one, "target", "guess guess")).status_code == 429
            assert (await login(two, "target", PASSWORD)).status_code == 429
    with server(tmp_path, database_url) as restarted:
        async with client_from(restarted, "198.51.100.1") as three:
            assert (await login(three, "target", PASSWORD)).status_code == 429
        async with client_from(restarted, "198.51.100.2") as elsewhere:
            assert (await login(elsewhere, "target", PASSWORD)).status_code == 200


async def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    tmp_path: Path, database_url: str
) -> None:
    """By default a rotating X-Forwarded-For from loopback does not reset the budget."""
    with server(tmp_path, database_url) as app:
        async with client_from(app, "127.0.0.1") as local:
            await register(local, "target")
            codes = [
                (
                    await local.post(
                        "/api/auth/login",
                        json={"username": "target", "password": "guess guess"},
                        headers={"X-Forwarded-For": f"192.0.2.{n}"},
                    )
                ).status_code
                for n in range(8)
            ]
            assert codes == [401] * 5 + [429] * 3


async def test_a_trusted_proxy_names_the_client_from_the_right(
    tmp_path: Path, database_url: str
) -> None:
    """Behind a configured proxy each client has its own budget; hops a client wrote
    before the proxy's own entry are not believed."""
    proxies = (ipaddress.ip_network("10.0.0.0/8"),)
    with server(tmp_path, database_url, trusted_proxies=proxies) as app:
        async with client_from(app, "10.1.2.3") as proxy:
            await register(proxy, "target")

            async def attempt(forwarded: str, password: str = "guess guess") -> int:
                response = await proxy.post(
                    "/api/auth/login",
                    json={"username": "target", "password": password},
                    headers={"X-Forwarded-For": forwarded},
                )
                return response.status_code

            spoofed = [await attempt(f"192.0.2.{n}, 198.51.100.7, 10.9.9.9") for n in range(6)]
            assert spoofed == [401] * 5 + [429]
            assert await attempt("198.51.100.8", PASSWORD) == 200


async def test_a_login_flood_is_shed_with_429_before_hashing(
    tmp_path: Path, database_url: str
) -> None:
    """With two password checks allowed at once, a burst of 12 gets 429 + Retry-After for
    the excess; afterwards the real user signs in."""
    with server(
        tmp_path,
        database_url,
        bcrypt_rounds=10,
        login_max_pending=2,
        login_address_max_failures=100,
    ) as app:
        async with (
            client_from(app, "198.51.100.1") as owner,
            client_from(app, "198.51.100.66") as flood,
        ):
            await register(owner, "target")
            responses = await asyncio.gather(
                *(login(flood, f"someone{n}", "guess guess") for n in range(12))
            )
            codes = sorted(r.status_code for r in responses)
            assert set(codes) == {401, 429}, codes
            assert codes.count(401) >= 1
            assert all(r.headers["retry-after"] == "1" for r in responses if r.status_code == 429)
            assert (await login(owner, "target", PASSWORD)).status_code == 200


async def test_a_user_who_signed_in_here_before_gets_in_during_a_flood(
    tmp_path: Path, database_url: str
) -> None:
    """Half the password checks are kept for usernames signing in again from an address
    they used before: a flood of strangers is shed, the known user is checked at once."""
    with server(
        tmp_path,
        database_url,
        bcrypt_rounds=10,
        login_max_pending=2,
        login_address_max_failures=100,
    ) as app:
        async with (
            client_from(app, "198.51.100.1") as owner,
            client_from(app, "198.51.100.66") as flood,
        ):
            await register(owner, "target")
            assert (await login(owner, "target", PASSWORD)).status_code == 200  # now known
            for _ in range(3):
                responses = await asyncio.gather(
                    *(login(flood, f"someone{n}", "guess guess") for n in range(12)),
                    login(owner, "target", PASSWORD),
                )
                assert responses[-1].status_code == 200
                assert 429 in {r.status_code for r in responses[:-1]}
