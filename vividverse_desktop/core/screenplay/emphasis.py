"""Fountain inline markup: emphasis, inline notes and backslash escapes, both ways.

``inline`` turns marked-up element text into plain text plus ``Span`` ranges;
``markup`` is its inverse, used by the writer. One grammar, kept in one place:

- ``*`` toggles italic, ``**`` bold, ``***`` both; ``_`` toggles underline.
  Longer runs (``****``, ``__``) are literal text.
- A toggle that is never closed in its element is literal; so is a pair with nothing
  between its markers. Emphasis may run over several lines of one element (real
  scripts do this; Fountain 1.1 says it should not), never from one element to the next.
- ``[[note]]`` is an inline note: its content is kept verbatim (no emphasis, no
  escapes) and covered by a ``NOTE`` span; it may span lines. ``[[]]`` and an
  unclosed ``[[`` are literal.
- A backslash before ASCII punctuation makes that character literal (``\\*``,
  ``\\_``, ``\\[``, ``\\\\``, ...); any other backslash is literal.
- Outside notes, ``markup`` never writes ``/*`` or ``*/``, which the boneyard
  reader would take for a boneyard's ends: a literal ``*`` is always escaped, and
  a ``/`` after a literal ``*`` or touching an emphasis marker is written ``\\/``.

Each step is linear in the text length: one regex scan with single-token
alternatives (no backtracking), then two passes over the tokens.
"""

from __future__ import annotations

import re

from vividverse_desktop.core.screenplay.model import Span, Style

_TOKEN = re.compile(r"\\[!-/:-@\[-`{-~]|\*+|_+|\[\[")
_ITALIC, _BOLD, _UNDERLINE = 1, 2, 4
_STAR_KINDS = {1: _ITALIC, 2: _BOLD, 3: _ITALIC | _BOLD}
_STYLE = {_ITALIC: Style.ITALIC, _BOLD: Style.BOLD, _UNDERLINE: Style.UNDERLINE}
_TEXT, _DELIM, _NOTE = 0, 1, 2
_ESCAPED = re.compile(r"[\\*_\[]|(?<=\*)/")


def has_markup(text: str) -> bool:
    """Whether ``text`` may contain inline markup (cheap pre-check for ``inline``)."""
    return "*" in text or "_" in text or "\\" in text or "[[" in text


def _tokens(text: str, at: list[int] | None = None) -> list[tuple[int, str | int]]:
    """Split text into literal text, delimiter (kind mask) and note tokens.

    With ``at``, the source offset where each token starts is appended to it.
    """
    tokens: list[tuple[int, str | int]] = []
    mark = at.append if at is not None else None
    search = _TOKEN.search
    notes_possible = "[[" in text
    pos = 0
    while True:
        match = search(text, pos)
        if match is None:
            if pos < len(text):
                tokens.append((_TEXT, text[pos:]))
                if mark:
                    mark(pos)
            return tokens
        start, end = match.span()
        if start > pos:
            tokens.append((_TEXT, text[pos:start]))
            if mark:
                mark(pos)
        if mark:
            mark(start)
        first = text[start]
        if first == "\\":
            tokens.append((_TEXT, text[start + 1]))
        elif first == "*":
            kinds = _STAR_KINDS.get(end - start)
            tokens.append((_DELIM, kinds) if kinds else (_TEXT, text[start:end]))
        elif first == "_":
            tokens.append((_DELIM, _UNDERLINE) if end - start == 1 else (_TEXT, text[start:end]))
        else:  # "[["
            close = text.find("]]", end) if notes_possible else -1
            if close < 0:
                notes_possible = False
            elif close > end:
                tokens.append((_NOTE, text[end:close]))
                pos = close + 2
                continue
            tokens.append((_TEXT, "[["))
        pos = end


def _pairs(tokens: list[tuple[int, str | int]]) -> tuple[list[tuple[int, int, int]], list[int]]:
    """Which delimiter tokens pair up (opening index, closing index, style bit), and
    which style bits of each token stay literal (never closed, or closed at once)."""
    literal = [0] * len(tokens)
    pairs: list[tuple[int, int, int]] = []
    opened = {_ITALIC: -1, _BOLD: -1, _UNDERLINE: -1}
    opened_at = {_ITALIC: 0, _BOLD: 0, _UNDERLINE: 0}
    content = 0
    for index, (kind, value) in enumerate(tokens):
        if kind == _DELIM:
            assert isinstance(value, int)
            for style in (_ITALIC, _BOLD, _UNDERLINE):
                if not value & style:
                    continue
                start = opened[style]
                if start < 0:
                    opened[style] = index
                    opened_at[style] = content
                    continue
                if opened_at[style] == content:
                    literal[start] |= style
                    literal[index] |= style
                else:
                    pairs.append((start, index, style))
                opened[style] = -1
        else:
            content += 1
    for style, start in opened.items():
        if start >= 0:
            literal[start] |= style
    return pairs, literal


