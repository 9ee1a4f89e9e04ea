"""Review: the films there are, the notes pinned to their frames, their threads of
replies, and the reviewers' decision on a film.

A note pins to a frame (or a range of frames) at the film's exact frame rate; its
timecode is computed here by core.timecode (drop-frame when the film is 29.97/59.94 DF),
never typed. A note may carry a drawing on its frame (``core.wire.Drawing``: vector
shapes in frame fractions). Notes, replies and decisions are ops in the outbox: written
offline, shown here at once, synced later. Authors edit their own notes and replies; an
admin may resolve or reopen anyone's note. A reviewer or an admin approves a finished
film or requests changes (``Capabilities.decision_refusal``: the role, then the move).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vividverse_desktop.core.capabilities import Action, Capabilities, allows
from vividverse_desktop.core.changes import Changes
from vividverse_desktop.core.timecode import FrameRate, TimecodeError
from vividverse_desktop.core.wire import (
    Drawing,
    MovieRecord,
    NoteReplyEdit,
    NoteReplyRecord,
    Op,
    ReviewNoteEdit,
    ReviewNoteRecord,
    ScriptRecord,
    new_id,
)
from vividverse_desktop.core.workflow import Decision, MovieStatus, Role, movie_status
from vividverse_desktop.studio.errors import StudioError

if TYPE_CHECKING:
    from vividverse_desktop.store import LocalStore

MAX_NOTE_CHARS = 10_000


class NoteStatus(enum.StrEnum):
    """Where a note stands. Values are the wire strings."""

    OPEN = "open"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class MovieView:
    """A film with the script it was rendered from, when that script is held here."""

    movie: MovieRecord
    script: ScriptRecord | None

    @property
    def title(self) -> str:
        """The script's title, or the movie's id when the script is not held here."""
        return self.script.title if self.script is not None else self.movie.id

    @property
    def status(self) -> MovieStatus | None:
        """The movie's status (None for one this version does not know)."""
        return movie_status(self.movie.status)

    @property
    def decision(self) -> Decision | None:
        """The reviewers' decision, or None while undecided."""
        status = self.status
        return None if status is None or status.value not in _DECIDED else Decision(status.value)


_DECIDED = frozenset(decision.value for decision in Decision)


@dataclass(frozen=True, slots=True)
class ReplyView:
    """A reply in a note's thread, with its author's name ("you" for the viewer's own)."""

    reply: NoteReplyRecord
    author: str


@dataclass(frozen=True, slots=True)
class NoteView:
    """A note with its author's name, its frame rate as an exact value, and its thread of
    replies (oldest first)."""

    note: ReviewNoteRecord
    author: str
    rate: FrameRate
    replies: tuple[ReplyView, ...] = ()

    @property
    def resolved(self) -> bool:
        """Whether the note is resolved."""
        return self.note.status == NoteStatus.RESOLVED.value

    @property
    def drawing(self) -> Drawing | None:
        """The shapes drawn on the note's frame, or None."""
        return self.note.drawing


def movies(*, store: LocalStore, status: str | None = None) -> tuple[MovieView, ...]:
    """The films held here (newest first), with their scripts."""
    found: list[MovieView] = []
    for movie in store.movies(status):
        version = store.script_version(movie.script_version_id)
        script = None if version is None else store.script(version.script_id)
        found.append(MovieView(movie, script))
    return tuple(found)


def rate_of(note: ReviewNoteRecord) -> FrameRate:
    """A stored note's frame rate; drop-frame when its timecode was written with ``;``."""
    return FrameRate.of(note.fps, drop_frame=";" in note.timecode)


def _author(store: LocalStore, author_id: str, viewer_id: str) -> str:
    """An author as ``viewer_id`` knows them: "you", a display name held here (an admin
    holds every user), or "a colleague"."""
    if author_id == viewer_id:
        return "you"
    user = store.user(author_id)
    return user.display_name if user is not None else "a colleague"


def _replies(
    store: LocalStore, replies: tuple[NoteReplyRecord, ...], viewer_id: str
) -> dict[str, tuple[ReplyView, ...]]:
    """Replies by the note they answer, oldest first."""
    threads: dict[str, list[ReplyView]] = {}
    for reply in replies:
        view = ReplyView(reply, _author(store, reply.author_id, viewer_id))
        threads.setdefault(reply.note_id, []).append(view)
    return {note_id: tuple(views) for note_id, views in threads.items()}


