"""The screenplay model: a title page and a flat list of typed elements.

Every importer (Fountain, plain text, PDF) produces this model and every consumer
(writer, statistics, pagination, PDF export, render planning) reads it. It is
immutable; edits build a new value.

Conventions
-----------
- ``Element.text`` is the element's plain text with Fountain markup removed:
  no forcing characters (``.``, ``!``, ``@``, ``>``, ``~``, ``=``, ``#``), no
  emphasis markers, escapes resolved. Multi-line elements join lines with ``\\n``.
- Emphasis and inline notes are ``Span`` ranges over ``text`` (character offsets).
  Text covered by a ``NOTE`` span is the note's content; plain renderings skip it.
- ``line`` and ``end_line`` are 1-based line numbers in the source the element
  came from (for PDF imports, line numbers in the generated Fountain).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from vividverse_desktop.core.screenplay.heading import parse_heading


class ElementKind(enum.StrEnum):
    """What a block of a screenplay is. Values are the stable JSON names."""

    SCENE_HEADING = "scene_heading"
    ACTION = "action"
    CHARACTER = "character"
    PARENTHETICAL = "parenthetical"
    DIALOGUE = "dialogue"
    TRANSITION = "transition"
    CENTERED = "centered"
    LYRICS = "lyrics"
    PAGE_BREAK = "page_break"
    SECTION = "section"
    SYNOPSIS = "synopsis"
    NOTE = "note"


ONE_LINE_KINDS = frozenset(
    {
        ElementKind.SCENE_HEADING,
        ElementKind.CHARACTER,
        ElementKind.TRANSITION,
        ElementKind.SECTION,
        ElementKind.SYNOPSIS,
    }
)
"""Kinds whose text is always a single line."""


class Style(enum.StrEnum):
    """Inline styling carried by a span of element text."""

    ITALIC = "italic"
    BOLD = "bold"
    UNDERLINE = "underline"
    NOTE = "note"


class DualSide(enum.StrEnum):
    """Side of a dual-dialogue pair: the first speaker is left, the ``^`` one right."""

    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Span:
    """A styled range ``[start, end)`` of an element's text."""

    start: int
    end: int
    style: Style


@dataclass(frozen=True, slots=True)
class Element:
    """One block of a screenplay.

    Attributes that do not apply to a kind keep their defaults:
    ``scene_number`` (scene headings), ``extensions`` (character cues, e.g.
    ``("V.O.", "CONT'D")`` without parentheses), ``dual`` (character,
    parenthetical and dialogue of a dual-dialogue pair), ``level`` (section depth,
    1 for ``#``), ``forced`` (the source used an explicit forcing character).
    """

    kind: ElementKind
    text: str
    line: int
    end_line: int = 0
    spans: tuple[Span, ...] = ()
    scene_number: str | None = None
    extensions: tuple[str, ...] = ()
    dual: DualSide | None = None
    level: int = 0
    forced: bool = False

    @property
    def last_line(self) -> int:
        """The last source line of the element (``line`` when single-line)."""
        return self.end_line or self.line

    def plain_text(self) -> str:
        """The text without inline notes: what a reader sees on the page."""
        if not self.spans:
            return self.text
        notes = [s for s in self.spans if s.style is Style.NOTE]
        if not notes:
            return self.text
        parts: list[str] = []
        pos = 0
        for span in sorted(notes, key=lambda s: s.start):
            parts.append(self.text[pos : span.start])
            pos = max(pos, span.end)
        parts.append(self.text[pos:])
        return "".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The element as the CLI's ``parse --json`` object."""
        data: dict[str, Any] = {"kind": self.kind.value, "text": self.text, "line": self.line}
        if self.end_line and self.end_line != self.line:
            data["end_line"] = self.end_line
        if self.scene_number is not None:
            data["scene_number"] = self.scene_number
        if self.extensions:
            data["extensions"] = list(self.extensions)
        if self.dual is not None:
            data["dual"] = self.dual.value
        if self.level:
            data["level"] = self.level
        if self.forced:
            data["forced"] = True
        if self.spans:
            data["spans"] = [
                {"start": s.start, "end": s.end, "style": s.style.value} for s in self.spans
            ]
        return data


