"""What a sync changed: ``report.changes`` against the real server app, in-process."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.sync.studio import Studio
from tests.sync.test_end_to_end import save_scores, set_role
from vividverse_desktop.core.changes import Subject
from vividverse_desktop.store import LocalStore
from vividverse_desktop.sync import RetryPolicy, SyncError, synchronize

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("memory_keyring")]


class GoneAfter(httpx.AsyncBaseTransport):
    """Passes the first ``pushes`` push requests; after that the server cannot be reached."""

    def __init__(self, inner: httpx.AsyncBaseTransport, pushes: int) -> None:
        self.inner = inner
        self.left = pushes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/sync/push":
            if self.left <= 0:
                raise httpx.ConnectError("connection refused", request=request)
            self.left -= 1
        return await self.inner.handle_async_request(request)


async def test_accepted_scores_name_their_ops_and_events(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """Pushed and accepted: the changes name each op (outbox) and each score (its new usn)."""
    events = save_scores(store, studio, 5)
    ops = {entry.op.op_id for entry in store.outbox()}
    async with await studio.client(retry=retry) as client:
        report = await synchronize(store, client)
    assert report.changes.ids(Subject.OUTBOX) == ops
    assert report.changes.ids(Subject.SCORE_EVENTS) >= {event.id for event in events}
    assert Subject.CONFLICTS not in report.changes


async def test_pulled_rows_are_named_by_subject(
    studio: Studio, store: LocalStore, tmp_path: Path, retry: RetryPolicy
) -> None:
    """A second device's sync names the scores, the script and the version it pulled."""
    events = save_scores(store, studio, 3)
    async with await studio.client(retry=retry) as client:
        await synchronize(store, client)
    with LocalStore.open(tmp_path / "second.sqlite3") as second:
        async with await studio.client(retry=retry) as client:
            report = await synchronize(second, client, page_size=2)
        script = second.script_version(studio.version_id)
    assert script is not None
    assert report.changes.ids(Subject.SCORE_EVENTS) == {event.id for event in events}
    assert report.changes.ids(Subject.SCRIPT_VERSIONS) == {studio.version_id}
    assert report.changes.ids(Subject.SCRIPTS) == {script.script_id}
    assert Subject.OUTBOX not in report.changes


async def test_a_sync_that_moves_nothing_changes_nothing(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """Syncing again at once: the changes are empty, so no view needs to refresh."""
    save_scores(store, studio, 2)
    async with await studio.client(retry=retry) as client:
        first = await synchronize(store, client)
        again = await synchronize(store, client)
    assert first.changes
    assert not again.changes


async def test_refused_ops_are_named_in_the_outbox_only(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """Ops refused for a revoked role change their outbox entries, and no score."""
    save_scores(store, studio, 3)
    ops = {entry.op.op_id for entry in store.outbox()}
    await set_role(studio, "writer")
    async with await studio.client(retry=retry) as client:
        report = await synchronize(store, client)
    assert report.forbidden == 3
    assert report.changes.ids(Subject.OUTBOX) == ops
    assert Subject.SCORE_EVENTS not in report.changes


async def test_a_stale_edit_names_its_conflict(
    studio: Studio, tmp_path: Path, retry: RetryPolicy
) -> None:
    """Two devices retitle one script: the second's sync names its op among the conflicts."""
    stores = [LocalStore.open(tmp_path / f"{name}.sqlite3") for name in ("a", "b")]
    try:
        for local in stores:
            async with await studio.client(retry=retry, username="wren") as client:
                await synchronize(local, client)
        first, second = stores
        script_id = first.scripts()[0].id
        writer = first.scripts()[0].author_id
        first.edit_script(script_id, user_id=writer, title="Scores, revised")
        second.edit_script(script_id, user_id=writer, title="Scores, again")
        stale = second.outbox()[0].op.op_id
        async with await studio.client(retry=retry, username="wren") as client:
            await synchronize(first, client)
            report = await synchronize(second, client)
    finally:
        for local in stores:
            local.close()
    assert report.conflicts == 1
    assert report.changes.ids(Subject.CONFLICTS) == {stale}
    assert stale in report.changes.ids(Subject.OUTBOX)
    assert script_id in report.changes.ids(Subject.SCRIPTS)


async def test_a_failed_sync_still_names_what_it_settled(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """The server goes away after the first batch: the error's report names that batch."""
    save_scores(store, studio, 5)
    first_batch = {entry.op.op_id for entry in store.outbox()[:2]}
    transport = GoneAfter(studio.transport, pushes=1)
    async with await studio.client(transport=transport, retry=retry) as client:
        with pytest.raises(SyncError) as caught:
            await synchronize(store, client, batch_size=2)
    assert caught.value.report is not None
    assert caught.value.report.changes.ids(Subject.OUTBOX) == first_batch
