"""What each line of Fountain source is, as the parser reads it: for an editor to colour.

``source_map(text)`` parses once and says, per source line, which element kind the
line belongs to (or ``title_page``, ``boneyard``, blank), plus the ranges inside the
line an editor colours: emphasis, inline notes, boneyard, and the markup characters
themselves (forcing marks, emphasis markers, scene numbers, the dual-dialogue caret).
It is the parser's reading, not a second grammar.

``guess_kind`` is for the one line being typed between two parses: it asks the same
line grammar the parser uses (``grammar.opening_kind`` and the forcing marks) with the
kinds of the lines around it, and the next parse corrects it where the whole script
says otherwise (a cue waits for its dialogue to be a cue).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vividverse_desktop.core.screenplay.boneyard import strip_boneyards
from vividverse_desktop.core.screenplay.emphasis import MARKER, marked_ranges
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.grammar import FORCE_MARKS, opening_kind
from vividverse_desktop.core.screenplay.model import Element, ElementKind, Screenplay
from vividverse_desktop.core.screenplay.title_page import key_of, read_title_page

TITLE_PAGE = "title_page"
BONEYARD = "boneyard"
BLANK = ""
TITLE_KEY = "title_key"
SCENE_NUMBER = "scene_number"

Range = tuple[int, int, str]

_SPEECH = frozenset({"character", "parenthetical", "dialogue"})
_MARK_KINDS = {
    "!": ElementKind.ACTION,
    "@": ElementKind.CHARACTER,
    "~": ElementKind.LYRICS,
    ".": ElementKind.SCENE_HEADING,
    "#": ElementKind.SECTION,
    "=": ElementKind.SYNOPSIS,
}


@dataclass(frozen=True, slots=True)
class SourceMap:
    """The parser's reading of every source line (0-based line numbers)."""

    screenplay: Screenplay
    kinds: tuple[str, ...]
    ranges: dict[int, tuple[Range, ...]] = field(default_factory=dict)

    def kind(self, line: int) -> str:
        """The kind of 0-based source line ``line`` (an ElementKind value, or one of
        ``title_page``, ``boneyard``, or ``""`` for a blank line)."""
        return self.kinds[line] if 0 <= line < len(self.kinds) else BLANK

    def line_ranges(self, line: int) -> tuple[Range, ...]:
        """``(start, end, style)`` ranges of one line, by column."""
        return self.ranges.get(line, ())


def source_map(text: str, screenplay: Screenplay | None = None) -> SourceMap:
    """Parse ``text`` (unless ``screenplay`` is its parse) and map every line.

    ``text`` uses ``\\n`` line ends (an editor's plain text). Linear in the text.
    """
    screenplay = screenplay if screenplay is not None else parse(text)
    lines = text.split("\n")
    kinds = [BLANK] * len(lines)
    ranges: dict[int, list[Range]] = {}
    cleaned = lines
    if "/*" in text:
        cleaned, struck = strip_boneyards(lines)
        for bone in struck:
            last = bone.stop_line - 1
            for index in range(bone.line - 1, last + 1):
                start = bone.column if index == bone.line - 1 else 0
                end = bone.stop_column if index == last else len(lines[index])
                ranges.setdefault(index, []).append((start, end, BONEYARD))
                if cleaned[index].strip() == "":
                    kinds[index] = BONEYARD
    if screenplay.title_page:
        _, body = read_title_page(cleaned)
        for index in range(body):
            if lines[index].strip() and kinds[index] != BONEYARD:
                kinds[index] = TITLE_PAGE
                key = key_of(lines[index])
                if key is not None:
                    ranges.setdefault(index, []).append((0, len(key) + 1, TITLE_KEY))
    for element in screenplay.elements:
        _map_element(element, lines, kinds, ranges)
    return SourceMap(
        screenplay,
        tuple(kinds),
        {index: tuple(sorted(found)) for index, found in ranges.items()},
    )


def _map_element(
    element: Element, lines: list[str], kinds: list[str], ranges: dict[int, list[Range]]
) -> None:
    first = element.line - 1
    last = element.last_line - 1
    kind = element.kind.value
    for index in range(first, last + 1):
        if lines[index].strip():
            kinds[index] = kind
    line = lines[first]
    stripped = line.lstrip()
    column = len(line) - len(stripped)
    if element.forced and stripped and stripped[0] in FORCE_MARKS:
        ranges.setdefault(first, []).append((column, column + 1, MARKER))
    tail = line.rstrip()
    closing = {ElementKind.CENTERED: "<", ElementKind.CHARACTER: "^"}.get(element.kind)
    if closing is not None and tail.endswith(closing):
        ranges.setdefault(first, []).append((len(tail) - 1, len(tail), MARKER))
    elif element.scene_number is not None and tail.endswith("#"):
        opening = tail.rfind("#", 0, len(tail) - 1)
        if opening >= 0:
            ranges.setdefault(first, []).append((opening, len(tail), SCENE_NUMBER))
    if element.spans:
        _map_markup(lines, first, last, ranges)


def _map_markup(lines: list[str], first: int, last: int, ranges: dict[int, list[Range]]) -> None:
    """Emphasis and notes of one element, read over its lines and split back per line."""
    starts = [0]
    for index in range(first, last):
        starts.append(starts[-1] + len(lines[index]) + 1)
    joined = "\n".join(lines[first : last + 1])
    for start, end, style in marked_ranges(joined):
        for offset, line_start in enumerate(starts):
            line_end = line_start + len(lines[first + offset])
            if end <= line_start or start > line_end:
                continue
            lo = max(start, line_start) - line_start
            hi = min(end, line_end) - line_start
            if hi > lo:
                ranges.setdefault(first + offset, []).append((lo, hi, style))


def guess_kind(line: str, *, previous: str, next_blank: bool) -> str:
    """The kind of a line being typed, from its text and its neighbours.

    ``previous`` is the kind of the line above (``""`` when blank or none);
    ``next_blank`` says the line below is blank or absent.
    """
    stripped = line.strip()
    if not stripped:
        return BLANK
    if previous in (TITLE_PAGE, BONEYARD):
        return previous
    if previous in _SPEECH:
        if stripped.startswith("~"):
            return ElementKind.LYRICS.value  # sung lines inside the speech
        return "parenthetical" if stripped.startswith("(") else "dialogue"
    if previous:
        return previous
    first = stripped[0]
    if stripped.startswith("[["):
        return ElementKind.NOTE.value
    if first == ">":
        if stripped.endswith("<") and len(stripped) > 1:
            return ElementKind.CENTERED.value
        return ElementKind.TRANSITION.value
    if first == "=" and len(stripped) >= 3 and not stripped.strip("="):
        return ElementKind.PAGE_BREAK.value
    if first == "." and stripped.startswith(".."):
        return ElementKind.ACTION.value
    forced = _MARK_KINDS.get(first)
    if forced is not None:
        return forced.value
    return opening_kind(stripped, next_blank).value
