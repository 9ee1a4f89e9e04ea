"""studio.outbox: what waits, a conflict from two desks of one writer with both versions,
keep mine / keep theirs, and discarding a waiting change."""

from __future__ import annotations

import pytest

from tests.studio.conftest import SCRIPT, Desk, Server, submitted
from vividverse_desktop.studio import outbox, scripts
from vividverse_desktop.studio.errors import StudioError

pytestmark = pytest.mark.anyio


async def _two_desks_in_conflict(server: Server) -> tuple[Desk, Desk, str, str]:
    laptop = await server.desk("wren")
    script_id = await submitted(server, laptop, title="Kettle")
    desktop = await server.sign_in("wren", place="wren-desktop")
    await server.sync(desktop)
    laptop.store.edit_script(script_id, user_id=laptop.user.id, title="Kettle, revised")
    desktop.store.edit_script(script_id, user_id=desktop.user.id, title="Kettle, again")
    await server.sync(laptop)
    report = await server.sync(desktop)
    assert report.conflicts == 1
    return laptop, desktop, script_id, desktop.store.outbox()[0].op.op_id


async def test_a_waiting_change_is_described_and_can_be_discarded(server: Server) -> None:
    """Offline submission: listed as waiting with its title; discarding undoes it here."""
    writer = await server.desk("wren")
    done = scripts.submit_script(
        store=writer.store, user_id=writer.user.id, title="Kettle", fountain_text=SCRIPT
    )
    (item,) = outbox.items(store=writer.store)
    assert item.what == "Submit ‘Kettle’"
    assert item.state is outbox.State.WAITING
    assert not item.needs_decision
    outbox.discard(store=writer.store, op_id=item.op_id)
    assert outbox.items(store=writer.store) == ()
    assert writer.store.script(done.script_id) is None
    with pytest.raises(StudioError, match="no longer waiting"):
        outbox.discard(store=writer.store, op_id=item.op_id)


async def test_a_conflict_shows_both_titles_and_keep_mine_wins(server: Server) -> None:
    """Both versions side by side with the differing field named; keep mine re-sends it
    and every desk ends with my title."""
    laptop, desktop, script_id, op_id = await _two_desks_in_conflict(server)
    (item,) = outbox.items(store=desktop.store)
    assert item.state is outbox.State.CONFLICT
    assert item.needs_decision
    (view,) = outbox.conflicts(store=desktop.store)
    assert view.op_id == op_id
    assert view.mine["title"] == "Kettle, again"
    assert view.theirs is not None
    assert view.theirs["title"] == "Kettle, revised"
    assert "title" in view.differing
    outbox.keep_mine(store=desktop.store, op_id=op_id, user_id=desktop.user.id)
    report = await server.sync(desktop)
    assert report.accepted == 1
    await server.sync(laptop)
    held = laptop.store.script(script_id)
    assert held is not None
    assert held.title == "Kettle, again"


async def test_keep_theirs_drops_mine_and_takes_the_servers_version(server: Server) -> None:
    _laptop, desktop, script_id, op_id = await _two_desks_in_conflict(server)
    outbox.keep_theirs(store=desktop.store, op_id=op_id)
    assert outbox.items(store=desktop.store) == ()
    await server.sync(desktop)
    held = desktop.store.script(script_id)
    assert held is not None
    assert held.title == "Kettle, revised"
