"""Accounts holding several roles: granting them, and what such an account may do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from sync_server.app import create_app
from sync_server.settings import SettingsError, admin_roles
from tests.sync_server.conftest import (
    ADMIN,
    ADMIN_PASSWORD,
    admin_tokens,
    bearer,
    login,
    make_settings,
    signed_in,
)
from tests.sync_server.test_sync import TEXT, Device, _submitted, score
from vividverse_desktop.core.scoring import DEFAULT_RUBRIC
from vividverse_desktop.core.wire import Entity, Op, Outcome, ScriptSubmission
from vividverse_desktop.core.workflow import Role

pytestmark = pytest.mark.anyio


async def _admin(client: httpx.AsyncClient) -> dict[str, str]:
    return bearer((await admin_tokens(client))["access_token"])


async def _grant(
    client: httpx.AsyncClient, user_id: str, roles: list[str], headers: dict[str, str]
) -> httpx.Response:
    return await client.put(f"/api/users/{user_id}/roles", json={"roles": roles}, headers=headers)


async def test_an_admin_grants_several_roles(client: httpx.AsyncClient) -> None:
    """PUT roles makes them the account's roles; its JSON lists them and keeps the primary."""
    tokens = await signed_in(client, "wren")
    user_id = str(tokens["user"]["id"])  # type: ignore[index]
    response = await _grant(client, user_id, ["writer", "validator"], await _admin(client))
    assert response.status_code == 200
    assert (response.json()["roles"], response.json()["role"]) == (
        ["writer", "validator"],
        "validator",
    )
    me = await client.get("/api/auth/me", headers=bearer(tokens["access_token"]))
    assert (me.json()["roles"], me.json()["role"]) == (["writer", "validator"], "validator")
    again = (await login(client, "wren")).json()
    assert again["user"]["roles"] == ["writer", "validator"]


async def test_a_writer_may_not_grant_roles(client: httpx.AsyncClient) -> None:
    """A writer granting itself roles is 403 with the reason; its roles stay as they were."""
    tokens = await signed_in(client, "wade")
    user_id = str(tokens["user"]["id"])  # type: ignore[index]
    response = await _grant(client, user_id, ["admin"], bearer(tokens["access_token"]))
    assert response.status_code == 403
    assert response.json()["detail"] == ("only admins may grant or revoke roles; you are writer")
    me = await client.get("/api/auth/me", headers=bearer(tokens["access_token"]))
    assert me.json()["roles"] == ["writer"]


@pytest.mark.parametrize("roles", [["writer", "king"], ["system"], [], [3], "writer"])
async def test_unknown_or_no_roles_are_422(client: httpx.AsyncClient, roles: Any) -> None:
    """An unknown role, the system role, no role or not a list is refused."""
    tokens = await signed_in(client, "wynn")
    user_id = str(tokens["user"]["id"])  # type: ignore[index]
    response = await _grant(client, user_id, roles, await _admin(client))
    assert response.status_code == 422


async def test_the_last_admin_keeps_the_admin_role(client: httpx.AsyncClient) -> None:
    """Taking admin away from the only enabled admin is 409, even while granting others."""
    headers = await _admin(client)
    me = (await client.get("/api/auth/me", headers=headers)).json()
    response = await _grant(client, me["id"], ["editor", "reviewer"], headers)
    assert response.status_code == 409
    kept = await _grant(client, me["id"], ["admin", "editor"], headers)
    assert kept.json()["roles"] == ["editor", "admin"]


async def test_list_by_role_finds_accounts_holding_it_among_others(
    client: httpx.AsyncClient,
) -> None:
    """?role=validator lists an account that is writer and validator."""
    tokens = await signed_in(client, "wilma")
    await _grant(client, str(tokens["user"]["id"]), ["writer", "validator"], await _admin(client))  # type: ignore[index]
    page = (await client.get("/api/users?role=validator", headers=await _admin(client))).json()
    assert [user["username"] for user in page["items"]] == ["wilma"]


async def _writer_validator(client: httpx.AsyncClient, name: str) -> Device:
    tokens = await signed_in(client, name)
    await _grant(client, str(tokens["user"]["id"]), ["writer", "validator"], await _admin(client))  # type: ignore[index]
    return Device(client, tokens)


