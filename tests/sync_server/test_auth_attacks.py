"""The auth attacks of the sync-server issue, each against the real app."""

from __future__ import annotations

import base64
import json
import statistics
import time
import uuid
from pathlib import Path

import httpx
import jwt
import pytest

from sync_server.app import create_app
from sync_server.settings import Settings
from tests.sync_server.conftest import (
    PASSWORD,
    admin_tokens,
    bearer,
    login,
    make_settings,
    register,
    signed_in,
)

pytestmark = pytest.mark.anyio


def _segment(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims_of(token: str) -> dict[str, object]:
    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims


async def _me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/api/auth/me", headers=bearer(token))


async def test_alg_none_token_is_refused(client: httpx.AsyncClient) -> None:
    """An unsigned token (alg "none") with valid-looking claims is 401."""
    claims = _claims_of((await signed_in(client, "mallory"))["access_token"])
    forged = f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(claims)}."
    assert (await _me(client, forged)).status_code == 401


async def test_algorithm_outside_the_list_is_refused(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """A token signed with the right secret but HS512 is 401: only HS256 is accepted."""
    claims = _claims_of((await signed_in(client, "mallory"))["access_token"])
    forged = jwt.encode(claims, settings.jwt_secret.reveal(), algorithm="HS512")
    assert (await _me(client, forged)).status_code == 401


async def test_token_signed_with_another_key_is_refused(client: httpx.AsyncClient) -> None:
    """A token signed with a different (long) key is 401."""
    claims = _claims_of((await signed_in(client, "mallory"))["access_token"])
    forged = jwt.encode(claims, "an-attacker-chosen-key-that-is-long-enough!", algorithm="HS256")
    assert (await _me(client, forged)).status_code == 401


async def test_tampered_claims_are_refused(client: httpx.AsyncClient) -> None:
    """Changing the payload of a real token (to another user) breaks its signature."""
    admin_id = (await admin_tokens(client))["user"]["id"]  # type: ignore[index]
    header, _payload, signature = (await signed_in(client, "mallory"))["access_token"].split(".")
    claims = _claims_of((await signed_in(client, "trudy"))["access_token"])
    claims["sub"] = admin_id
    forged = f"{header}.{_segment(claims)}.{signature}"
    assert (await _me(client, forged)).status_code == 401


async def test_refresh_token_is_not_an_access_token(client: httpx.AsyncClient) -> None:
    """A refresh token presented as a bearer access token is 401."""
    tokens = await signed_in(client, "mallory")
    assert (await _me(client, tokens["refresh_token"])).status_code == 401


async def test_access_token_is_not_a_refresh_token(client: httpx.AsyncClient) -> None:
    """An access token presented to /refresh is 401."""
    tokens = await signed_in(client, "mallory")
    response = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["access_token"]}
    )
    assert response.status_code == 401


