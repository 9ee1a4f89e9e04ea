"""Review a PDF or plain-text import before accepting it: the classified elements page by
page, and corrections of a mis-read element's kind.

``review_import`` reads the file (a PDF in its sandboxed child process: call it off
the GUI thread) and returns every element with its kind, text, the line it has in the
generated Fountain and, for a PDF, the page and height it was read from, so a review
dialog can show each beside its page. ``apply_corrections`` re-kinds elements by index
and returns the corrected screenplay and its Fountain text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.screenplay.model import (
    ONE_LINE_KINDS,
    Element,
    ElementKind,
    Screenplay,
)
from vividverse_desktop.studio.errors import StudioError

if TYPE_CHECKING:
    from vividverse_desktop.core.cancel import CancelToken

_SPEECH = frozenset({ElementKind.CHARACTER, ElementKind.PARENTHETICAL, ElementKind.DIALOGUE})


@dataclass(frozen=True, slots=True)
class ReviewElement:
    """One classified element: its index in the screenplay, kind, text, its first and last
    line in ``ImportReview.fountain_text``, and (PDF) the 1-based page and the baseline
    of its first line in points down from the page's top (None for a text import)."""

    index: int
    kind: ElementKind
    text: str
    line: int
    end_line: int
    page: int | None
    top_pt: float | None


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """The elements read from one page of the source (``number`` is 1-based)."""

    number: int
    elements: tuple[ReviewElement, ...]


@dataclass(frozen=True, slots=True)
class ImportReview:
    """What an import read: the screenplay, its Fountain text, every element, by page."""

    path: Path
    source_format: str
    screenplay: Screenplay
    fountain_text: str
    elements: tuple[ReviewElement, ...]
    pages: tuple[ReviewPage, ...]
    warnings: tuple[str, ...]


def review_import(*, path: Path, cancel: CancelToken | None = None) -> ImportReview:
    """Read a PDF or plain-text screenplay for review; elements carry their page (PDF).

    Raises :class:`StudioError` naming the file for every read failure (as
    ``scripts.load_script`` does). Blocks while a PDF is read in its child process.
    """
    from vividverse_desktop.core.screenplay.writer import write
    from vividverse_desktop.media.importer import sniff
    from vividverse_desktop.media.pdf import import_pdf
    from vividverse_desktop.studio.scripts import load_script

    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise StudioError(f"{path}: {exc.strerror or exc}") from exc
    if sniff(head) != "pdf":
        loaded = load_script(path=path, cancel=cancel)
        screenplay, source, warnings = (
            loaded.screenplay,
            loaded.source_format.value,
            loaded.warnings,
        )
        places: tuple[tuple[int, float], ...] = ()
    else:
        try:
            result = import_pdf(path, cancel=cancel)
        except ScreenplayError as exc:
            raise StudioError(f"{path}: {exc}") from exc
        screenplay, source, warnings = result.screenplay, "pdf", result.warnings
        places = result.places
    elements = tuple(
        ReviewElement(
            index,
            element.kind,
            element.text,
            element.line,
            element.last_line,
            places[index][0] + 1 if index < len(places) else None,
            places[index][1] if index < len(places) else None,
        )
        for index, element in enumerate(screenplay.elements)
    )
    pages: dict[int, list[ReviewElement]] = {}
    for item in elements:
        if item.page is not None:
            pages.setdefault(item.page, []).append(item)
    return ImportReview(
        path,
        source,
        screenplay,
        write(screenplay),
        elements,
        tuple(ReviewPage(n, tuple(found)) for n, found in sorted(pages.items())),
        warnings,
    )


@dataclass(frozen=True, slots=True)
class Corrected:
    """The screenplay after corrections, as its Fountain text reads back.

    ``unapplied`` lists the corrected indices whose kind Fountain could not keep (a
    dialogue with no cue before it reads as action, for instance).
    """

    screenplay: Screenplay
    fountain_text: str
    unapplied: tuple[int, ...]


def apply_corrections(
    *, screenplay: Screenplay, corrections: Mapping[int, ElementKind]
) -> Corrected:
    """Give element ``i`` the kind ``corrections[i]``; the result is parsed back from Fountain.

    Text is adapted to the new kind: joined onto one line for a heading, cue or
    transition, a cue's extensions split off, parentheses added to a parenthetical.
    Raises :class:`StudioError` for an index out of range or a kind that is not a
    line of text (page break).
    """
    from vividverse_desktop.core.screenplay.fountain import parse
    from vividverse_desktop.core.screenplay.writer import write

    elements = list(screenplay.elements)
    for index, kind in corrections.items():
        if not 0 <= index < len(elements):
            raise StudioError(f"there is no element {index}: the import has {len(elements)}")
        if kind is ElementKind.PAGE_BREAK:
            raise StudioError("a page break holds no text: choose another kind")
        elements[index] = _rekind(elements[index], kind, elements, index)
    text = write(replace(screenplay, elements=tuple(elements), boneyards=()))
    corrected = parse(text)
    back = corrected.elements
    unapplied = tuple(
        index
        for index, kind in sorted(corrections.items())
        if len(back) != len(elements) or back[index].kind is not kind
    )
    return Corrected(corrected, text, unapplied)


def _rekind(element: Element, kind: ElementKind, elements: list[Element], index: int) -> Element:
    from vividverse_desktop.core.screenplay.grammar import split_cue

    text = element.text
    if kind in ONE_LINE_KINDS:
        text = " ".join(text.split())
    extensions: tuple[str, ...] = ()
    if kind is ElementKind.CHARACTER:
        cue = split_cue(text)
        text, extensions = (cue[0], cue[1]) if cue else (text, ())
        extensions = extensions or element.extensions
    if kind is ElementKind.PARENTHETICAL and not text.startswith("("):
        text = f"({text.strip()})"
    in_speech = index > 0 and elements[index - 1].kind in _SPEECH
    return Element(
        kind,
        text,
        element.line,
        scene_number=element.scene_number if kind is ElementKind.SCENE_HEADING else None,
        extensions=extensions,
        dual=element.dual
        if kind in _SPEECH and (in_speech or kind is ElementKind.CHARACTER)
        else None,
        level=max(1, element.level) if kind is ElementKind.SECTION else 0,
    )
