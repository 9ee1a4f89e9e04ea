"""Import a screenplay file of any supported format: PDF, Fountain, Final Draft or plain text.

The format is sniffed from the content, not the file name: ``%PDF-`` in the first
kilobyte is a PDF (read in a sandboxed child process), anything else must be text;
a ``<FinalDraft>`` document is Final Draft XML (core.screenplay.fdx); text laid out
with indented cues and dialogue is a plain-text export, the rest is Fountain (a
``.fountain`` file is always Fountain, however it is indented).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.screenplay.model import Screenplay
from vividverse_desktop.core.screenplay.text_import import import_text, looks_like_layout
from vividverse_desktop.media.pdf import DEFAULT_LIMITS, import_pdf
from vividverse_desktop.media.sandbox import Limits

SourceFormat = Literal["fountain", "pdf", "text", "fdx"]
MAX_TEXT_BYTES = 16 * 1024 * 1024
FOUNTAIN_SUFFIXES = frozenset({".fountain", ".spmd"})


@dataclass(frozen=True, slots=True)
class ImportResult:
    """An imported screenplay, the format it was read as, and what to tell the user."""

    screenplay: Screenplay
    source_format: SourceFormat
    warnings: tuple[str, ...] = ()


def sniff(head: bytes) -> Literal["pdf", "text"]:
    """``"pdf"`` when the first kilobyte carries the ``%PDF-`` header, else ``"text"``."""
    return "pdf" if b"%PDF-" in head[:1024] else "text"


def decode_text(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Text from bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM.

    Raises ScreenplayError for binary data (NUL bytes early on), which no screenplay
    text has, and for bytes that are not UTF-8, naming the line and column, so the
    user can re-save the file as UTF-8 rather than get silently mangled accents.
    """
    if b"\x00" in data[:65536] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise ScreenplayError("the file is neither a PDF nor a text screenplay")
    from vividverse_desktop.core.screenplay.fountain import decode

    return decode(data), ()


EMPTY_WARNING = "the file is empty: an empty screenplay"


def load_screenplay(
    path: Path, *, limits: Limits = DEFAULT_LIMITS, cancel: CancelToken | None = None
) -> ImportResult:
    """Read the screenplay at ``path``, whatever its format.

    Returns the screenplay, the detected source format (``"pdf"``, ``"fountain"`` or
    ``"text"``) and warnings. An empty (or blank) file is an empty Fountain
    screenplay, with a warning saying so. Raises ScreenplayError for an unreadable,
    binary or oversized file and for every PDF that cannot be read safely. Blocks
    while a PDF is read in its child process: call it from a worker thread;
    ``cancel`` kills that child at once (raising ``core.cancel.Cancelled``).
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as error:
        raise ScreenplayError(f"cannot open {path.name}: {error.strerror}") from None
    if not head:
        return ImportResult(Screenplay(), "fountain", (EMPTY_WARNING,))
    if sniff(head) == "pdf":
        result = import_pdf(path, limits=limits, cancel=cancel)
        return ImportResult(result.screenplay, "pdf", result.warnings)
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise ScreenplayError("the file is too large to be a screenplay")
    text, warnings = decode_text(path.read_bytes())
    if not text.strip():
        return ImportResult(Screenplay(), "fountain", (*warnings, EMPTY_WARNING))
    if "<FinalDraft" in text[:4096]:
        from vividverse_desktop.core.screenplay.fdx import fdx_to_fountain
        from vividverse_desktop.core.screenplay.fountain import parse as parse_fountain

        fountain, notes = fdx_to_fountain(text)
        return ImportResult(parse_fountain(fountain), "fdx", (*warnings, *notes))
    if path.suffix.lower() not in FOUNTAIN_SUFFIXES and looks_like_layout(text):
        result = import_text(text)
        return ImportResult(result.screenplay, "text", (*warnings, *result.warnings))
    from vividverse_desktop.core.screenplay.fountain import parse

    return ImportResult(parse(text), "fountain", warnings)