async def test_expired_access_token_is_refused(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """A correctly signed access token past its expiry is 401."""
    claims = _claims_of((await signed_in(client, "mallory"))["access_token"])
    claims["iat"] = int(time.time()) - 3600
    claims["exp"] = int(time.time()) - 60
    expired = jwt.encode(claims, settings.jwt_secret.reveal(), algorithm="HS256")
    response = await _me(client, expired)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


async def test_token_for_a_user_that_does_not_exist_is_refused(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """A validly signed token naming an unknown user id is 401."""
    claims = _claims_of((await signed_in(client, "mallory"))["access_token"])
    claims["sub"] = str(uuid.uuid4())
    forged = jwt.encode(claims, settings.jwt_secret.reveal(), algorithm="HS256")
    assert (await _me(client, forged)).status_code == 401


async def test_stolen_refresh_token_used_first_by_the_thief(client: httpx.AsyncClient) -> None:
    """When a thief refreshes first, the victim's later refresh revokes the thief's chain."""
    stolen = (await signed_in(client, "victim"))["refresh_token"]
    thief = await client.post("/api/auth/refresh", json={"refresh_token": stolen})
    assert thief.status_code == 200
    victim = await client.post("/api/auth/refresh", json={"refresh_token": stolen})
    assert victim.status_code == 401
    thief_next = await client.post(
        "/api/auth/refresh", json={"refresh_token": thief.json()["refresh_token"]}
    )
    assert thief_next.status_code == 401


async def test_disabled_user_loses_every_session(client: httpx.AsyncClient) -> None:
    """Disabling a user ends their access and refresh tokens and refuses new logins."""
    tokens = await signed_in(client, "dora")
    admin = (await admin_tokens(client))["access_token"]
    user_id = tokens["user"]["id"]  # type: ignore[index]
    disabled = await client.post(f"/api/users/{user_id}/disable", headers=bearer(admin))
    assert disabled.status_code == 200
    assert (await _me(client, tokens["access_token"])).status_code == 401
    refreshed = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401
    assert (await login(client, "dora")).status_code == 403


async def test_password_reset_ends_every_session(client: httpx.AsyncClient) -> None:
    """After an admin resets a password, the old tokens and the old password stop working."""
    tokens = await signed_in(client, "paul")
    admin = (await admin_tokens(client))["access_token"]
    user_id = tokens["user"]["id"]  # type: ignore[index]
    reset = await client.post(
        f"/api/users/{user_id}/password",
        json={"password": "a brand new password"},
        headers=bearer(admin),
    )
    assert reset.status_code == 200
    assert (await _me(client, tokens["access_token"])).status_code == 401
    assert (await login(client, "paul")).status_code == 401
    assert (await login(client, "paul", "a brand new password")).status_code == 200


async def test_73_byte_password_is_a_clear_422(client: httpx.AsyncClient) -> None:
    """A 73-byte password is refused at registration, naming the 72-byte limit."""
    response = await register(client, "long_pw", password="x" * 73)
    assert response.status_code == 422
    assert "72 bytes" in response.json()["detail"][0]["message"]


async def test_40_accented_letters_are_80_bytes_and_refused(client: httpx.AsyncClient) -> None:
    """40 x "é" is 40 characters but 80 bytes: a 422, not a 500 from bcrypt."""
    response = await register(client, "accents", password="é" * 40)
    assert response.status_code == 422
    assert "80 bytes" in response.json()["detail"][0]["message"]


async def test_72_byte_password_is_accepted(client: httpx.AsyncClient) -> None:
    """Exactly 72 bytes is within bcrypt's limit and logs in."""
    password = "é" * 36
    assert (await register(client, "edge", password=password)).status_code == 201
    assert (await login(client, "edge", password)).status_code == 200


async def test_one_megabyte_password_is_refused_without_a_500(
    client: httpx.AsyncClient,
) -> None:
    """A 1 MB password is a 422 naming the byte limit at registration and a 401 at login."""
    huge = "p" * 1_000_000
    registered = await register(client, "huge", password=huge)
    assert registered.status_code == 422
    assert "72 bytes" in registered.json()["detail"][0]["message"]
    assert (await login(client, "huge", huge)).status_code == 401


async def test_long_password_at_login_is_just_a_failed_login(client: httpx.AsyncClient) -> None:
    """A 100-byte password at login is a plain 401, not an error from bcrypt."""
    await register(client, "bob")
    assert (await login(client, "bob", "y" * 100)).status_code == 401


async def test_repeated_failures_are_throttled_with_retry_after(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """After the allowed failures, even the right password is 429 with Retry-After."""
    await register(client, "target")
    for _ in range(settings.login_max_failures):
        assert (await login(client, "target", "guess guess")).status_code == 401
    blocked = await login(client, "target", PASSWORD)
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= settings.login_window_seconds


async def test_throttle_is_per_address(app: object, settings: Settings) -> None:
    """Failures from one address do not lock the account out for another address."""
    from starlette.applications import Starlette

    assert isinstance(app, Starlette)

    def client_from(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://testserver")

    async with client_from("198.51.100.1") as attacker, client_from("198.51.100.2") as owner:
        await register(owner, "target")
        for _ in range(settings.login_max_failures):
            await login(attacker, "target", "guess guess")
        assert (await login(attacker, "target", PASSWORD)).status_code == 429
        assert (await login(owner, "target", PASSWORD)).status_code == 200


async def test_login_time_does_not_reveal_whether_a_user_exists(tmp_path: Path) -> None:
    """A wrong password for an unknown user takes as long as for a known one (bcrypt cost 9).

    Robust under CPU load: the two are timed in interleaved pairs and the median of the
    pairs' ratios is compared, with a generous bound. Skipping bcrypt for an unknown user
    (about 30x faster) would still fail it.
    """
    settings = make_settings(
        tmp_path, bcrypt_rounds=9, login_max_failures=1000, login_address_max_failures=1000
    )
    app = create_app(settings)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await register(client, "known_user")

            async def timed(username: str) -> float:
                start = time.perf_counter()
                response = await login(client, username, "wrong password!")
                assert response.status_code == 401
                return time.perf_counter() - start

            ratios: list[float] = []
            for n in range(15):  # interleaved, order alternating, so drift affects both alike
                if n % 2:
                    known = await timed("known_user")
                    unknown = await timed("unknown_user")
                else:
                    unknown = await timed("unknown_user")
                    known = await timed("known_user")
                ratios.append(unknown / known)
        ratio = statistics.median(ratios)
        assert 1 / 2 <= ratio <= 2, (ratio, ratios)
    finally:
        app.state.context.database.dispose()
