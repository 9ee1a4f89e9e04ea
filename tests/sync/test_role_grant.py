"""A role granted on the server reaches the desktop: records the new role may see, even
those older than the pull cursor, and whole copies of what was seen blind."""

from __future__ import annotations

import httpx
import pytest

from tests.sync.studio import SERVER_URL, Studio
from tests.sync_server.conftest import register
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.store import LocalStore
from vividverse_desktop.sync import RetryPolicy, synchronize

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("memory_keyring")]


async def _grant(studio: Studio, user_id: str, roles: list[str]) -> None:
    answer = await studio.as_admin("PUT", f"/api/users/{user_id}/roles", {"roles": roles})
    assert answer.status_code == 200, answer.text


async def test_a_writer_made_validator_receives_the_older_blind_queue(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """The pending script predates the writer's cursor; after the grant it arrives, blind."""
    async with httpx.AsyncClient(transport=studio.transport, base_url=SERVER_URL) as http:
        wes = (await register(http, "wes", "writer")).json()["id"]
    async with await studio.client(retry=retry, username="wes") as client:
        await synchronize(store, client)
        assert store.script_version(studio.version_id) is None
        cursor = store.last_usn()
        await _grant(studio, wes, ["writer", "validator"])
        report = await synchronize(store, client)
    version = store.script_version(studio.version_id)
    assert version is not None
    assert report.clean
    assert [script.title for script in store.scripts()] != ["Scores"]  # blind
    assert store.last_usn() > cursor
    assert store.pull_scope() == "writer+validator;v2"
    me = store.user(wes)
    assert me is not None
    assert me.roles == {Role.WRITER, Role.VALIDATOR}


async def test_a_validator_made_editor_sees_the_blind_script_whole(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """Records held blind at the same usn are replaced by their whole copies."""
    async with await studio.client(retry=retry) as client:
        await synchronize(store, client)
        assert [script.title for script in store.scripts()] != ["Scores"]
        await _grant(studio, studio.validator_id, ["validator", "editor"])
        await synchronize(store, client)
    assert [script.title for script in store.scripts()] == ["Scores"]
    assert store.pull_scope() == "validator+editor;v2"


async def test_an_unchanged_scope_pulls_only_what_is_new(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """Without a grant the next sync starts from the cursor: nothing is pulled twice."""
    async with await studio.client(retry=retry) as client:
        first = await synchronize(store, client)
        again = await synchronize(store, client)
    assert first.pulled > 0
    assert again.pulled == 0