def inline(text: str) -> tuple[str, tuple[Span, ...]]:
    """Plain text and spans (sorted by start, end, style) of Fountain-marked-up ``text``."""
    tokens = _tokens(text)
    pairs, literal = _pairs(tokens)

    parts: list[str] = []
    offset = 0
    close_at = [0] * len(tokens)
    open_at = [0] * len(tokens)
    spans: list[Span] = []
    for index, (kind, value) in enumerate(tokens):
        if kind == _DELIM:
            assert isinstance(value, int)
            close_at[index] = offset
            lit = literal[index] & value
            if lit:
                chars = ("_" if lit & _UNDERLINE else "") + "*" * (
                    (1 if lit & _ITALIC else 0) + (2 if lit & _BOLD else 0)
                )
                parts.append(chars)
                offset += len(chars)
            open_at[index] = offset
        else:
            assert isinstance(value, str)
            if kind == _NOTE:
                spans.append(Span(offset, offset + len(value), Style.NOTE))
            parts.append(value)
            offset += len(value)
    for start, end, style in pairs:
        spans.append(Span(open_at[start], close_at[end], _STYLE[style]))
    spans.sort(key=lambda s: (s.start, s.end, s.style.value))
    return "".join(parts), tuple(spans)


MARKER = "marker"
"""The style name ``marked_ranges`` gives the markup characters themselves."""


def marked_ranges(text: str) -> tuple[tuple[int, int, str], ...]:
    """Where the markup of ``text`` sits in ``text`` itself, for an editor to colour.

    ``(start, end, style)`` in source offsets: each emphasis pair's whole range (markers
    included) with the ``Style`` value, each inline note ``[[...]]`` with ``"note"``,
    and each marker and escaping backslash with :data:`MARKER`. Reads the same
    grammar as ``inline``, so what is coloured is what the parser takes.
    """
    if not has_markup(text):
        return ()
    at: list[int] = []
    tokens = _tokens(text, at)
    pairs, literal = _pairs(tokens)
    ranges: list[tuple[int, int, str]] = []
    for index, (kind, value) in enumerate(tokens):
        start = at[index]
        if kind == _NOTE:
            assert isinstance(value, str)
            ranges.append((start, start + len(value) + 4, Style.NOTE.value))
        elif kind == _DELIM:
            assert isinstance(value, int)
            if value & ~literal[index]:
                end = at[index + 1] if index + 1 < len(at) else len(text)
                ranges.append((start, end, MARKER))
        elif text[start] == "\\" and text[start + 1 : start + 2] == value:
            ranges.append((start, start + 1, MARKER))
    for first, last, style in pairs:
        end = at[last + 1] if last + 1 < len(at) else len(text)
        ranges.append((at[first], end, _STYLE[style].value))
    ranges.sort()
    return tuple(ranges)


def escape(text: str) -> str:
    """Text with every character that ``inline`` would read as markup escaped.

    A ``/`` right after a ``*`` is escaped too, so the result never holds ``*/``.
    """
    if not has_markup(text) and "[" not in text:
        return text
    return _ESCAPED.sub(lambda m: "\\" + m.group(), text)


def markup(text: str, spans: tuple[Span, ...] = ()) -> str:
    """Fountain markup that ``inline`` reads back as exactly ``text`` and ``spans``.

    Holds for spans ``inline`` can produce: non-empty, emphasis never inside a note,
    notes without ``]]``, no two same-style spans touching.
    The result holds ``/*`` or ``*/`` only inside a note's verbatim content.
    """
    if not spans:
        return escape(text)
    opens: dict[int, int] = {}
    closes: dict[int, int] = {}
    notes: dict[int, int] = {}
    for span in spans:
        if span.style is Style.NOTE:
            notes[span.start] = span.end
            continue
        bit = _ITALIC if span.style is Style.ITALIC else _BOLD
        if span.style is Style.UNDERLINE:
            bit = _UNDERLINE
        opens[span.start] = opens.get(span.start, 0) | bit
        closes[span.end] = closes.get(span.end, 0) | bit
    marks = sorted(set(opens) | set(closes) | set(notes))
    parts: list[str] = []
    pos = 0
    for at in marks:
        if at < pos:
            continue
        shut = closes.get(at, 0)
        begin = opens.get(at, 0)
        markers = (
            "*" * ((1 if shut & _ITALIC else 0) + (2 if shut & _BOLD else 0))
            + ("_" if shut & _UNDERLINE else "")
            + ("_" if begin & _UNDERLINE else "")
            + "*" * ((2 if begin & _BOLD else 0) + (1 if begin & _ITALIC else 0))
        )
        parts.append(_between(text[pos:at], parts, markers))
        parts.append(markers)
        pos = at
        end = notes.get(at)
        if end is not None:
            parts.append("[[" + text[at:end] + "]]")
            pos = end
    parts.append(_between(text[pos:], parts, ""))
    return "".join(parts)


def _between(chunk: str, parts: list[str], markers: str) -> str:
    """``escape(chunk)`` for text written after ``parts`` and before ``markers``, with a
    ``/`` at either end escaped where it would touch an asterisk marker."""
    written = escape(chunk)
    if not chunk:
        return written
    if chunk[0] == "/" and parts and parts[-1].endswith("*"):
        written = "\\" + written  # "*/" would close a boneyard
        if len(chunk) == 1:
            return written
    if chunk[-1] == "/" and markers.startswith("*") and not chunk.endswith("*/"):
        written = written[:-1] + "\\/"  # "/*" would open a boneyard
    return written
