"""The Changes value views refresh from."""

from __future__ import annotations

from vividverse_desktop.core.changes import Changes, Subject


def test_changes_merge_per_subject() -> None:
    """Merging two change sets unions the ids of each subject."""
    merged = Changes.of(Subject.SCRIPTS, ["a"]) | Changes.of(Subject.SCRIPTS, ["b"])
    merged |= Changes.of(Subject.OUTBOX, ["op-1"])
    assert merged.ids(Subject.SCRIPTS) == {"a", "b"}
    assert merged.subjects == {Subject.SCRIPTS, Subject.OUTBOX}
    assert Subject.MOVIES not in merged


def test_no_change_is_falsy() -> None:
    """An empty change set is false, so callers can skip refreshing."""
    assert not Changes()
    assert not Changes.of(Subject.SCRIPTS, [])
    assert Changes.of(Subject.SCRIPTS, ["a"])
