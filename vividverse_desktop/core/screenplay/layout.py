"""Read a screenplay back from its page layout: positioned lines -> Screenplay.

A formatted screenplay says what each line is by where it stands: scene headings
and action at the left text margin, character cues far in, dialogue between,
parentheticals a little right of dialogue, transitions against the right edge,
centred text in the middle. The classifier learns those columns from the document
itself (tools and paper sizes differ), then reads the lines block by block.

Units: ``x`` and ``y`` may be points (PDF) or columns and rows (plain text); a
:class:`Grid` says how wide a character and how tall a line is in those units.
``y`` grows down the page. The same code serves PDF and plain-text import.

Page furniture is dropped: page numbers, running headers and footers, ``(MORE)``
and the repeated ``NAME (CONT'D)`` cue after a page break (the split speech is
joined back into one element). Scene numbers in the margins become
``Element.scene_number``. Line numbers of the result are those of the Fountain
the writer makes from it (elements separated by a blank line, a dialogue group
without blanks, a title page and a blank line first).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from vividverse_desktop.core.screenplay.model import DualSide, Element, ElementKind, Screenplay
from vividverse_desktop.core.screenplay.title_page import write_title_page


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


@dataclass(frozen=True, slots=True)
class LayoutResult:
    """The screenplay read from the pages and what could not be read cleanly."""

    screenplay: Screenplay
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class Segment:
    """A run of words on one row, in character units from the page's left edge."""

    x: float
    end: float
    text: str


@dataclass(slots=True)
class Row:
    """One printed line: its page, baseline (in line units) and segments left to right."""

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


_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}\s*\.?$|^-\s*\d{1,4}\s*-$", re.IGNORECASE)
_SCENE_NUMBER = re.compile(r"^\d{1,4}[A-Z]{0,3}(?:[.-]\d{1,3}[A-Z]?)?\.?$")
_HEADING = re.compile(r"^(?:INT|EXT|EST|I/E|E/I|I\./E)(?:[./ ]|$)", re.IGNORECASE)
_TRANSITION = re.compile(r"(?:TO:|FADE OUT\.|FADE TO BLACK\.|CUT TO BLACK\.|FADE OUT)$")
_CONTINUED = re.compile(
    r"^(?:\d+[A-Z]*\s+)?\(?CONTINUED\)?:?(?:\s*\(\d+\))?(?:\s+\d+[A-Z]*)?$", re.IGNORECASE
)
_MORE = re.compile(r"^\(\s*MORE\s*\)$", re.IGNORECASE)
_CONTD = re.compile(r"^CONT['’]?D\.?$|^CONTINUED$", re.IGNORECASE)
_CUE = re.compile(r"^([^()]*?[A-Z][^()]*?)\s*((?:\([^()]*\)\s*)*)$")
_EXTENSION = re.compile(r"\(([^()]*)\)")


def is_cue(text: str) -> bool:
    """Whether a line reads as a character cue: an upper-case name, optional (EXTENSIONS)."""
    match = _CUE.match(text)
    if match is None or len(text) > 50:
        return False
    name = match.group(1)
    return name == name.upper() and any(c.isalpha() for c in name) and not name.endswith(":")


def split_cue(text: str) -> tuple[str, tuple[str, ...]]:
    """A cue's name and its extensions without parentheses (``JO (V.O.)`` -> ``JO``, V.O.)."""
    match = _CUE.match(text)
    if match is None:
        return text.strip(), ()
    exts = tuple(e.strip() for e in _EXTENSION.findall(match.group(2)))
    return match.group(1).strip(), exts


def is_heading(text: str) -> bool:
    """Whether a line reads as a scene heading (INT./EXT./EST./I/E ...)."""
    return bool(_HEADING.match(text.lstrip(". "))) and text == text.upper()


# --------------------------------------------------------------------------- rows


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


# ------------------------------------------------------------------------ columns


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


# ---------------------------------------------------------------------- furniture


