"""One sync: push the outbox in batches, then pull pages until the server has no more.

The order is the protocol's (``core.wire``): push before pull, so this device's unsent
edits are not mistaken for stale. Batches go one at a time, in outbox order; a reply is
written to the store while the next batch is with the server (that batch never holds
ops still waiting for their reply to be written), and always before the sync ends, even
when it fails. Each pulled page is applied in one transaction with its cursor, while the
next page is fetched; a pull under a new scope (the user's roles changed) starts from 0.
Store calls run on worker threads, so an event loop shared with a GUI never waits on
SQLite.
A failure part-way (``SyncError``) loses nothing: ops the server never named stay
pending and the pull cursor only moves with applied pages. The error carries the
partial :class:`SyncReport` as ``report``. Either way the report's ``changes`` say what
the sync changed in the store (rows pulled, ops settled, refused or in conflict), so a
view refreshes only what moved.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from vividverse_desktop.core.wire import (
    MAX_PUSH_OPS,
    Op,
    OpKind,
    Outcome,
    PullResponse,
    PushResult,
)
from vividverse_desktop.store import Changes, LocalStore, OutboxEntry, OutboxStatus
from vividverse_desktop.sync.client import SyncClient
from vividverse_desktop.sync.errors import BodyTooLarge, ProtocolViolation, SyncError
from vividverse_desktop.sync.report import SyncReport

DEFAULT_BATCH_SIZE = 200


@dataclass(slots=True)
class _Tally:
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    pushed: int = 0
    unanswered: int = 0
    pulled: int = 0
    batches: int = 0
    pages: int = 0
    problems: list[str] = field(default_factory=list)
    started: float = 0.0
    on_progress: Callable[[SyncReport], None] | None = None
    changes: Changes = field(default_factory=Changes)

    def changed(self, changes: Changes) -> None:
        self.changes = self.changes | changes

    def progressed(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.report())

    def report(self) -> SyncReport:
        return SyncReport(
            pushed=self.pushed,
            accepted=self.outcomes[Outcome.ACCEPTED],
            duplicates=self.outcomes[Outcome.DUPLICATE],
            conflicts=self.outcomes[Outcome.CONFLICT],
            forbidden=self.outcomes[Outcome.FORBIDDEN],
            invalid=self.outcomes[Outcome.INVALID],
            unanswered=self.unanswered,
            pulled=self.pulled,
            batches=self.batches,
            pages=self.pages,
            elapsed=time.perf_counter() - self.started,
            problems=tuple(self.problems),
            changes=self.changes,
        )


async def synchronize(
    store: LocalStore,
    client: SyncClient,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    page_size: int | None = None,
    on_progress: Callable[[SyncReport], None] | None = None,
) -> SyncReport:
    """Push every pending op, pull every new change, check the counts; the report says what
    was done and (``report.changes``) what changed in the store.

    ``on_progress`` (if given) is called on the event loop with the counts so far after
    each batch and each page. Raises ``SyncError`` (with ``report`` set to what was done)
    when the server cannot be reached, refuses the session, or keeps failing.
    """
    if not 1 <= batch_size <= MAX_PUSH_OPS:
        raise ValueError(f"batch_size must be from 1 to {MAX_PUSH_OPS}")
    tally = _Tally(started=time.perf_counter(), on_progress=on_progress)
    try:
        await _push(store, client, batch_size, tally)
        await _pull(store, client, page_size, tally)
        outbox = await asyncio.to_thread(_check_store, store, tally)
    except SyncError as exc:
        exc.report = tally.report()
        raise
    kept = tuple(entry for entry in outbox if entry.status is not OutboxStatus.PENDING)
    return replace(tally.report(), refused=kept)


async def _push(store: LocalStore, client: SyncClient, batch_size: int, tally: _Tally) -> None:
    """Send batches in outbox order, one at a time; while the server works on a batch,
    the previous reply is written to the store (its ops are kept out of the next batch)."""
    device_id = await asyncio.to_thread(store.device_id)
    size = batch_size
    settling: asyncio.Future[Changes] | None = None
    in_flight: frozenset[str] = frozenset()
    try:
        while True:
            batch = await _next_batch(store, size, in_flight)
            if not batch:
                return
            try:
                response = await client.push(device_id, batch)
            except BodyTooLarge:
                if size == 1:
                    tally.problems.append(
                        f"op {batch[0].op_id} is larger than the server accepts; "
                        "it stays in the outbox"
                    )
                    return
                size = max(1, size // 2)
                continue
            if settling is not None:
                tally.changed(await settling)
                settling = None
            results = _results_for(batch, response.results, tally)
            settling = asyncio.ensure_future(asyncio.to_thread(store.settle, results))
            in_flight = frozenset(op.op_id for op in batch)
            tally.batches += 1
            tally.pushed += len(batch)
            tally.outcomes.update(result.outcome for result in results)
            tally.progressed()
            unnamed = len(batch) - len(results)
            if unnamed:
                # Later ops may depend on the unnamed ones (a score on a new version):
                # stop here; they all go again, in order, on the next sync.
                tally.unanswered += unnamed
                tally.problems.append(
                    f"the server did not answer for {unnamed} of {len(batch)} ops; "
                    "they stay pending and go again on the next sync"
                )
                return
    finally:
        if settling is not None:
            # a reply received is always recorded, even if a later push fails
            tally.changed(await settling)


async def _next_batch(store: LocalStore, size: int, in_flight: frozenset[str]) -> list[Op]:
    """The oldest ``size`` pending ops that are not in the reply still being written."""
    pending = await asyncio.to_thread(store.pending_ops, size + len(in_flight))
    return [op for op in pending if op.op_id not in in_flight][:size]


def _results_for(
    batch: Sequence[Op], results: Sequence[PushResult], tally: _Tally
) -> list[PushResult]:
    """The first result for each op of ``batch``; results naming other ops are dropped."""
    sent = {op.op_id for op in batch}
    kept: dict[str, PushResult] = {}
    foreign = 0
    for result in results:
        if result.op_id not in sent:
            foreign += 1
        elif result.op_id not in kept:
            kept[result.op_id] = result
    if foreign:
        tally.problems.append(f"the server answered for {foreign} ops that were not sent")
    return list(kept.values())


async def _pull(
    store: LocalStore, client: SyncClient, page_size: int | None, tally: _Tally
) -> None:
    """Pull pages from the stored cursor until the server has no more; the next page is
    fetched while the current one is applied (each page in its own transaction).

    When the first page names another scope than the last pull's (the user's roles
    changed), the pull starts again from 0 in ``rescope`` mode (see ``store.pull``)."""
    since = await asyncio.to_thread(store.last_usn)
    page = await client.pull(since, page_size)
    rescope = False
    held_scope = await asyncio.to_thread(store.pull_scope)
    if since > 0 and page.scope is not None and page.scope != held_scope:
        # What the user may see changed (a role granted): records they may now see can
        # be older than the cursor, so pull everything again.
        since, rescope = 0, True
        page = await client.pull(0, page_size)
    while True:
        applying = asyncio.ensure_future(asyncio.to_thread(store.apply_pull, page, rescope=rescope))
        fetching: asyncio.Future[PullResponse] | None = None
        if page.has_more and page.next_since > since:
            fetching = asyncio.ensure_future(client.pull(page.next_since, page_size))
        try:
            tally.changed(await applying)
        except BaseException:
            if fetching is not None:
                fetching.cancel()
                await asyncio.gather(fetching, return_exceptions=True)
            raise
        tally.pages += 1
        tally.pulled += len(page.changes)
        tally.progressed()
        if not page.has_more:
            return
        if fetching is None:
            raise ProtocolViolation(
                f"the server's pull cursor did not move past {since}; stopping the pull"
            )
        since = page.next_since
        page = await fetching


def _check_store(store: LocalStore, tally: _Tally) -> tuple[OutboxEntry, ...]:
    """The end-of-sync sanity check: nothing lost, nothing counted twice; returns the outbox.

    Every reply must account for what was sent, and every local score the server has not
    accepted must still have its op in the outbox (a score without either is lost).
    """
    answered = sum(tally.outcomes.values())
    if answered + tally.unanswered != tally.pushed:
        tally.problems.append(
            f"{tally.pushed} ops sent but {answered + tally.unanswered} accounted for"
        )
    outbox = store.outbox()
    queued = {entry.op.entity_id for entry in outbox if entry.op.kind is OpKind.SCORE}
    lost = store.unsent_score_ids() - queued
    if lost:
        tally.problems.append(
            f"{len(lost)} local scores are neither accepted by the server nor in the outbox"
        )
    return outbox
