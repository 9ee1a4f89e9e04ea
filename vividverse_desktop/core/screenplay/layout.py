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
the writer makes from it, as the writer itself reports them.

The steps live in their own modules (``layout_page``: rows and grid,
``layout_wording``: cue and heading wording, ``layout_columns``,
``layout_furniture``, ``layout_title``: the title page, ``layout_reader``: the
element reader); this module is the entry point and names the public API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vividverse_desktop.core.screenplay.layout_columns import Columns, learn_columns
from vividverse_desktop.core.screenplay.layout_furniture import drop_furniture, strip_scene_numbers
from vividverse_desktop.core.screenplay.layout_page import (
    Grid,
    Page,
    Row,
    Segment,
    TextLine,
    build_rows,
    learn_grid,
)
from vividverse_desktop.core.screenplay.layout_reader import Draft, ElementReader
from vividverse_desktop.core.screenplay.layout_title import is_title_page, read_title_page
from vividverse_desktop.core.screenplay.layout_wording import is_cue, is_heading, split_cue
from vividverse_desktop.core.screenplay.model import Element, Screenplay
from vividverse_desktop.core.screenplay.writer import element_lines

__all__ = [
    "Columns",
    "Grid",
    "LayoutResult",
    "Page",
    "Row",
    "Segment",
    "TextLine",
    "build_rows",
    "classify",
    "drop_furniture",
    "is_cue",
    "is_heading",
    "learn_columns",
    "learn_grid",
    "read_title_page",
    "split_cue",
    "strip_scene_numbers",
]


@dataclass(frozen=True, slots=True)
class LayoutResult:
    """The screenplay read from the pages and what could not be read cleanly.

    ``places`` says where each element's first line stood: (0-based page index, its
    baseline down from the page's top in the pages' units), one per element.
    """

    screenplay: Screenplay
    warnings: tuple[str, ...] = ()
    places: tuple[tuple[int, float], ...] = ()


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
    if len(pages) > 1 and is_title_page(first_page):
        title_page = read_title_page(first_page, pages[0], grid)
        rows = [r for r in rows if r.page != 0]
    cols = learn_columns(rows)
    rows = drop_furniture(rows, pages, grid, cols)
    reader = ElementReader(rows, pages, grid, cols)
    drafts = reader.read()
    if reader.unplaced:
        warnings.append(
            f"{reader.unplaced} line(s) matched no screenplay column and were read as action"
        )
    places = tuple((draft.page, draft.y * grid.line_height) for draft in drafts)
    return LayoutResult(_numbered(title_page, drafts), tuple(warnings), places)


def _element(draft: Draft, line: int, last: int) -> Element:
    """The element of a draft, on source lines ``line``..``last`` (``end_line`` 0 if one)."""
    return Element(
        draft.kind,
        "\n".join(draft.lines),
        line,
        end_line=last if last != line else 0,
        scene_number=draft.scene_number,
        extensions=draft.extensions,
        dual=draft.dual,
    )


def _numbered(title_page: dict[str, str], drafts: Sequence[Draft]) -> Screenplay:
    """The screenplay of the drafts, each element on its line in the writer's Fountain."""
    unnumbered = Screenplay(title_page, tuple(_element(d, 0, 0) for d in drafts))
    places = element_lines(unnumbered)
    elements = tuple(
        _element(draft, line, last) for draft, (line, last) in zip(drafts, places, strict=True)
    )
    return Screenplay(title_page, elements)
