"""Saving scores and the outbox: ordering, and removal only of ops the server names."""

from __future__ import annotations

import threading
from datetime import timedelta, timezone

import pytest

from tests.core.scoring.builders import T0, score
from tests.store.builders import accepted
from vividverse_desktop.core.wire import (
    Conflict,
    ConflictReason,
    Entity,
    Op,
    Outcome,
    PushResult,
    ScriptSubmission,
    new_id,
)
from vividverse_desktop.store import LocalStore, OutboxStatus, StoreError, Subject


def test_saving_a_score_writes_the_event_and_its_op_together(store: LocalStore) -> None:
    """A saved score is both readable locally and pending in the outbox."""
    event = score("v-1", "validator-1")
    changes = store.save_score(event)
    [entry] = store.outbox()
    assert store.score_events("v-1") == (event,)
    assert store.score_events("v-1")[0].usn is None
    assert entry.op.body == event
    assert entry.status is OutboxStatus.PENDING
    assert changes.ids(Subject.SCORE_EVENTS) == {event.id}
    assert changes.ids(Subject.OUTBOX) == {entry.op.op_id}


def test_saving_the_same_score_twice_changes_nothing(store: LocalStore) -> None:
    """A repeated save of an identical event (a double click) adds no second op."""
    event = score("v-1", "validator-1")
    store.save_score(event)
    assert not store.save_score(event)
    assert len(store.outbox()) == 1


def test_a_score_made_in_another_time_zone_is_recognised_when_saved_again(
    store: LocalStore,
) -> None:
    """The store keeps UTC; a repeat save of a +02:00 event is still the same event."""
    event = score("v-1", "validator-1", created_at=T0.astimezone(timezone(timedelta(hours=2))))
    store.save_score(event)
    assert not store.save_score(event)
    assert store.score_events() == (event,)


def test_reusing_a_score_id_with_other_values_is_refused(store: LocalStore) -> None:
    """A different event under an id already saved is an error, and nothing is written."""
    event = score("v-1", "validator-1", overall=7)
    store.save_score(event)
    with pytest.raises(StoreError, match="other values"):
        store.save_score(score("v-1", "validator-1", overall=9, event_id=event.id))
    assert len(store.outbox()) == 1


def test_pending_ops_come_in_the_order_they_were_made(store: LocalStore) -> None:
    """The next batch is the oldest pending ops, in save order, never by clock."""
    events = [score("v-1", f"validator-{i}") for i in range(6)]
    for event in reversed(events[3:]):  # clocks are equal; only save order counts
        store.save_score(event)
    for event in events[:3]:
        store.save_score(event)
    saved = [*reversed(events[3:]), *events[:3]]
    assert [op.body for op in store.pending_ops(4)] == saved[:4]


def test_only_ops_the_reply_names_leave_the_outbox(store: LocalStore) -> None:
    """Accepted and duplicate ops go; ops the reply does not name stay pending."""
    events = [score("v-1", f"validator-{i}") for i in range(4)]
    for event in events:
        store.save_score(event)
    ops = store.pending_ops()
    reply = [
        accepted(ops[0], usn=11),
        PushResult(ops[2].op_id, Outcome.DUPLICATE, usn=7),
        PushResult(new_id(), Outcome.ACCEPTED, usn=12),  # not ours: ignored
    ]
    changes = store.settle(reply)
    assert [op.op_id for op in store.pending_ops()] == [ops[1].op_id, ops[3].op_id]
    assert changes.ids(Subject.OUTBOX) == {ops[0].op_id, ops[2].op_id}


def test_an_accepted_score_takes_the_server_usn(store: LocalStore) -> None:
    """After the server accepts a score, the local event carries its usn."""
    event = score("v-1", "validator-1")
    store.save_score(event)
    store.settle([accepted(store.pending_ops()[0], usn=31)])
    stored = store.score_event(event.id)
    assert stored is not None
    assert stored.usn == 31


def test_an_empty_reply_keeps_every_op(store: LocalStore) -> None:
    """A lost reply settles nothing: every op is sent again next time."""
    for i in range(3):
        store.save_score(score("v-1", f"validator-{i}"))
    before = store.pending_ops()
    assert not store.settle([])
    assert store.pending_ops() == before


