"""Auth stories: register, login, refresh, logout, me, and who may register as what."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.sync_server.conftest import (
    ADMIN,
    PASSWORD,
    admin_tokens,
    bearer,
    login,
    register,
    signed_in,
)

pytestmark = pytest.mark.anyio


async def test_register_then_login_then_me(client: httpx.AsyncClient) -> None:
    """A writer who registers can log in and sees their own account at /me."""
    created = await register(client, "Ada_Writer", "writer")
    assert created.status_code == 201
    assert created.json()["username"] == "ada_writer"
    assert "password_hash" not in created.json()

    tokens = (await login(client, "ada_writer")).json()
    assert tokens["token_type"] == "bearer"
    me = await client.get("/api/auth/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "ada_writer"
    assert me.json()["role"] == "writer"


async def test_usernames_are_case_insensitive(client: httpx.AsyncClient) -> None:
    """Logging in with another capitalisation of the username works."""
    await register(client, "grace")
    assert (await login(client, "GRACE")).status_code == 200


async def test_register_duplicate_username_is_409(client: httpx.AsyncClient) -> None:
    """A taken username is a conflict, whatever its case."""
    assert (await register(client, "alan")).status_code == 201
    second = await register(client, "ALAN", "validator")
    assert second.status_code == 409
    assert second.json()["error"] == "username_taken"


async def test_validator_may_self_register(client: httpx.AsyncClient) -> None:
    """Validators, like writers, need nobody's permission to sign up."""
    assert (await register(client, "vera", "validator")).json()["role"] == "validator"


async def test_privileged_roles_need_an_admin(client: httpx.AsyncClient) -> None:
    """Registering as editor, reviewer or admin without an admin token is 403."""
    for role in ("editor", "reviewer", "admin"):
        response = await register(client, f"would_be_{role}", role)
        assert response.status_code == 403, role
        assert response.json()["error"] == "forbidden"


async def test_a_writer_cannot_grant_privileged_roles(client: httpx.AsyncClient) -> None:
    """A signed-in non-admin registering an editor is 403."""
    writer = await signed_in(client, "wendy")
    response = await client.post(
        "/api/auth/register",
        json={"username": "eddie", "password": PASSWORD, "role": "editor"},
        headers=bearer(writer["access_token"]),
    )
    assert response.status_code == 403


async def test_admin_registers_an_editor(client: httpx.AsyncClient) -> None:
    """With an admin's access token, registering an editor succeeds."""
    admin = await admin_tokens(client)
    response = await client.post(
        "/api/auth/register",
        json={"username": "eddie", "password": PASSWORD, "role": "editor", "display_name": "Ed"},
        headers=bearer(admin["access_token"]),
    )
    assert response.status_code == 201
    assert response.json()["display_name"] == "Ed"
    assert (await login(client, "eddie")).json()["user"]["role"] == "editor"


async def test_first_admin_comes_from_settings(client: httpx.AsyncClient) -> None:
    """The admin named in the settings exists on a fresh database."""
    me = await client.get(
        "/api/auth/me", headers=bearer((await admin_tokens(client))["access_token"])
    )
    assert me.json()["username"] == ADMIN
    assert me.json()["role"] == "admin"


async def test_wrong_password_is_401(client: httpx.AsyncClient) -> None:
    """A wrong password does not log in."""
    await register(client, "bob")
    response = await login(client, "bob", "not the password")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_unknown_user_gets_the_same_answer_as_a_wrong_password(
    client: httpx.AsyncClient,
) -> None:
    """Logging in as nobody reads exactly like a wrong password."""
    await register(client, "bob")
    wrong = await login(client, "bob", "not the password")
    unknown = await login(client, "nobody_here", "not the password")
    assert unknown.status_code == wrong.status_code
    assert unknown.json() == wrong.json()


