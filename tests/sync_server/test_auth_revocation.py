"""Revocation is immediate across server instances that share one database.

Two apps (as two server processes would be) on the same database: a session is used on
instance B (so B has verified and remembered its token), then an admin acts on instance A.
B must refuse the token on the very next request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from sync_server.app import create_app
from sync_server.settings import Settings
from tests.sync_server.conftest import admin_tokens, bearer, signed_in

pytestmark = pytest.mark.anyio


@pytest.fixture
def other_app(settings: Settings) -> Iterator[Starlette]:
    """A second app instance on the same database and secret as ``app``."""
    application = create_app(settings)
    yield application
    application.state.account_reader.close()
    application.state.context.database.dispose()


@pytest.fixture
async def other(other_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=other_app, client=("203.0.113.8", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def _me(client: httpx.AsyncClient, token: str) -> int:
    return (await client.get("/api/auth/me", headers=bearer(token))).status_code


async def _warm(client: httpx.AsyncClient, token: str) -> None:
    for _ in range(3):
        assert await _me(client, token) == 200


async def test_disabling_on_one_instance_ends_the_session_on_another(
    client: httpx.AsyncClient, other: httpx.AsyncClient
) -> None:
    """A user disabled through instance A is refused by instance B on the next request."""
    tokens = await signed_in(client, "dora")
    await _warm(other, tokens["access_token"])
    admin = bearer((await admin_tokens(client))["access_token"])
    user_id = tokens["user"]["id"]  # type: ignore[index]
    assert (await client.post(f"/api/users/{user_id}/disable", headers=admin)).status_code == 200
    assert await _me(other, tokens["access_token"]) == 401


async def test_password_reset_on_one_instance_ends_the_session_on_another(
    client: httpx.AsyncClient, other: httpx.AsyncClient
) -> None:
    """A bumped token_version (password reset on A) makes B refuse the old access token."""
    tokens = await signed_in(client, "paul")
    await _warm(other, tokens["access_token"])
    admin = bearer((await admin_tokens(client))["access_token"])
    user_id = tokens["user"]["id"]  # type: ignore[index]
    reset = await client.post(
        f"/api/users/{user_id}/password", json={"password": "a brand new password"}, headers=admin
    )
    assert reset.status_code == 200
    assert await _me(other, tokens["access_token"]) == 401


async def test_enabling_again_does_not_revive_old_tokens(
    client: httpx.AsyncClient, other: httpx.AsyncClient
) -> None:
    """Disable then enable on A: B still refuses the tokens issued before the disable."""
    tokens = await signed_in(client, "erin")
    await _warm(other, tokens["access_token"])
    admin = bearer((await admin_tokens(client))["access_token"])
    user_id = tokens["user"]["id"]  # type: ignore[index]
    await client.post(f"/api/users/{user_id}/disable", headers=admin)
    assert (await client.post(f"/api/users/{user_id}/enable", headers=admin)).status_code == 200
    assert await _me(other, tokens["access_token"]) == 401


async def test_a_role_change_on_one_instance_applies_on_another_at_once(
    client: httpx.AsyncClient, other: httpx.AsyncClient
) -> None:
    """A writer made validator on A is shown as validator by B on the next request."""
    tokens = await signed_in(client, "wanda")
    await _warm(other, tokens["access_token"])
    admin = bearer((await admin_tokens(client))["access_token"])
    user_id = tokens["user"]["id"]  # type: ignore[index]
    changed = await client.put(
        f"/api/users/{user_id}/role", json={"role": "validator"}, headers=admin
    )
    assert changed.status_code == 200
    me = await other.get("/api/auth/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["role"] == "validator"


async def test_a_remembered_token_with_another_signature_is_refused(
    client: httpx.AsyncClient,
) -> None:
    """After a token was accepted, the same header and claims with a changed signature are 401."""
    token = (await signed_in(client, "mallory"))["access_token"]
    await _warm(client, token)
    head, claims, signature = token.split(".")
    flipped = "A" if signature[0] != "A" else "B"
    assert await _me(client, f"{head}.{claims}.{flipped}{signature[1:]}") == 401