def notes(*, store: LocalStore, movie_id: str, viewer_id: str) -> tuple[NoteView, ...]:
    """A film's notes in frame order, each with its author as ``viewer_id`` knows them
    ("you", a display name held here, or "a colleague") and its thread of replies."""
    threads = _replies(store, store.note_replies(movie_id=movie_id), viewer_id)
    views = [
        NoteView(
            note,
            _author(store, note.author_id, viewer_id),
            rate_of(note),
            threads.get(note.id, ()),
        )
        for note in store.review_notes(movie_id)
    ]
    views.sort(key=lambda view: (view.note.frame, view.note.created_at, view.note.id))
    return tuple(views)


def thread(*, store: LocalStore, note_id: str, viewer_id: str) -> tuple[ReplyView, ...]:
    """The replies to one note, oldest first."""
    replies = store.note_replies(note_id=note_id)
    return _replies(store, replies, viewer_id).get(note_id, ())


@dataclass(frozen=True, slots=True)
class SavedNote:
    """A note saved here and queued for the server."""

    note_id: str
    changes: Changes


def add_note(
    *,
    store: LocalStore,
    user_id: str,
    movie_id: str,
    frame: int,
    rate: FrameRate,
    text: str,
    frame_end: int | None = None,
    drawing: Drawing | None = None,
) -> SavedNote:
    """Pin a new note to ``frame`` (or ``frame..frame_end``) of a film, with a drawing on
    the frame if given; works offline."""
    if store.movie(movie_id) is None:
        raise StudioError(f"no film {movie_id} here; sync first")
    body = _checked(
        note_id=new_id(),
        movie_id=movie_id,
        frame=frame,
        frame_end=frame_end,
        rate=rate,
        text=text,
        status=NoteStatus.OPEN,
        base_revision=None,
        drawing=drawing,
    )
    return SavedNote(body.note_id, store.record(Op.of(body), user_id=user_id))


def edit_note(
    *,
    store: LocalStore,
    user_id: str,
    note_id: str,
    text: str,
    frame: int | None = None,
    drawing: Drawing | None = None,
) -> SavedNote:
    """Change the text (and optionally the frame or the drawing) of one's own note.

    ``drawing`` None keeps the note's drawing; an empty ``Drawing()`` removes it.
    """
    note = _note(store, note_id)
    if note.author_id != user_id:
        raise StudioError("only the note's author may edit it; reply or resolve it instead")
    start = note.frame if frame is None else frame
    end = note.frame_end
    if end is not None and end < start:
        end = None
    body = _checked(
        note_id=note.id,
        movie_id=note.movie_id,
        frame=start,
        frame_end=end,
        rate=rate_of(note),
        text=text,
        status=_status_of(note),
        base_revision=note.revision,
        drawing=note.drawing if drawing is None else drawing,
        kept=note,
    )
    return SavedNote(note.id, store.record(Op.of(body), user_id=user_id))


def remove_drawing(*, store: LocalStore, user_id: str, note_id: str) -> SavedNote:
    """Take the drawing off one's own note, its text, frames and status kept; works
    offline. Only the note's author may, as for any edit (the server checks it again);
    putting it back is :func:`edit_note` with the drawing."""
    note = _note(store, note_id)
    if note.author_id != user_id:
        raise StudioError("only the note's author may remove its drawing")
    if note.drawing is None:
        raise StudioError("this note has no drawing to remove")
    return edit_note(
        store=store, user_id=user_id, note_id=note_id, text=note.text, drawing=Drawing()
    )


def set_note_status(
    *,
    store: LocalStore,
    user_id: str,
    roles: frozenset[Role],
    note_id: str,
    status: NoteStatus,
) -> SavedNote:
    """Resolve or reopen a note: its author may, and an admin may for anyone's."""
    note = _note(store, note_id)
    if note.author_id != user_id and not allows(roles, Action.RESOLVE_ANY_NOTE):
        raise StudioError("only the note's author or an admin may resolve or reopen it")
    if note.status == status.value:
        return SavedNote(note.id, Changes())
    body = ReviewNoteEdit.of(note, status=status.value)
    return SavedNote(note.id, store.record(Op.of(body), user_id=user_id))


def _status_of(note: ReviewNoteRecord) -> NoteStatus:
    try:
        return NoteStatus(note.status)
    except ValueError:
        return NoteStatus.OPEN


