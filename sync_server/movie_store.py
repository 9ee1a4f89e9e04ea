"""Movie progress, decisions, review notes and their replies: shared by the REST routes
and the push ops.

A final render status (``completed`` or ``failed``, any letter case) ends the script's
Generating status: the system's move, through ``workflow.transition``. A decision on a
finished movie is a reviewer's or an admin's (``Action.DECIDE_ON_MOVIE``), and the move
is the workflow's (``workflow.decision_refusal``).
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from sync_server import models
from sync_server.accounts import Account
from sync_server.batch import Batch, accepted, conflict, refused, stale
from sync_server.records import movie_record, note_record, reply_record
from sync_server.usn import UsnSequence
from vividverse_desktop.core.capabilities import Action, Capabilities
from vividverse_desktop.core.wire import (
    ConflictReason,
    MovieDecision,
    MovieProgress,
    NoteReplyEdit,
    Op,
    Outcome,
    PushResult,
    ReviewNoteEdit,
)
from vividverse_desktop.core.wire.schema import fill_row
from vividverse_desktop.core.workflow import Decision, Role, Status, decision_refusal, transition

RENDER_ENDS = {"completed": Status.COMPLETED, "failed": Status.FAILED}


def progress_op(batch: Batch, op: Op, body: MovieProgress) -> PushResult:
    """Apply a ``movie_progress`` op: editors and admins, on the movie's current revision."""
    account, session = batch.account, batch.session
    reason = account.capabilities.reason(Action.REPORT_RENDER)
    if reason is not None:
        return refused(op, Outcome.FORBIDDEN, reason)
    movie = session.get(models.Movie, uuid.UUID(body.movie_id))
    if movie is None:
        return refused(op, Outcome.INVALID, f"no movie {body.movie_id}")
    if body.base_revision != movie.revision:
        return stale(op, movie_record(movie).to_json(), movie.revision)
    update_movie(
        batch.session,
        batch.usns,
        movie,
        status=body.status,
        progress=body.progress,
        stage=body.stage,
    )
    return accepted(op, movie.usn)


def update_movie(
    session: Session,
    usns: UsnSequence,
    movie: models.Movie,
    *,
    status: str,
    progress: float,
    stage: str,
    video_key: str | None = None,
) -> None:
    """Record a render's progress; a final status ends the script's Generating (system)."""
    movie.status = status
    movie.progress = progress
    movie.stage = stage
    if video_key is not None:
        movie.video_key = video_key
    movie.revision += 1
    movie.updated_at = models.utc_now()
    movie.usn = usns.take()
    end = RENDER_ENDS.get(status.lower())
    if end is None:
        return
    version = session.get(models.ScriptVersion, movie.script_version_id)
    script = None if version is None else session.get(models.Script, version.script_id)
    if script is not None and script.status == Status.GENERATING.value:
        script.status = transition(Status.GENERATING, end, Role.SYSTEM).value
        script.revision += 1
        script.updated_at = models.utc_now()
        script.usn = usns.take()


def note_op(batch: Batch, op: Op, body: ReviewNoteEdit) -> PushResult:
    """Apply a ``review_note`` op: create (no base revision) or edit the current revision."""
    account, session = batch.account, batch.session
    caps = account.capabilities
    reason = caps.reason(Action.WRITE_NOTE, Action.EDIT_OWN_NOTE, Action.RESOLVE_ANY_NOTE)
    if reason is not None:
        return refused(op, Outcome.FORBIDDEN, reason)
    movie_id = uuid.UUID(body.movie_id)
    if session.get(models.Movie, movie_id) is None:
        return refused(op, Outcome.INVALID, f"no movie {body.movie_id}")
    note = session.get(models.ReviewNote, uuid.UUID(body.note_id))
    now = models.utc_now()
    if body.base_revision is None:
        if not caps.can(Action.WRITE_NOTE):
            return refused(op, Outcome.FORBIDDEN, caps.reason(Action.WRITE_NOTE) or "")
        if note is not None:
            return conflict(
                op,
                ConflictReason.PAYLOAD_MISMATCH,
                note_record(note).to_json(),
                message="this note id is taken",
            )
        note = models.ReviewNote(
            id=uuid.UUID(body.note_id),
            movie_id=movie_id,
            author_id=account.id,
            revision=0,
            created_at=now,
        )
        session.add(note)
    else:
        if note is None:
            return refused(op, Outcome.INVALID, f"no review note {body.note_id}")
        if note.movie_id != movie_id:
            return refused(op, Outcome.INVALID, "a note cannot move to another movie")
        refusal = _edit_refusal(caps, note.author_id == account.id)
        if refusal is not None:
            return refused(op, Outcome.FORBIDDEN, refusal)
        if body.base_revision != note.revision:
            return stale(op, note_record(note).to_json(), note.revision)
    fill_row(note, body, ids=uuid.UUID, skip=("note_id", "movie_id", "base_revision"))
    note.revision += 1
    note.updated_at = now
    note.usn = batch.usns.take()
    return accepted(op, note.usn)


