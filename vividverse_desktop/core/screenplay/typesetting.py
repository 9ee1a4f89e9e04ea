"""Typesetting: screenplay elements as rows of Courier text, and where a page may break.

``pagination`` places these rows on pages; this module decides what each element
prints (``printed_text``), how it wraps (``wrap``), where it sits (the geometry table
in ``pagination``'s docstring) and which splits the page-break rules allow
(``Unit.splits``). Rows and units are internal to pagination.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from vividverse_desktop.core.screenplay.model import (
    DualSide,
    Element,
    ElementKind,
    Screenplay,
    Style,
)

SCENE_HEADING_SPACE_BEFORE = 1
RIGHT_EDGE = 75.0  # characters: 7.5 in

# (left indent, width) in characters from the page's left edge.
_GEOMETRY: dict[ElementKind, tuple[float, int]] = {
    ElementKind.SCENE_HEADING: (15, 60),
    ElementKind.ACTION: (15, 60),
    ElementKind.CHARACTER: (37, 38),
    ElementKind.PARENTHETICAL: (31, 25),
    ElementKind.DIALOGUE: (25, 35),
    ElementKind.LYRICS: (25, 35),
    ElementKind.TRANSITION: (15, 60),
    ElementKind.CENTERED: (15, 60),
}
# Dual dialogue: column starts and per-kind (offset inside the column, width).
_DUAL_COLUMNS = {DualSide.LEFT: 15.0, DualSide.RIGHT: 45.0}
_DUAL_GEOMETRY: dict[ElementKind, tuple[float, int]] = {
    ElementKind.CHARACTER: (8, 22),
    ElementKind.PARENTHETICAL: (3, 22),
    ElementKind.DIALOGUE: (0, 28),
    ElementKind.LYRICS: (0, 28),
}
_NOT_PRINTED = frozenset(
    {ElementKind.NOTE, ElementKind.SECTION, ElementKind.SYNOPSIS, ElementKind.PAGE_BREAK}
)
_SPEECH_BODY = frozenset({ElementKind.PARENTHETICAL, ElementKind.DIALOGUE, ElementKind.LYRICS})
_SENTENCE_END = re.compile(r"[.!?…:;][\"')\]”’]*$|--$")
MORE = "(MORE)"
CONTD = "(CONT'D)"


class Continuation(enum.StrEnum):
    """Lines added where a speech is split across pages."""

    MORE = "more"
    CONTD = "contd"


@dataclass(frozen=True, slots=True)
class PrintedText:
    """What an element prints: ``text``, and for each character its offset in ``Element.text``.

    ``origins`` is ``None`` when they coincide; ``-1`` marks added characters (the
    parentheses of a character extension, for instance).
    """

    text: str
    origins: tuple[int, ...] | None = None

    def origin(self, index: int) -> int:
        """Offset in ``Element.text`` of printed character ``index`` (-1 if added)."""
        return index if self.origins is None else self.origins[index]


def printed_text(element: Element) -> PrintedText:
    """The text an element prints: inline notes removed, cue extensions appended.

    A note between two spaces takes one of them with it, so "bowl. [[x]] Luca"
    prints "bowl. Luca"; other spacing is kept as written.
    """
    text = element.text
    origins: list[int] | None = None
    if any(span.style is Style.NOTE for span in element.spans):
        hidden = [False] * len(text)
        for span in element.spans:
            if span.style is not Style.NOTE:
                continue
            start, end = max(0, span.start), min(len(text), span.end)
            for i in range(start, end):
                hidden[i] = True
            if end < len(text) and text[end] == " " and (start == 0 or text[start - 1] == " "):
                hidden[end] = True
        origins = [i for i in range(len(text)) if not hidden[i]]
        text = "".join(text[i] for i in origins)
    if element.kind is ElementKind.CHARACTER and element.extensions:
        suffix = "".join(f" ({ext})" for ext in element.extensions)
        if origins is None:
            origins = list(range(len(text)))
        origins.extend([-1] * len(suffix))
        text += suffix
    return PrintedText(text, tuple(origins) if origins is not None else None)


def wrap(text: str, width: int, *, indent: bool = False) -> list[tuple[int, int]]:
    """Word-wrap ``text`` to ``width`` characters as ``(start, end)`` slices.

    Each ``\\n`` starts a new line; an empty source line gives an empty slice.
    Words longer than the width are cut. Slices exclude the spaces they break on.
    With ``indent``, the first slice of each source line keeps its leading spaces (up
    to half the width): action keeps its indentation.
    """
    out: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        n = len(para)
        i = 0
        emitted = False
        while i < n:
            while i < n and para[i] == " ":
                i += 1
            if i >= n:
                break
            first = max(0, i - width // 2) if indent and not emitted else i
            if n - first <= width:
                out.append((pos + first, pos + len(para.rstrip(" "))))
                emitted = True
                break
            cut = para.rfind(" ", i, first + width + 1)
            if cut <= i:
                cut, nxt = first + width, first + width
            else:
                nxt = cut + 1
            end = first + len(para[first:cut].rstrip(" "))
            out.append((pos + first, pos + end))
            emitted = True
            i = nxt
        if not emitted:
            out.append((pos, pos))
        pos += n + 1
    return out


# A row template: the items printed on one body row (two in dual dialogue, none for a
# blank row). An item is (text, x, kind, element index, start, continuation, dual side),
# the fields of ``pagination.Line`` without the row.
Item = tuple[str, float, ElementKind, int, int, Continuation | None, DualSide | None]
Row = tuple[Item, ...]


@dataclass(slots=True)
class Split:
    """A place where a unit may be cut across pages, and how good a place it is."""

    at: int  # rows[:at] stay on this page
    score: int  # 2: sentence or paragraph end, 1: inside a sentence
    cue: Cue | None  # the speech being split, if any


@dataclass(frozen=True, slots=True)
class Cue:
    """The speaker of a speech that may be split: the cue to repeat with (CONT'D)."""

    element: int
    text: str
    x: float


@dataclass(slots=True)
class Unit:
    """Rows that go on a page together unless cut at one of ``splits``."""

    rows: list[Row]
    space_before: int
    splits: list[Split]
    cue: Cue | None = None
    page_break: bool = False


def more_row(cue: Cue) -> Row:
    """The ``(MORE)`` row that ends a page inside a speech."""
    return ((MORE, cue.x, ElementKind.CHARACTER, cue.element, 0, Continuation.MORE, None),)


def contd_row(cue: Cue) -> Row:
    """The ``CUE (CONT'D)`` row that resumes a speech on the next page."""
    return ((cue.text, cue.x, ElementKind.CHARACTER, cue.element, 0, Continuation.CONTD, None),)


def _element_rows(
    element: Element, index: int, x: float, width: int, dual: DualSide | None = None
) -> list[Row]:
    printed = printed_text(element).text
    if element.kind is ElementKind.TRANSITION:
        return [
            ((printed[s:e], RIGHT_EDGE - (e - s), element.kind, index, s, None, dual),)
            for s, e in wrap(printed, width)
        ]
    if element.kind is ElementKind.CENTERED:
        centre = x + width / 2
        return [
            ((printed[s:e], centre - (e - s) / 2, element.kind, index, s, None, dual),)
            for s, e in wrap(printed, width)
        ]
    if element.kind is ElementKind.ACTION:
        rows: list[Row] = []
        for s, e in wrap(printed, width, indent=True):
            lead = e - s - len(printed[s:e].lstrip(" "))
            rows.append(
                ((printed[s + lead : e], x + lead, element.kind, index, s + lead, None, dual),)
            )
        return rows
    return [
        ((printed[s:e], x, element.kind, index, s, None, dual),) for s, e in wrap(printed, width)
    ]


def _text_splits(rows: list[Row], base: int, cue: Cue | None) -> list[Split]:
    """Legal splits inside one wrapped element whose rows start at ``base``."""
    splits: list[Split] = []
    n = len(rows)
    for j in range(2, n - 1):
        if n - j < 2:
            break
        before = rows[j - 1][0][0]
        after = rows[j][0][0]
        score = 2 if (not before or not after or _SENTENCE_END.search(before)) else 1
        splits.append(Split(base + j, score, cue))
    return splits


def _speech_unit(elements: tuple[Element, ...], indices: list[int]) -> Unit:
    cue_element = elements[indices[0]]
    x, width = _GEOMETRY[ElementKind.CHARACTER]
    rows = _element_rows(cue_element, indices[0], x, width)
    cue_text = printed_text(cue_element).text
    if "CONT'D" not in (ext.upper() for ext in cue_element.extensions):
        cue_text = f"{cue_text} {CONTD}"
    cue = Cue(indices[0], cue_text, x)
    splits: list[Split] = []
    previous = ElementKind.CHARACTER
    for index in indices[1:]:
        element = elements[index]
        x, width = _GEOMETRY[element.kind]
        body = _element_rows(element, index, x, width)
        if not body:
            continue
        if previous is ElementKind.DIALOGUE and len(rows) >= 3:
            splits.append(Split(len(rows), 2, cue))
        if element.kind is not ElementKind.PARENTHETICAL:
            splits.extend(_text_splits(body, len(rows), cue))
        rows.extend(body)
        previous = element.kind
    return Unit(rows, 1, splits, cue)


def _dual_unit(elements: tuple[Element, ...], left: list[int], right: list[int]) -> Unit:
    columns: list[list[Item]] = []
    for side, indices in ((DualSide.LEFT, left), (DualSide.RIGHT, right)):
        items: list[Item] = []
        for index in indices:
            element = elements[index]
            offset, width = _DUAL_GEOMETRY[element.kind]
            for row in _element_rows(element, index, _DUAL_COLUMNS[side] + offset, width, side):
                items.extend(row)
        columns.append(items)
    height = max(len(columns[0]), len(columns[1]))
    rows: list[Row] = []
    for i in range(height):
        rows.append(tuple(col[i] for col in columns if i < len(col)))
    return Unit(rows, 1, [])


def units(screenplay: Screenplay) -> list[Unit]:
    elements = screenplay.elements
    units: list[Unit] = []
    i, n = 0, len(elements)
    while i < n:
        element = elements[i]
        kind = element.kind
        if kind is ElementKind.PAGE_BREAK:
            units.append(Unit([], 0, [], page_break=True))
            i += 1
            continue
        if kind in _NOT_PRINTED:
            i += 1
            continue
        if kind is ElementKind.CHARACTER:
            indices = [i]
            i += 1
            while i < n and elements[i].kind in _SPEECH_BODY:
                indices.append(i)
                i += 1
            if element.dual is DualSide.LEFT and i < n and elements[i].dual is DualSide.RIGHT:
                right = [i]
                i += 1
                while i < n and elements[i].kind in _SPEECH_BODY:
                    right.append(i)
                    i += 1
                units.append(_dual_unit(elements, indices, right))
            else:
                units.append(_speech_unit(elements, indices))
            continue
        x, width = _GEOMETRY[kind]
        rows = _element_rows(element, i, x, width)
        if rows and any(item[0] for row in rows for item in row):
            space = SCENE_HEADING_SPACE_BEFORE if kind is ElementKind.SCENE_HEADING else 1
            splits = (
                []
                if kind in (ElementKind.SCENE_HEADING, ElementKind.TRANSITION)
                else (_text_splits(rows, 0, None))
            )
            units.append(Unit(rows, space, splits))
        i += 1
    return _keep_headings_with_next(units)


def _keep_headings_with_next(units: list[Unit]) -> list[Unit]:
    """Join each scene heading to the unit after it, so that no page ends on a heading.

    A run of headings (empty scenes) joins into one unit with what finally follows
    it (unless that is a page break). One pass: each row is copied once.
    """
    joined: list[Unit] = []
    i, n = 0, len(units)
    while i < n:
        end = i
        while end < n and _is_heading(units[end]):
            end += 1
        if end == i:
            joined.append(units[i])
            i += 1
            continue
        last = end if end < n and not units[end].page_break else end - 1
        if last == i:
            joined.append(units[i])
            i += 1
            continue
        rows: list[Row] = list(units[i].rows)
        for unit in units[i + 1 : last + 1]:
            rows.extend([()] * unit.space_before)
            base = len(rows)
            rows.extend(unit.rows)
        tail = units[last]
        splits = [Split(s.at + base, s.score, s.cue) for s in tail.splits]
        joined.append(Unit(rows, units[i].space_before, splits, tail.cue))
        i = last + 1
    return joined


def _is_heading(unit: Unit) -> bool:
    first = unit.rows[0] if unit.rows else ()
    return bool(first) and first[0][2] is ElementKind.SCENE_HEADING
