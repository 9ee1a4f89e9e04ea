"""What the Write room needs from a draft as it is typed: one analysis per pause.

``analyse`` parses the editor's text once and derives everything the room shows from
that one parse: the colour of every line (``core.screenplay.source_map``), the pages
(the same pagination the PDF export prints, so page counts agree everywhere), the
statistics, an outline for the navigator and the words autocomplete offers. It runs
on a worker; the GUI keeps the result of the latest text it asked about.

``open_draft`` reads any screenplay file as editable Fountain text.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.screenplay.heading import parse_heading
from vividverse_desktop.core.screenplay.model import ElementKind, Screenplay, Style
from vividverse_desktop.core.screenplay.pagination import Pagination, Paper, paginate
from vividverse_desktop.core.screenplay.source_map import SourceMap, source_map
from vividverse_desktop.core.screenplay.stats import ScriptStats, compute
from vividverse_desktop.studio.drafts import Fingerprint, fingerprint, save_script
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.studio.scripts import Exported, SceneNumbers, Submitted

if TYPE_CHECKING:
    from vividverse_desktop.store import LocalStore

TRANSITIONS = ("CUT TO:", "DISSOLVE TO:", "MATCH CUT TO:", "SMASH CUT TO:", "FADE OUT.", "FADE IN:")
HEADING_PREFIXES = ("INT. ", "EXT. ", "INT./EXT. ", "EXT./INT. ", "I/E. ")
TIMES_OF_DAY = (
    "DAY",
    "NIGHT",
    "MORNING",
    "AFTERNOON",
    "EVENING",
    "DAWN",
    "DUSK",
    "CONTINUOUS",
    "LATER",
    "MOMENTS LATER",
    "SAME",
)
EXTENSIONS = ("V.O.", "O.S.", "O.C.", "CONT'D")


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """One row of the navigator: a scene, a section, a synopsis or a note.

    ``line`` is the 0-based source line it starts on; for a scene, ``end`` is the
    0-based line where the next scene (or section) starts, or the line count: the
    text a drag moves. ``scene`` is the index of the scene holding a note or
    synopsis (-1 before the first scene).
    """

    kind: str
    line: int
    title: str
    end: int = 0
    number: str = ""
    page: int = 0
    eighths: int = 0
    level: int = 0
    scene: int = -1


@dataclass(frozen=True, slots=True)
class DraftAnalysis:
    """Everything the Write room derives from one text (see the module docstring)."""

    text: str
    source: SourceMap
    pagination: Pagination
    stats: ScriptStats
    outline: tuple[OutlineEntry, ...]
    scene_lines: tuple[int, ...]
    characters: tuple[str, ...]
    locations: tuple[str, ...]
    error: str = ""
    element_lines: tuple[int, ...] = field(default=(), repr=False)

    @property
    def screenplay(self) -> Screenplay:
        """The parse of ``text``."""
        return self.source.screenplay

    def scene_at(self, line: int) -> int:
        """Index of the scene holding 0-based source ``line`` (-1 before the first)."""
        return bisect_right(self.scene_lines, line) - 1

    def element_at(self, line: int) -> int:
        """Index of the last element starting at or before 0-based ``line`` (-1: none)."""
        return bisect_right(self.element_lines, line) - 1

    def page_at(self, line: int) -> int:
        """The page (1-based) the text at 0-based source ``line`` prints on (0: none yet)."""
        index = self.element_at(line)
        while index >= 0:
            page = self.pagination.first_page(index)
            if page is not None:
                return page
            index -= 1
        return 1 if self.pagination.pages else 0

    def line_of_page(self, page: int) -> int:
        """The 0-based source line of the first element printed on ``page``."""
        for candidate in self.pagination.pages[max(0, page - 1) : page]:
            for printed in candidate.lines:
                if self.pagination.first_page(printed.element) == page:
                    return self.screenplay.elements[printed.element].line - 1
            for printed in candidate.lines:
                return self.screenplay.elements[printed.element].line - 1
        return 0


def analyse(
    *, text: str, paper: Paper | str = "letter", cancel: CancelToken | None = None
) -> DraftAnalysis:
    """Parse, map, paginate and measure ``text`` (an editor's text, ``\\n`` line ends).

    A text the parser refuses (a NUL, a line beyond the limit) gives an empty analysis
    whose ``error`` says why, so the editor keeps working and shows it.
    """
    try:
        mapped = source_map(text)
    except ScreenplayError as exc:
        mapped = source_map("")
        error = str(exc)
    else:
        error = ""
    if cancel is not None:
        cancel.check()
    screenplay = mapped.screenplay
    pagination = paginate(screenplay, paper)
    if cancel is not None:
        cancel.check()
    stats = compute(screenplay, pagination)
    starts = screenplay.scene_starts()
    scene_lines = tuple(screenplay.elements[i].line - 1 for i in starts)
    line_count = text.count("\n") + 1
    outline = _outline(screenplay, stats, scene_lines, line_count)
    speakers = sorted(stats.characters, key=lambda c: (-c.speeches, c.name))
    locations = tuple(dict.fromkeys(s.location for s in stats.scenes if s.location))
    return DraftAnalysis(
        text=text,
        source=mapped,
        pagination=pagination,
        stats=stats,
        outline=outline,
        scene_lines=scene_lines,
        characters=tuple(c.name for c in speakers),
        locations=locations,
        error=error,
        element_lines=tuple(e.line - 1 for e in screenplay.elements),
    )


def _outline(
    screenplay: Screenplay, stats: ScriptStats, scene_lines: tuple[int, ...], line_count: int
) -> tuple[OutlineEntry, ...]:
    rows: list[OutlineEntry] = []
    breaks = sorted(
        {*scene_lines, *(e.line - 1 for e in screenplay.of_kind(ElementKind.SECTION)), line_count}
    )
    scene_index = -1
    for element in screenplay.elements:
        line = element.line - 1
        kind = element.kind
        if kind is ElementKind.SCENE_HEADING and line in scene_lines:
            scene_index = scene_lines.index(line) if scene_index < 0 else scene_index + 1
            scene = stats.scenes[scene_index]
            end = breaks[bisect_right(breaks, line)]
            rows.append(
                OutlineEntry(
                    "scene",
                    line,
                    scene.heading,
                    end=end,
                    number=scene.number,
                    page=scene.page,
                    eighths=scene.eighths,
                    scene=scene_index,
                )
            )
        elif kind is ElementKind.SECTION:
            rows.append(
                OutlineEntry("section", line, element.text, level=element.level, scene=scene_index)
            )
        elif kind is ElementKind.SYNOPSIS:
            rows.append(OutlineEntry("synopsis", line, element.text, scene=scene_index))
        elif kind is ElementKind.NOTE:
            rows.append(OutlineEntry("note", line, element.text, scene=scene_index))
        else:
            for span in element.spans:
                if span.style is Style.NOTE:
                    rows.append(
                        OutlineEntry(
                            "note", line, element.text[span.start : span.end], scene=scene_index
                        )
                    )
    return tuple(rows)


def completions(
    analysis: DraftAnalysis | None, kind: str, typed: str, *, line: int = -1
) -> tuple[str, ...]:
    """What autocomplete offers for a line of ``kind`` that starts with ``typed``.

    Cues: the characters of the script, the one who spoke before the last speaker of
    the scene first (dialogue goes back and forth), each also with the extensions.
    Headings: the prefixes, then known locations after the prefix, then times of day
    after `` - ``. Transitions: the common ones.
    """
    typed_upper = typed.upper()
    if kind == ElementKind.CHARACTER.value:
        names = list(analysis.characters if analysis else ())
        if analysis is not None and line >= 0:
            names = _recent_speakers(analysis, line) + names
        if "(" in typed_upper:
            base = typed_upper.split("(")[0].strip()
            candidates = [f"{base} ({ext})" for ext in EXTENSIONS]
        else:
            candidates = list(dict.fromkeys(names))
        return tuple(c for c in candidates if c.startswith(typed_upper) and c != typed_upper)
    if kind == ElementKind.SCENE_HEADING.value:
        if " - " in typed_upper:
            head, _, tail = typed_upper.rpartition(" - ")
            tail = tail.strip()
            return tuple(f"{head} - {t}" for t in TIMES_OF_DAY if t.startswith(tail) and t != tail)
        for prefix in HEADING_PREFIXES:
            if typed_upper.startswith(prefix):
                place = typed_upper[len(prefix) :]
                known = analysis.locations if analysis else ()
                return tuple(
                    f"{prefix}{loc}" for loc in known if loc.startswith(place) and loc != place
                )
        return tuple(p for p in HEADING_PREFIXES if p.startswith(typed_upper) and p != typed_upper)
    if kind == ElementKind.TRANSITION.value:
        return tuple(t for t in TRANSITIONS if t.startswith(typed_upper) and t != typed_upper)
    return ()


def _recent_speakers(analysis: DraftAnalysis, line: int) -> list[str]:
    """Speakers of the scene around ``line``, the one before the last speaker first."""
    scene = analysis.scene_at(line)
    start = analysis.scene_lines[scene] if scene >= 0 else 0
    spoken: list[str] = []
    for element in analysis.screenplay.elements:
        if element.line - 1 >= line:
            break
        if element.line - 1 >= start and element.kind is ElementKind.CHARACTER:
            name = element.text.strip()
            if name in spoken:
                spoken.remove(name)
            spoken.append(name)
    if len(spoken) >= 2:
        return [spoken[-2], spoken[-1]]
    return spoken


@dataclass(frozen=True, slots=True)
class OpenedDraft:
    """A file read for editing: its Fountain text, where it came from, what to know.

    ``known`` is the file's fingerprint as read (to notice another program's change).
    """

    path: Path
    text: str
    source_format: str
    warnings: tuple[str, ...]
    known: Fingerprint | None = None

    @property
    def editable_in_place(self) -> bool:
        """Whether saving writes back to ``path`` (Fountain and text files); imports
        from PDF and Final Draft are saved as a new .fountain file."""
        return self.source_format in ("fountain", "text")


def open_draft(*, path: Path, cancel: CancelToken | None = None) -> OpenedDraft:
    """Read a Fountain, text, Final Draft or PDF file as editable Fountain text.

    Fountain files keep their text exactly (line ends made ``\\n``); the others are
    imported and written as Fountain. An empty file is an empty draft. Raises
    :class:`StudioError`.
    """
    from vividverse_desktop.studio.scripts import load_script

    known = fingerprint(path) if path.is_file() else None
    if known is not None and known.size == 0:
        return OpenedDraft(path, "", "fountain", (), known)
    loaded = load_script(path=path, cancel=cancel)
    text = loaded.fountain_text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return OpenedDraft(path, text, loaded.source_format.value, loaded.warnings, known)


def save_text(
    *, path: Path, text: str, expected: Fingerprint | None, overwrite: bool = False
) -> Fingerprint:
    """Save the editor's text to ``path`` atomically; the new fingerprint.

    ``expected`` is the file as the editor read it; with ``overwrite`` whatever is there
    now is replaced (the person chose to). Raises ``ChangedOnDisk`` when another program
    changed the file since, and :class:`StudioError` for a failed write.
    """
    if overwrite:
        expected = fingerprint(path)
    return save_script(path=path, text=text, expected=expected)


def heading_parts(text: str) -> tuple[str, str, str]:
    """(prefix, location, time of day) of a scene heading, for the navigator's tooltip."""
    heading = parse_heading(text)
    return heading.prefix, heading.location, heading.time_of_day


