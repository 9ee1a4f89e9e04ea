"""The Fountain title page: ``Key: value`` lines at the very top, up to the first blank line."""

from __future__ import annotations

from vividverse_desktop.core.screenplay.boneyard import GAP

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
    the first line holds a key.
    """
    fields: dict[str, str] = {}
    if not lines or key_of(lines[0]) is None:
        return fields, 0
    key = ""
    index = 0
    for index, line in enumerate(lines):
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


def write_title_page(fields: dict[str, str] | None) -> list[str]:
    """Fountain lines for title page fields (multi-line values indented), no blank after."""
    out: list[str] = []
    for key, value in (fields or {}).items():
        if "\n" in value:
            out.append(f"{key}:")
            out.extend(f"    {part}" for part in value.split("\n"))
        else:
            out.append(f"{key}: {value}" if value else f"{key}:")
    return out
