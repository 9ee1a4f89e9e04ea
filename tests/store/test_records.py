"""Scripts, versions, movies and notes made or edited offline, and stale-edit conflicts."""

from __future__ import annotations

import pytest

from tests.store.builders import T0, page
from vividverse_desktop.core.wire import (
    Conflict,
    ConflictReason,
    Entity,
    MovieProgress,
    MovieRecord,
    Op,
    OpKind,
    Outcome,
    PushResult,
    ReviewNoteEdit,
    ScriptMetadata,
    ScriptRecord,
    ScriptRevision,
    ScriptSubmission,
    new_id,
)
from vividverse_desktop.core.workflow import Status
from vividverse_desktop.store import LocalStore, OutboxStatus, StoreError, Subject

WRITER = new_id()
TEXT = "INT. KITCHEN - DAY\n\nANNA pours coffee.\n"


def test_a_submitted_script_is_visible_before_it_is_sent(store: LocalStore) -> None:
    """Submitting offline shows the script, pending validation, with version 1."""
    submission = ScriptSubmission.of("Coffee", TEXT)
    changes = store.record(Op.of(submission, created_at=T0), user_id=WRITER)
    script = store.script(submission.script_id)
    assert script == ScriptRecord(
        submission.script_id, WRITER, "Coffee", Status.PENDING_VALIDATION, 1, T0
    )
    [version] = store.script_versions(submission.script_id)
    assert (version.id, version.n, version.fountain_text) == (submission.version_id, 1, TEXT)
    assert changes.subjects == {Subject.SCRIPTS, Subject.SCRIPT_VERSIONS, Subject.OUTBOX}


def test_new_versions_are_numbered_after_the_last_one(store: LocalStore) -> None:
    """A revision made offline gets the next provisional number."""
    submission = ScriptSubmission.of("Coffee", TEXT)
    store.record(Op.of(submission), user_id=WRITER)
    revision = ScriptRevision.of(submission.script_id, TEXT + "She drinks.\n")
    store.record(Op.of(revision), user_id=WRITER)
    assert [v.n for v in store.script_versions(submission.script_id)] == [1, 2]


def test_discarding_a_refused_submission_removes_the_script(store: LocalStore) -> None:
    """A submission the user gives up on leaves no script behind."""
    submission = ScriptSubmission.of("Coffee", TEXT)
    store.record(Op.of(submission), user_id=WRITER)
    [op] = store.pending_ops()
    store.settle([PushResult(op.op_id, Outcome.FORBIDDEN, message="writer role revoked")])
    store.discard(op.op_id)
    assert store.script(submission.script_id) is None
    assert store.script_versions(submission.script_id) == ()


def test_offline_edits_are_based_on_each_other(store: LocalStore) -> None:
    """Two edits in a row are based on revisions 3 and 4, so they apply in order."""
    script = ScriptRecord(new_id(), WRITER, "Coffee", Status.DRAFT, 3, T0)
    store.apply_pull(page([(script, 10)]))
    store.edit_script(script.id, user_id=WRITER, title="Tea")
    store.edit_script(script.id, user_id=WRITER, status=Status.PENDING_VALIDATION)
    bases = [op.base_revision for op in store.pending_ops()]
    assert bases == [3, 4]
    assert store.script(script.id) == ScriptRecord(
        script.id, WRITER, "Tea", Status.PENDING_VALIDATION, 5, T0
    )


def test_editing_an_unknown_script_is_refused(store: LocalStore) -> None:
    """An edit needs the record it is based on."""
    with pytest.raises(StoreError, match="no script"):
        store.edit_script(new_id(), user_id=WRITER, title="Tea")


def stale_movie(store: LocalStore) -> tuple[MovieRecord, MovieRecord, Op]:
    """A movie edited here at revision 2 while the server moved on to revision 3."""
    movie = MovieRecord(new_id(), new_id(), "Generating", 0.2, "scene 2", WRITER, 2)
    theirs = MovieRecord(movie.id, movie.script_version_id, "Failed", 0.5, "mux", WRITER, 3)
    store.apply_pull(page([(movie, 4)]))
    store.report_progress(movie.id, user_id=WRITER, status="Generating", progress=0.6, stage="s6")
    [op] = store.pending_ops()
    conflict = Conflict(
        ConflictReason.STALE,
        Entity.MOVIE,
        movie.id,
        op.payload(),
        theirs.to_json(),
        base_revision=2,
        server_revision=3,
    )
    store.settle([PushResult(op.op_id, Outcome.CONFLICT, message="stale", conflict=conflict)])
    return movie, theirs, op


def test_a_stale_edit_is_kept_with_both_versions(store: LocalStore) -> None:
    """The stale progress report stays in the outbox beside the server's version."""
    _, theirs, op = stale_movie(store)
    [entry] = store.outbox()
    [kept] = store.conflicts()
    assert entry.status is OutboxStatus.CONFLICT
    assert kept.conflict.mine == op.payload()
    assert MovieRecord.from_json(kept.conflict.theirs) == theirs


