"""The sync client against the real server app, in-process (httpx.ASGITransport)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.core.scoring.builders import T0, score
from tests.sync.memory_keyring import MemoryKeyring
from tests.sync.studio import SERVER_URL, Studio, digest
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.store import LocalStore, OutboxStatus
from vividverse_desktop.sync import SERVICE, RetryPolicy, account_key, synchronize
from vividverse_desktop.sync.auth import TokenPair

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("memory_keyring")]

DAY = timedelta(days=1)


def save_scores(store: LocalStore, studio: Studio, count: int) -> list[ScoreEvent]:
    events = [
        score(studio.version_id, studio.validator_id, overall=1 + i % 10) for i in range(count)
    ]
    for event in events:
        store.save_score(event)
    return events


async def set_role(studio: Studio, role: str) -> None:
    path = f"/api/users/{studio.validator_id}/role"
    answer = await studio.as_admin("PUT", path, {"role": role})
    assert answer.status_code == 200, answer.text


async def test_saved_scores_reach_the_server_exactly_once(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """450 offline scores: the server holds exactly those, with the usns the client holds."""
    events = save_scores(store, studio, 450)
    async with await studio.client(retry=retry) as client:
        report = await synchronize(store, client)
    server = studio.server_scores()
    assert report.clean, report.problems
    assert (report.pushed, report.accepted, report.batches) == (450, 450, 3)
    assert set(server) == {event.id for event in events}
    assert digest(server.values()) == digest(store.score_events())
    assert {e.id: e.usn for e in store.score_events()} == {i: e.usn for i, e in server.items()}
    assert store.outbox() == ()


async def test_a_second_device_pulls_what_the_first_pushed(
    studio: Studio, store: LocalStore, tmp_path: Path, retry: RetryPolicy
) -> None:
    """The same validator on another machine receives every score, and the script too."""
    events = save_scores(store, studio, 30)
    async with await studio.client(retry=retry) as client:
        await synchronize(store, client)
    with LocalStore.open(tmp_path / "second" / "store.sqlite3") as second:
        async with await studio.client(retry=retry) as client:
            report = await synchronize(second, client, page_size=7)
        assert {e.id for e in second.score_events()} == {e.id for e in events}
        assert second.script_version(studio.version_id) is not None
        assert report.pages >= 5
        assert second.last_usn() == store.last_usn()


async def test_an_expired_access_token_is_renewed_against_the_real_server(
    studio: Studio, store: LocalStore, memory_keyring: MemoryKeyring, retry: RetryPolicy
) -> None:
    """A rejected access token is refreshed once; the rotated refresh token is kept."""
    save_scores(store, studio, 3)
    async with await studio.client(retry=retry) as client:
        before = memory_keyring.secrets[(SERVICE, account_key(SERVER_URL, "vera"))]
        assert client.auth.tokens is not None
        client.auth.tokens = TokenPair("not-a-valid-token", client.auth.tokens.refresh_token)
        report = await synchronize(store, client)
    after = memory_keyring.secrets[(SERVICE, account_key(SERVER_URL, "vera"))]
    assert report.accepted == 3
    assert after != before


async def test_scores_refused_for_a_revoked_role_stay_until_it_is_restored(
    studio: Studio, store: LocalStore, retry: RetryPolicy
) -> None:
    """Role revoked while offline: 403 per op, kept and listed; restored and retried: accepted."""
    events = save_scores(store, studio, 4)
    await set_role(studio, "writer")
    async with await studio.client(retry=retry) as client:
        refused = await synchronize(store, client)
    assert refused.forbidden == 4
    assert [entry.op.entity_id for entry in refused.refused] == [e.id for e in events]
    assert {entry.status for entry in store.outbox()} == {OutboxStatus.FORBIDDEN}
    assert studio.server_scores() == {}

    await set_role(studio, "validator")
    store.retry(entry.op.op_id for entry in store.outbox())
    async with await studio.client(retry=retry) as client:
        restored = await synchronize(store, client)
    assert restored.accepted == 4
    assert store.outbox() == ()
    assert set(studio.server_scores()) == {e.id for e in events}


async def test_a_fast_clock_does_not_make_an_older_score_current(
    studio: Studio, store: LocalStore, tmp_path: Path, retry: RetryPolicy
) -> None:
    """Device A's clock runs 3 days ahead; B's later score still wins on both devices."""
    ahead = score(studio.version_id, studio.validator_id, overall=9, created_at=T0 + 3 * DAY)
    store.save_score(ahead)
    async with await studio.client(retry=retry) as client:
        await synchronize(store, client)
    with LocalStore.open(tmp_path / "second" / "store.sqlite3") as second:
        later = score(studio.version_id, studio.validator_id, overall=2, created_at=T0)
        second.save_score(later)
        async with await studio.client(retry=retry) as client:
            await synchronize(second, client)
        async with await studio.client(retry=retry) as client:
            await synchronize(store, client)
        for device in (store, second):
            [current] = device.current_scores(studio.version_id)
            assert current.id == later.id
