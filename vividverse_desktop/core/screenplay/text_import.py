"""Plain-text screenplays (as saved by screenwriting tools) -> Screenplay.

A plain-text export lays the script out with spaces: cues far in, dialogue less,
action at the left margin, pages separated by form feeds or page-number lines.
Each line becomes positioned runs in character columns and rows, and the layout
classifier (:mod:`vividverse_desktop.core.screenplay.layout`) reads them exactly
as it reads a PDF, with one column per character and one row per line.
"""

from __future__ import annotations

import itertools
import re

from vividverse_desktop.core.screenplay.layout import (
    Grid,
    LayoutResult,
    Page,
    TextLine,
    classify,
    is_cue,
)

TEXT_GRID = Grid(char_width=1.0, line_height=1.0)
# Words separated by at most two spaces belong to one run; three or more split columns.
_RUN = re.compile(r"\S+(?: {1,2}\S+)*")


def text_pages(text: str) -> list[Page]:
    """The text as pages of runs: form feeds split pages, tabs expand to 8 columns."""
    pages: list[Page] = []
    for chunk in text.replace("\r\n", "\n").replace("\r", "\n").split("\f"):
        lines: list[TextLine] = []
        for row, line in enumerate(chunk.split("\n")):
            expanded = line.expandtabs(8)
            lines.extend(
                TextLine(float(m.start()), float(row), m.group(), float(m.end() - m.start()))
                for m in _RUN.finditer(expanded)
            )
        pages.append(Page(0.0, 0.0, tuple(lines)))
    while len(pages) > 1 and not pages[-1].lines:
        pages.pop()
    return pages


def looks_like_layout(text: str) -> bool:
    """Whether text is a laid-out screenplay (indented cues and dialogue), not Fountain.

    True when at least two upper-case cues stand indented (10+ columns) and are
    followed by an indented line further left: the dialogue under a cue.
    """
    lines = [line.expandtabs(8) for line in text.replace("\f", "\n").splitlines()]
    cues = 0
    for line, following in itertools.pairwise(lines):
        indent = len(line) - len(line.lstrip(" "))
        next_indent = len(following) - len(following.lstrip(" "))
        stripped = line.strip()
        if (
            indent >= 10
            and stripped
            and following.strip()
            and 3 <= next_indent < indent
            and is_cue(stripped)
        ):
            cues += 1
            if cues >= 2:
                return True
    return False


def import_text(text: str) -> LayoutResult:
    """Read a plain-text (space-indented) screenplay into the model."""
    return classify(text_pages(text), grid=TEXT_GRID)
