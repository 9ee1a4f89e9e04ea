"""The script beside the film: which scene of which script each chapter of a film shows.

Our renders write one chapter per scene of the render plan, titled ``"ID. HEADING"``
where ID is the plan scene's id (the scene number; ``12-2`` for a repeated one). So a
film's chapters, read back by :func:`studio.screening.film_facts`, and the plan of the
script it was rendered from name the same scenes: :func:`script_for_chapters` pairs
them and gives each chapter its scene's text and the source line it starts on, which the
Screening Room shows beside the film and the Write room jumps to ("Open in script").

Where the script comes from (:func:`find_script`): the version a published movie was
rendered from, when this computer holds it; else a script file beside the film with the
film's own name (``night_market.mp4`` beside ``night_market.fountain``), which is how
the CLI and the Render room name their output; else one the person chooses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vividverse_desktop.core.screenplay.model import Screenplay, plain_value
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.studio.screening import Chapter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from vividverse_desktop.store import LocalStore

SCRIPT_SUFFIXES = (".fountain", ".spmd", ".fdx", ".txt", ".pdf")
"""Script files looked for beside a film, in this order."""


@dataclass(frozen=True, slots=True)
class FilmScene:
    """The scene a chapter shows: its number and heading, its Fountain text, and the
    0-based source lines ``line..end`` (end exclusive) it spans in the script."""

    chapter: int
    number: str
    heading: str
    text: str
    line: int
    end: int
    kinds: tuple[str, ...] = ()
    """The parser's kind of each line of ``text`` (``core.screenplay.source_map``)."""
    ranges: tuple[tuple[tuple[int, int, str], ...], ...] = ()
    """Each line's ``(start, end, style)`` ranges: emphasis, notes, boneyard and the
    markup characters themselves (``source_map``), for showing the text without them."""


@dataclass(frozen=True, slots=True)
class ScriptSource:
    """Where a film's script was found: a held version (``version_id``, with its script's
    id and whether the viewer wrote it) or a file (``path``)."""

    title: str
    text: str
    version_id: str = ""
    script_id: str = ""
    version_number: int = 0
    mine: bool = False
    path: Path | None = None

    @property
    def label(self) -> str:
        """How the script is named beside the film."""
        if self.path is not None:
            return self.path.name
        if self.version_number:
            return f"{self.title}, version {self.version_number}"
        return self.title


@dataclass(frozen=True, slots=True)
class FilmScript:
    """A film's script and, for each of its chapters, the scene it shows (None where a
    chapter names no scene of this script: the script changed, or it is another's)."""

    source: ScriptSource
    scenes: tuple[FilmScene | None, ...]

    @property
    def matched(self) -> int:
        """How many chapters found their scene."""
        return sum(scene is not None for scene in self.scenes)

    def scene_of(self, chapter: int) -> FilmScene | None:
        """The scene chapter ``chapter`` (0-based) shows, if known."""
        return self.scenes[chapter] if 0 <= chapter < len(self.scenes) else None


def chapter_id(title: str) -> str:
    """The plan scene id a chapter title starts with (``"12-2. INT. HALL"`` -> ``"12-2"``),
    or "" when it has none (a scene number holds a digit: ``"EXT. ROOF"`` has none)."""
    head, dot, _rest = title.partition(". ")
    if not dot or " " in head or not any(c.isdigit() for c in head):
        return ""
    return head