def _edit_refusal(caps: Capabilities, is_author: bool) -> str | None:
    """Why these capabilities may not edit a note or reply: authors edit their own, an
    admin anyone's; None when they may."""
    if is_author and caps.can(Action.EDIT_OWN_NOTE):
        return None
    return caps.reason(Action.RESOLVE_ANY_NOTE)


def reply_op(batch: Batch, op: Op, body: NoteReplyEdit) -> PushResult:
    """Apply a ``note_reply`` op: reply to a note (no base revision) or edit a reply."""
    account, session = batch.account, batch.session
    caps = account.capabilities
    reason = caps.reason(Action.WRITE_NOTE, Action.EDIT_OWN_NOTE, Action.RESOLVE_ANY_NOTE)
    if reason is not None:
        return refused(op, Outcome.FORBIDDEN, reason)
    note = session.get(models.ReviewNote, uuid.UUID(body.note_id))
    if note is None:
        return refused(op, Outcome.INVALID, f"no review note {body.note_id}")
    reply = session.get(models.NoteReply, uuid.UUID(body.reply_id))
    now = models.utc_now()
    if body.base_revision is None:
        if not caps.can(Action.WRITE_NOTE):
            return refused(op, Outcome.FORBIDDEN, caps.reason(Action.WRITE_NOTE) or "")
        if reply is not None:
            return conflict(
                op,
                ConflictReason.PAYLOAD_MISMATCH,
                reply_record(reply).to_json(),
                message="this reply id is taken",
            )
        reply = models.NoteReply(
            id=uuid.UUID(body.reply_id),
            note_id=note.id,
            movie_id=note.movie_id,
            author_id=account.id,
            revision=0,
            created_at=now,
        )
        session.add(reply)
    else:
        if reply is None:
            return refused(op, Outcome.INVALID, f"no reply {body.reply_id}")
        if reply.note_id != note.id:
            return refused(op, Outcome.INVALID, "a reply cannot move to another note")
        refusal = _edit_refusal(caps, reply.author_id == account.id)
        if refusal is not None:
            return refused(op, Outcome.FORBIDDEN, refusal)
        if body.base_revision != reply.revision:
            return stale(op, reply_record(reply).to_json(), reply.revision)
    fill_row(reply, body, ids=uuid.UUID, skip=("reply_id", "note_id", "base_revision"))
    reply.revision += 1
    reply.updated_at = now
    reply.usn = batch.usns.take()
    return accepted(op, reply.usn)


def decision_op(batch: Batch, op: Op, body: MovieDecision) -> PushResult:
    """Apply a ``movie_decision`` op: a reviewer or admin, on the movie's current revision,
    a move the workflow allows."""
    account, session = batch.account, batch.session
    reason = account.capabilities.reason(Action.DECIDE_ON_MOVIE)
    if reason is not None:
        return refused(op, Outcome.FORBIDDEN, reason)
    movie = session.get(models.Movie, uuid.UUID(body.movie_id))
    if movie is None:
        return refused(op, Outcome.INVALID, f"no movie {body.movie_id}")
    if body.base_revision != movie.revision:
        return stale(op, movie_record(movie).to_json(), movie.revision)
    refusal = decision_refusal(movie.status, body.decision)
    if refusal is not None:
        return refused(op, Outcome.INVALID, refusal)
    decide(batch.usns, movie, account, body.decision, body.comment)
    return accepted(op, movie.usn)


def decide(
    usns: UsnSequence, movie: models.Movie, account: Account, decision: Decision, comment: str
) -> None:
    """Record a decision the caller has checked: the movie's status, who, and why."""
    movie.status = decision.status.value
    movie.decided_by = account.id
    movie.decision_comment = comment
    movie.revision += 1
    movie.updated_at = models.utc_now()
    movie.usn = usns.take()