@dataclass(frozen=True, slots=True)
class LineEdit:
    """Replace lines ``[start, end)`` of a text with ``lines``; ``cursor_line`` is where the
    moved text now starts."""

    start: int
    end: int
    lines: tuple[str, ...]
    cursor_line: int


def move_scene(text: str, *, start: int, end: int, before: int) -> LineEdit | None:
    """Move lines ``[start, end)`` (a scene) to just before line ``before`` (-1: the end).

    A blank line is kept between the moved scene and its new neighbours, as Fountain
    needs. None when the move would change nothing.
    """
    lines = text.split("\n")
    count = len(lines)
    if before < 0:
        before = count
    if start < 0 or end > count or start >= end or start <= before <= end:
        return None
    block = lines[start:end]
    if block[-1].strip():
        block.append("")
    if before < start:
        moved = block + lines[before:start]
        return LineEdit(before, end, tuple(moved), before)
    between = lines[end:before]
    lead: list[str] = []
    if between and between[-1].strip():
        lead = [""]
    if before == count and between and not between[-1].strip() and block[-1] == "":
        block = block[:-1]
    moved = between + lead + block
    return LineEdit(start, before, tuple(moved), start + len(between) + len(lead))


def export_text(
    *,
    text: str,
    output: Path,
    paper: Paper | str = "letter",
    scene_numbers: SceneNumbers = "none",
    title_page: bool = True,
    watermark: str = "",
    revised_from: str | None = None,
) -> Exported:
    """Export the editor's ``text`` to ``output`` as PDF, Final Draft or Fountain, by its
    suffix. ``revised_from`` (the previous version's text) stars changed lines in a PDF.

    Raises :class:`StudioError` for a suffix it does not write, a script the parser
    refuses, or a failed write (the file already there is then left as it was).
    """
    from vividverse_desktop.core.screenplay.fountain import parse
    from vividverse_desktop.studio.scripts import (
        EXPORT_SUFFIXES,
        export_fdx,
        export_pdf,
        write_atomically,
    )

    kind = EXPORT_SUFFIXES.get(output.suffix.lower())
    if kind is None:
        raise StudioError(f"{output.name}: export writes .pdf, .fdx or .fountain files")
    try:
        screenplay = parse(text)
        previous = parse(revised_from) if revised_from is not None else None
    except ScreenplayError as exc:
        raise StudioError(f"the script cannot be exported: {exc}") from exc
    pages = 0
    warnings: tuple[str, ...] = ()
    if kind == "pdf":
        export_pdf(
            screenplay=screenplay,
            path=output,
            paper="a4" if str(paper) == "a4" else "letter",
            scene_numbers=scene_numbers,
            title_page=title_page,
            watermark=watermark,
            revised_from=previous,
        )
        pages = paginate(screenplay, paper).page_count
    elif kind == "fdx":
        warnings = export_fdx(screenplay=screenplay, path=output)
    else:
        write_atomically(output, text.encode("utf-8"))
    return Exported(output, kind, pages, len(screenplay.scenes()), warnings)


