"""The Fountain title page: ``Key: value`` lines at the very top, up to the first blank line.

Values are kept as written, markup and backslashes included (the PDF export reads
their emphasis). Boneyards are lifted out before the title page is read, so one may
sit anywhere in it, even between the first key's colon and its value: the writer
puts them there when a value holds a literal ``/*`` (see ``writer``).
"""

from __future__ import annotations

from vividverse_desktop.core.screenplay.boneyard import GAP, has_opener, strip_boneyards

# Keys the Fountain 1.1 spec names, plus ones screenwriting tools commonly write.
KNOWN_KEYS = frozenset(
    {
        "title",
        "credit",
        "author",
        "authors",
        "source",
        "draft date",
        "date",
        "contact",
        "copyright",
        "notes",
        "revision",
        "episode",
        "series",
        "format",
        "font",
        "language",
        "wga",
    }
)
_KEY_CHARS = frozenset(" -_'&/")
_MAX_KEY_LENGTH = 40


def key_of(line: str) -> str | None:
    """The title-page key a line starts with (``Draft date`` in ``Draft date: 1/2``), or None.

    A key starts the line with a letter, holds letters, digits, spaces and a few of
    ``-_'&/`` and is followed by a colon.
    """
    colon = line.find(":", 0, _MAX_KEY_LENGTH + 1)
    if colon <= 0 or not line[0].isalpha():
        return None
    key = line[:colon]
    if key[-1] == " ":
        return None
    for char in key:
        if not char.isalnum() and char not in _KEY_CHARS:
            return None
    return key


def read_title_page(lines: list[str]) -> tuple[dict[str, str], int]:
    """Title page fields and the index of the first body line.

    Values on the key's line and indented continuation lines are stripped and joined
    with ``\\n``; a repeated key appends to the earlier value. No title page unless
    the first line (after lines that held only boneyard) holds a key; a transition
    (``CUT TO:``) there is not a key.
    """
    fields: dict[str, str] = {}
    first = 0
    while first < len(lines) and lines[first] is GAP:
        first += 1
    if first == len(lines) or key_of(lines[first]) is None or _is_transition(lines[first]):
        return fields, 0
    key = ""
    index = first
    for index in range(first, len(lines)):
        line = lines[index]
        if line is GAP:
            continue
        stripped = line.strip()
        if not stripped:
            return fields, index + 1
        found = key_of(line)
        if found is not None:
            key = found
            value = line[len(found) + 1 :].strip()
            old = fields.get(key)
            fields[key] = f"{old}\n{value}" if old and value else old or value
        else:
            old = fields[key]
            fields[key] = f"{old}\n{stripped}" if old else stripped
    return fields, index + 1


def _is_transition(line: str) -> bool:
    """``CUT TO:``, ``SMASH CUT TO:``: an upper-case line ending in ``TO:``."""
    stripped = line.strip()
    return stripped.endswith("TO:") and stripped.isupper()


def write_title_page(fields: dict[str, str] | None) -> list[str]:
    """Fountain lines for title page fields (multi-line values indented), no blank after.

    Where a value's literal ``/*`` would come before another value's ``*/`` (parsed
    text holds this only when a key was repeated), each value is cut before its first
    line holding ``/*`` and the rest is written after all fields under its key again,
    which ``read_title_page`` joins back on.
    """
    pairs = list((fields or {}).items())
    out = _lines(pairs)
    if "/*" in "".join(out) and strip_boneyards(out)[1]:
        heads: list[tuple[str, str]] = []
        tails: list[tuple[str, str]] = []
        for key, value in pairs:
            lines = value.split("\n")
            cut = next((i for i, line in enumerate(lines) if has_opener(line)), len(lines))
            heads.append((key, "\n".join(lines[:cut])))
            if cut < len(lines):
                tails.append((key, "\n".join(lines[cut:])))
        tails.sort(key=lambda pair: "*/" not in pair[1].split("\n", 1)[0])  # "*/ a /*" first
        out = _lines(heads + tails)
    return out


def _lines(pairs: list[tuple[str, str]]) -> list[str]:
    """``Key: value`` lines, a multi-line value indented below its key."""
    out: list[str] = []
    for key, value in pairs:
        if "\n" in value:
            out.append(f"{key}:")
            out.extend(f"    {part}" for part in value.split("\n"))
        else:
            out.append(f"{key}: {value}" if value else f"{key}:")
    return out