def test_keeping_mine_rebases_a_stale_edit(store: LocalStore) -> None:
    """Choosing the local version re-sends it based on the server's revision."""
    movie, _, op = stale_movie(store)
    fresh, _ = store.keep_mine(op.op_id, user_id=WRITER)
    assert store.pending_ops() == (fresh,)
    assert isinstance(fresh.body, MovieProgress)
    assert fresh.body.base_revision == 3
    assert fresh.body.progress == 0.6
    assert store.conflicts() == ()
    local = store.movie(movie.id)
    assert local is not None
    assert (local.progress, local.revision) == (0.6, 4)


def test_discarding_a_stale_edit_restores_the_server_version(store: LocalStore) -> None:
    """Choosing the server's version drops the op and shows their record."""
    movie, theirs, op = stale_movie(store)
    store.discard(op.op_id)
    assert store.outbox() == ()
    assert store.movie(movie.id) == theirs


def test_a_review_note_is_created_then_edited(store: LocalStore) -> None:
    """A new note starts at revision 1; its edit is based on it and bumps it."""
    movie_id = new_id()
    note = ReviewNoteEdit(new_id(), movie_id, 48, None, 24.0, "00:00:02:00", "Too dark", "open")
    store.record(Op.of(note), user_id=WRITER)
    edit = ReviewNoteEdit(
        note.note_id, movie_id, 48, 72, 24.0, "00:00:02:00", "Too dark", "resolved", 1
    )
    store.record(Op.of(edit), user_id=WRITER)
    [held] = store.review_notes(movie_id)
    assert (held.status, held.frame_end, held.revision, held.author_id) == (
        "resolved",
        72,
        2,
        WRITER,
    )
    assert [op.kind for op in store.pending_ops()] == [OpKind.REVIEW_NOTE] * 2


def test_retrying_a_conflict_is_refused(store: LocalStore) -> None:
    """A conflicting op is resolved by keeping or discarding it, not by a blind retry."""
    _, _, op = stale_movie(store)
    with pytest.raises(StoreError, match="in conflict"):
        store.retry([op.op_id])


def test_metadata_ops_carry_the_requested_status(store: LocalStore) -> None:
    """A status move requested offline travels as a script_metadata op."""
    script = ScriptRecord(new_id(), WRITER, "Coffee", Status.REJECTED, 2, T0)
    store.apply_pull(page([(script, 3)]))
    store.edit_script(script.id, user_id=WRITER, status=Status.DRAFT)
    [op] = store.pending_ops()
    assert op.body == ScriptMetadata(script.id, 2, None, Status.DRAFT)


def test_keeping_mine_keeps_the_server_fields_it_does_not_change(store: LocalStore) -> None:
    """A rebased title edit shows my title over the server's newer status."""
    script = ScriptRecord(new_id(), WRITER, "Coffee", Status.DRAFT, 1, T0)
    store.apply_pull(page([(script, 1)]))
    store.edit_script(script.id, user_id=WRITER, title="Tea")
    [op] = store.pending_ops()
    theirs = ScriptRecord(script.id, WRITER, "Coffee", Status.PENDING_VALIDATION, 2, T0)
    conflict = Conflict(
        ConflictReason.STALE,
        Entity.SCRIPT,
        script.id,
        op.payload(),
        theirs.to_json(),
        base_revision=1,
        server_revision=2,
    )
    store.settle([PushResult(op.op_id, Outcome.CONFLICT, message="stale", conflict=conflict)])
    store.keep_mine(op.op_id, user_id=WRITER)
    assert store.script(script.id) == ScriptRecord(
        script.id, WRITER, "Tea", Status.PENDING_VALIDATION, 3, T0
    )


def test_discarding_a_refused_edit_puts_the_record_back(store: LocalStore) -> None:
    """A forbidden title edit the user drops leaves the script as it was before."""
    script = ScriptRecord(new_id(), WRITER, "Coffee", Status.DRAFT, 3, T0)
    store.apply_pull(page([(script, 10)]))
    store.edit_script(script.id, user_id=WRITER, title="Tea")
    [op] = store.pending_ops()
    store.settle([PushResult(op.op_id, Outcome.FORBIDDEN, message="writer role revoked")])
    changes = store.discard(op.op_id)
    assert store.script(script.id) == script
    assert changes.ids(Subject.SCRIPTS) == {script.id}


def test_discarding_an_unsent_note_removes_it(store: LocalStore) -> None:
    """A note created here and dropped before the server saw it is gone."""
    note = ReviewNoteEdit(new_id(), new_id(), 1, None, 25.0, "00:00:00:01", "Flash", "open")
    store.record(Op.of(note), user_id=WRITER)
    [op] = store.pending_ops()
    store.discard(op.op_id)
    assert store.review_notes(note.movie_id) == ()