@dataclass(frozen=True, slots=True)
class MyScript:
    """One of the writer's scripts as "My scripts" lists it.

    ``waiting`` counts its submissions still in the outbox (sent on the next sync);
    ``refused`` holds the server's reason when one was refused. ``mean`` and
    ``scores`` are the aggregate of the scores held here (None until there are any).
    """

    id: str
    title: str
    status: str
    versions: int
    latest_version_id: str
    waiting: int
    refused: str
    mean: float | None
    scores: int


def my_scripts(*, store: LocalStore, author_id: str) -> tuple[MyScript, ...]:
    """The scripts ``author_id`` wrote, newest first."""
    from vividverse_desktop.core.scoring import build_leaderboard

    waiting: dict[str, int] = {}
    refused: dict[str, str] = {}
    for entry in store.outbox():
        script_id = getattr(entry.op.body, "script_id", None)
        if not isinstance(script_id, str):
            continue
        if entry.status.value == "pending":
            waiting[script_id] = waiting.get(script_id, 0) + 1
        else:
            refused[script_id] = entry.message or entry.status.value
    ranked = {r.script_version_id: r for r in build_leaderboard(store.score_events()).ranking}
    found: list[MyScript] = []
    for record in store.scripts():
        if record.author_id != author_id:
            continue
        versions = store.script_versions(record.id)
        latest = versions[-1].id if versions else ""
        score = ranked.get(latest)
        found.append(
            MyScript(
                record.id,
                record.title,
                record.status.value,
                len(versions),
                latest,
                waiting.get(record.id, 0),
                refused.get(record.id, ""),
                score.mean if score is not None else None,
                score.n if score is not None else 0,
            )
        )
    return tuple(found)


