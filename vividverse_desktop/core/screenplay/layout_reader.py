"""The element reader: walks the rows of a script once, turning blocks into drafts.

Where a row stands says what it is: scene headings and action at the margin,
cues far in, dialogue between, parentheticals a little right of dialogue,
transitions against the right edge, centred text in the middle. ``(MORE)`` and
the repeated ``NAME (CONT'D)`` after a page break are dropped and the split
speech joined back; an action paragraph cut by a page break is joined too.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from vividverse_desktop.core.screenplay.layout_columns import Columns, centred
from vividverse_desktop.core.screenplay.layout_page import Grid, Page, Row
from vividverse_desktop.core.screenplay.layout_wording import is_cue, is_heading, split_cue
from vividverse_desktop.core.screenplay.model import DualSide, ElementKind

_TRANSITION = re.compile(r"(?:TO:|FADE OUT\.|FADE TO BLACK\.|CUT TO BLACK\.|FADE OUT)$")
_MORE = re.compile(r"^\(\s*MORE\s*\)$", re.IGNORECASE)
_CONTD = re.compile(r"^CONT['’]?D\.?$|^CONTINUED$", re.IGNORECASE)


@dataclass(slots=True)
class Draft:
    """An element being read: its kind, its lines so far, and the wrap width of its column.

    ``last_row`` is the last printed row added (a line may hold several joined rows);
    ``page`` (0-based) and ``y`` (in lines) are where its first row stands.
    """

    kind: ElementKind
    lines: list[str]
    width: int
    scene_number: str | None = None
    extensions: tuple[str, ...] = ()
    dual: DualSide | None = None
    last_row: str = ""
    page: int = -1
    y: float = 0.0

    def add(self, line: str, *, across_page: bool = False) -> None:
        """Append a printed row: a wrap joins with a space, a short row before it means a break."""
        previous = self.last_row or self.lines[-1]
        first_word = line.split(" ", 1)[0]
        if across_page or len(previous) + 1 + len(first_word) > self.width:
            self.lines[-1] = self.lines[-1] + " " + line
        else:
            self.lines.append(line)
        self.last_row = line


class ElementReader:
    """Walks the rows once, turning blocks into element drafts.

    ``unplaced`` counts the rows that matched no column (read as action).
    """

    def __init__(self, rows: list[Row], pages: Sequence[Page], grid: Grid, cols: Columns) -> None:
        self.rows = rows
        self.pages = pages
        self.grid = grid
        self.cols = cols
        self.drafts: list[Draft] = []
        self.unplaced = 0
        self.speaker: str | None = None
        self.successor: dict[int, Row] = {}
        self.bottom = 0.0

    def read(self) -> list[Draft]:
        """The drafts of the rows in order; sets each row's ``gap`` on the way."""
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
        current: Draft | None = None
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
            if current.page < 0:
                current.page, current.y = row.page, row.y
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

    def _place(self, row: Row, current: Draft | None, new_block: bool, *, across: bool) -> Draft:
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
        if centred(seg, page, self.grid, self.cols) and abs(x - cols.margin) >= 1.5:
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

    def _new(self, kind: ElementKind, text: str, width: int, group: Draft | None) -> Draft:
        draft = Draft(kind, [text], width)
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
            current: Draft | None = None
            for n, text in enumerate(texts):
                if n == 0:
                    name, exts = split_cue(text)
                    current = Draft(ElementKind.CHARACTER, [name], 60, extensions=exts, dual=side)
                    current.page, current.y = rows[start].page, rows[start].y
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
                    current = Draft(ElementKind.PARENTHETICAL, [text], width, dual=side)
                    current.page, current.y = rows[start].page, rows[start].y + n
                elif current is not None and current.kind is ElementKind.DIALOGUE:
                    current.add(text)
                    continue
                else:
                    width = self.cols.dialogue_width * 4 // 5  # columns are narrower
                    current = Draft(ElementKind.DIALOGUE, [text], width, dual=side)
                    current.page, current.y = rows[start].page, rows[start].y + n
                self.drafts.append(current)
        return i
