"""Page furniture: what a printed page carries that is not part of the script.

Page numbers, running headers and footers, ``CONTINUED`` lines, revision marks,
and scene numbers in the margins (kept, as ``Row.scene_number``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from vividverse_desktop.core.screenplay.layout_columns import Columns, centred
from vividverse_desktop.core.screenplay.layout_page import Grid, Page, Row
from vividverse_desktop.core.screenplay.layout_wording import is_heading

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}\s*\.?$|^-\s*\d{1,4}\s*-$", re.IGNORECASE)
_SCENE_NUMBER = re.compile(r"^\d{1,4}[A-Z]{0,3}(?:[.-]\d{1,3}[A-Z]?)?\.?$")
_CONTINUED = re.compile(
    r"^(?:\d+[A-Z]*\s+)?\(?CONTINUED\)?:?(?:\s*\(\d+\))?(?:\s+\d+[A-Z]*)?$", re.IGNORECASE
)


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
            if top_or_bottom and centred(row.first, pages[row.page], grid, cols):
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
