"""The users cache and the per-entity counts, with the Changes the store reports."""

from __future__ import annotations

from tests.core.scoring.builders import score
from tests.store.builders import T0, page
from vividverse_desktop.core.wire import Entity, ScriptRecord, UserRecord, new_id
from vividverse_desktop.core.workflow import Role, Status
from vividverse_desktop.store import LocalStore, Subject


def test_remembered_users_are_cached_until_a_pull_replaces_them(store: LocalStore) -> None:
    """The signed-in user is cached at once; the server's later version wins."""
    me = UserRecord(new_id(), "anna", "Anna", Role.VALIDATOR)
    assert store.remember_users([me]).ids(Subject.USERS) == {me.id}
    assert not store.remember_users([me])
    renamed = UserRecord(me.id, "anna", "Anna Karlsson", Role.VALIDATOR)
    store.apply_pull(page([(renamed, 2)]))
    assert store.user(me.id) == renamed


def test_counts_report_records_per_entity(store: LocalStore) -> None:
    """Counts cover every entity, pulled and local alike."""
    store.save_score(score("v-1", "validator-1"))
    script = ScriptRecord(new_id(), new_id(), "Coffee", Status.VALIDATED, 1, T0)
    store.apply_pull(page([(script, 1), (score("v-1", "validator-2"), 2)]))
    counts = store.counts()
    assert counts[Entity.SCORE_EVENT] == 2
    assert counts[Entity.SCRIPT] == 1
    assert counts[Entity.MOVIE] == 0