def submit_draft(
    *, store: LocalStore, user_id: str, text: str, script_id: str = "", title: str = ""
) -> Submitted:
    """Submit the editor's text: a new script, or a new version of ``script_id``.

    The title is ``title`` or the title page's. Raises :class:`StudioError` for a
    script the parser refuses, a missing title, or a revision with nothing new.
    """
    from vividverse_desktop.core.screenplay.fountain import parse
    from vividverse_desktop.studio.scripts import revise_script, submit_script

    try:
        screenplay = parse(text)
    except ScreenplayError as exc:
        raise StudioError(f"the script cannot be submitted: {exc}") from exc
    if not screenplay.elements:
        raise StudioError("the script is empty: write a scene before submitting")
    if script_id:
        return revise_script(store=store, user_id=user_id, script_id=script_id, fountain_text=text)
    return submit_script(
        store=store, user_id=user_id, title=title or screenplay.title, fountain_text=text
    )


def version_text(*, store: LocalStore, version_id: str) -> str:
    """The Fountain text of one version (:class:`StudioError` if not held here)."""
    found = store.script_version(version_id)
    if found is None:
        raise StudioError("that version is not on this computer; sync first")
    return found.fountain_text


@dataclass(frozen=True, slots=True)
class SceneClip:
    """A clip of one scene made for the writer: where it is and what it took."""

    path: Path
    number: str
    heading: str
    duration: float
    seconds: float
    made: int


