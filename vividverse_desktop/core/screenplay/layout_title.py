"""The title page of a formatted screenplay: telling it apart and reading its fields."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence

from vividverse_desktop.core.screenplay.layout_page import Grid, Page, Row
from vividverse_desktop.core.screenplay.layout_wording import is_cue, is_heading

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


def is_title_page(rows: Sequence[Row]) -> bool:
    """Whether the rows of a first page are a title page: no scene heading, no speech."""
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