def strip_scene_numbers(rows: Sequence[Row]) -> None:
    """Move scene numbers printed beside headings into ``Row.scene_number``.

    Revision marks (a lone ``*`` beside a changed line) are dropped on the way.
    """
    for row in rows:
        if len(row.segments) < 2:
            continue
        if any(s.text == "*" for s in row.segments[1:]):
            marked = [row.segments[0], *(s for s in row.segments[1:] if s.text != "*")]
            row.set_segments(marked)
            if len(marked) < 2:
                continue
        body = [s for s in row.segments if not _SCENE_NUMBER.match(s.text)]
        numbers = [s for s in row.segments if _SCENE_NUMBER.match(s.text)]
        if len(body) == 1 and numbers and is_heading(body[0].text):
            row.set_segments(body)
            row.scene_number = numbers[0].text.rstrip(".")


def drop_furniture(rows: list[Row], pages: Sequence[Page], grid: Grid, cols: Columns) -> list[Row]:
    """Remove page numbers, running headers/footers and CONTINUED: / (CONTINUED) lines."""
    by_page: dict[int, list[Row]] = {}
    for row in rows:
        by_page.setdefault(row.page, []).append(row)
    edge: set[int] = set()
    for page_rows in by_page.values():
        for row in page_rows[:2] + page_rows[-2:]:
            edge.add(id(row))
    repeated = Counter((_normalise(r.text), round(r.y)) for r in rows if id(r) in edge)
    page_count = len(by_page)
    keep: list[Row] = []
    for row in rows:
        text = row.text
        if len(row.segments) == 1 and _PAGE_NUMBER.match(text):
            page = pages[row.page]
            top_or_bottom = id(row) in edge or (
                page.height > 0 and not 0.1 < row.y * grid.line_height / page.height < 0.9
            )
            if (top_or_bottom or page.height == 0) and row.first.x > cols.cue + 3:
                continue
            if top_or_bottom and _centred(row.first, pages[row.page], grid, cols):
                continue
        if id(row) in edge and _CONTINUED.match(text):
            continue
        if (
            page_count >= 3
            and id(row) in edge
            and repeated[(_normalise(text), round(row.y))] >= max(3, 0.6 * page_count)
        ):
            continue
        keep.append(row)
    return keep


def _normalise(text: str) -> str:
    return re.sub(r"\d+", "#", text.upper())


def _centred(seg: Segment, page: Page, grid: Grid, cols: Columns) -> bool:
    mid = (seg.x + seg.end) / 2
    centres = [(cols.margin + cols.right) / 2]
    if page.width > 0:
        centres.append(page.width / grid.char_width / 2)
    return any(abs(mid - c) <= 1.5 for c in centres)


# ----------------------------------------------------------------- classification


@dataclass(slots=True)
class _Draft:
    kind: ElementKind
    lines: list[str]
    width: int
    scene_number: str | None = None
    extensions: tuple[str, ...] = ()
    dual: DualSide | None = None
    last_row: str = ""

    def add(self, line: str, *, across_page: bool = False) -> None:
        """Append a printed row: a wrap joins with a space, a short row before it means a break."""
        previous = self.last_row or self.lines[-1]
        first_word = line.split(" ", 1)[0]
        if across_page or len(previous) + 1 + len(first_word) > self.width:
            self.lines[-1] = self.lines[-1] + " " + line
        else:
            self.lines.append(line)
        self.last_row = line


