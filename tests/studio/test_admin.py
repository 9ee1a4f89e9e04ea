"""studio.admin over the real server: list accounts, grant roles, refusals with reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.studio.conftest import SERVER_URL, Server
from tests.sync_server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.studio import admin, session
from vividverse_desktop.studio.errors import StudioError

pytestmark = pytest.mark.anyio


async def _signed_in(server: Server, root: Path, username: str, password: str) -> session.Session:
    return await session.sign_in(
        server_url=SERVER_URL,
        username=username,
        password=password,
        root=root,
        transport=server.transport,
    )


async def test_an_admin_grants_a_writer_the_validator_role(server: Server, tmp_path: Path) -> None:
    """The list names every account; after the grant the writer's next sign-in holds both."""
    await server.desk("wren")
    boss = await _signed_in(server, tmp_path / "boss", ADMIN, ADMIN_PASSWORD)
    try:
        listed = {user.username: user for user in await admin.users(session=boss)}
        assert set(listed) == {ADMIN, "wren"}
        changed = await admin.set_roles(
            session=boss, user_id=listed["wren"].id, roles={Role.WRITER, Role.VALIDATOR}
        )
        assert changed.roles == frozenset({Role.WRITER, Role.VALIDATOR})
    finally:
        await boss.close()
    wren = await _signed_in(server, tmp_path / "wren", "wren", PASSWORD)
    try:
        assert wren.roles == frozenset({Role.WRITER, Role.VALIDATOR})
    finally:
        await wren.close()


async def test_a_writer_is_told_why_before_any_request(server: Server, tmp_path: Path) -> None:
    await server.desk("wren")
    wren = await _signed_in(server, tmp_path, "wren", PASSWORD)
    try:
        with pytest.raises(StudioError, match="admins"):
            await admin.users(session=wren)
    finally:
        await wren.close()


async def test_the_last_admin_keeps_the_role_and_cannot_disable_themself(
    server: Server, tmp_path: Path
) -> None:
    """The server's refusal comes back as a sentence; so does the desk's own check."""
    boss = await _signed_in(server, tmp_path, ADMIN, ADMIN_PASSWORD)
    try:
        with pytest.raises(StudioError, match="last"):
            await admin.set_roles(session=boss, user_id=boss.user_id, roles={Role.EDITOR})
        with pytest.raises(StudioError, match="your own account"):
            await admin.set_disabled(session=boss, user_id=boss.user_id, disabled=True)
        with pytest.raises(StudioError, match="at least one role"):
            await admin.set_roles(session=boss, user_id=boss.user_id, roles=())
    finally:
        await boss.close()
