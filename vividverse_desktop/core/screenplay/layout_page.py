"""Pages of positioned text, and the printed rows the layout classifier reads from them.

Units: ``x`` and ``y`` may be points (PDF) or columns and rows (plain text); a
:class:`Grid` says how wide a character and how tall a line is in those units.
``y`` grows down the page. Rows are in character and line units.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class TextLine:
    """A run of text on a page: left edge ``x``, baseline ``y`` (down from the top).

    ``width`` is the run's advance width when known, else ``0`` (estimated from
    the character count and the grid).
    """

    x: float
    y: float
    text: str
    width: float = 0.0


@dataclass(frozen=True, slots=True)
class Page:
    """One page of positioned text; ``width`` and ``height`` are ``0`` when unknown."""

    width: float
    height: float
    lines: tuple[TextLine, ...]


@dataclass(frozen=True, slots=True)
class Grid:
    """Character width and line height in the units of the page (``0`` = learn it)."""

    char_width: float = 0.0
    line_height: float = 0.0


@dataclass(slots=True)
class Segment:
    """A run of words on one row, in character units from the page's left edge."""

    x: float
    end: float
    text: str


@dataclass(slots=True)
class Row:
    """One printed line: its page, baseline (in line units) and segments left to right.

    ``gap`` is the distance in lines from the row before on the same page (``99``
    for a page's first row); the element reader sets it.
    """

    page: int
    y: float
    segments: list[Segment]
    scene_number: str | None = None
    gap: float = 99.0
    text: str = field(init=False)
    first: Segment = field(init=False)

    def __post_init__(self) -> None:
        self.set_segments(self.segments)

    def set_segments(self, segments: list[Segment]) -> None:
        """Replace the segments, keeping ``text`` and ``first`` in step."""
        self.segments = segments
        self.text = " ".join(s.text for s in segments)
        self.first = segments[0]


def build_rows(pages: Sequence[Page], grid: Grid) -> list[Row]:
    """Group each page's runs into rows of segments, in character and line units."""
    rows: list[Row] = []
    cw, lh = grid.char_width, grid.line_height
    for index, page in enumerate(pages):
        runs = sorted((line for line in page.lines if line.text.strip()), key=lambda r: (r.y, r.x))
        current: list[TextLine] = []
        for run in runs:
            if current and abs(run.y - current[0].y) > 0.3 * lh:
                rows.append(_row(index, current, cw, lh))
                current = []
            current.append(run)
        if current:
            rows.append(_row(index, current, cw, lh))
    return rows


def _row(page: int, runs: list[TextLine], cw: float, lh: float) -> Row:
    if len(runs) == 1:
        run = runs[0]
        text = run.text.strip()
        x = run.x / cw + run.text.index(text[0])
        end = x + (run.width / cw if run.width > 0 else len(text))
        if "  " in text:
            text = " ".join(text.split())
        return Row(page, run.y / lh, [Segment(x, end, text)])
    segments: list[Segment] = []
    for run in sorted(runs, key=lambda r: r.x):
        text = run.text.strip()
        lead = len(run.text) - len(run.text.lstrip())
        x = run.x / cw + lead
        end = x + (run.width / cw if run.width > 0 else len(text))
        if segments and x - segments[-1].end < 1.5:
            last = segments[-1]
            gap = x - last.end
            spaces = " " * max(1 if gap > 0.35 else 0, round(gap))
            if last.text.endswith(" ") or text.startswith(" "):
                spaces = ""
            last.text = last.text + spaces + text
            last.end = max(last.end, end)
        else:
            segments.append(Segment(x, end, text))
    for segment in segments:
        if "  " in segment.text:
            segment.text = " ".join(segment.text.split())
    return Row(page, runs[0].y / lh, segments)


def learn_grid(pages: Sequence[Page], grid: Grid | None) -> Grid:
    """Fill in the grid from the pages: the commonest baseline step is the line height."""
    grid = grid or Grid()
    line_height = grid.line_height
    if line_height <= 0:
        steps: Counter[float] = Counter()
        for page in pages:
            ys = sorted({round(line.y, 1) for line in page.lines if line.text.strip()})
            steps.update(round(b - a, 1) for a, b in itertools.pairwise(ys) if b > a)
        line_height = min(steps.most_common(3))[0] if steps else 12.0
    char_width = grid.char_width if grid.char_width > 0 else 0.6 * line_height
    return Grid(char_width, line_height)