def _note(store: LocalStore, note_id: str) -> ReviewNoteRecord:
    found = store.review_note(note_id)
    if found is None:
        raise StudioError(f"no note {note_id} here; sync first")
    return found


def _checked(
    *,
    note_id: str,
    movie_id: str,
    frame: int,
    frame_end: int | None,
    rate: FrameRate,
    text: str,
    status: NoteStatus,
    base_revision: int | None,
    drawing: Drawing | None,
    kept: ReviewNoteRecord | None = None,
) -> ReviewNoteEdit:
    """The op body for a note, after the checks a person gets a sentence for; an edit of
    ``kept`` keeps its other fields."""
    text = _text(text, "a note")
    if drawing is not None and not isinstance(drawing, Drawing):
        raise StudioError("a note's drawing must be a Drawing of shapes")
    if frame < 0:
        raise StudioError("a note pins to a frame of the film (0 or later)")
    if frame_end is not None and frame_end < frame:
        raise StudioError("a range of frames cannot end before it starts")
    try:
        timecode = rate.timecode(frame)
    except TimecodeError as exc:
        raise StudioError(str(exc)) from exc
    values: dict[str, Any] = {
        "note_id": note_id,
        "movie_id": movie_id,
        "frame": frame,
        "frame_end": frame_end,
        "fps": rate.fps,
        "timecode": timecode,
        "text": text,
        "status": status.value,
        "base_revision": base_revision,
        "drawing": drawing,
    }
    return ReviewNoteEdit(**values) if kept is None else ReviewNoteEdit.of(kept, **values)


def _text(text: str, what: str) -> str:
    """``text`` without surrounding blanks; StudioError if empty or too long."""
    text = text.strip()
    if not text:
        raise StudioError(f"{what} needs some text")
    if len(text) > MAX_NOTE_CHARS:
        raise StudioError(f"{what} holds at most {MAX_NOTE_CHARS:,} characters")
    return text


@dataclass(frozen=True, slots=True)
class SavedReply:
    """A reply saved here and queued for the server."""

    reply_id: str
    changes: Changes


def reply_to_note(*, store: LocalStore, user_id: str, note_id: str, text: str) -> SavedReply:
    """Add a reply to a note's thread; works offline."""
    note = _note(store, note_id)
    body = NoteReplyEdit(new_id(), note.id, _text(text, "a reply"))
    return SavedReply(body.reply_id, store.record(Op.of(body), user_id=user_id))


def edit_reply(*, store: LocalStore, user_id: str, reply_id: str, text: str) -> SavedReply:
    """Change the text of one's own reply."""
    reply = store.note_reply(reply_id)
    if reply is None:
        raise StudioError(f"no reply {reply_id} here; sync first")
    if reply.author_id != user_id:
        raise StudioError("only the reply's author may edit it")
    body = NoteReplyEdit.of(reply, text=_text(text, "a reply"))
    return SavedReply(reply.id, store.record(Op.of(body), user_id=user_id))


@dataclass(frozen=True, slots=True)
class SavedDecision:
    """A decision on a film, shown here at once and queued for the server."""

    movie_id: str
    status: MovieStatus
    changes: Changes


def decisions(*, store: LocalStore, movie_id: str, roles: frozenset[Role]) -> tuple[Decision, ...]:
    """The decisions ``roles`` may take on a film now (for enabling its buttons): by the
    rule the server enforces."""
    movie = store.movie(movie_id)
    if movie is None:
        return ()
    return Capabilities.of(roles).decisions(movie.status)


def decide_on_movie(
    *,
    store: LocalStore,
    user_id: str,
    roles: frozenset[Role],
    movie_id: str,
    decision: Decision,
    comment: str = "",
) -> SavedDecision:
    """Approve a finished film or request changes, with an optional comment; works offline.

    Refused here (``StudioError``) when ``roles`` may not decide or the film is not
    finished or already so decided; the server checks the same again when it syncs.
    """
    movie = store.movie(movie_id)
    if movie is None:
        raise StudioError(f"no film {movie_id} here; sync first")
    refusal = Capabilities.of(roles).decision_refusal(movie.status, decision)
    if refusal is not None:
        raise StudioError(refusal)
    comment = comment.strip()
    if len(comment) > MAX_NOTE_CHARS:
        raise StudioError(f"a comment holds at most {MAX_NOTE_CHARS:,} characters")
    changes = store.decide_on_movie(movie_id, user_id=user_id, decision=decision, comment=comment)
    return SavedDecision(movie_id, decision.status, changes)
