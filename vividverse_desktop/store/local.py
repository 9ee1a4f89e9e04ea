"""The local store: one SQLite file per user, opened once, used from any thread.

Every public method runs in its own Session and transaction and returns core values
(``ScoreEvent``, wire records, outbox entries), never ORM objects. Mutators return
:class:`Changes` so views refresh only what changed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from sqlalchemy import func, select
from sqlalchemy.exc import DatabaseError

from vividverse_desktop.core.changes import ChangeLog, Changes, Subject
from vividverse_desktop.core.scoring import ScoreEvent, current_scores
from vividverse_desktop.core.scoring.queue import QueueItem, queue_order
from vividverse_desktop.core.wire import (
    MAX_PUSH_OPS,
    Entity,
    MovieDecision,
    MovieProgress,
    MovieRecord,
    NoteReplyRecord,
    Op,
    PullResponse,
    PushResult,
    ReviewNoteRecord,
    ScriptMetadata,
    ScriptRecord,
    ScriptVersionRecord,
    UserRecord,
    new_id,
)
from vividverse_desktop.core.workflow import Decision, Status
from vividverse_desktop.store import outbox as outbox_ops
from vividverse_desktop.store.effects import apply_op
from vividverse_desktop.store.engine import (
    StoreError,
    make_engine,
    prepare_schema,
    reading,
    writing,
)
from vividverse_desktop.store.location import store_path
from vividverse_desktop.store.outbox import ConflictEntry, OutboxEntry
from vividverse_desktop.store.pull import (
    DEVICE_ID,
    apply_page,
    last_usn,
    pull_scope,
    set_state,
    state,
)
from vividverse_desktop.store.rows import (
    TABLES,
    fill_user,
    movie_from_row,
    note_from_row,
    reply_from_row,
    score_from_row,
    script_from_row,
    user_from_row,
    version_from_row,
)
from vividverse_desktop.store.schema import (
    MovieRow,
    NoteReplyRow,
    ReviewNoteRow,
    ScoreEventRow,
    ScriptRow,
    ScriptVersionRow,
    UserRow,
)


class LocalStore:
    """The desktop's local store on one SQLite file (see ``store_path`` for where)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine = make_engine(path)
        try:
            prepare_schema(self.engine)
            with writing(self.engine) as session:
                if state(session, DEVICE_ID) is None:
                    set_state(session, DEVICE_ID, new_id())
        except DatabaseError as exc:
            self.engine.dispose()
            raise StoreError(f"{path} cannot be used as a Vividverse store: {exc.orig}") from exc
        except BaseException:
            self.engine.dispose()
            raise
        self._watch_lock = threading.Lock()
        self._watcher: sqlite3.Connection | None = None

    @classmethod
    def open(cls, path: Path | str | None = None) -> LocalStore:
        """Open (creating if needed) the store at ``path``, or at the default location."""
        return cls(store_path(path))

    def close(self) -> None:
        """Close every pooled connection; the store must not be used afterwards."""
        with self._watch_lock:
            if self._watcher is not None:
                self._watcher.close()
                self._watcher = None
        self.engine.dispose()

    def __enter__(self) -> LocalStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def data_version(self) -> int:
        """A number that changes whenever the file was committed to by another connection:
        another process (the CLI), another ``LocalStore`` on the file, or this store's own
        writes. Equal numbers mean nothing was written in between.

        SQLite's ``PRAGMA data_version`` on a connection kept for this alone, which never
        writes; cheap enough to poll.
        """
        with self._watch_lock:
            if self._watcher is None:
                self._watcher = sqlite3.connect(
                    self.path, isolation_level=None, check_same_thread=False
                )
            return int(self._watcher.execute("PRAGMA data_version").fetchone()[0])

    # --- sync state -------------------------------------------------------------------

    def device_id(self) -> str:
        """This store's device id, made once when the store was created."""
        with reading(self.engine) as session:
            return state(session, DEVICE_ID) or ""

    def last_usn(self) -> int:
        """The USN the next pull asks for changes after (0 before the first pull)."""
        with reading(self.engine) as session:
            return last_usn(session)

    def pull_scope(self) -> str | None:
        """The scope the last pull ran under (``None`` before one)."""
        with reading(self.engine) as session:
            return pull_scope(session)

    # --- mutators ---------------------------------------------------------------------

    def record(self, op: Op, *, user_id: str) -> Changes:
        """Apply ``op`` locally as ``user_id`` and append it to the outbox, in one transaction.

        When this returns, both are on disk (``synchronous=FULL``). Recording an op whose
        record is already held with the same values changes nothing.
        """
        log = ChangeLog()
        with writing(self.engine) as session:
            before = outbox_ops.snapshot(session, op)
            if apply_op(session, op, user_id, log):
                outbox_ops.enqueue(session, op, log, before)
        return log.freeze()

    def save_score(self, event: ScoreEvent) -> Changes:
        """Save a validator's score: the event and its outbox op, in one durable transaction."""
        return self.record(Op.of(event), user_id=event.validator_id)

    def edit_script(
        self,
        script_id: str,
        *,
        user_id: str,
        title: str | None = None,
        status: Status | None = None,
    ) -> Changes:
        """Change a script's title and/or request a status move, based on the local revision."""
        with reading(self.engine) as session:
            row = session.get(ScriptRow, script_id)
            if row is None:
                raise StoreError(f"no script {script_id} in the local store")
            revision = row.revision
        return self.record(
            Op.of(ScriptMetadata(script_id, revision, title, status)), user_id=user_id
        )

    def report_progress(
        self, movie_id: str, *, user_id: str, status: str, progress: float, stage: str
    ) -> Changes:
        """Record a render's progress for the server, based on the local movie revision."""
        with reading(self.engine) as session:
            row = session.get(MovieRow, movie_id)
            if row is None:
                raise StoreError(f"no movie {movie_id} in the local store")
            revision = row.revision
        body = MovieProgress(movie_id, status, progress, stage, revision)
        return self.record(Op.of(body), user_id=user_id)

    def decide_on_movie(
        self, movie_id: str, *, user_id: str, decision: Decision, comment: str = ""
    ) -> Changes:
        """Record a decision on a movie for the server, based on the local movie revision;
        the local movie shows its new status at once."""
        with reading(self.engine) as session:
            row = session.get(MovieRow, movie_id)
            if row is None:
                raise StoreError(f"no movie {movie_id} in the local store")
            revision = row.revision
        body = MovieDecision(movie_id, decision, revision, comment)
        return self.record(Op.of(body), user_id=user_id)

    def remember_users(self, users: Iterable[UserRecord]) -> Changes:
        """Cache users learnt outside a pull (e.g. the signed-in user from ``/api/auth/me``).

        A later pull replaces them with the server's versions.
        """
        log = ChangeLog()
        with writing(self.engine) as session:
            for user in users:
                row = session.get(UserRow, user.id)
                if row is None:
                    row = UserRow(usn=None)
                    session.add(row)
                elif user_from_row(row) == user:
                    continue
                fill_user(row, user)
                log.add(Subject.USERS, user.id)
        return log.freeze()

    def settle(self, results: Iterable[PushResult]) -> Changes:
        """Record a push reply: accepted and duplicate ops leave the outbox, others are marked.

        Only ops the reply names are touched.
        """
        log = ChangeLog()
        with writing(self.engine) as session:
            outbox_ops.settle(session, results, log)
        return log.freeze()

    def apply_pull(self, page: PullResponse, *, rescope: bool = False) -> Changes:
        """Apply a pulled page and advance the cursor, in one transaction; idempotent.

        ``rescope``: the page is part of a pull again from 0 under a new scope (see
        ``store.pull``)."""
        log = ChangeLog()
        with writing(self.engine) as session:
            apply_page(session, page, log, rescope=rescope)
        return log.freeze()

    def discard(self, op_id: str) -> Changes:
        """Drop an op from the outbox at the user's request, undoing its local effect."""
        log = ChangeLog()
        with writing(self.engine) as session:
            outbox_ops.discard(session, op_id, log)
        return log.freeze()

    def retry(self, op_ids: Iterable[str]) -> Changes:
        """Put forbidden or invalid ops back to pending."""
        log = ChangeLog()
        with writing(self.engine) as session:
            outbox_ops.retry(session, op_ids, log)
        return log.freeze()

    def keep_mine(self, op_id: str, *, user_id: str) -> tuple[Op, Changes]:
        """Resolve a conflict for the local version; returns the op that replaces it."""
        log = ChangeLog()
        with writing(self.engine) as session:
            fresh = outbox_ops.keep_mine(session, op_id, user_id, log)
        return fresh, log.freeze()

    # --- outbox -----------------------------------------------------------------------

    def outbox(self) -> tuple[OutboxEntry, ...]:
        """Every op in the outbox, oldest first, with its status and the server's message."""
        with reading(self.engine) as session:
            return outbox_ops.entries(session)

    def pending_ops(self, limit: int = MAX_PUSH_OPS) -> tuple[Op, ...]:
        """The next batch to push: the oldest ``limit`` pending ops, in order."""
        with reading(self.engine) as session:
            return outbox_ops.pending(session, limit)

    def conflicts(self) -> tuple[ConflictEntry, ...]:
        """Conflicts kept for the user, oldest first."""
        with reading(self.engine) as session:
            return outbox_ops.conflicts(session)

    # --- records ----------------------------------------------------------------------

    def score_events(self, script_version_id: str | None = None) -> tuple[ScoreEvent, ...]:
        """Score events (of one version, if given), oldest first: accepted ones by usn (then
        id), then unsent ones in the order they were saved. Never ordered by client clocks."""
        query = select(ScoreEventRow)
        if script_version_id is not None:
            query = query.where(ScoreEventRow.script_version_id == script_version_id)
        with reading(self.engine) as session:
            rows = sorted(session.scalars(query), key=_score_order)
            return tuple(score_from_row(row) for row in rows)

    def score_event(self, event_id: str) -> ScoreEvent | None:
        """One score event by id."""
        with reading(self.engine) as session:
            row = session.scalars(select(ScoreEventRow).where(ScoreEventRow.id == event_id)).first()
            return None if row is None else score_from_row(row)

    def current_scores(self, script_version_id: str) -> tuple[ScoreEvent, ...]:
        """Each validator's latest score of a version (``core.scoring.current_scores``)."""
        return current_scores(self.score_events(script_version_id))

    def unsent_score_ids(self) -> set[str]:
        """Ids of local score events the server has not numbered yet (one indexed query)."""
        with reading(self.engine) as session:
            query = select(ScoreEventRow.id).where(ScoreEventRow.usn.is_(None))
            return {str(score_id) for score_id in session.scalars(query)}

    def counts(self) -> dict[Entity, int]:
        """How many records of each entity the store holds (for sync sanity checks)."""
        with reading(self.engine) as session:
            return {
                entity: session.scalar(select(func.count()).select_from(spec.model)) or 0
                for entity, spec in TABLES.items()
            }

    def user(self, user_id: str) -> UserRecord | None:
        """One cached user by id."""
        with reading(self.engine) as session:
            row = session.get(UserRow, user_id)
            return None if row is None else user_from_row(row)

    def users(self) -> tuple[UserRecord, ...]:
        """The users cache, by username."""
        with reading(self.engine) as session:
            rows = session.scalars(select(UserRow).order_by(UserRow.username))
            return tuple(user_from_row(row) for row in rows)

    def scripts(self) -> tuple[ScriptRecord, ...]:
        """Every script, newest first."""
        with reading(self.engine) as session:
            rows = session.scalars(select(ScriptRow).order_by(ScriptRow.created_at.desc()))
            return tuple(script_from_row(row) for row in rows)

    def script(self, script_id: str) -> ScriptRecord | None:
        """One script by id."""
        with reading(self.engine) as session:
            row = session.get(ScriptRow, script_id)
            return None if row is None else script_from_row(row)

    def script_versions(self, script_id: str) -> tuple[ScriptVersionRecord, ...]:
        """A script's versions in order of ``n``."""
        query = (
            select(ScriptVersionRow)
            .where(ScriptVersionRow.script_id == script_id)
            .order_by(ScriptVersionRow.n, ScriptVersionRow.usn)
        )
        with reading(self.engine) as session:
            return tuple(version_from_row(row) for row in session.scalars(query))

    def script_version(self, version_id: str) -> ScriptVersionRecord | None:
        """One script version by id."""
        with reading(self.engine) as session:
            row = session.get(ScriptVersionRow, version_id)
            return None if row is None else version_from_row(row)

    def latest_version(self, script_id: str) -> ScriptVersionRecord | None:
        """A script's newest version (highest ``n``; an unsent revision counts), or None."""
        query = (
            select(ScriptVersionRow)
            .where(ScriptVersionRow.script_id == script_id)
            .order_by(ScriptVersionRow.n.desc(), ScriptVersionRow.usn.desc())
            .limit(1)
        )
        with reading(self.engine) as session:
            row = session.scalars(query).first()
            return None if row is None else version_from_row(row)

    def scoring_queue(self, validator_id: str) -> tuple[QueueItem, ...]:
        """The blind queue of ``validator_id``: each script pending validation that is not
        theirs, with its newest version and their current score of it; unscored first,
        then oldest first (``core.scoring.queue.queue_order``)."""
        scripts_query = select(ScriptRow).where(
            ScriptRow.status == Status.PENDING_VALIDATION.value,
            ScriptRow.author_id != validator_id,
        )
        with reading(self.engine) as session:
            scripts = {row.id: script_from_row(row) for row in session.scalars(scripts_query)}
            newest: dict[str, ScriptVersionRecord] = {}
            versions_query = (
                select(ScriptVersionRow)
                .where(ScriptVersionRow.script_id.in_(scripts))
                .order_by(ScriptVersionRow.n, ScriptVersionRow.usn)
            )
            for row in session.scalars(versions_query):
                newest[row.script_id] = version_from_row(row)  # the last one read is newest
            events_query = select(ScoreEventRow).where(
                ScoreEventRow.validator_id == validator_id,
                ScoreEventRow.script_version_id.in_([v.id for v in newest.values()]),
            )
            events = sorted(session.scalars(events_query), key=_score_order)
            mine = {
                event.script_version_id: event
                for event in current_scores(score_from_row(row) for row in events)
            }
        return queue_order(
            QueueItem(scripts[script_id], version, mine.get(version.id))
            for script_id, version in newest.items()
        )

    def movies(self, status: str | None = None) -> tuple[MovieRecord, ...]:
        """Every movie (those in ``status`` when given), newest on the server first."""
        query = select(MovieRow).order_by(MovieRow.usn.desc(), MovieRow.id)
        if status is not None:
            query = query.where(MovieRow.status == status)
        with reading(self.engine) as session:
            return tuple(movie_from_row(row) for row in session.scalars(query))

    def movie(self, movie_id: str) -> MovieRecord | None:
        """One movie by id."""
        with reading(self.engine) as session:
            row = session.get(MovieRow, movie_id)
            return None if row is None else movie_from_row(row)

    def review_notes(self, movie_id: str) -> tuple[ReviewNoteRecord, ...]:
        """A movie's review notes in frame order."""
        query = (
            select(ReviewNoteRow)
            .where(ReviewNoteRow.movie_id == movie_id)
            .order_by(ReviewNoteRow.frame, ReviewNoteRow.id)
        )
        with reading(self.engine) as session:
            return tuple(note_from_row(row) for row in session.scalars(query))

    def review_note(self, note_id: str) -> ReviewNoteRecord | None:
        """One review note, or None."""
        with reading(self.engine) as session:
            row = session.get(ReviewNoteRow, note_id)
            return None if row is None else note_from_row(row)

    def note_replies(
        self, *, movie_id: str | None = None, note_id: str | None = None
    ) -> tuple[NoteReplyRecord, ...]:
        """Replies to a movie's notes (or to one note), in the order they were written
        (their writers' clocks: for display, as notes are shown)."""
        query = select(NoteReplyRow).order_by(NoteReplyRow.created_at, NoteReplyRow.id)
        if movie_id is not None:
            query = query.where(NoteReplyRow.movie_id == movie_id)
        if note_id is not None:
            query = query.where(NoteReplyRow.note_id == note_id)
        with reading(self.engine) as session:
            return tuple(reply_from_row(row) for row in session.scalars(query))

    def note_reply(self, reply_id: str) -> NoteReplyRecord | None:
        """One reply, or None."""
        with reading(self.engine) as session:
            row = session.get(NoteReplyRow, reply_id)
            return None if row is None else reply_from_row(row)


def _score_order(row: ScoreEventRow) -> tuple[int, int, str]:
    if row.usn is not None:
        return (0, row.usn, row.id)
    return (1, row.seq or 0, row.id)
