"""The columns of a formatted screenplay, learned from the document itself.

Tools and paper sizes differ, so the indents of action, cues, dialogue and
parentheticals (and their wrap widths) are read off the rows, in character units.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from vividverse_desktop.core.screenplay.layout_page import Grid, Page, Row, Segment
from vividverse_desktop.core.screenplay.layout_wording import is_cue, is_heading


@dataclass(frozen=True, slots=True)
class Columns:
    """Learned columns in character units: margin, cue, dialogue, parenthetical, right edge."""

    margin: float
    cue: float
    dialogue: float
    paren: float
    right: float
    action_width: int
    dialogue_width: int
    paren_width: int


def _mode(values: Sequence[float], default: float) -> float:
    if not values:
        return default
    counts = Counter(round(v * 2) / 2 for v in values)
    best = max(counts.values())
    return min(v for v, n in counts.items() if n == best)


def learn_columns(rows: Sequence[Row]) -> Columns:
    """Learn the indents from the rows themselves: the common x clusters by role."""
    singles = [r for r in rows if len(r.segments) == 1]
    xs = Counter(round(r.first.x * 2) / 2 for r in singles)
    top = max(xs.values(), default=0)
    # the margin: where scene headings stand, else the leftmost column holding a fair
    # share of the rows
    headings = [r.first.x for r in singles if is_heading(r.text)]
    candidates = [x for x, n in xs.items() if n >= max(2, 0.1 * top)]
    margin = _mode(headings, min(candidates or list(xs), default=0.0))
    cue_xs: list[float] = []
    dialogue_xs: list[float] = []
    paren_xs: list[float] = []
    for row, nxt in itertools.pairwise(singles):
        x = row.first.x
        if x < margin + 4 or not is_cue(row.text) or is_heading(row.text):
            continue
        if nxt.page != row.page or nxt.y - row.y > 1.3 or len(nxt.segments) != 1:
            continue
        nx = nxt.first.x
        if margin + 2 < nx < x:
            cue_xs.append(x)
            (paren_xs if nxt.text.startswith("(") else dialogue_xs).append(nx)
    cue = _mode(cue_xs, margin + 22)
    dialogue = _mode(dialogue_xs, margin + 10)
    for row in singles:
        if row.text.startswith("(") and dialogue <= row.first.x < cue and not is_cue(row.text):
            paren_xs.append(row.first.x)
    paren = _mode(paren_xs, dialogue + 6)
    at_margin = [r for r in singles if abs(r.first.x - margin) < 1]
    action_width = _width(at_margin, 60)
    return Columns(
        margin,
        cue,
        dialogue,
        paren,
        margin + action_width,
        action_width,
        _width([r for r in singles if abs(r.first.x - dialogue) < 1], 35),
        _width([r for r in singles if abs(r.first.x - paren) < 1], 25),
    )


def _width(rows: Sequence[Row], standard: int) -> int:
    """The wrap width of a column: the standard one unless many rows say otherwise."""
    longest = max((len(r.text) for r in rows), default=0)
    if longest > standard or (len(rows) >= 50 and longest < standard - 5):
        return longest
    return standard


def centred(seg: Segment, page: Page, grid: Grid, cols: Columns) -> bool:
    """Whether a segment stands centred between the margins or on the page."""
    mid = (seg.x + seg.end) / 2
    centres = [(cols.margin + cols.right) / 2]
    if page.width > 0:
        centres.append(page.width / grid.char_width / 2)
    return any(abs(mid - c) <= 1.5 for c in centres)
