"""One sync against the fake server: batches, pages, refused ops, partial failures."""

from __future__ import annotations

import httpx
import pytest

from tests.core.scoring.builders import score
from tests.sync.conftest import SERVER_URL
from tests.sync.fake_server import USER_ID, FakeServer
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.wire import Change, OpKind
from vividverse_desktop.store import LocalStore, OutboxStatus
from vividverse_desktop.sync import RetryPolicy, ServerFailure, SyncClient, synchronize

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("memory_keyring")]


def save_scores(store: LocalStore, count: int) -> list[ScoreEvent]:
    events = [score(f"version-{i % 7}", USER_ID) for i in range(count)]
    for event in events:
        store.save_score(event)
    return events


async def signed_in(transport: httpx.AsyncBaseTransport, retry: RetryPolicy) -> SyncClient:
    client = SyncClient(SERVER_URL, transport=transport, retry=retry)
    await client.login("ada", FakeServer.PASSWORD)
    return client


async def test_the_outbox_goes_out_in_batches_and_leaves_the_outbox(
    fake: FakeServer, store: LocalStore, retry: RetryPolicy
) -> None:
    """450 saved scores travel in batches of 200, 200 and 50, and every one is settled."""
    events = save_scores(store, 450)
    async with await signed_in(fake.transport(), retry) as client:
        report = await synchronize(store, client, batch_size=200)
    assert (report.pushed, report.accepted, report.batches) == (450, 450, 3)
    assert fake.pushes == 3
    assert store.outbox() == ()
    assert set(fake.scores()) == {event.id for event in events}
    assert all(event.usn is not None for event in store.score_events())
    assert report.clean


async def test_pulled_pages_bring_other_devices_scores(
    fake: FakeServer, store: LocalStore, retry: RetryPolicy
) -> None:
    """Scores another device pushed arrive page by page, and the cursor ends at the last."""
    others = [score("version-1", "validator-2") for _ in range(25)]
    for usn, event in enumerate(others, start=1):
        fake.changes.append(Change.of(event, usn))
    fake.usn = len(others)
    async with await signed_in(fake.transport(), retry) as client:
        report = await synchronize(store, client, page_size=10)
    assert (report.pulled, report.pages) == (25, 3)
    assert {event.id for event in store.score_events()} == {event.id for event in others}
    assert store.last_usn() == 25


async def test_a_second_sync_with_nothing_new_moves_nothing(
    fake: FakeServer, store: LocalStore, retry: RetryPolicy
) -> None:
    """Syncing again right away pushes nothing and pulls nothing."""
    save_scores(store, 3)
    async with await signed_in(fake.transport(), retry) as client:
        await synchronize(store, client)
        again = await synchronize(store, client)
    assert (again.pushed, again.pulled, again.batches) == (0, 0, 0)


async def test_forbidden_ops_stay_in_the_outbox_and_are_listed(
    fake: FakeServer, store: LocalStore, retry: RetryPolicy
) -> None:
    """With the role revoked, scores are refused (403): kept, marked, listed, not resent."""
    events = save_scores(store, 5)
    fake.forbidden.add(OpKind.SCORE)
    async with await signed_in(fake.transport(), retry) as client:
        report = await synchronize(store, client, batch_size=2)
        again = await synchronize(store, client)
    assert report.forbidden == 5
    assert not report.clean
    assert [entry.op.entity_id for entry in report.refused] == [event.id for event in events]
    assert {entry.status for entry in store.outbox()} == {OutboxStatus.FORBIDDEN}
    assert "validator" in report.refused[0].message
    assert again.pushed == 0
    assert fake.scores() == {}


async def test_a_failure_part_way_keeps_what_was_not_settled(
    fake: FakeServer, store: LocalStore, retry: RetryPolicy
) -> None:
    """The server dies after the first batch: that batch is settled, the rest stays pending."""
    save_scores(store, 5)
    pushes = 0

    def dies_after_one_push(request: httpx.Request) -> httpx.Response:
        nonlocal pushes
        if request.url.path == "/api/sync/push":
            pushes += 1
            if pushes > 1:
                return httpx.Response(503, json={"detail": "down"})
        return fake.handle(request)

    async with await signed_in(httpx.MockTransport(dies_after_one_push), retry) as client:
        with pytest.raises(ServerFailure) as caught:
            await synchronize(store, client, batch_size=2)
    assert caught.value.report is not None
    assert (caught.value.report.pushed, caught.value.report.accepted) == (2, 2)
    assert len(store.outbox()) == 3
    assert len(fake.scores()) == 2


async def test_ops_the_reply_does_not_name_stay_pending(
    fake: FakeServer, store: LocalStore, retry: RetryPolicy
) -> None:
    """A reply that leaves an op out: the op stays pending, pushing stops, the report says so."""
    events = save_scores(store, 4)

    def forgets_the_last(request: httpx.Request) -> httpx.Response:
        response = fake.handle(request)
        if request.url.path != "/api/sync/push":
            return response
        body = response.json()
        return httpx.Response(200, json={"results": body["results"][:-1]})

    async with await signed_in(httpx.MockTransport(forgets_the_last), retry) as client:
        report = await synchronize(store, client, batch_size=2)
    assert (report.pushed, report.accepted, report.unanswered) == (2, 1, 1)
    assert [entry.op.entity_id for entry in store.outbox()] == [e.id for e in events[1:]]
    assert report.problems


async def test_a_batch_too_large_for_the_server_is_split(
    fake: FakeServer, store: LocalStore, retry: RetryPolicy
) -> None:
    """A 413 for a batch over 3 ops halves the batch size until the server takes it."""
    save_scores(store, 8)
    sizes: list[int] = []

    def small_bodies_only(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/sync/push":
            ops = len(httpx.Response(200, content=request.content).json()["ops"])
            sizes.append(ops)
            if ops > 3:
                return httpx.Response(413, json={"detail": "body too large"})
        return fake.handle(request)

    async with await signed_in(httpx.MockTransport(small_bodies_only), retry) as client:
        report = await synchronize(store, client, batch_size=8)
    assert sizes == [8, 4, 2, 2, 2, 2]
    assert report.accepted == 8
    assert store.outbox() == ()


async def test_the_sanity_check_finds_a_score_that_left_the_outbox_unaccepted(
    fake: FakeServer, store: LocalStore, retry: RetryPolicy
) -> None:
    """A score whose op vanished without a usn is reported as a problem, not ignored."""
    [event] = save_scores(store, 1)
    [entry] = store.outbox()
    with store.engine.begin() as connection:  # simulate a bug that drops the op silently
        connection.exec_driver_sql("DELETE FROM outbox WHERE op_id = ?", (entry.op.op_id,))
    async with await signed_in(fake.transport(), retry) as client:
        report = await synchronize(store, client)
    assert store.score_event(event.id) is not None
    assert any("neither accepted" in problem for problem in report.problems)


async def test_progress_is_reported_after_each_batch_and_page(
    fake: FakeServer, store: LocalStore, retry: RetryPolicy
) -> None:
    """on_progress sees the counts grow: three batches of 2, 2 and 1, then two pages."""
    save_scores(store, 5)
    seen: list[tuple[int, int]] = []
    async with await signed_in(fake.transport(), retry) as client:
        await synchronize(
            store,
            client,
            batch_size=2,
            page_size=3,
            on_progress=lambda report: seen.append((report.accepted, report.pulled)),
        )
    assert seen == [(2, 0), (4, 0), (5, 0), (5, 3), (5, 5)]