def plain_value(value: str) -> str:
    """A title-page value as one line of plain text: markup resolved, lines joined."""
    if "*" in value or "_" in value or "\\" in value or "[[" in value:
        from vividverse_desktop.core.screenplay.emphasis import inline

        text, spans = inline(value)
        value = Element(ElementKind.ACTION, text, 1, spans=spans).plain_text()
    return " ".join(value.split())


@dataclass(frozen=True, slots=True)
class Boneyard:
    """Text commented out with ``/* */``: not part of the script, kept so nothing is lost.

    ``before`` is the index in ``Screenplay.elements`` of the element that follows it
    (``len(elements)`` when it ends the file).
    """

    text: str
    line: int
    before: int


@dataclass(frozen=True, slots=True)
class Scene:
    """A master scene: its heading and the elements up to the next master heading.

    Shot headings (``.ON THE TV``: no INT/EXT and no time of day) stay among the
    scene's elements as ``SCENE_HEADING`` elements; they open no scene of their own.
    """

    index: int
    heading: Element
    elements: tuple[Element, ...]

    @property
    def number(self) -> str:
        """The scene number: the explicit ``#n#`` one if given, else the 1-based position."""
        return self.heading.scene_number or str(self.index + 1)

    @property
    def characters(self) -> tuple[str, ...]:
        """Speaking characters in order of first speech (names without extensions)."""
        seen: dict[str, None] = {}
        for element in self.elements:
            if element.kind is ElementKind.CHARACTER:
                seen.setdefault(element.text, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Screenplay:
    """A whole script: title page fields in source order, then the elements."""

    title_page: Mapping[str, str] = field(default_factory=dict)
    elements: tuple[Element, ...] = ()
    boneyards: tuple[Boneyard, ...] = ()

    @property
    def title(self) -> str:
        """The ``Title`` field (any case) as plain text, or an empty string.

        Fountain markup is resolved and a title of several lines joins them with a
        space: ``_**BRICK & STEEL**_`` is ``BRICK & STEEL``. ``title_page`` keeps the
        value as written.
        """
        for key, value in self.title_page.items():
            if key.lower() == "title":
                return plain_value(value)
        return ""

    def scene_starts(self) -> tuple[int, ...]:
        """Indices in ``elements`` of the headings that open master scenes.

        Every heading opens a scene except a shot heading (see ``SceneHeading.is_shot``)
        after the first scene: that one plays inside the scene before it.
        """
        starts: list[int] = []
        for index, element in enumerate(self.elements):
            if element.kind is ElementKind.SCENE_HEADING and not (
                starts and parse_heading(element.text).is_shot
            ):
                starts.append(index)
        return tuple(starts)

    def scenes(self) -> tuple[Scene, ...]:
        """Master scenes in order; elements before the first heading belong to no scene."""
        elements = self.elements
        starts = self.scene_starts()
        bounds = [*starts, len(elements)]
        return tuple(
            Scene(n, elements[start], elements[start + 1 : bounds[n + 1]])
            for n, start in enumerate(starts)
        )

    def prologue(self) -> tuple[Element, ...]:
        """The elements before the first scene heading (cold open, FADE IN, voice-over)."""
        starts = self.scene_starts()
        return self.elements[: starts[0]] if starts else self.elements

    def of_kind(self, kind: ElementKind) -> Iterator[Element]:
        """Elements of one kind, in order."""
        return (e for e in self.elements if e.kind is kind)

    def to_json(self) -> dict[str, Any]:
        """The stable ``parse --json`` document."""
        return {
            "title_page": dict(self.title_page),
            "elements": [e.to_json() for e in self.elements],
        }