class _Reader:
    """Walks the rows once, turning blocks into element drafts."""

    def __init__(self, rows: list[Row], pages: Sequence[Page], grid: Grid, cols: Columns):
        self.rows = rows
        self.pages = pages
        self.grid = grid
        self.cols = cols
        self.drafts: list[_Draft] = []
        self.unplaced = 0
        self.speaker: str | None = None
        self.successor: dict[int, Row] = {}
        self.bottom = 0.0

    def read(self) -> list[_Draft]:
        rows = self.rows
        previous: Row | None = None
        for row in rows:
            same_page = previous is not None and previous.page == row.page
            row.gap = row.y - previous.y if same_page and previous is not None else 99.0
            previous = row
        self.successor = {id(a): b for a, b in itertools.pairwise(rows)}
        self.bottom = max((r.y for r in rows), default=0.0)
        pending_more: str | None = None
        across = False
        current: _Draft | None = None
        i = 0
        while i < len(rows):
            row = rows[i]
            text = row.text
            if len(row.segments) == 1 and _MORE.match(text):
                pending_more = self.speaker
                i += 1
                continue
            if pending_more is not None:
                name, exts = split_cue(text)
                pending_more = None
                if is_cue(text) and name == self.speaker and any(_CONTD.match(e) for e in exts):
                    # the repeated cue after a page break: the speech goes on
                    i += 1
                    if i < len(rows):
                        rows[i].gap = 1.0
                        across = True
                    continue
            if (
                i > 0
                and row.gap == 99.0
                and current is not None
                and current.kind is ElementKind.ACTION
                and abs(row.first.x - self.cols.margin) < 1.5
                and not is_heading(text)
                and self._continues_paragraph(i)
            ):
                row.gap = 1.0
                across = True
            new_block = row.gap > 1.3
            if len(row.segments) >= 2 and new_block and self._dual_start(row):
                i = self._read_dual(i)
                current = None
                continue
            current = self._place(row, current, new_block, across=across)
            across = False
            i += 1
        return self.drafts

    def _continues_paragraph(self, i: int) -> bool:
        """Whether the action at the top of a page goes on with the paragraph before the break.

        Paginators split a paragraph only to fill a page and never leave fewer than two
        lines on either side; so the block is a new paragraph only if it could not have
        started on the page before. With no room left, a last line that could not take
        the next word says the paragraph was cut.
        """
        rows, margin = self.rows, self.cols.margin
        last, first = rows[i - 1], rows[i]
        size = 1
        while (
            i + size < len(rows)
            and rows[i + size].page == first.page
            and rows[i + size].y - rows[i + size - 1].y <= 1.3
            and abs(rows[i + size].first.x - margin) < 1.5
        ):
            size += 1
        room = round(self.bottom - last.y) - 1  # rows left below a blank line
        if size <= room or (size >= 4 and room >= 2):
            return True
        next_word = first.text.split(" ", 1)[0]
        return room < 2 and len(last.text) + 1 + len(next_word) > self.cols.action_width

    def _place(self, row: Row, current: _Draft | None, new_block: bool, *, across: bool) -> _Draft:
        cols = self.cols
        seg = row.first
        text = row.text
        x = seg.x
        in_dialogue = (
            not new_block
            and current is not None
            and current.kind
            in (ElementKind.CHARACTER, ElementKind.DIALOGUE, ElementKind.PARENTHETICAL)
        )
        if in_dialogue and current is not None and x > cols.margin + 2:
            if current.kind is ElementKind.PARENTHETICAL and not current.lines[-1].endswith(")"):
                current.add(text)
                return current
            if text.startswith("(") and x > cols.dialogue + 2:
                return self._new(ElementKind.PARENTHETICAL, text, cols.paren_width, current)
            if current.kind is ElementKind.DIALOGUE:
                current.add(text, across_page=across)
                return current
            return self._new(ElementKind.DIALOGUE, text, cols.dialogue_width, current)
        if (
            not new_block
            and current is not None
            and current.kind in (ElementKind.ACTION, ElementKind.SCENE_HEADING)
            and abs(x - cols.margin) < 1.5
        ):
            current.add(text)
            return current
        page = self.pages[row.page]
        nxt = self._next_row(row)
        if abs(x - cols.margin) < 1.5 and is_heading(text):
            draft = self._new(ElementKind.SCENE_HEADING, text, cols.action_width, None)
            draft.scene_number = row.scene_number
            return draft
        if (
            x > cols.margin + 4
            and is_cue(text)
            and nxt is not None
            and nxt.gap <= 1.3
            and cols.margin + 2 < nxt.first.x < x
        ):
            name, exts = split_cue(text)
            self.speaker = name
            draft = self._new(ElementKind.CHARACTER, name, 60, None)
            draft.extensions = exts
            return draft
        if _centred(seg, page, self.grid, self.cols) and abs(x - cols.margin) >= 1.5:
            if not new_block and current is not None and current.kind is ElementKind.CENTERED:
                current.lines.append(text)
                return current
            return self._new(ElementKind.CENTERED, text, 999, None)
        upper = text == text.upper()
        if upper and x > cols.cue + 2 and (_TRANSITION.search(text) or seg.end > cols.right - 3):
            return self._new(ElementKind.TRANSITION, text, 999, None)
        if upper and x > cols.dialogue and _TRANSITION.search(text):
            return self._new(ElementKind.TRANSITION, text, 999, None)
        if abs(x - cols.margin) >= 1.5:
            self.unplaced += 1
        if not new_block and current is not None and current.kind is ElementKind.ACTION:
            current.add(text)
            return current
        return self._new(ElementKind.ACTION, text, cols.action_width, None)

    def _next_row(self, row: Row) -> Row | None:
        return self.successor.get(id(row))

    def _new(self, kind: ElementKind, text: str, width: int, group: _Draft | None) -> _Draft:
        draft = _Draft(kind, [text], width)
        if group is not None:
            draft.dual = group.dual
        self.drafts.append(draft)
        return draft

    # ---------------------------------------------------------------- dual
    def _dual_start(self, row: Row) -> bool:
        left, right = row.segments[0], row.segments[-1]
        return (
            left.x > self.cols.margin + 2
            and is_cue(left.text)
            and is_cue(right.text)
            and right.x > left.end + 3
        )

    def _read_dual(self, start: int) -> int:
        rows = self.rows
        block = [rows[start]]
        i = start + 1
        while i < len(rows) and rows[i].gap <= 1.3 and rows[i].page == rows[start].page:
            block.append(rows[i])
            i += 1
        # the right column sits as far left of its cue as the left column of its own
        left_cue, right_cue = rows[start].segments[0].x, rows[start].segments[-1].x
        left_start = min(r.first.x for r in block)
        split = right_cue - (left_cue - left_start) - 1
        for side in (DualSide.LEFT, DualSide.RIGHT):
            texts = [
                " ".join(s.text for s in r.segments if (s.x < split) == (side is DualSide.LEFT))
                for r in block
            ]
            texts = [t for t in texts if t]
            current: _Draft | None = None
            for n, text in enumerate(texts):
                if n == 0:
                    name, exts = split_cue(text)
                    current = _Draft(ElementKind.CHARACTER, [name], 60, extensions=exts, dual=side)
                    self.speaker = name
                elif (
                    current is not None
                    and current.kind is ElementKind.PARENTHETICAL
                    and not (current.lines[-1].endswith(")"))
                ):
                    current.add(text)
                    continue
                elif text.startswith("("):
                    width = self.cols.paren_width - 3
                    current = _Draft(ElementKind.PARENTHETICAL, [text], width, dual=side)
                elif current is not None and current.kind is ElementKind.DIALOGUE:
                    current.add(text)
                    continue
                else:
                    width = self.cols.dialogue_width * 4 // 5  # columns are narrower
                    current = _Draft(ElementKind.DIALOGUE, [text], width, dual=side)
                self.drafts.append(current)
        return i


