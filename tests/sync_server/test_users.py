"""Admin user routes: paging, role changes, disable/enable, password reset, role checks."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.sync_server.conftest import ADMIN, admin_tokens, bearer, login, register, signed_in

pytestmark = pytest.mark.anyio


async def _admin(client: httpx.AsyncClient) -> dict[str, str]:
    return bearer((await admin_tokens(client))["access_token"])


async def test_list_users_pages_by_username(client: httpx.AsyncClient) -> None:
    """Listing with offset and limit walks every user once, in username order."""
    for name in ("zed", "amy", "kim", "bea", "lou"):
        await register(client, name)
    headers = await _admin(client)
    seen: list[str] = []
    offset = 0
    while True:
        page = (await client.get(f"/api/users?offset={offset}&limit=2", headers=headers)).json()
        assert page["total"] == 6
        seen += [user["username"] for user in page["items"]]
        offset += 2
        if offset >= page["total"]:
            break
    assert seen == sorted(["zed", "amy", "kim", "bea", "lou", ADMIN])


async def test_list_users_filters_by_role(client: httpx.AsyncClient) -> None:
    """?role=validator lists only validators."""
    await register(client, "vic", "validator")
    await register(client, "wes", "writer")
    page = (await client.get("/api/users?role=validator", headers=await _admin(client))).json()
    assert [user["username"] for user in page["items"]] == ["vic"]


async def test_bad_paging_is_422(client: httpx.AsyncClient) -> None:
    """Negative, huge or non-numeric paging parameters are 422."""
    headers = await _admin(client)
    for query in ("offset=-1", "limit=0", "limit=100000", "limit=ten", "role=king"):
        response = await client.get(f"/api/users?{query}", headers=headers)
        assert response.status_code == 422, query


async def test_non_admins_cannot_manage_users(client: httpx.AsyncClient) -> None:
    """Every admin route is 403 for a writer and 401 without a token."""
    writer = await signed_in(client, "wanda")
    headers = bearer(writer["access_token"])
    user_id = writer["user"]["id"]  # type: ignore[index]
    calls = [
        ("GET", "/api/users", None),
        ("GET", f"/api/users/{user_id}", None),
        ("PUT", f"/api/users/{user_id}/role", {"role": "admin"}),
        ("POST", f"/api/users/{user_id}/disable", None),
        ("POST", f"/api/users/{user_id}/enable", None),
        ("POST", f"/api/users/{user_id}/password", {"password": "another password"}),
    ]
    for method, path, body in calls:
        as_writer = await client.request(method, path, json=body, headers=headers)
        assert as_writer.status_code == 403, (method, path)
        anonymous = await client.request(method, path, json=body)
        assert anonymous.status_code == 401, (method, path)


async def test_admin_changes_a_role(client: httpx.AsyncClient) -> None:
    """An admin can make a writer an editor; the change shows at the user's /me."""
    tokens = await signed_in(client, "eddy")
    user_id = tokens["user"]["id"]  # type: ignore[index]
    response = await client.put(
        f"/api/users/{user_id}/role", json={"role": "editor"}, headers=await _admin(client)
    )
    assert response.status_code == 200
    me = await client.get("/api/auth/me", headers=bearer(tokens["access_token"]))
    assert me.json()["role"] == "editor"


async def test_unknown_role_is_422(client: httpx.AsyncClient) -> None:
    """Setting a role that does not exist is refused."""
    user_id = (await signed_in(client, "eddy"))["user"]["id"]  # type: ignore[index]
    response = await client.put(
        f"/api/users/{user_id}/role", json={"role": "overlord"}, headers=await _admin(client)
    )
    assert response.status_code == 422


async def test_last_admin_cannot_be_demoted_or_disabled(client: httpx.AsyncClient) -> None:
    """The only enabled admin keeps the role: demoting or disabling them is 409."""
    tokens = await admin_tokens(client)
    headers = bearer(tokens["access_token"])
    admin_id = tokens["user"]["id"]  # type: ignore[index]
    demote = await client.put(
        f"/api/users/{admin_id}/role", json={"role": "writer"}, headers=headers
    )
    assert demote.status_code == 409
    disable = await client.post(f"/api/users/{admin_id}/disable", headers=headers)
    assert disable.status_code == 409


async def test_enable_lets_a_disabled_user_back_in(client: httpx.AsyncClient) -> None:
    """A disabled user who is enabled again can log in."""
    user_id = (await signed_in(client, "dot"))["user"]["id"]  # type: ignore[index]
    headers = await _admin(client)
    await client.post(f"/api/users/{user_id}/disable", headers=headers)
    assert (await login(client, "dot")).status_code == 403
    await client.post(f"/api/users/{user_id}/enable", headers=headers)
    assert (await login(client, "dot")).status_code == 200


async def test_reset_password_checks_the_72_byte_limit(client: httpx.AsyncClient) -> None:
    """An admin's password reset follows the same rules as registration."""
    user_id = (await signed_in(client, "pat"))["user"]["id"]  # type: ignore[index]
    response = await client.post(
        f"/api/users/{user_id}/password",
        json={"password": "é" * 40},
        headers=await _admin(client),
    )
    assert response.status_code == 422


async def test_unknown_user_is_404(client: httpx.AsyncClient) -> None:
    """Managing a user id that does not exist is 404; a malformed id is 404 too."""
    headers = await _admin(client)
    missing = await client.get(f"/api/users/{uuid.uuid4()}", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    malformed = await client.post("/api/users/not-a-uuid/disable", headers=headers)
    assert malformed.status_code == 404
