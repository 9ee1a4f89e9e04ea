"""Review notes on a script: what reviewers pinned to the films of a script, placed on the
scenes of the text a writer has open.

A note records the chapter its frame fell in when it was pinned (``ReviewNoteRecord.scene``:
our renders title a chapter ``"ID. HEADING"``). :func:`place` puts each note on the scene
of the open text with that number and heading, else on the one scene with that heading
(scenes were added or cut since the render), else leaves it unplaced: it is still listed,
under no scene, rather than on the wrong one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vividverse_desktop.studio.film_script import chapter_id, normalised_heading
from vividverse_desktop.studio.review import NoteStatus, _author

if TYPE_CHECKING:
    from collections.abc import Sequence

    from vividverse_desktop.core.screenplay.stats import SceneStats
    from vividverse_desktop.store import LocalStore


@dataclass(frozen=True, slots=True)
class ScriptNote:
    """A review note on a film of the script, as a writer reads it."""

    note_id: str
    movie_id: str
    version: int
    frame: int
    timecode: str
    author: str
    text: str
    resolved: bool
    scene: str
    replies: int = 0

    @property
    def summary(self) -> str:
        """One line: where in which film, and the note's first line."""
        first = self.text.strip().split("\n", 1)[0]
        return f"{self.timecode} · {self.author}: {first}"


@dataclass(frozen=True, slots=True)
class PlacedNotes:
    """Notes by the index of the scene they belong to, and those placed on none."""

    by_scene: dict[int, tuple[ScriptNote, ...]] = field(default_factory=dict)
    unplaced: tuple[ScriptNote, ...] = ()

    @property
    def count(self) -> int:
        """How many notes there are in all."""
        return sum(len(notes) for notes in self.by_scene.values()) + len(self.unplaced)


def notes_on_script(*, store: LocalStore, script_id: str, viewer_id: str) -> tuple[ScriptNote, ...]:
    """The review notes held here on every film of ``script_id`` (newest version first,
    then by frame), with their authors as the viewer knows them."""
    found: list[ScriptNote] = []
    for movie in store.movies():
        version = store.script_version(movie.script_version_id)
        if version is None or version.script_id != script_id:
            continue
        replies: dict[str, int] = {}
        for reply in store.note_replies(movie_id=movie.id):
            replies[reply.note_id] = replies.get(reply.note_id, 0) + 1
        for note in store.review_notes(movie.id):
            found.append(
                ScriptNote(
                    note_id=note.id,
                    movie_id=movie.id,
                    version=version.n,
                    frame=note.frame,
                    timecode=note.timecode,
                    author=_author(store, note.author_id, viewer_id),
                    text=note.text,
                    resolved=note.status == NoteStatus.RESOLVED.value,
                    scene=note.scene or "",
                    replies=replies.get(note.id, 0),
                )
            )
    found.sort(key=lambda n: (-n.version, n.movie_id, n.frame))
    return tuple(found)


def place(notes: Sequence[ScriptNote], scenes: Sequence[SceneStats]) -> PlacedNotes:
    """Put each note on its scene among ``scenes`` (the open text's, in order)."""
    by_number: dict[str, tuple[int, str]] = {}
    by_heading: dict[str, list[int]] = {}
    for n, scene in enumerate(scenes):
        heading = normalised_heading(scene.heading)
        by_number.setdefault(scene.number, (n, heading))
        by_heading.setdefault(heading, []).append(n)
    placed: dict[int, list[ScriptNote]] = {}
    unplaced: list[ScriptNote] = []
    for note in notes:
        key = chapter_id(note.scene)
        heading = normalised_heading(note.scene[len(key) + 2 :] if key else note.scene)
        numbered = by_number.get(key) if key else None
        if numbered is not None and numbered[1] == heading:
            index: int | None = numbered[0]
        else:
            same = by_heading.get(heading, [])
            index = same[0] if len(same) == 1 else None
        if index is None:
            unplaced.append(note)
        else:
            placed.setdefault(index, []).append(note)
    return PlacedNotes({i: tuple(n) for i, n in placed.items()}, tuple(unplaced))