# ------------------------------------------------------------------------- result


_CREDIT = re.compile(r"^(?:(?:written|screenplay|story|teleplay)(?: and \w+)? by|by)$", re.I)
_DATE = re.compile(
    r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.? \d|\bdraft\b|\b(?:19|20)\d\d\b",
    re.I,
)


def read_title_page(rows: Sequence[Row], page: Page, grid: Grid) -> dict[str, str]:
    """Title page fields from the rows of a title page, in page order.

    Centred blocks in the upper part are Title, Credit ("Written by"), Author and
    Source ("Based on ..."); blocks at the bottom are Contact (left) and Draft date
    (right, or anything that looks like a date); the rest is Notes.
    """
    blocks: list[list[Row]] = []
    for row in rows:
        if blocks and row.y - blocks[-1][-1].y <= 1.3:
            blocks[-1].append(row)
        else:
            blocks.append([row])
    mids = Counter(round((r.first.x + r.segments[-1].end) / 2) for r in rows)
    centre = float(mids.most_common(1)[0][0])
    # an unknown page height (plain text): at least a printed page's 55 lines
    height = page.height / grid.line_height if page.height > 0 else max(rows[-1].y + 1, 55)
    fields: dict[str, list[str]] = {}
    after_credit = False
    for block in blocks:
        texts = [r.text for r in block]
        joined = " ".join(texts)
        centred = all(abs((r.first.x + r.segments[-1].end) / 2 - centre) <= 2 for r in block)
        low = block[0].y > 0.6 * height
        if centred and not low:
            if "Title" not in fields:
                key = "Title"
            elif _CREDIT.match(joined):
                key, after_credit = "Credit", True
            elif joined.lower().startswith(("based on", "adapted from", "from the")):
                key = "Source"
            elif after_credit and "Author" not in fields:
                key = "Author"
            else:
                key = "Notes"
        elif _DATE.search(joined) and (len(block) == 1 or block[0].first.x > centre):
            key = "Draft date"
        elif low and block[0].first.x < centre:
            key = "Contact"
        else:
            key = "Notes"
        fields.setdefault(key, []).extend(texts)
    return {key: "\n".join(lines) for key, lines in fields.items()}


