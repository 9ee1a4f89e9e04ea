"""Screenplay pagination: where every printed line of a script falls on which page.

The layout is the standard one for a Courier 12 pt screenplay: 10 characters per
inch, 6 lines per inch, 55 lines of body per page starting one inch from the top.
Positions are in characters (tenths of an inch) from the page's left edge, so US
Letter and A4 share one layout and one page count (A4 keeps the same left margin).

==============  ==========  ===========  =====================================
element         left (in)   width (ch)   blank lines before
==============  ==========  ===========  =====================================
scene heading   1.5         60           1 (``SCENE_HEADING_SPACE_BEFORE``)
action          1.5         60           1
character cue   3.7         38           1
parenthetical   3.1         25           0 inside a speech
dialogue        2.5         35           0 inside a speech
lyrics          2.5         35           1
transition      right edge at 7.5 in     1
centered        centred on 4.5 in, 60    1
==============  ==========  ===========  =====================================

Blank lines before the first element of a page are dropped. Notes, synopses,
sections and boneyard do not print; ``===`` forces a new page.

Page-break rules: a scene heading never ends a page (it moves with at least two
lines of what follows); a character cue never ends a page; a speech split across
pages gets ``(MORE)`` under the last line and the cue again with ``(CONT'D)`` at the
top of the next page; action and dialogue split with at least two lines each side,
at the last sentence end that fits when there is one. A dual-dialogue pair is two
columns side by side, as tall as the taller side, never split (unless taller than
a page).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from vividverse_desktop.core.screenplay.model import DualSide, ElementKind, Screenplay
from vividverse_desktop.core.screenplay.typesetting import (
    CONTD,
    MORE,
    RIGHT_EDGE,
    SCENE_HEADING_SPACE_BEFORE,
    Continuation,
    PrintedText,
    Row,
    Split,
    Unit,
    contd_row,
    more_row,
    printed_text,
    units,
    wrap,
)

__all__ = [
    "CHAR_WIDTH_PT",
    "CONTD",
    "LINES_PER_PAGE",
    "LINE_HEIGHT_PT",
    "MORE",
    "RIGHT_EDGE",
    "SCENE_HEADING_SPACE_BEFORE",
    "TOP_MARGIN_PT",
    "Continuation",
    "Line",
    "Page",
    "Pagination",
    "Paper",
    "Placement",
    "PrintedText",
    "format_eighths",
    "lines_to_eighths",
    "paginate",
    "printed_text",
    "wrap",
]

LINES_PER_PAGE = 55
CHAR_WIDTH_PT = 7.2  # Courier 12 pt: 10 characters per inch
LINE_HEIGHT_PT = 12.0  # 6 lines per inch
TOP_MARGIN_PT = 72.0


class Paper(enum.StrEnum):
    """Supported paper sizes."""

    LETTER = "letter"
    A4 = "a4"

    @property
    def size_pt(self) -> tuple[float, float]:
        """Width and height in PostScript points."""
        return (612.0, 792.0) if self is Paper.LETTER else (595.28, 841.89)


@dataclass(frozen=True, slots=True)
class Line:
    """One laid-out line of a page.

    ``x`` is the left edge in characters (tenths of an inch) from the page's left
    edge, ``row`` the 0-based body line (0..54). ``element`` is the index in
    ``Screenplay.elements`` the line prints. ``start`` is the offset of ``text`` in
    the element's printed text (``printed_text(element).text``); a continuation
    line (``(MORE)`` / cue with ``(CONT'D)``) has ``start`` 0 and its own text.
    """

    text: str
    x: float
    row: int
    kind: ElementKind
    element: int
    start: int = 0
    continuation: Continuation | None = None
    dual: DualSide | None = None

    @property
    def x_pt(self) -> float:
        """Left edge in points."""
        return self.x * CHAR_WIDTH_PT


@dataclass(frozen=True, slots=True)
class Page:
    """A page of body text; ``number`` is 1-based (the title page is not counted)."""

    number: int
    lines: tuple[Line, ...]

    @property
    def used_rows(self) -> int:
        """Rows from the top of the body to the last printed line, inclusive."""
        return max((line.row for line in self.lines), default=-1) + 1


@dataclass(frozen=True, slots=True)
class Placement:
    """The share of one element printed on one page."""

    page: int
    lines: int


@dataclass(frozen=True, slots=True)
class Pagination:
    """A laid-out script: its pages, and where each element and scene went."""

    pages: tuple[Page, ...]
    paper: Paper = Paper.LETTER
    _placements: dict[int, tuple[Placement, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _scene_starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    @property
    def page_count(self) -> int:
        """Number of body pages."""
        return len(self.pages)

    def placements(self, element: int) -> tuple[Placement, ...]:
        """Pages an element prints on and how many lines on each; ``()`` if it does not print."""
        return self._placements.get(element, ())

    def first_page(self, element: int) -> int | None:
        """The page an element starts on, ``None`` if it does not print."""
        found = self._placements.get(element)
        return found[0].page if found else None

    def scene_lines(self) -> tuple[int, ...]:
        """Body lines each scene covers, in scene order.

        A scene runs from its heading's row to the next heading's row (page ends and
        blank lines included) and the last scene to the last printed line.
        Lines before the first heading belong to no scene.
        """
        if not self._scene_starts:
            return ()
        last = self.pages[-1]
        end = (len(self.pages) - 1) * LINES_PER_PAGE + last.used_rows
        bounds = (*self._scene_starts, end)
        return tuple(bounds[i + 1] - bounds[i] for i in range(len(self._scene_starts)))

    def scene_eighths(self) -> tuple[int, ...]:
        """Each scene's length in eighths of a page.

        ``lines / (55 / 8)`` rounded to the nearest eighth (halves up), at least 1.
        """
        return tuple(lines_to_eighths(n) for n in self.scene_lines())


def lines_to_eighths(lines: int) -> int:
    """Body lines as eighths of a 55-line page, rounded half up, at least 1."""
    return max(1, (16 * lines + LINES_PER_PAGE) // (2 * LINES_PER_PAGE))


def format_eighths(eighths: int) -> str:
    """Eighths as a page length: ``"118 4/8"``, ``"7/8"``, ``"3"``."""
    pages, rest = divmod(eighths, 8)
    if not rest:
        return str(pages)
    return f"{pages} {rest}/8" if pages else f"{rest}/8"


class _Paginator:
    def __init__(self) -> None:
        self.pages: list[list[Line]] = []
        self.current: list[Line] = []
        self.used = 0

    def new_page(self) -> None:
        self.pages.append(self.current)
        self.current = []
        self.used = 0

    def put(self, rows: Iterable[Row], first_row: int) -> None:
        row = first_row
        for items in rows:
            for text, x, kind, element, start, cont, dual in items:
                self.current.append(Line(text, x, row, kind, element, start, cont, dual))
            row += 1
        self.used = row

    def place(self, unit: Unit) -> None:
        """Put ``unit`` on the pages, cutting it where its splits allow.

        What is left of a cut unit is never copied: ``start`` is the index in
        ``unit.rows`` where it resumes, after ``head`` (the ``CUE (CONT'D)`` row, if
        any); splits keep their index in ``unit.rows`` and are visited once each, in
        order, so a unit of any length is placed in time linear in its rows.
        """
        if unit.page_break:
            if self.used:
                self.new_page()
            return
        rows = unit.rows
        splits = sorted(unit.splits, key=_at)  # stable: ties keep their order
        start, head, first_split, space_before = 0, 0, 0, unit.space_before
        head_rows: list[Row] = []
        while True:
            gap = space_before if self.used else 0
            avail = LINES_PER_PAGE - self.used - gap
            if head + len(rows) - start <= avail:
                self.put(head_rows, self.used + gap)
                self.put(_from(rows, start, len(rows)), self.used)
                return
            while first_split < len(splits) and splits[first_split].at <= start:
                first_split += 1
            split = _choose(splits, first_split, head - start, avail)
            if split is None:
                if self.used:
                    self.new_page()
                    continue
                at = max(1, avail - (1 if unit.cue else 0))
                split = Split(at - head + start, 0, unit.cue)
            self.put(head_rows, self.used + gap)
            self.put(_from(rows, start, split.at), self.used)
            if split.cue is not None:
                self.put([more_row(split.cue)], self.used)
            self.new_page()
            start = max(split.at, start)
            while start < len(rows) and not any(item[0] for item in rows[start]):
                start += 1
            head_rows = [contd_row(split.cue)] if split.cue is not None else []
            head, space_before = len(head_rows), 0


def _at(split: Split) -> int:
    return split.at


def _from(rows: list[Row], start: int, end: int) -> Iterable[Row]:
    return (rows[index] for index in range(start, end))


def _choose(splits: list[Split], first: int, shift: int, avail: int) -> Split | None:
    """The best split from ``splits[first:]`` (sorted by ``at``) whose rows fit ``avail``.

    ``shift`` turns a split's index in the unit's rows into its row on this page.
    """
    best: Split | None = None
    for index in range(first, len(splits)):
        split = splits[index]
        need = split.at + shift + (1 if split.cue is not None else 0)
        if need > avail:
            if split.at + shift > avail:
                break  # every later split needs more rows
            continue
        if best is None or (split.score, split.at) > (best.score, best.at):
            best = split
    return best


def paginate(screenplay: Screenplay, paper: str | Paper = "letter") -> Pagination:
    """Lay a screenplay out on pages of 55 body lines (see the module docstring).

    ``paper`` is ``"letter"`` or ``"a4"``; both give the same pages (same margins,
    the A4 page is taller at the bottom). A script with nothing printable has no pages.
    """
    paper = Paper(paper)
    paginator = _Paginator()
    for unit in units(screenplay):
        paginator.place(unit)
    if paginator.current:
        paginator.new_page()
    pages = tuple(Page(number, tuple(lines)) for number, lines in enumerate(paginator.pages, 1))
    placements: dict[int, list[Placement]] = {}
    scene_starts: list[int] = []
    masters = frozenset(screenplay.scene_starts())
    for page in pages:
        counts: dict[int, int] = {}
        for line in page.lines:
            counts[line.element] = counts.get(line.element, 0) + 1
            if (
                line.element in masters
                and line.element not in placements
                and counts[line.element] == 1
            ):
                scene_starts.append((page.number - 1) * LINES_PER_PAGE + line.row)
        for element, count in counts.items():
            placements.setdefault(element, []).append(Placement(page.number, count))
    return Pagination(
        pages,
        paper,
        {element: tuple(found) for element, found in placements.items()},
        tuple(scene_starts),
    )
