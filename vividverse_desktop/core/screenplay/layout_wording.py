"""What a printed line says by its wording alone: a character cue, a scene heading."""

from __future__ import annotations

import re

_HEADING = re.compile(r"^(?:INT|EXT|EST|I/E|E/I|I\./E)(?:[./ ]|$)", re.IGNORECASE)
_CUE = re.compile(r"^([^()]*?[A-Z][^()]*?)\s*((?:\([^()]*\)\s*)*)$")
_EXTENSION = re.compile(r"\(([^()]*)\)")


def is_cue(text: str) -> bool:
    """Whether a line reads as a character cue: an upper-case name, optional (EXTENSIONS)."""
    match = _CUE.match(text)
    if match is None or len(text) > 50:
        return False
    name = match.group(1)
    return name == name.upper() and any(c.isalpha() for c in name) and not name.endswith(":")


def split_cue(text: str) -> tuple[str, tuple[str, ...]]:
    """A cue's name and its extensions without parentheses (``JO (V.O.)`` -> ``JO``, V.O.)."""
    match = _CUE.match(text)
    if match is None:
        return text.strip(), ()
    exts = tuple(e.strip() for e in _EXTENSION.findall(match.group(2)))
    return match.group(1).strip(), exts


def is_heading(text: str) -> bool:
    """Whether a line reads as a scene heading (INT./EXT./EST./I/E ...)."""
    return bool(_HEADING.match(text.lstrip(". "))) and text == text.upper()
