"""Review: the films there are, and the notes pinned to their frames.

A note pins to a frame (or a range of frames) at the film's exact frame rate; its
timecode is computed here by core.timecode (drop-frame when the film is 29.97/59.94 DF),
never typed. Notes are ops in the outbox: written offline, synced later. Authors edit
their own notes; an admin may resolve or reopen anyone's.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vividverse_desktop.core.changes import Changes
from vividverse_desktop.core.timecode import FrameRate, TimecodeError
from vividverse_desktop.core.wire import (
    MovieRecord,
    Op,
    ReviewNoteEdit,
    ReviewNoteRecord,
    ScriptRecord,
    new_id,
)
from vividverse_desktop.core.workflow import Role
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


@dataclass(frozen=True, slots=True)
class NoteView:
    """A note with its author's name and its frame rate as an exact value."""

    note: ReviewNoteRecord
    author: str
    rate: FrameRate

    @property
    def resolved(self) -> bool:
        """Whether the note is resolved."""
        return self.note.status == NoteStatus.RESOLVED.value


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


def notes(*, store: LocalStore, movie_id: str, viewer_id: str) -> tuple[NoteView, ...]:
    """A film's notes in frame order, each with its author as ``viewer_id`` knows them:
    "you", a display name held here (an admin holds every user), or "a colleague"."""
    views = []
    for note in store.review_notes(movie_id):
        if note.author_id == viewer_id:
            author = "you"
        else:
            user = store.user(note.author_id)
            author = user.display_name if user is not None else "a colleague"
        views.append(NoteView(note, author, rate_of(note)))
    views.sort(key=lambda view: (view.note.frame, view.note.created_at, view.note.id))
    return tuple(views)


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
) -> SavedNote:
    """Pin a new note to ``frame`` (or ``frame..frame_end``) of a film; works offline."""
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
    )
    return SavedNote(body.note_id, store.record(Op.of(body), user_id=user_id))


def edit_note(
    *, store: LocalStore, user_id: str, note_id: str, text: str, frame: int | None = None
) -> SavedNote:
    """Change the text (and optionally the frame) of one's own note."""
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
    )
    return SavedNote(note.id, store.record(Op.of(body), user_id=user_id))


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
    if note.author_id != user_id and Role.ADMIN not in roles:
        raise StudioError("only the note's author or an admin may resolve or reopen it")
    if note.status == status.value:
        return SavedNote(note.id, Changes())
    body = ReviewNoteEdit(
        note_id=note.id,
        movie_id=note.movie_id,
        frame=note.frame,
        frame_end=note.frame_end,
        fps=note.fps,
        timecode=note.timecode,
        text=note.text,
        status=status.value,
        base_revision=note.revision,
    )
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
) -> ReviewNoteEdit:
    """The op body for a note, after the checks a person gets a sentence for."""
    text = text.strip()
    if not text:
        raise StudioError("a note needs some text")
    if len(text) > MAX_NOTE_CHARS:
        raise StudioError(f"a note holds at most {MAX_NOTE_CHARS:,} characters")
    if frame < 0:
        raise StudioError("a note pins to a frame of the film (0 or later)")
    if frame_end is not None and frame_end < frame:
        raise StudioError("a range of frames cannot end before it starts")
    try:
        timecode = rate.timecode(frame)
    except TimecodeError as exc:
        raise StudioError(str(exc)) from exc
    return ReviewNoteEdit(
        note_id=note_id,
        movie_id=movie_id,
        frame=frame,
        frame_end=frame_end,
        fps=rate.fps,
        timecode=timecode,
        text=text,
        status=status.value,
        base_revision=base_revision,
    )
