"""load_screenplay sniffs the format from the content and reads any supported file."""

from __future__ import annotations

from pathlib import Path

import pytest

from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.model import ElementKind
from vividverse_desktop.media.importer import load_screenplay, sniff
from vividverse_desktop.media.pdf_export import render_pdf

FOUNTAIN = """\
Title: Tide

EXT. HARBOUR - DAY

Gulls.

MARGOT
We go at dawn.
"""

PLAIN_TEXT = """\
EXT. HARBOUR - DAY

Gulls.

                      MARGOT
          We go at dawn.

                      OSCAR
          Not without the ledger.
"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_pdf_is_recognised_by_its_header_not_its_name(tmp_path: Path) -> None:
    """A PDF saved with a .txt name is still read as a PDF."""
    path = write(tmp_path, "script.txt", render_pdf(parse(FOUNTAIN)))
    result = load_screenplay(path)
    assert result.source_format == "pdf"
    assert result.screenplay.title == "Tide"
    assert [e.text for e in result.screenplay.of_kind(ElementKind.CHARACTER)] == ["MARGOT"]


def test_fountain_text_is_parsed_as_fountain(tmp_path: Path) -> None:
    """Unindented text goes to the Fountain parser."""
    result = load_screenplay(write(tmp_path, "tide.fountain", FOUNTAIN.encode()))
    assert result.source_format == "fountain"
    assert result.screenplay == parse(FOUNTAIN)


def test_indented_text_is_read_by_layout(tmp_path: Path) -> None:
    """A space-indented export is read by the layout classifier."""
    result = load_screenplay(write(tmp_path, "tide.txt", PLAIN_TEXT.encode()))
    assert result.source_format == "text"
    assert [(e.kind, e.text) for e in result.screenplay.elements][-2:] == [
        (ElementKind.CHARACTER, "OSCAR"),
        (ElementKind.DIALOGUE, "Not without the ledger."),
    ]


def test_fountain_suffix_wins_over_indentation(tmp_path: Path) -> None:
    """A .fountain file is parsed as Fountain even when its dialogue is indented."""
    result = load_screenplay(write(tmp_path, "indented.fountain", PLAIN_TEXT.encode()))
    assert result.source_format == "fountain"


def test_text_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    """Windows-1252 bytes are an error naming the line, never silently re-interpreted."""
    data = FOUNTAIN.replace("Gulls.", "Gulls – café.").encode("cp1252")
    line = FOUNTAIN[: FOUNTAIN.index("Gulls.")].count("\n") + 1
    with pytest.raises(ScreenplayError, match="UTF-8") as caught:
        load_screenplay(write(tmp_path, "old.fountain", data))
    assert caught.value.line == line


def test_utf8_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    """A UTF-8 BOM does not end up in the title."""
    result = load_screenplay(write(tmp_path, "bom.fountain", b"\xef\xbb\xbf" + FOUNTAIN.encode()))
    assert result.screenplay.title == "Tide"
    assert result.warnings == ()


def test_binary_noise_is_refused(tmp_path: Path) -> None:
    """Random bytes are neither PDF nor text: a clear error."""
    data = bytes((n * 7919 + 13) % 256 for n in range(4096))
    with pytest.raises(ScreenplayError, match="neither a PDF nor"):
        load_screenplay(write(tmp_path, "noise.bin", data))


@pytest.mark.parametrize("content", [b"", b" \n\n"])
def test_empty_file_is_an_empty_screenplay(tmp_path: Path, content: bytes) -> None:
    """An empty or blank file is an empty Fountain screenplay, with a warning."""
    result = load_screenplay(write(tmp_path, "empty.txt", content))
    assert (result.screenplay.elements, result.source_format) == ((), "fountain")
    assert any("empty" in warning for warning in result.warnings)


def test_missing_file_is_a_screenplay_error(tmp_path: Path) -> None:
    """A path that does not exist is reported, not raised as OSError."""
    with pytest.raises(ScreenplayError, match="cannot open"):
        load_screenplay(tmp_path / "nowhere.pdf")


def test_a_final_draft_file_without_content_is_explained(tmp_path: Path) -> None:
    """An .fdx (Final Draft XML) document with no script in it says so (FDX files with
    content are imported: tests/core/screenplay/test_fdx.py)."""
    data = b'<?xml version="1.0"?>\n<FinalDraft DocumentType="Script"></FinalDraft>\n'
    with pytest.raises(ScreenplayError, match="Final Draft"):
        load_screenplay(write(tmp_path, "script.fdx", data))


def test_sniff_looks_at_the_first_kilobyte() -> None:
    """The PDF header may follow a little junk, as the PDF standard allows."""
    assert sniff(b"\x00junk%PDF-1.7\n") == "pdf"
    assert sniff(b"INT. HOUSE - DAY\n") == "text"
