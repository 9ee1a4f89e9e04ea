"""The line grammar of Fountain shared by the parser and the writer.

The writer asks the same questions the parser does ("what would this line open
as?") so that what it writes reads back as what it meant.
"""

from __future__ import annotations

from vividverse_desktop.core.screenplay.boneyard import GAP
from vividverse_desktop.core.screenplay.model import ElementKind

HEADING_PREFIXES = (
    "INT.",
    "INT ",
    "EXT.",
    "EXT ",
    "EST.",
    "EST ",
    "INT/EXT.",
    "INT/EXT ",
    "EXT/INT.",
    "EXT/INT ",
    "I/E.",
    "I/E ",
    "E/I.",
    "E/I ",
)
"""Openings that make a line a scene heading (upper-cased line start). ``INT./EXT.``
and ``EXT./INT.`` open with ``INT.`` and ``EXT.``; the standard list is Fountain's
``INT EXT EST INT./EXT INT/EXT I/E``, the rest are what real scripts also use."""
STANDARD_PREFIXES = ("INT.", "INT ", "EXT.", "EXT ", "EST.", "EST ", "INT./EXT", "INT/EXT", "I/E")
"""Fountain 1.1's own heading openings; ``lint`` warns on the others it accepts."""
FORCE_MARKS = "!@~.>=#"
"""First characters that force an element kind (``[[`` notes are checked apart)."""

_NO_EXTENSIONS: tuple[str, ...] = ()


def opening_kind(stripped: str, next_blank: bool) -> ElementKind:
    """What an unforced line opening a paragraph after a blank line is.

    ``stripped`` is the line without surrounding whitespace (non-empty, not starting
    with a forcing mark); ``next_blank`` says the following line is blank or absent.
    Returns SCENE_HEADING, TRANSITION, CHARACTER or ACTION.
    """
    if stripped[:8].upper().startswith(HEADING_PREFIXES):
        return ElementKind.SCENE_HEADING
    if next_blank:
        if stripped.endswith("TO:") and stripped.isupper():
            return ElementKind.TRANSITION
        return ElementKind.ACTION
    if "(" not in stripped and "^" not in stripped:
        return ElementKind.CHARACTER if stripped.isupper() else ElementKind.ACTION
    cue = split_cue(stripped)
    if cue is not None and cue[0].isupper():
        return ElementKind.CHARACTER
    return ElementKind.ACTION


def split_cue(text: str) -> tuple[str, tuple[str, ...], bool] | None:
    """A cue's name, extensions (without parentheses) and whether it ends in ``^``.

    ``BOB (V.O.) (CONT'D) ^`` gives ``("BOB", ("V.O.", "CONT'D"), True)``. None when
    the name part is empty. Unbalanced parentheses leave everything in the name.
    """
    right = text.endswith("^")
    if right:
        text = text[:-1].rstrip()
    paren = text.find("(")
    if paren < 0:
        return (text, _NO_EXTENSIONS, right) if text else None
    name = text[:paren].rstrip()
    if not name:
        return None
    extensions: list[str] = []
    pos = paren
    end = len(text)
    while pos < end:
        close = text.find(")", pos)
        if text[pos] != "(" or close < 0:
            return text, _NO_EXTENSIONS, right
        extensions.append(text[pos + 1 : close].strip())
        pos = close + 1
        while pos < end and text[pos] in " \t":
            pos += 1
    return name, tuple(extensions), right


def note_block(lines: list[str], index: int, fail_until: int = 0) -> tuple[str, int, int]:
    """A note standing alone on ``lines[index]`` and maybe following lines.

    Returns ``(content, last_index, fail_until)``; ``last_index`` is -1 when the lines
    are not a lone note. ``fail_until`` caches a failed multi-line search so a run of
    unclosed ``[[`` lines costs linear time: pass back the value returned last.
    """
    stripped = lines[index].strip()
    close = stripped.find("]]", 2)
    if close >= 0:
        if close == len(stripped) - 2 and close > 2:
            return stripped[2:close], index, fail_until
        return "", -1, fail_until
    if index < fail_until:
        return "", -1, fail_until
    parts = [stripped[2:]]
    probe = index + 1
    count = len(lines)
    while probe < count:
        line = lines[probe]
        if line is GAP:
            probe += 1
            continue
        if line == "  ":
            parts.append("")
            probe += 1
            continue
        stripped = line.strip()
        if not stripped:
            return "", -1, probe
        close = stripped.find("]]")
        if close >= 0:
            if close == len(stripped) - 2:
                parts.append(stripped[:close])
                return "\n".join(parts), probe, fail_until
            return "", -1, probe
        parts.append(stripped)
        probe += 1
    return "", -1, count


def heading_parts(text: str) -> tuple[str, str | None]:
    """A heading's text and its ``#12A#`` scene number (after whitespace, at the end)."""
    if text.endswith("#") and len(text) > 2:
        hash_at = text.rfind("#", 0, len(text) - 1)
        if hash_at > 0 and text[hash_at - 1] in " \t":
            number = text[hash_at + 1 : -1]
            if number and all(char.isalnum() or char in "-." for char in number):
                return text[:hash_at].rstrip(), number
    return text, None


def paren_end(lines: list[str], index: int, fail_until: int = 0) -> tuple[int, int]:
    """Where a parenthetical opened on ``lines[index]`` (without its ``)``) closes.

    Returns ``(last_index, fail_until)``: the index of the first later line ending
    in ``)`` before a blank line, or -1. ``fail_until`` caches a failed search so a
    run of unclosed ``(`` lines costs linear time: pass back the value returned last.
    """
    if index < fail_until:
        return -1, fail_until
    probe = index + 1
    count = len(lines)
    while probe < count:
        line = lines[probe]
        if line is not GAP:
            stripped = line.strip()
            if not stripped:
                return -1, probe
            if stripped[-1] == ")":
                return probe, fail_until
        probe += 1
    return -1, count
