"""The Fountain 1.1 parser: text (or bytes) in, ``Screenplay`` out.

One linear pass over the lines. Each line is classified by its first character
and a few cheap string tests; inline markup is only scanned in elements whose
text contains ``*``, ``_``, ``\\`` or ``[[``. No input makes it super-linear, and
inputs past the limits below are refused with a ``ScreenplayError``.

Reading rules beyond the spec's letter (the writer relies on them):
- Forcing marks (``!`` ``@`` ``~`` ``.`` ``>`` ``=`` ``#``) and a note alone on its
  line(s) are honoured on any line outside dialogue, even inside an action
  paragraph; ``!`` on a later line of an action paragraph is dropped.
- A line of exactly two spaces inside action, dialogue or a note is an empty line
  of that element; any other whitespace-only line is blank.
- A line is classified on its stripped text; action keeps its indentation.
- A heading prefix (``INT.`` ...) makes a heading without the blank line after it.
- A single-line element (heading, transition, section, ...) ends its paragraph: the
  next line is read as if a blank line came before it.
- A parenthetical may wrap: a ``(`` line inside a speech runs to the first later
  line ending in ``)`` before a blank line.
- A backslash before ASCII punctuation makes it literal, at a line's start too:
  ``\\@home`` is action reading ``@home``.
- ``Element.forced`` is set for ``!`` action, ``@`` cues, ``.`` headings and ``>``
  transitions: the marks that override what the line would otherwise be.
- Boneyards are lifted out of the lines first (see ``boneyard``); a ``/*`` left
  unclosed, or escaped as ``\\/*``, is text.
- Parentheticals keep their parentheses in ``Element.text``; notes, lyrics,
  centered text, sections and synopses lose their marks.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import fields

from vividverse_desktop.core.screenplay.boneyard import GAP, Struck, strip_boneyards
from vividverse_desktop.core.screenplay.emphasis import inline
from vividverse_desktop.core.screenplay.encoding import decode
from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.screenplay.grammar import (
    FORCE_MARKS,
    HEADING_PREFIXES,
    heading_parts,
    note_block,
    opening_kind,
    paren_end,
    split_cue,
)
from vividverse_desktop.core.screenplay.model import (
    Boneyard,
    DualSide,
    Element,
    ElementKind,
    Screenplay,
    Span,
)
from vividverse_desktop.core.screenplay.title_page import read_title_page

# A 120-page feature is ~150 KB of Fountain; these leave two orders of magnitude.
MAX_INPUT_CHARS = 16 * 1024 * 1024
"""Longest text ``parse`` accepts (characters, after decoding)."""
MAX_LINE_CHARS = 100_000
"""Longest single line ``parse`` accepts: about 25 pages of prose with no line break."""

__all__ = [
    "FORCE_MARKS",
    "HEADING_PREFIXES",
    "MAX_INPUT_CHARS",
    "MAX_LINE_CHARS",
    "decode",
    "heading_parts",
    "note_block",
    "opening_kind",
    "parse",
    "parse_bytes",
    "split_cue",
]

_ACTION = ElementKind.ACTION
_CHARACTER = ElementKind.CHARACTER
_DIALOGUE = ElementKind.DIALOGUE
_PARENTHETICAL = ElementKind.PARENTHETICAL
_HEADING = ElementKind.SCENE_HEADING
_TRANSITION = ElementKind.TRANSITION
_CENTERED = ElementKind.CENTERED
_LYRICS = ElementKind.LYRICS
_SECTION = ElementKind.SECTION
_SYNOPSIS = ElementKind.SYNOPSIS
_NOTE = ElementKind.NOTE
_PAGE_BREAK = ElementKind.PAGE_BREAK
_SPEECH = (_CHARACTER, _PARENTHETICAL, _DIALOGUE)

_START, _IN_ACTION, _IN_DIALOGUE = 0, 2, 3
_NO_SPANS: tuple[Span, ...] = ()
_NO_EXTENSIONS: tuple[str, ...] = ()


class _Draft:
    """Builds an ``Element`` about twice as fast as its frozen ``__init__``.

    It has the same slots as ``Element``, fills them with plain stores and then
    becomes an ``Element`` (``__class__`` assignment between identical slot
    layouts). The result is an ordinary ``Element``: equal, hashable and frozen.
    Element construction is a third of parse time on a feature script.
    """

    __slots__ = Element.__slots__

    def __init__(  # noqa: PLR0917 - mirrors Element's positional fields
        self,
        kind: ElementKind,
        text: str,
        line: int,
        end_line: int = 0,
        spans: tuple[Span, ...] = (),
        scene_number: str | None = None,
        extensions: tuple[str, ...] = (),
        dual: DualSide | None = None,
        level: int = 0,
        forced: bool = False,
    ) -> None:
        self.kind = kind
        self.text = text
        self.line = line
        self.end_line = end_line
        self.spans = spans
        self.scene_number = scene_number
        self.extensions = extensions
        self.dual = dual
        self.level = level
        self.forced = forced
        self.__class__ = Element  # type: ignore[assignment]


# Use the fast path only while the model has exactly the fields it fills.
_make: Callable[..., Element] = (
    _Draft  # type: ignore[assignment]
    if tuple(f.name for f in fields(Element))
    == (
        "kind",
        "text",
        "line",
        "end_line",
        "spans",
        "scene_number",
        "extensions",
        "dual",
        "level",
        "forced",
    )
    else Element
)


def parse(text: str) -> Screenplay:
    """Parse Fountain text into a ``Screenplay``.

    Accepts LF, CRLF and CR line endings and a leading BOM. Raises only
    ``ScreenplayError``: for a NUL character, or input beyond ``MAX_INPUT_CHARS``
    or a line beyond ``MAX_LINE_CHARS`` (naming the line).
    """
    if len(text) > MAX_INPUT_CHARS:
        raise ScreenplayError(
            f"the script is {len(text):,} characters long; the limit is {MAX_INPUT_CHARS:,}"
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - text.rfind("\n", 0, nul)
        raise ScreenplayError(f"NUL character at column {column}: not a text file", line)
    lines = text.split("\n")
    if len(text) > MAX_LINE_CHARS:
        _check_line_lengths(lines)
    struck: list[Struck] = []
    if "/*" in text:
        lines, struck = strip_boneyards(lines)
    title_page, start = read_title_page(lines) if ":" in text else ({}, 0)
    elements = _body(lines, start)
    boneyards: tuple[Boneyard, ...] = ()
    if struck:
        starts = [element.line - 1 for element in elements]
        boneyards = tuple(
            Boneyard(item.text, item.line, bisect_left(starts, item.at)) for item in struck
        )
    return Screenplay(title_page, tuple(elements), boneyards)


def parse_bytes(data: bytes) -> Screenplay:
    """Decode a Fountain file (see ``decode``) and parse it."""
    return parse(decode(data))


def _element(  # noqa: PLR0917 - the parser's hot path builds elements positionally
    kind: ElementKind,
    text: str,
    line: int,
    end_line: int,
    scene_number: str | None = None,
    extensions: tuple[str, ...] = _NO_EXTENSIONS,
    dual: DualSide | None = None,
    level: int = 0,
    forced: bool = False,
) -> Element:
    """An element whose ``text`` is still marked up: resolve emphasis, notes, escapes."""
    spans = _NO_SPANS
    if "*" in text or "_" in text or "\\" in text or "[[" in text:
        text, spans = inline(text)
    return _make(kind, text, line, end_line, spans, scene_number, extensions, dual, level, forced)


def _body(lines: list[str], start: int) -> list[Element]:
    """Elements of the body lines ``lines[start:]`` (line numbers are index + 1).

    The hot loop of the parser: kept flat, with elements built inline, because it
    runs once per line.
    """
    elements: list[Element] = []
    add = elements.append
    count = len(lines)
    mode = _START
    block: list[str] = []  # lines of the open action paragraph or dialogue element
    block_start = 0
    block_forced = False
    dual: DualSide | None = None
    note_fail = 0
    paren_fail = 0
    index = start
    while index < count:
        line = lines[index]
        stripped = line.strip()
        if not stripped:
            if line:
                if line is GAP:
                    index += 1
                    continue
                if line == "  " and mode >= _IN_ACTION:
                    if not block:
                        block_start = index
                    block.append("")
                    index += 1
                    continue
            if block:
                add(_flush(mode, block, block_start, index, dual, block_forced))
                block = []
            mode = _START
            index += 1
            continue
        first = stripped[0]
        if mode == _IN_DIALOGUE:
            if first == "~":  # sung lines inside a speech; the speech goes on after them
                if block:
                    add(_flush(mode, block, block_start, index, dual, False))
                    block = []
                index = _run(elements, lines, index, first, dual)
                continue
            if first == "(":
                last = index
                if stripped[-1] != ")":
                    last, paren_fail = paren_end(lines, index, paren_fail)
                if last >= 0:
                    if block:
                        add(_flush(mode, block, block_start, index, dual, False))
                        block = []
                    if last > index:
                        stripped = "\n".join(
                            line.strip() for line in lines[index : last + 1] if line is not GAP
                        )
                    if "*" in stripped or "_" in stripped or "\\" in stripped or "[[" in stripped:
                        add(_element(_PARENTHETICAL, stripped, index + 1, last + 1, None, (), dual))
                    else:
                        add(
                            _make(
                                _PARENTHETICAL,
                                stripped,
                                index + 1,
                                last + 1,
                                _NO_SPANS,
                                None,
                                _NO_EXTENSIONS,
                                dual,
                            )
                        )
                    index = last + 1
                    continue
                if not block:
                    block_start = index
                block.append(stripped)
            else:
                if not block:
                    block_start = index
                block.append(stripped)
            index += 1
            continue
        if mode == _IN_ACTION:
            if (first not in FORCE_MARKS or stripped.startswith("..")) and not (
                first == "[" and stripped.startswith("[[")
            ):
                block.append(stripped if line[0] == first else line.rstrip())
                index += 1
                continue
            if first == "!":
                block.append(_unforce(line))
                index += 1
                continue
            if first == "[":
                _content, last, note_fail = note_block(lines, index, note_fail)
                if last < 0:
                    block.append(stripped if line[0] == first else line.rstrip())
                    index += 1
                    continue
            add(_flush(mode, block, block_start, index, None, block_forced))
            block = []
            mode = _START
        # a line opening an element
        if first in FORCE_MARKS:
            if first == "!":
                mode = _IN_ACTION
                block = [_unforce(line)]
                block_start = index
                block_forced = True
                index += 1
                continue
            if first == "@":
                _cue(elements, index, stripped[1:].lstrip(), True)
                mode = _IN_DIALOGUE
                dual = elements[-1].dual
                index += 1
                continue
            if first == "~" or (first == ">" and stripped.endswith("<") and len(stripped) > 1):
                index = _run(elements, lines, index, first)
                mode = _START
                continue
            if first == ">":
                add(_element(_TRANSITION, stripped[1:].strip(), index + 1, index + 1, forced=True))
                mode = _START
                index += 1
                continue
            if first == "=":
                if len(stripped) >= 3 and not stripped.strip("="):
                    add(_make(_PAGE_BREAK, "", index + 1, index + 1))
                else:
                    add(_element(_SYNOPSIS, stripped[1:].lstrip(), index + 1, index + 1))
                mode = _START
                index += 1
                continue
            if first == "#":
                rest = stripped.lstrip("#")
                level = len(stripped) - len(rest)
                add(_element(_SECTION, rest.lstrip(), index + 1, index + 1, level=level))
                mode = _START
                index += 1
                continue
            if first == "." and not stripped.startswith(".."):
                text, number = heading_parts(stripped[1:].lstrip())
                add(_element(_HEADING, text, index + 1, index + 1, number, forced=True))
                mode = _START
                index += 1
                continue
        elif first == "[" and stripped.startswith("[["):
            content, last, note_fail = note_block(lines, index, note_fail)
            if last >= 0:
                add(_make(_NOTE, content, index + 1, last + 1))
                mode = _START
                index = last + 1
                continue
        kind = _ACTION
        if mode == _START:
            following = index + 1
            while following < count and lines[following] is GAP:
                following += 1
            kind = opening_kind(stripped, following >= count or not lines[following].strip())
        if kind is _ACTION:
            mode = _IN_ACTION
            block = [stripped if line[0] == first else line.rstrip()]
            block_start = index
            block_forced = False
        elif kind is _CHARACTER:
            if "(" in stripped or "^" in stripped:
                _cue(elements, index, stripped, False)
                dual = elements[-1].dual
            elif "*" in stripped or "_" in stripped or "\\" in stripped or "[[" in stripped:
                add(_element(_CHARACTER, stripped, index + 1, index + 1))
                dual = None
            else:
                add(_make(_CHARACTER, stripped, index + 1, index + 1))
                dual = None
            mode = _IN_DIALOGUE
        elif kind is _HEADING:
            text, number = heading_parts(stripped)
            add(_element(_HEADING, text, index + 1, index + 1, number))
            mode = _START
        else:
            add(_element(kind, stripped, index + 1, index + 1))
            mode = _START
        index += 1
    if block:
        add(_flush(mode, block, block_start, count, dual, block_forced))
    return elements


def _unforce(line: str) -> str:
    """An action line without its ``!`` mark, indentation kept, trailing space dropped."""
    mark = line.index("!")
    rest = line[mark + 1 :].rstrip()
    return line[:mark] + rest if rest else ""


def _flush(  # noqa: PLR0917 - called once per paragraph from the hot loop
    mode: int, block: list[str], start: int, end_line: int, dual: DualSide | None, forced: bool
) -> Element:
    """The action paragraph or dialogue element collected in ``block``."""
    text = "\n".join(block)
    if mode == _IN_ACTION:
        kind = _ACTION
        dual = None
    else:
        kind = _DIALOGUE
        forced = False
    if "*" in text or "_" in text or "\\" in text or "[[" in text:
        text, spans = inline(text)
    else:
        spans = _NO_SPANS
    return _make(kind, text, start + 1, end_line, spans, None, _NO_EXTENSIONS, dual, 0, forced)


def _cue(elements: list[Element], index: int, text: str, forced: bool) -> None:
    """Append the character cue ``text`` found on line ``index``; mark a ``^`` pair's sides."""
    cue = split_cue(text)
    name, extensions, right = cue if cue is not None else (text, _NO_EXTENSIONS, False)
    dual = None
    if right:
        dual = DualSide.RIGHT
        _mark_left(elements)
    elements.append(
        _element(_CHARACTER, name, index + 1, index + 1, None, extensions, dual, 0, forced)
    )