def script_for_chapters(source: ScriptSource, chapters: Sequence[Chapter]) -> FilmScript:
    """Pair ``chapters`` with the scenes of ``source``'s script through its render plan.

    A chapter is matched by its plan scene id when the heading there agrees, else by its
    heading (the script changed since the render: scenes were added or cut, or the film is
    another tool's, its chapters titled by bare headings). A chapter that finds neither
    is None: no scene is better than the wrong one.
    """
    from vividverse_desktop.core.pipeline.plan import build_plan
    from vividverse_desktop.core.screenplay.source_map import source_map

    mapped = source_map(source.text)
    played = mapped.screenplay
    if not played.scenes():
        return FilmScript(source, tuple(None for _ in chapters))
    plan = build_plan(played)
    spans = _plan_spans(played, source.text, planned=len(plan.scenes))
    by_id: dict[str, tuple[str, tuple[str, str, int, int]]] = {}
    by_heading: dict[str, tuple[str, str, int, int]] = {}
    for scene, where in zip(plan.scenes, spans, strict=False):
        by_id[scene.id] = (normalised_heading(scene.heading), where)
        by_heading.setdefault(normalised_heading(scene.heading), where)
    lines = source.text.split("\n")
    found: list[FilmScene | None] = []
    for index, chapter in enumerate(chapters):
        key = chapter_id(chapter.title)
        heading = normalised_heading(chapter.title[len(key) + 2 :] if key else chapter.title)
        named = by_id.get(key) if key else None
        if named is not None and named[0] == heading:
            span: tuple[str, str, int, int] | None = named[1]
        else:  # the script changed since the render, or the film is another tool's
            span = by_heading.get(heading)
        if span is None:
            found.append(None)
            continue
        number, title, start, end = span
        while end > start and not lines[end - 1].strip():
            end -= 1
        text = "\n".join(lines[start:end])
        kinds = tuple(mapped.kind(line) for line in range(start, end))
        marks = tuple(mapped.line_ranges(line) for line in range(start, end))
        found.append(FilmScene(index, number, title, text, start, end, kinds, marks))
    return FilmScript(source, tuple(found))


def normalised_heading(heading: str) -> str:
    """A heading as compared across versions: plain text, upper case, single spaces."""
    return " ".join(plain_value(heading).upper().split())


def _plan_spans(
    screenplay: Screenplay, text: str, *, planned: int
) -> list[tuple[str, str, int, int]]:
    """(number, heading, first line, end line) of each of the ``planned`` plan scenes, in
    plan order: the prologue first when the plan has one, then the master scenes."""
    scenes = screenplay.scenes()
    line_count = text.count("\n") + 1
    starts = [scene.heading.line - 1 for scene in scenes]
    ends = [*starts[1:], line_count]
    spans = [
        (scene.number, plain_value(scene.heading.text), start, end)
        for scene, start, end in zip(scenes, starts, ends, strict=True)
    ]
    if planned == len(scenes) + 1:  # a prologue: what comes before the first heading
        prologue = [e.line - 1 for e in screenplay.prologue()]
        first = min(prologue) if prologue else 0
        spans.insert(0, ("", "PROLOGUE", first, starts[0]))
    return spans


def held_version(*, store: LocalStore, movie_id: str, viewer_id: str) -> ScriptSource | None:
    """The script version a held movie was rendered from, if this computer holds it."""
    movie = store.movie(movie_id)
    if movie is None:
        return None
    version = store.script_version(movie.script_version_id)
    if version is None:
        return None
    script = store.script(version.script_id)
    title = script.title if script is not None else "the script"
    mine = script is not None and script.author_id == viewer_id
    return ScriptSource(
        title=title,
        text=version.fountain_text,
        version_id=version.id,
        script_id=version.script_id,
        version_number=version.n,
        mine=mine,
    )


def beside(film: Path) -> Path | None:
    """A script file beside ``film`` with its name (any format read here), if any."""
    for suffix in SCRIPT_SUFFIXES:
        candidate = film.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def from_file(path: Path) -> ScriptSource:
    """A script file as a source (StudioError when it cannot be read)."""
    from vividverse_desktop.studio.scripts import load_script

    loaded = load_script(path=path)
    return ScriptSource(
        title=loaded.screenplay.title or path.stem, text=loaded.fountain_text, path=path
    )


def find_script(
    *,
    chapters: Sequence[Chapter],
    film: Path | None = None,
    held: ScriptSource | None = None,
    chosen: Path | None = None,
) -> FilmScript | None:
    """The film's script paired with its ``chapters``: the ``chosen`` file (StudioError
    when it cannot be read), else the ``held`` version (:func:`held_version`), else a
    script beside ``film``; None when there is none. Blocking: parses and plans."""
    source = from_file(chosen) if chosen is not None else held
    if source is None and film is not None:
        path = beside(film)
        if path is not None:
            try:
                source = from_file(path)
            except StudioError:
                source = None
    if source is None:
        return None
    return script_for_chapters(source, chapters)


def nearest_line(text: str, wanted: str, line: int) -> int:
    """The 0-based line of ``text`` reading ``wanted`` (stripped) nearest to ``line``;
    ``line`` itself when no line reads so (the text changed there)."""
    target = wanted.strip()
    if not target:
        return line
    best = -1
    for index, candidate in enumerate(text.split("\n")):
        if candidate.strip() == target and (best < 0 or abs(index - line) < abs(best - line)):
            best = index
    return best if best >= 0 else line
