"""Revision marks: which printed lines of a new version differ from the previous version.

Elements of the two versions are aligned by (kind, printed text); an element with no
counterpart is new in every line. An edited element is paired with an old one of the
same kind in the same changed stretch, and only its printed lines that differ from
the old element's printed lines are marked (a word added on one line marks that line
and any line its wrapping pushed on). Linear in practice: one alignment of elements,
then one of lines inside each edited element.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from vividverse_desktop.core.screenplay.model import Element, ElementKind, Screenplay
from vividverse_desktop.core.screenplay.pagination import Pagination, Paper, paginate

_UNPRINTED = frozenset(
    {ElementKind.NOTE, ElementKind.SECTION, ElementKind.SYNOPSIS, ElementKind.PAGE_BREAK}
)


def _lines_by_element(layout: Pagination) -> dict[int, list[tuple[int, str]]]:
    """Element index -> its printed (start, text) lines in page order, continuations left out."""
    found: dict[int, list[tuple[int, str]]] = {}
    for page in layout.pages:
        for line in page.lines:
            if line.continuation is None:
                found.setdefault(line.element, []).append((line.start, line.text))
    return found


def _key(element: Element) -> tuple[ElementKind, str, tuple[str, ...]]:
    return element.kind, element.plain_text(), element.extensions


def revised_lines(
    previous: Screenplay, current: Screenplay, paper: str | Paper = "letter"
) -> frozenset[tuple[int, int]]:
    """``(element index, line start)`` of each printed line of ``current`` that is new or
    changed since ``previous``; ``start`` is ``pagination.Line.start``.

    Deleted lines leave no mark (there is no line of the new version to put it on).
    """
    old_printed = [i for i, e in enumerate(previous.elements) if e.kind not in _UNPRINTED]
    new_printed = [i for i, e in enumerate(current.elements) if e.kind not in _UNPRINTED]
    old_keys = [_key(previous.elements[i]) for i in old_printed]
    new_keys = [_key(current.elements[i]) for i in new_printed]
    new_lines = _lines_by_element(paginate(current, paper))
    old_lines: dict[int, list[tuple[int, str]]] | None = None
    marks: set[tuple[int, int]] = set()
    matcher = difflib.SequenceMatcher(a=old_keys, b=new_keys, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag in ("equal", "delete"):
            continue
        unused = list(old_printed[a0:a1])
        for index in new_printed[b0:b1]:
            lines = new_lines.get(index, [])
            partner = _partner(previous.elements, unused, current.elements[index].kind)
            if partner is None:
                marks.update((index, start) for start, _ in lines)
                continue
            if old_lines is None:
                old_lines = _lines_by_element(paginate(previous, paper))
            marks.update(_changed(old_lines.get(partner, []), lines, index))
    return frozenset(marks)


def _partner(elements: Sequence[Element], unused: list[int], kind: ElementKind) -> int | None:
    """Take the first old element of ``kind`` left in the stretch, or None."""
    for position, index in enumerate(unused):
        if elements[index].kind is kind:
            del unused[position]
            return index
    return None


def _changed(
    old: list[tuple[int, str]], new: list[tuple[int, str]], index: int
) -> list[tuple[int, int]]:
    matcher = difflib.SequenceMatcher(
        a=[text for _, text in old], b=[text for _, text in new], autojunk=False
    )
    marked: list[tuple[int, int]] = []
    for tag, _a0, _a1, b0, b1 in matcher.get_opcodes():
        if tag != "equal":
            marked.extend((index, start) for start, _ in new[b0:b1])
    return marked