def watch_scene(
    *,
    text: str,
    line: int,
    cache_dir: Path,
    size: tuple[int, int] = (640, 360),
    cancel: CancelToken | None = None,
) -> SceneClip:
    """Render the scene holding 0-based source ``line`` with the keyless providers.

    Assets are kept in ``cache_dir`` by content, so after an edit only what changed
    is made again. Raises :class:`StudioError` when the line is before the first
    scene or the script cannot be read.
    """
    from dataclasses import replace

    from vividverse_desktop.core.pipeline.plan import build_plan
    from vividverse_desktop.core.screenplay.fountain import parse
    from vividverse_desktop.studio.rendering import prepare, render

    try:
        screenplay = parse(text)
    except ScreenplayError as exc:
        raise StudioError(f"the scene cannot be rendered: {exc}") from exc
    starts = [screenplay.elements[i].line - 1 for i in screenplay.scene_starts()]
    index = bisect_right(starts, line) - 1
    if index < 0:
        raise StudioError("put the cursor in a scene (below a scene heading) to watch it")
    scene = screenplay.scenes()[index]
    plan = build_plan(screenplay)
    try:
        chosen = plan.scene(scene.number)
    except KeyError as exc:
        raise StudioError(f"scene {scene.number} has nothing to render") from exc
    one = replace(plan, scenes=(chosen,))
    cache_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(repr(chosen).encode()).hexdigest()[:16]
    output = cache_dir / f"scene-{digest}.mp4"
    if output.exists():
        return SceneClip(output, scene.number, scene.heading.plain_text(), chosen.duration, 0.0, 0)
    with prepare(
        output=output,
        job_dir=cache_dir / "job",
        resume=True,
        overwrite=True,
        size=size,
        fps=24,
    ) as setup:
        result = render(setup=setup, plan=one, cancel=cancel)
    return SceneClip(
        result.output,
        scene.number,
        scene.heading.plain_text(),
        result.duration,
        result.seconds,
        sum(result.made.values()),
    )


def latest_text(*, store: LocalStore, script_id: str) -> str:
    """The text of a script's newest version held here (to mark what changed since)."""
    found = store.latest_version(script_id)
    if found is None:
        raise StudioError("no version of this script is on this computer; sync first")
    return found.fountain_text
