"""Applying pulled pages: one transaction, idempotent, and the cursor moves with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.scoring.builders import score
from tests.store.builders import T0, accepted, dump, page
from vividverse_desktop.core.wire import (
    Change,
    Entity,
    MovieRecord,
    Outcome,
    PullResponse,
    PushResult,
    ScriptRecord,
    UserRecord,
    WireError,
    new_id,
)
from vividverse_desktop.core.workflow import Role, Status
from vividverse_desktop.store import LocalStore, Subject


def test_a_pulled_page_is_readable_and_advances_the_cursor(store: LocalStore) -> None:
    """Records of a page are stored with their usns and last_usn becomes next_since."""
    user = UserRecord(new_id(), "anna", "Anna", Role.VALIDATOR)
    script = ScriptRecord(new_id(), user.id, "Coffee", Status.PENDING_VALIDATION, 1, T0)
    event = score("v-1", user.id)
    changes = store.apply_pull(page([(user, 1), (script, 2), (event, 3)]))
    assert store.users() == (user,)
    assert store.script(script.id) == script
    assert [e.usn for e in store.score_events("v-1")] == [3]
    assert store.last_usn() == 3
    assert changes.subjects == {
        Subject.USERS,
        Subject.SCRIPTS,
        Subject.SCORE_EVENTS,
        Subject.SYNC_STATE,
    }


def test_applying_the_same_page_twice_changes_nothing(store: LocalStore, store_file: Path) -> None:
    """The second application reports no change and leaves every row as it was."""
    script = ScriptRecord(new_id(), new_id(), "Coffee", Status.VALIDATED, 2, T0)
    batch = page([(script, 4), *((score("v-1", f"validator-{i}"), 5 + i) for i in range(5))])
    store.apply_pull(batch)
    before = dump(store_file)
    assert not store.apply_pull(batch)
    assert dump(store_file) == before


def test_an_older_page_does_not_undo_a_newer_one(store: LocalStore) -> None:
    """A record already held at a newer usn keeps its newer state."""
    old = ScriptRecord(new_id(), new_id(), "Draft title", Status.PENDING_VALIDATION, 1, T0)
    new = ScriptRecord(old.id, old.author_id, "Final title", Status.VALIDATED, 2, T0)
    store.apply_pull(page([(new, 9)]))
    store.apply_pull(PullResponse((Change.of(old, 3),), next_since=3))
    assert store.script(old.id) == new
    assert store.last_usn() == 9


def test_a_later_change_replaces_a_record(store: LocalStore) -> None:
    """Each change carries the whole record; the newer one wins."""
    movie = MovieRecord(new_id(), new_id(), "Generating", 0.1, "plan", new_id(), 1)
    later = MovieRecord(
        movie.id, movie.script_version_id, "Completed", 1.0, "done", movie.created_by, 2
    )
    store.apply_pull(page([(movie, 1)]))
    store.apply_pull(page([(later, 2)]))
    assert store.movie(movie.id) == later


def test_an_empty_last_page_still_moves_the_cursor(store: LocalStore) -> None:
    """A page with no changes but a higher next_since advances the cursor."""
    store.apply_pull(PullResponse((), next_since=250))
    assert store.last_usn() == 250


def test_a_pulled_score_settles_nothing_in_the_outbox(store: LocalStore) -> None:
    """Seeing our own score in a pull (lost ack) does not remove its op; the reply does."""
    event = score("v-1", "validator-1")
    store.save_score(event)
    op = store.pending_ops()[0]
    store.apply_pull(page([(event, 17)]))
    assert store.pending_ops() == (op,)
    assert [e.usn for e in store.score_events("v-1")] == [17]
    store.settle([PushResult(op.op_id, Outcome.DUPLICATE, usn=17)])
    assert store.outbox() == ()
    assert len(store.score_events("v-1")) == 1


def test_an_accepted_score_is_not_rewritten_by_its_own_pull(store: LocalStore) -> None:
    """After the reply set the usn, pulling the same event changes nothing."""
    event = score("v-1", "validator-1")
    store.save_score(event)
    store.settle([accepted(store.pending_ops()[0], usn=8)])
    changes = store.apply_pull(page([(event, 8)]))
    assert Subject.SCORE_EVENTS not in changes


def test_pulled_state_replaces_a_local_edit(store: LocalStore) -> None:
    """The server's record wins over the local optimistic edit once it is pulled."""
    script = ScriptRecord(new_id(), new_id(), "Coffee", Status.VALIDATED, 3, T0)
    store.apply_pull(page([(script, 5)]))
    store.edit_script(script.id, user_id=script.author_id, title="Tea")
    assert store.script(script.id) == ScriptRecord(
        script.id, script.author_id, "Tea", Status.VALIDATED, 4, T0
    )
    server = ScriptRecord(script.id, script.author_id, "Tea", Status.SELECTED, 5, T0)
    store.apply_pull(page([(server, 6)]))
    assert store.script(script.id) == server


def test_a_page_is_applied_in_one_transaction(store: LocalStore, store_file: Path) -> None:
    """A page that fails half way leaves the store exactly as it was."""
    good = ScriptRecord(new_id(), new_id(), "Coffee", Status.VALIDATED, 1, T0)
    broken = Change(2, Entity.SCRIPT, new_id(), {"id": "not a whole script"})
    before = dump(store_file)
    with pytest.raises(WireError):
        store.apply_pull(PullResponse((Change.of(good, 1), broken), next_since=2))
    assert dump(store_file) == before
