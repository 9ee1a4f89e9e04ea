"""How a laid-out line prints: runs of one style, and where the page furniture sits.

The PDF export and the Write room's page preview both draw from these, so the
preview is the printed page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from vividverse_desktop.core.screenplay.model import Element, ElementKind, Span, Style
from vividverse_desktop.core.screenplay.pagination import Line
from vividverse_desktop.core.screenplay.typesetting import printed_text

FONT_SIZE_PT = 12.0
BASELINE_PT = 0.8 * FONT_SIZE_PT
PAGE_NUMBER_BASELINE_PT = 36.0 + BASELINE_PT
SCENE_NUMBER_LEFT = 10.0  # characters: 1.0 in
SCENE_NUMBER_RIGHT = 76.0  # characters: 7.6 in
STYLE_FLAGS = {Style.BOLD: "B", Style.ITALIC: "I", Style.UNDERLINE: "U"}


def page_label(number: int) -> str:
    """The page number printed at the top right (none on page 1)."""
    return f"{number}." if number > 1 else ""


def line_runs(element: Element, line: Line) -> list[tuple[float, str, str]]:
    """``line`` (of ``element``) cut into runs of one style: (x in characters, text,
    flags from ``"BIU"``)."""
    base = "I" if element.kind is ElementKind.LYRICS else ""
    if line.continuation is not None:
        return [(line.x, line.text, "")]
    styled = [s for s in element.spans if s.style in STYLE_FLAGS]
    if not styled:
        return [(line.x, line.text, base)]
    printed = printed_text(element)
    return [
        (line.x + offset, text, style)
        for offset, text, style in style_runs(
            line.text, lambda i: printed.origin(line.start + i), styled, base
        )
    ]


def style_runs(
    text: str, origin: Callable[[int], int], spans: Sequence[Span], base: str
) -> list[tuple[int, str, str]]:
    """``text`` cut where its style changes: (offset, text, flags).

    ``origin(i)`` is the offset the spans use for character ``i`` (-1: unstyled).
    """
    runs: list[tuple[int, str, str]] = []
    current = base
    run_start = 0
    for i in range(len(text)):
        at = origin(i)
        flags = set(base)
        if at >= 0:
            flags.update(STYLE_FLAGS[s.style] for s in spans if s.start <= at < s.end)
        style = "".join(flag for flag in "BIU" if flag in flags)
        if i and style != current:
            runs.append((run_start, text[run_start:i], current))
            run_start = i
        current = style
    runs.append((run_start, text[run_start:], current))
    return runs