def test_a_forbidden_op_stays_visible_and_is_not_resent(store: LocalStore) -> None:
    """A 403 (role revoked) keeps the op and the message, out of the next batch."""
    store.save_score(score("v-1", "validator-1"))
    op = store.pending_ops()[0]
    store.settle([PushResult(op.op_id, Outcome.FORBIDDEN, message="validator role revoked")])
    [entry] = store.outbox()
    assert entry.status is OutboxStatus.FORBIDDEN
    assert entry.message == "validator role revoked"
    assert store.pending_ops() == ()
    assert store.score_event(op.entity_id) is not None


def test_a_forbidden_op_can_be_retried(store: LocalStore) -> None:
    """Retrying puts a refused op back in the queue, in its old place."""
    for i in range(2):
        store.save_score(score("v-1", f"validator-{i}"))
    first, second = store.pending_ops()
    store.settle([PushResult(first.op_id, Outcome.FORBIDDEN, message="revoked")])
    store.retry([first.op_id])
    assert store.pending_ops() == (first, second)


def test_a_conflict_keeps_both_versions_for_the_user(store: LocalStore) -> None:
    """A 409 leaves the op in the outbox and keeps the conflict with both sides."""
    event = score("v-1", "validator-1")
    store.save_score(event)
    op = store.pending_ops()[0]
    conflict = Conflict(ConflictReason.PAYLOAD_MISMATCH, Entity.SCORE_EVENT, event.id, op.payload())
    store.settle([PushResult(op.op_id, Outcome.CONFLICT, message="id reused", conflict=conflict)])
    [entry] = store.outbox()
    [kept] = store.conflicts()
    assert entry.status is OutboxStatus.CONFLICT
    assert kept.op_id == op.op_id
    assert kept.conflict == conflict
    assert kept.message == "id reused"


def test_keeping_mine_after_an_id_clash_resends_under_a_fresh_id(store: LocalStore) -> None:
    """Resolving a payload-mismatch conflict for the local side gives the op a new id."""
    event = score("v-1", "validator-1")
    store.save_score(event)
    op = store.pending_ops()[0]
    conflict = Conflict(ConflictReason.PAYLOAD_MISMATCH, Entity.SCORE_EVENT, event.id, {})
    store.settle([PushResult(op.op_id, Outcome.CONFLICT, message="clash", conflict=conflict)])
    fresh, _ = store.keep_mine(op.op_id, user_id="validator-1")
    assert fresh.op_id != op.op_id
    assert store.pending_ops() == (fresh,)
    assert fresh.body == event
    assert store.conflicts() == ()


def test_discarding_an_invalid_score_removes_it_locally(store: LocalStore) -> None:
    """An invalid op the user gives up on disappears with the score it made."""
    event = score("v-1", "validator-1")
    store.save_score(event)
    op = store.pending_ops()[0]
    store.settle([PushResult(op.op_id, Outcome.INVALID, message="no such version")])
    changes = store.discard(op.op_id)
    assert store.outbox() == ()
    assert store.score_event(event.id) is None
    assert Subject.SCORE_EVENTS in changes


def test_unsent_scores_are_later_than_accepted_ones(store: LocalStore) -> None:
    """A validator's current score is the unsent one, whatever the clocks say."""
    old = score("v-1", "validator-1", overall=4, created_at=T0 + timedelta(days=1))
    new = score("v-1", "validator-1", overall=9, created_at=T0)  # a skewed clock
    store.save_score(old)
    store.settle([accepted(store.pending_ops()[0], usn=5)])
    store.save_score(new)
    [current] = store.current_scores("v-1")
    assert current.overall == 9


def test_scores_saved_from_many_threads_are_all_kept(store: LocalStore) -> None:
    """Writers on several threads each get their own session; nothing is lost."""
    errors: list[BaseException] = []

    def save_many(worker: int) -> None:
        try:
            for i in range(25):
                store.save_score(score(f"v-{worker}", f"validator-{i}"))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=save_many, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.outbox()) == 100
    assert len(store.score_events()) == 100


def test_an_op_id_cannot_enter_the_outbox_twice(store: LocalStore) -> None:
    """Recording the same op twice is refused rather than queued twice."""
    op = Op.of(ScriptSubmission.of("Coffee", "INT. ROOM - DAY\n"))
    store.record(op, user_id=new_id())
    with pytest.raises(StoreError):
        store.record(op, user_id=new_id())
    assert len(store.outbox()) == 1