def _is_title_page(rows: Sequence[Row]) -> bool:
    if not rows:
        return False
    if any(is_heading(r.text) for r in rows):
        return False
    cue_followed = sum(
        1
        for a, b in itertools.pairwise(rows)
        if is_cue(a.text) and b.y - a.y <= 1.3 and b.first.x < a.first.x - 3
    )
    return cue_followed == 0


def _elements(drafts: Sequence[_Draft], first_line: int) -> tuple[Element, ...]:
    elements: list[Element] = []
    line = first_line
    dialogue_kinds = (ElementKind.PARENTHETICAL, ElementKind.DIALOGUE)
    previous: ElementKind | None = None
    for draft in drafts:
        if previous is not None and not (
            draft.kind in dialogue_kinds and previous in (ElementKind.CHARACTER, *dialogue_kinds)
        ):
            line += 1  # the blank line between elements
        text = "\n".join(draft.lines)
        end = line + text.count("\n")
        elements.append(
            Element(
                draft.kind,
                text,
                line,
                end_line=end if end != line else 0,
                scene_number=draft.scene_number,
                extensions=draft.extensions,
                dual=draft.dual,
            )
        )
        line = end + 1
        previous = draft.kind
    return tuple(elements)


def classify(pages: Sequence[Page], *, grid: Grid | None = None) -> LayoutResult:
    """Read a screenplay from positioned lines.

    ``pages`` are in order; each line's ``x`` is the left edge of its first glyph.
    The first page becomes the title page when it has no scene headings and no
    dialogue. Returns the screenplay and warnings (lines that matched no column,
    a document with no text).
    """
    warnings: list[str] = []
    grid = learn_grid(pages, grid)
    rows = build_rows(pages, grid)
    if not rows:
        return LayoutResult(Screenplay(), ("the document has no text",))
    strip_scene_numbers(rows)
    title_page: dict[str, str] = {}
    first_page = [r for r in rows if r.page == 0]
    if len(pages) > 1 and _is_title_page(first_page):
        title_page = read_title_page(first_page, pages[0], grid)
        rows = [r for r in rows if r.page != 0]
    cols = learn_columns(rows)
    rows = drop_furniture(rows, pages, grid, cols)
    reader = _Reader(rows, pages, grid, cols)
    drafts = reader.read()
    if reader.unplaced:
        warnings.append(
            f"{reader.unplaced} line(s) matched no screenplay column and were read as action"
        )
    # the writer puts the title page first, then one blank line
    # (tests/media/test_pdf_import.py checks these numbers against the writer's output)
    first_line = len(write_title_page(title_page)) + 2 if title_page else 1
    return LayoutResult(Screenplay(title_page, _elements(drafts, first_line)), tuple(warnings))
