"""Faults between the client and the real server app: after recovery, nothing lost or doubled.

Each test saves scores offline, breaks the loopback "network" in one way (see
``tests.sync.faults``), syncs until the client reports a clean sync, and then checks
that the server holds exactly the scores the client saved (same ids, same payload hash)
and that the outbox is empty.
"""

from __future__ import annotations

import httpx
import pytest

from tests.core.scoring.builders import score
from tests.sync.faults import CutPages, DropResponses, DuplicateRequests, HoldBack
from tests.sync.studio import Studio, digest
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.store import LocalStore
from vividverse_desktop.sync import RetryPolicy, SyncError, SyncReport, synchronize

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("memory_keyring")]

PUSH, PULL = "/api/sync/push", "/api/sync/pull"


def save_scores(store: LocalStore, studio: Studio, count: int) -> list[ScoreEvent]:
    events = [score(studio.version_id, studio.validator_id) for _ in range(count)]
    for event in events:
        store.save_score(event)
    return events


def assert_exactly_saved(studio: Studio, store: LocalStore, saved: list[ScoreEvent]) -> None:
    server = studio.server_scores()
    assert set(server) == {event.id for event in saved}
    assert digest(server.values()) == digest(saved) == digest(store.score_events())
    assert store.outbox() == ()
    assert all(event.usn is not None for event in store.score_events())


async def sync_until_clean(
    studio: Studio,
    store: LocalStore,
    transport: httpx.AsyncBaseTransport,
    retry: RetryPolicy,
    rounds: int = 3,
    *,
    batch_size: int = 200,
    page_size: int | None = None,
) -> list[SyncReport | SyncError]:
    """Sync up to ``rounds`` times; every outcome, the last one clean (or the test fails)."""
    outcomes: list[SyncReport | SyncError] = []
    async with await studio.client(transport, retry) as client:
        for _ in range(rounds):
            try:
                report = await synchronize(
                    store, client, batch_size=batch_size, page_size=page_size
                )
            except SyncError as exc:
                outcomes.append(exc)
                continue
            outcomes.append(report)
            if report.clean and not store.outbox():
                return outcomes
    pytest.fail(f"not clean after {rounds} syncs: {outcomes}")


async def test_a_lost_ack_is_retried_and_answered_duplicate(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """The server commits a batch but the reply is lost: the resent batch is a duplicate."""
    saved = save_scores(store, studio, 120)
    lossy = DropResponses(studio.transport, PUSH, times=1)
    [report] = await sync_until_clean(studio, store, lossy, retry, batch_size=50)
    assert lossy.dropped == 1
    assert isinstance(report, SyncReport)
    assert (report.accepted, report.duplicates) == (70, 50)
    assert_exactly_saved(studio, store, saved)


async def test_acks_lost_past_every_retry_are_settled_by_the_next_sync(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """Every reply of a sync lost: it fails, keeps the ops; the next sync settles them."""
    saved = save_scores(store, studio, 30)
    lossy = DropResponses(studio.transport, PUSH, times=retry.attempts)
    failed, report = await sync_until_clean(studio, store, lossy, retry)
    assert isinstance(failed, SyncError)
    assert isinstance(report, SyncReport)
    assert (report.accepted, report.duplicates) == (0, 30)
    assert_exactly_saved(studio, store, saved)


async def test_duplicated_batches_change_nothing(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """Every batch reaches the server twice; each score is stored once."""
    saved = save_scores(store, studio, 90)
    doubled = DuplicateRequests(studio.transport, PUSH)
    [report] = await sync_until_clean(studio, store, doubled, retry, batch_size=40)
    assert doubled.duplicated == 3
    assert isinstance(report, SyncReport)
    assert report.duplicates == 90
    assert_exactly_saved(studio, store, saved)


async def test_a_batch_arriving_late_and_out_of_order_changes_nothing(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """The first batch is stuck, resent, then delivered after the second: no double."""
    saved = save_scores(store, studio, 60)
    late = HoldBack(studio.transport, PUSH)
    [report] = await sync_until_clean(studio, store, late, retry, batch_size=25)
    assert late.delivered_late
    assert isinstance(report, SyncReport)
    assert report.accepted == 60
    assert_exactly_saved(studio, store, saved)


async def test_a_pull_cut_mid_page_is_fetched_again(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """The connection drops half-way through a page: the page is asked for again, whole."""
    saved = save_scores(store, studio, 40)
    async with await studio.client(retry=retry) as client:
        await synchronize(store, client)
    with LocalStore.open(store.path.parent / "second.sqlite3") as second:
        cut = CutPages(studio.transport, PULL, times=2)
        [report] = await sync_until_clean(studio, second, cut, retry, page_size=15)
        assert isinstance(report, SyncReport)
        assert cut.left == 0
        assert {e.id for e in second.score_events()} == {e.id for e in saved}
        assert second.last_usn() == store.last_usn()


async def test_a_pull_that_fails_resumes_from_the_last_page_applied(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """Every try of the second page cut: the first page stays applied, the next sync finishes."""
    saved = save_scores(store, studio, 30)
    async with await studio.client(retry=retry) as client:
        await synchronize(store, client)
    with LocalStore.open(store.path.parent / "second.sqlite3") as second:
        cut = CutPages(studio.transport, PULL, times=retry.attempts, after=1)
        failed, report = await sync_until_clean(studio, second, cut, retry, page_size=20)
        assert isinstance(failed, SyncError)
        assert failed.report is not None
        assert failed.report.pulled == 20
        assert isinstance(report, SyncReport)
        assert {e.id for e in second.score_events()} == {e.id for e in saved}