def _mark_left(elements: list[Element]) -> None:
    """Mark the speech block ending the element list as the left side of a dual pair."""
    back = len(elements) - 1
    while back >= 0 and elements[back].kind in (_DIALOGUE, _PARENTHETICAL, _LYRICS):
        back -= 1
    if back < 0 or elements[back].kind is not _CHARACTER or elements[back].dual is not None:
        return
    for at in range(back, len(elements)):
        old = elements[at]
        elements[at] = _make(
            old.kind,
            old.text,
            old.line,
            old.end_line,
            old.spans,
            old.scene_number,
            old.extensions,
            DualSide.LEFT,
            old.level,
            old.forced,
        )


def _run(
    elements: list[Element], lines: list[str], index: int, mark: str, dual: DualSide | None = None
) -> int:
    """Append one lyrics (``~``) or centered (``>...<``) element from consecutive lines;
    ``dual`` is the side of the speech sung lines belong to."""
    parts: list[str] = []
    count = len(lines)
    start = index
    while index < count:
        line = lines[index]
        if line is GAP:
            index += 1
            continue
        stripped = line.strip()
        if not stripped.startswith(mark):
            break
        if mark == "~":
            parts.append(stripped[1:].lstrip())
        elif stripped.endswith("<") and len(stripped) > 1:
            parts.append(stripped[1:-1].strip())
        else:
            break
        index += 1
    kind = _LYRICS if mark == "~" else _CENTERED
    elements.append(_element(kind, "\n".join(parts), start + 1, index, dual=dual))
    return index


def _check_line_lengths(lines: list[str]) -> None:
    """Refuse a line longer than ``MAX_LINE_CHARS``, naming it."""
    longest = max(map(len, lines))
    if longest > MAX_LINE_CHARS:
        at = next(i for i, line in enumerate(lines) if len(line) > MAX_LINE_CHARS)
        raise ScreenplayError(
            f"line is {longest:,} characters long; the limit is {MAX_LINE_CHARS:,}", at + 1
        )