async def test_refresh_gives_a_new_working_pair(client: httpx.AsyncClient) -> None:
    """Refreshing returns new tokens, and the new access token works."""
    tokens = await signed_in(client, "carol")
    response = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert response.status_code == 200
    fresh = response.json()
    assert fresh["refresh_token"] != tokens["refresh_token"]
    me = await client.get("/api/auth/me", headers=bearer(fresh["access_token"]))
    assert me.json()["username"] == "carol"


async def test_refresh_chain_keeps_working(client: httpx.AsyncClient) -> None:
    """Each refresh token in a rotation chain is good exactly once."""
    current = (await signed_in(client, "dave"))["refresh_token"]
    for _ in range(5):
        response = await client.post("/api/auth/refresh", json={"refresh_token": current})
        assert response.status_code == 200
        current = response.json()["refresh_token"]


async def test_reusing_a_rotated_refresh_token_revokes_the_family(
    client: httpx.AsyncClient,
) -> None:
    """Presenting an already-exchanged refresh token ends the whole session family."""
    first = (await signed_in(client, "erin"))["refresh_token"]
    second = (await client.post("/api/auth/refresh", json={"refresh_token": first})).json()
    reuse = await client.post("/api/auth/refresh", json={"refresh_token": first})
    assert reuse.status_code == 401
    # The legitimate newest token is now dead too: the family is revoked.
    after = await client.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401


async def test_reuse_in_one_family_leaves_other_sessions_alone(client: httpx.AsyncClient) -> None:
    """Revoking one login's family does not end the user's other logins."""
    await register(client, "fay")
    laptop = (await login(client, "fay")).json()
    desktop = (await login(client, "fay")).json()
    await client.post("/api/auth/refresh", json={"refresh_token": laptop["refresh_token"]})
    await client.post("/api/auth/refresh", json={"refresh_token": laptop["refresh_token"]})
    other = await client.post("/api/auth/refresh", json={"refresh_token": desktop["refresh_token"]})
    assert other.status_code == 200


async def test_logout_ends_the_refresh_family(client: httpx.AsyncClient) -> None:
    """After logout the session's refresh token no longer refreshes."""
    tokens = await signed_in(client, "gus")
    response = await client.post(
        "/api/auth/logout", json={"refresh_token": tokens["refresh_token"]}
    )
    assert response.status_code == 204
    again = await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401


async def test_me_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    """/me needs a bearer token and says so with WWW-Authenticate."""
    response = await client.get("/api/auth/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_malformed_authorization_header_is_401(client: httpx.AsyncClient) -> None:
    """A non-Bearer Authorization header is refused, not crashed on."""
    response = await client.get("/api/auth/me", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert response.status_code == 401


async def test_password_shorter_than_eight_is_422(client: httpx.AsyncClient) -> None:
    """A short password is refused at registration with the rule in the message."""
    response = await register(client, "hal", password="short")
    assert response.status_code == 422
    assert "at least 8" in response.json()["detail"][0]["message"]


async def test_invalid_username_is_422(client: httpx.AsyncClient) -> None:
    """Usernames with spaces or slashes are refused."""
    for name in ("a b c", "../etc", "x"):
        assert (await register(client, name)).status_code == 422, name


async def test_system_is_not_a_role_anyone_can_hold(client: httpx.AsyncClient) -> None:
    """The workflow's "system" actor is not a registrable role."""
    response = await register(client, "sneaky", "system")
    assert response.status_code == 422


async def test_concurrent_refreshes_of_one_token_have_one_winner(
    client: httpx.AsyncClient,
) -> None:
    """Of four simultaneous refreshes with the same token exactly one succeeds."""
    token = (await signed_in(client, "racer"))["refresh_token"]
    results = await asyncio.gather(
        *(client.post("/api/auth/refresh", json={"refresh_token": token}) for _ in range(4))
    )
    assert sum(response.status_code == 200 for response in results) == 1
    assert all(response.status_code in (200, 401) for response in results)
