"""What an op does to the local tables before the server has seen it (optimistic).

A creation adds the record with ``usn = None``. An edit changes the local record and
bumps its revision by one, as the server will when it accepts the edit; the next edit of
the same record is then based on that revision, so a run of offline edits applies in order.
Pulled changes later replace these rows with the server's state.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vividverse_desktop.core.changes import ChangeLog, Subject
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.wire import (
    MovieDecision,
    MovieProgress,
    NoteReplyEdit,
    Op,
    ReviewNoteEdit,
    ScriptMetadata,
    ScriptRevision,
    ScriptSubmission,
)
from vividverse_desktop.core.wire.schema import fill_row
from vividverse_desktop.core.workflow import Status
from vividverse_desktop.store.engine import StoreError
from vividverse_desktop.store.rows import fill_score, score_from_row
from vividverse_desktop.store.schema import (
    MovieRow,
    NoteReplyRow,
    ReviewNoteRow,
    ScoreEventRow,
    ScriptRow,
    ScriptVersionRow,
)


def apply_op(session: Session, op: Op, user_id: str, log: ChangeLog) -> bool:
    """Apply ``op`` to the local tables as ``user_id``; False if it was already applied.

    Raises ``StoreError`` when the op reuses the id of a different local record.
    """
    body = op.body
    if isinstance(body, ScoreEvent):
        return _add_score(session, body, log)
    if isinstance(body, ScriptSubmission):
        return _add_submission(session, body, op, user_id, log)
    if isinstance(body, ScriptRevision):
        return _add_revision(session, body, op, log)
    if isinstance(body, ReviewNoteEdit):
        return _put_note(session, body, op, user_id, log)
    if isinstance(body, MovieProgress):
        return _update_movie(session, body, log)
    if isinstance(body, MovieDecision):
        return _decide_movie(session, body, user_id, log)
    if isinstance(body, NoteReplyEdit):
        return _put_reply(session, body, op, user_id, log)
    return _update_script(session, body, log)


def _add_score(session: Session, event: ScoreEvent, log: ChangeLog) -> bool:
    held = session.get(ScoreEventRow, event.id)
    if held is not None:
        if score_from_row(held) == event:  # equal values; times compare across zones
            return False
        raise StoreError(f"score event {event.id} is already saved with other values")
    row = ScoreEventRow()
    fill_score(row, event)
    row.usn = None
    row.seq = (session.scalar(select(func.max(ScoreEventRow.seq))) or 0) + 1
    session.add(row)
    log.add(Subject.SCORE_EVENTS, event.id)
    return True


def _add_submission(
    session: Session, body: ScriptSubmission, op: Op, user_id: str, log: ChangeLog
) -> bool:
    if session.get(ScriptRow, body.script_id) is not None:
        raise StoreError(f"script {body.script_id} already exists")
    session.add(
        ScriptRow(
            id=body.script_id,
            author_id=user_id,
            title=body.title,
            status=Status.PENDING_VALIDATION.value,
            revision=1,
            created_at=op.created_at,
            usn=None,
        )
    )
    session.add(_version_row(body.version_id, body.script_id, 1, body, op))
    log.add(Subject.SCRIPTS, body.script_id)
    log.add(Subject.SCRIPT_VERSIONS, body.version_id)
    return True


def _add_revision(session: Session, body: ScriptRevision, op: Op, log: ChangeLog) -> bool:
    if session.get(ScriptVersionRow, body.version_id) is not None:
        raise StoreError(f"script version {body.version_id} already exists")
    latest = session.scalar(
        select(func.max(ScriptVersionRow.n)).where(ScriptVersionRow.script_id == body.script_id)
    )
    session.add(_version_row(body.version_id, body.script_id, (latest or 0) + 1, body, op))
    log.add(Subject.SCRIPT_VERSIONS, body.version_id)
    return True


def _version_row(
    version_id: str, script_id: str, n: int, body: ScriptSubmission | ScriptRevision, op: Op
) -> ScriptVersionRow:
    return ScriptVersionRow(
        id=version_id,
        script_id=script_id,
        n=n,
        content_sha256=body.content_sha256,
        fountain_text=body.fountain_text,
        source_format=body.source_format.value,
        source_file_key=None,
        stats={},
        created_at=op.created_at,
        usn=None,
    )


def _put_note(session: Session, body: ReviewNoteEdit, op: Op, user_id: str, log: ChangeLog) -> bool:
    row = session.get(ReviewNoteRow, body.note_id)
    if row is None:
        row = ReviewNoteRow(
            id=body.note_id, author_id=user_id, created_at=op.created_at, revision=1, usn=None
        )
        session.add(row)
    else:
        row.revision = (body.base_revision or row.revision) + 1
    fill_row(row, body, skip=("note_id", "base_revision"))  # the note's whole state
    log.add(Subject.REVIEW_NOTES, body.note_id)
    return True


def _put_reply(session: Session, body: NoteReplyEdit, op: Op, user_id: str, log: ChangeLog) -> bool:
    row = session.get(NoteReplyRow, body.reply_id)
    if row is None:
        note = session.get(ReviewNoteRow, body.note_id)
        if note is None:
            raise StoreError(f"no review note {body.note_id} in the local store")
        row = NoteReplyRow(
            id=body.reply_id,
            note_id=body.note_id,
            movie_id=note.movie_id,
            author_id=user_id,
            created_at=op.created_at,
            revision=1,
            usn=None,
        )
        session.add(row)
    else:
        row.revision = (body.base_revision or row.revision) + 1
    fill_row(row, body, skip=("reply_id", "note_id", "base_revision"))
    log.add(Subject.NOTE_REPLIES, body.reply_id)
    return True


def _decide_movie(session: Session, body: MovieDecision, user_id: str, log: ChangeLog) -> bool:
    row = session.get(MovieRow, body.movie_id)
    if row is not None:
        row.status = body.decision.status.value
        row.decided_by = user_id
        row.decision_comment = body.comment
        row.revision = body.base_revision + 1
        log.add(Subject.MOVIES, body.movie_id)
    return True


def _update_movie(session: Session, body: MovieProgress, log: ChangeLog) -> bool:
    row = session.get(MovieRow, body.movie_id)
    if row is not None:
        row.status = body.status
        row.progress = body.progress
        row.stage = body.stage
        row.revision = body.base_revision + 1
        log.add(Subject.MOVIES, body.movie_id)
    return True


def _update_script(session: Session, body: ScriptMetadata, log: ChangeLog) -> bool:
    row = session.get(ScriptRow, body.script_id)
    if row is not None:
        if body.title is not None:
            row.title = body.title
        if body.status is not None:
            row.status = body.status.value
        row.revision = body.base_revision + 1
        log.add(Subject.SCRIPTS, body.script_id)
    return True
