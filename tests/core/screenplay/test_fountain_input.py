"""Decoding, line endings and input errors of parse and parse_bytes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vividverse_desktop.core.screenplay import (
    ElementKind,
    ScreenplayError,
    lint,
    parse,
    parse_bytes,
)

SCRIPT = "INT. HOUSE - DAY\n\nBOB\nHello.\n"


def summary(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, line) of each element."""
    return [(e.kind.value, e.text, e.line) for e in parse(text).elements]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_line_endings_read_like_lf(newline: str) -> None:
    """Windows and old Mac line endings give the same elements and line numbers."""
    assert summary(SCRIPT.replace("\n", newline)) == summary(SCRIPT)


def test_leading_bom_is_ignored() -> None:
    """A BOM before the first line changes nothing."""
    assert summary("\ufeff" + SCRIPT) == summary(SCRIPT)


@pytest.mark.parametrize(
    "data",
    [
        SCRIPT.encode("utf-8"),
        b"\xef\xbb\xbf" + SCRIPT.encode("utf-8"),
        SCRIPT.encode("utf-16"),
        b"\xfe\xff" + SCRIPT.encode("utf-16-be"),
    ],
)
def test_parse_bytes_decodes_utf8_and_utf16_with_bom(data: bytes) -> None:
    """UTF-8 (with or without BOM) and UTF-16 with a BOM all decode."""
    assert [e.kind for e in parse_bytes(data).elements] == [
        ElementKind.SCENE_HEADING,
        ElementKind.CHARACTER,
        ElementKind.DIALOGUE,
    ]


def test_invalid_utf8_names_line_and_byte_column() -> None:
    """A bad byte is reported with its 1-based line and byte column."""
    with pytest.raises(ScreenplayError) as caught:
        parse_bytes(b"INT. A\r\n\r\nok \xff here\n")
    assert caught.value.line == 3
    assert "column 4" in caught.value.message
    assert "UTF-8" in caught.value.message


def test_nul_byte_is_rejected_with_its_line() -> None:
    """A NUL byte means a binary file: refused, naming the line."""
    with pytest.raises(ScreenplayError) as caught:
        parse_bytes(b"one\ntwo\nth\x00ree\n")
    assert caught.value.line == 3
    with pytest.raises(ScreenplayError) as caught_text:
        parse("one\n\x00")
    assert caught_text.value.line == 2


def test_empty_and_blank_input_give_an_empty_screenplay() -> None:
    """Nothing in, nothing out."""
    for text in ["", "\n\n", "   \n\t\n"]:
        sp = parse(text)
        assert (sp.title_page, sp.elements, sp.boneyards) == ({}, (), ())


def test_only_screenplay_error_escapes_for_odd_text() -> None:
    """Control characters, lone surrogates' neighbours and stray marks parse without error."""
    odd = "\x0b\x0c\x1c\u2028\u0085 @ ! ~ > < = # [[ ]] /* */ \\ ^ ( )\n@\n!\n.\n>\n~\n=\n#\n"
    assert parse(odd).elements


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=300)
    | st.text(st.sampled_from("*_\\[]/!@#=~>.<( )^:\n\r\t aA\x00"), max_size=300)
)
def test_parse_and_lint_raise_nothing_but_screenplay_error(text: str) -> None:
    """Any text parses, or is refused with a ScreenplayError; lint never raises."""
    if "\x00" in text:
        with pytest.raises(ScreenplayError) as caught:
            parse(text)
        assert caught.value.line is not None
    else:
        parse(text)
    lint(text)
