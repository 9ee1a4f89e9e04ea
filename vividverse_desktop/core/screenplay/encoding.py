"""Bytes to text for Fountain files: UTF-8 or UTF-16 with a BOM, errors by line."""

from __future__ import annotations

from vividverse_desktop.core.screenplay.errors import ScreenplayError

MAX_FILE_BYTES = 4 * 16 * 1024 * 1024
"""Largest file ``decode`` accepts: ``fountain.MAX_INPUT_CHARS`` at up to 4 bytes each."""


def decode(data: bytes) -> str:
    """The text of a Fountain file: UTF-8 (a BOM is dropped) or UTF-16 with a BOM.

    Invalid UTF-8 and NUL bytes raise ``ScreenplayError`` with the 1-based line
    and the byte column; so does a file over ``MAX_FILE_BYTES``.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ScreenplayError(f"the file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ScreenplayError(f"not valid UTF-16 at byte {exc.start}") from None
        return text[1:] if text.startswith("\ufeff") else text
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _byte_position(data, nul)
        raise ScreenplayError(f"NUL byte at byte column {column}: not a text file", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        raise ScreenplayError(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte column {column}", line
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and byte column of a byte offset (LF, CRLF or CR line ends)."""
    head = data[:offset]
    lf = head.count(b"\n")
    cr_only = head.count(b"\r") - head.count(b"\r\n")
    last_break = max(head.rfind(b"\n"), head.rfind(b"\r"))
    return lf + cr_only + 1, offset - last_break
