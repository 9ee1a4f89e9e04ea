"""Boneyard ``/* ... */``: text the writer struck out, lifted out of the lines before parsing.

A ``/*`` closes at the first ``*/`` after it, on any later line. A ``/*`` with no
``*/`` anywhere after it stays text, and so does every ``/*`` after it; so in
parsed text no boneyard and no ``*/`` ever follows a literal ``/*``. The writer
relies on this to keep such a ``/*`` literal (see ``writer``).
"""

from __future__ import annotations

from dataclasses import dataclass

GAP = "\x1f\x1f"
"""Stands in for a line that held only boneyard. Recognise it by identity
(``line is GAP``): no line split from the source is this object. It strips to
nothing, so code that does not look for it sees a blank line."""


@dataclass(frozen=True, slots=True)
class Struck:
    """One boneyard found by ``strip_boneyards``: its text, 1-based source line, and the
    index in the cleaned lines where it sat (the line it was on, or the next kept one);
    ``column`` is where its ``/*`` starts on ``line``, and ``stop_line`` (1-based) and
    ``stop_column`` (just past the ``*/``) where it ends: an editor colours that range."""

    text: str
    line: int
    at: int
    column: int = 0
    stop_line: int = 0
    stop_column: int = 0


def strip_boneyards(lines: list[str]) -> tuple[list[str], list[Struck]]:
    """The lines with every closed ``/* */`` removed, and the boneyards.

    Line count and numbering are unchanged: a line left empty only by a removal
    becomes ``GAP``, which the parser skips, so a boneyard between a cue and its
    dialogue does not break the speech. An unclosed ``/*`` stays as text, and so does
    ``\\/*`` (an escaped slash before a star). Linear:
    each line is searched once for an opener and once for a closer.
    """
    kept: list[str] = []
    struck: list[Struck] = []
    count = len(lines)
    index = 0
    closed_search = True  # False once an unclosed opener proved no closer follows
    while index < count:
        line = lines[index]
        opener = _opener(line, 0) if closed_search else -1
        if opener < 0:
            kept.append(line)
            index += 1
            continue
        first = index
        kept.append(GAP)  # replaced by what is left of the line below
        parts: list[str] = []
        pos = 0
        while opener >= 0:
            parts.append(line[pos:opener])
            closer = line.find("*/", opener + 2)
            body: list[str] = []
            start_line = index + 1
            if closer >= 0:
                body.append(line[opener + 2 : closer])
            else:
                body.append(line[opener + 2 :])
                probe = index + 1
                while probe < count:
                    closer = lines[probe].find("*/")
                    if closer >= 0:
                        break
                    body.append(lines[probe])
                    probe += 1
                if probe == count:
                    closed_search = False
                    parts.append(line[opener:])
                    pos = len(line)
                    break
                kept.extend([GAP] * (probe - index))
                index = probe
                line = lines[index]
                body.append(line[:closer])
            struck.append(Struck("\n".join(body), start_line, first, opener, index + 1, closer + 2))
            pos = closer + 2
            opener = _opener(line, pos)
        parts.append(line[pos:])
        rest = "".join(parts)
        if rest.strip():
            kept[first] = rest
        index += 1
    return kept, struck


def has_opener(text: str) -> bool:
    """Whether ``text`` holds a ``/*`` that would open a boneyard (not ``\\/*``)."""
    return "/*" in text and _opener(text, 0) >= 0


def _opener(line: str, pos: int) -> int:
    """Index of the next ``/*`` at or after ``pos`` whose ``/`` is not backslash-escaped."""
    at = line.find("/*", pos)
    while at > 0 and line[at - 1] == "\\":
        before = at - 1
        while before >= 0 and line[before] == "\\":
            before -= 1
        if (at - 1 - before) % 2 == 0:
            break
        at = line.find("/*", at + 1)
    return at