async def _two_writers_scripts(
    client: httpx.AsyncClient,
) -> tuple[Device, ScriptSubmission, ScriptSubmission]:
    """A writer+validator and a plain writer, each with a submitted script."""
    both = await _writer_validator(client, "wyatt")
    other = Device(client, await signed_in(client, "olive"))
    return both, await _submitted(both), await _submitted(other)


async def test_a_writer_validator_submits_and_scores_others_never_its_own(
    client: httpx.AsyncClient,
) -> None:
    """Both rights hold at once; a score of its own script is forbidden, over push and REST."""
    both, mine, theirs = await _two_writers_scripts(client)
    scored = (await both.push(Op.of(score(both, theirs.version_id)))).results[0]
    assert scored.outcome is Outcome.ACCEPTED
    refused = (await both.push(Op.of(score(both, mine.version_id)))).results[0]
    assert (refused.outcome, refused.message) == (
        Outcome.FORBIDDEN,
        "nobody scores their own script",
    )
    rest = await client.post(
        "/api/validations",
        json={"scriptId": mine.script_id, "scores": dict.fromkeys(DEFAULT_RUBRIC.names, 6)},
        headers=both.headers,
    )
    assert rest.status_code == 403


async def test_a_writer_validator_pulls_its_own_scripts_whole_and_others_blind(
    client: httpx.AsyncClient,
) -> None:
    """Its own script keeps title and author; another writer's comes blind."""
    both, mine, theirs = await _two_writers_scripts(client)
    changes = await both.pull_all()
    scripts = {c.id: c.record() for c in changes if c.entity is Entity.SCRIPT}
    versions = {c.id: c.record() for c in changes if c.entity is Entity.SCRIPT_VERSION}
    assert scripts[mine.script_id].title == "Secret Title"  # type: ignore[union-attr]
    assert scripts[theirs.script_id].title != "Secret Title"  # type: ignore[union-attr]
    assert versions[mine.version_id].fountain_text == TEXT  # type: ignore[union-attr]
    assert "Secret Title" not in versions[theirs.version_id].fountain_text  # type: ignore[union-attr]
    listed = (await client.get("/api/scripts", headers=both.headers)).json()["items"]
    assert {item["id"]: "author_id" in item for item in listed} == {
        mine.script_id: True,
        theirs.script_id: False,
    }


async def test_the_pull_scope_follows_the_roles(client: httpx.AsyncClient) -> None:
    """Each page names the puller's roles; a grant changes it."""
    tokens = await signed_in(client, "sam")
    device = Device(client, tokens)
    assert (await device.pull()).scope == "writer;v2"
    await _grant(client, device.user_id, ["writer", "editor"], await _admin(client))
    assert (await device.pull()).scope == "writer+editor;v2"


def test_admin_roles_setting() -> None:
    """``all`` is every user role; a list adds to admin; an unknown name is refused."""
    assert admin_roles("") == frozenset({Role.ADMIN})
    assert admin_roles("all") == frozenset(Role.user_roles())
    assert admin_roles("editor, reviewer") == {Role.ADMIN, Role.EDITOR, Role.REVIEWER}
    with pytest.raises(SettingsError, match="VIVIDVERSE_ADMIN_ROLES"):
        admin_roles("editor,system")


async def test_the_bootstrap_admin_of_a_studio_of_one_holds_every_role(tmp_path: Path) -> None:
    """With VIVIDVERSE_ADMIN_ROLES=all the first admin holds every role, and an admin made
    earlier without them is granted them at the next start."""
    plain = make_settings(tmp_path)
    everything = make_settings(tmp_path, admin_roles=admin_roles("all"))
    for settings, expected in ((plain, [Role.ADMIN]), (everything, list(Role.user_roles()))):
        app = create_app(settings)
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                user = (await login(client, ADMIN, ADMIN_PASSWORD)).json()["user"]
        finally:
            app.state.context.database.dispose()
        assert user["roles"] == [role.value for role in expected]
        assert user["role"] == "admin"
