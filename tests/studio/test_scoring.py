"""studio.scoring: the blind queue, durable scores offline then synced, the leaderboard, and
selecting a script, each on the real server and real stores."""

from __future__ import annotations

import pytest

from tests.studio.conftest import GOOD, Server, submitted, validated
from tests.sync_server.conftest import ADMIN, ADMIN_PASSWORD
from vividverse_desktop.core.workflow import Role, Status
from vividverse_desktop.store import LocalStore
from vividverse_desktop.studio import scoring, scripts
from vividverse_desktop.studio.errors import StudioError

pytestmark = pytest.mark.anyio


async def test_the_queue_is_blind_and_holds_only_other_peoples_pending_scripts(
    server: Server,
) -> None:
    """A validator sees the writer's script without its title page; the writer's own
    store never offers their script for scoring."""
    writer = await server.desk("wren")
    script_id = await submitted(server, writer)
    validator = await server.desk("val", "validator")
    await server.sync(validator)
    queue = scoring.my_queue(store=validator.store, validator_id=validator.user.id)
    assert [item.script.id for item in queue] == [script_id]
    text = queue[0].version.fountain_text
    assert "Wren Writer" not in text
    assert "wren@example.com" not in text
    assert "A kettle boils." in text
    assert not queue[0].scored
    # The writer's own store never offers their script for scoring.
    assert scoring.my_queue(store=writer.store, validator_id=writer.user.id) == ()


async def test_a_score_saved_offline_is_durable_and_reaches_the_server(server: Server) -> None:
    """Saved with no network: it is in the store and the outbox at once, survives a
    reopen of the store, and the next sync sends it once; the queue then lists it scored."""
    writer = await server.desk("wren")
    await submitted(server, writer)
    validator = await server.desk("val", "validator")
    await server.sync(validator)
    item = scoring.my_queue(store=validator.store, validator_id=validator.user.id)[0]
    saved = scoring.save_score(
        store=validator.store,
        validator_id=validator.user.id,
        version_id=item.version.id,
        criteria=GOOD,
        overall=4,
        comments="Tight.",
    )
    path = validator.store.path
    validator.store.close()
    validator.store = LocalStore.open(path)
    assert len(validator.store.outbox()) == 1
    report = await server.sync(validator)
    assert report.accepted == 1
    assert validator.store.outbox() == ()
    queue = scoring.my_queue(store=validator.store, validator_id=validator.user.id)
    assert queue[0].mine is not None
    assert queue[0].mine.id == saved.event.id
    history = scoring.score_history(
        store=validator.store, validator_id=validator.user.id, version_id=item.version.id
    )
    assert [event.id for event in history] == [saved.event.id]


async def test_a_score_out_of_range_is_refused_with_the_field_named(server: Server) -> None:
    """Nothing is saved and the message names the criterion."""
    writer = await server.desk("wren")
    await submitted(server, writer)
    validator = await server.desk("val", "validator")
    await server.sync(validator)
    item = scoring.my_queue(store=validator.store, validator_id=validator.user.id)[0]
    with pytest.raises(StudioError, match="dialogue"):
        scoring.save_score(
            store=validator.store,
            validator_id=validator.user.id,
            version_id=item.version.id,
            criteria={**GOOD, "dialogue": 11},
        )
    assert validator.store.outbox() == ()


async def test_nobody_scores_their_own_script(server: Server) -> None:
    """Even with the version at hand, the author's own score is refused before it is queued."""
    writer = await server.desk("wren")
    script_id = await submitted(server, writer)
    version = scripts.latest_version(store=writer.store, script_id=script_id)
    with pytest.raises(StudioError, match="own script"):
        scoring.save_score(
            store=writer.store,
            validator_id=writer.user.id,
            version_id=version.id,
            criteria=GOOD,
        )
    assert writer.store.outbox() == ()


async def test_the_admin_leaderboard_ranks_from_every_score_with_titles(server: Server) -> None:
    """Three scores reach the admin's store; the leaderboard names the script by title."""
    admin, script_id = await validated(server)
    view = scoring.leaderboard(store=admin.store)
    assert [standing.script.id for standing in view.standings if standing.script] == [script_id]
    assert view.standings[0].title == "Kettle"
    assert view.standings[0].ranked.n == 3


async def test_the_admin_selects_a_validated_script_and_the_server_agrees(server: Server) -> None:
    """Selecting works offline, syncs, and the server's copy is Selected after a fresh pull."""
    admin, script_id = await validated(server)
    assert admin.store.script(script_id).status is Status.VALIDATED  # type: ignore[union-attr]
    scoring.select_script(
        store=admin.store, user_id=admin.user.id, roles=frozenset({Role.ADMIN}), script_id=script_id
    )
    report = await server.sync(admin)
    assert report.accepted == 1
    watcher = await server.sign_in(ADMIN, ADMIN_PASSWORD)
    await server.sync(watcher)
    assert watcher.store.script(script_id).status is Status.SELECTED  # type: ignore[union-attr]


async def test_a_writer_cannot_select_and_is_told_why(server: Server) -> None:
    """The same workflow as the server refuses it here, with the reason, and queues nothing."""
    _admin, script_id = await validated(server)
    writer = server.desks[0]
    await server.sync(writer)
    with pytest.raises(StudioError, match="cannot move from Validated to Selected"):
        scoring.select_script(
            store=writer.store,
            user_id=writer.user.id,
            roles=frozenset({Role.WRITER}),
            script_id=script_id,
        )
    assert writer.store.outbox() == ()
