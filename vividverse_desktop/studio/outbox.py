"""The outbox as a person reads it: what waits to be sent, what the server refused and why,
and conflicts with both versions side by side, each with the decision it needs.

Decisions: *send again* (a refused op, e.g. after the role came back), *discard* (drop
it and undo its local effect), *keep mine* (re-send my version over the server's) and
*keep theirs* (discard mine; the server's version stays). All work offline; the next sync
carries them out.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vividverse_desktop.core.changes import Changes
from vividverse_desktop.core.wire import Op, OpKind
from vividverse_desktop.store import StoreError
from vividverse_desktop.studio.errors import StudioError

if TYPE_CHECKING:
    from vividverse_desktop.store import LocalStore


class State(enum.StrEnum):
    """Where an op stands, in words for the list."""

    WAITING = "waiting"
    CONFLICT = "conflict"
    REFUSED = "refused"


_KIND_WORDS = {
    OpKind.SUBMIT_SCRIPT: "Submit",
    OpKind.NEW_SCRIPT_VERSION: "New version of",
    OpKind.SCORE: "Score of",
    OpKind.REVIEW_NOTE: "Note on",
    OpKind.MOVIE_PROGRESS: "Render progress of",
    OpKind.SCRIPT_METADATA: "Change to",
    OpKind.MOVIE_DECISION: "Decision on",
    OpKind.NOTE_REPLY: "Reply on",
}


@dataclass(frozen=True, slots=True)
class Item:
    """One op in the outbox, described."""

    op_id: str
    kind: OpKind
    what: str  # e.g. "Score of ‘Night Market’"
    made_at: datetime
    state: State
    message: str  # the server's reason when refused or in conflict

    @property
    def needs_decision(self) -> bool:
        """Whether the person must decide (a conflict or a refusal)."""
        return self.state is not State.WAITING


@dataclass(frozen=True, slots=True)
class ConflictView:
    """A conflict with both versions as field -> value (the fields that differ first)."""

    op_id: str
    what: str
    reason: str
    mine: Mapping[str, Any]
    theirs: Mapping[str, Any] | None
    differing: tuple[str, ...]


def items(*, store: LocalStore) -> tuple[Item, ...]:
    """Every op in the outbox, oldest first, described for a person."""
    found = []
    for entry in store.outbox():
        status = entry.status.value
        state = (
            State.CONFLICT
            if status == "conflict"
            else State.REFUSED
            if status in ("forbidden", "invalid")
            else State.WAITING
        )
        found.append(
            Item(
                op_id=entry.op.op_id,
                kind=entry.op.kind,
                what=describe(store, entry.op),
                made_at=entry.op.created_at,
                state=state,
                message=entry.message,
            )
        )
    return tuple(found)


def conflicts(*, store: LocalStore) -> tuple[ConflictView, ...]:
    """The conflicts kept for the person, oldest first, with both versions."""
    ops = {entry.op.op_id: entry.op for entry in store.outbox()}
    views = []
    for entry in store.conflicts():
        mine = dict(entry.conflict.mine)
        theirs = None if entry.conflict.theirs is None else dict(entry.conflict.theirs)
        keys = sorted(set(mine) | set(theirs or {}))
        differing = tuple(k for k in keys if theirs is None or mine.get(k) != theirs.get(k))
        op = ops.get(entry.op_id)
        views.append(
            ConflictView(
                op_id=entry.op_id,
                what=describe(store, op) if op is not None else entry.conflict.entity.value,
                reason=entry.message,
                mine=mine,
                theirs=theirs,
                differing=differing,
            )
        )
    return tuple(views)


def describe(store: LocalStore, op: Op) -> str:
    """A short sentence naming what the op does and to what."""
    words = _KIND_WORDS.get(op.kind, op.kind.value)
    title = _title_for(store, op)
    return f"{words} ‘{title}’" if title else words


def _title_for(store: LocalStore, op: Op) -> str:
    body = op.body
    title = getattr(body, "title", None)
    if isinstance(title, str) and title:
        return title
    script_id = getattr(body, "script_id", None)
    version_id = getattr(body, "script_version_id", None)
    movie_id = getattr(body, "movie_id", None)
    note_id = getattr(body, "note_id", None)
    if movie_id is None and note_id is not None:
        note = store.review_note(note_id)
        movie_id = note.movie_id if note is not None else None
    if movie_id is not None:
        movie = store.movie(movie_id)
        version_id = movie.script_version_id if movie is not None else None
    if version_id is not None and script_id is None:
        version = store.script_version(version_id)
        script_id = version.script_id if version is not None else None
    if script_id is not None:
        script = store.script(script_id)
        if script is not None:
            return script.title
    return ""


def send_again(*, store: LocalStore, op_ids: Iterable[str]) -> Changes:
    """Put refused ops back in line for the next sync (e.g. once the role is back)."""
    return store.retry(list(op_ids))


def discard(*, store: LocalStore, op_id: str) -> Changes:
    """Drop an op and undo its effect here (for a conflict: keep the server's version)."""
    if not any(entry.op.op_id == op_id for entry in store.outbox()):
        raise StudioError("that change is no longer waiting; sync to see where it went")
    return store.discard(op_id)


def keep_theirs(*, store: LocalStore, op_id: str) -> Changes:
    """Resolve a conflict for the server's version: mine is dropped."""
    return discard(store=store, op_id=op_id)


def keep_mine(*, store: LocalStore, op_id: str, user_id: str) -> Changes:
    """Resolve a conflict for my version: it is sent again over the server's."""
    try:
        _, changes = store.keep_mine(op_id, user_id=user_id)
    except StoreError as exc:
        raise StudioError(f"that conflict cannot be resolved here: {exc}") from exc
    return changes
