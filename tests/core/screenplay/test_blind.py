"""The blind copy: written from the model, it keeps the script and loses the title page."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vividverse_desktop.core.screenplay import Element, parse
from vividverse_desktop.core.screenplay.blind import blind_copy

BODY = "INT. LIGHTHOUSE - NIGHT\n\nThe lamp turns.\n\nKEEPER\nAnother storm.\n"
TITLE = "Title: The Lighthouse\nAuthor: Ada Quill\nContact: ada@example.com\n"


def _same(elements: tuple[Element, ...]) -> list[tuple[str, str]]:
    return [(e.kind.value, e.text) for e in elements]


@pytest.mark.parametrize(
    "source",
    [
        TITLE + "\n" + BODY,
        "\ufeff" + TITLE + "\n" + BODY,
        "/* draft 3 */" + TITLE + "\n" + BODY,
        "Title: The Lighthouse\n/*\n\n*/\nAuthor: Ada Quill\nContact: ada@example.com\n\n" + BODY,
        "Title:/* cut */ The Lighthouse\nAuthor: Ada Quill\r\nContact: ada@example.com\r\n\r\n"
        + BODY,
        "\ufeff/* Ada Quill's draft */" + TITLE.replace("\n", "\r\n") + "\r\n" + BODY,
    ],
)
def test_the_blind_copy_has_no_title_page_whatever_the_parser_accepted(source: str) -> None:
    """BOM, CRLF and boneyards before or inside the title page: the author is gone."""
    original = parse(source)
    assert original.title_page  # the parser read a title page here
    blind = blind_copy(original)
    assert "Ada" not in blind
    assert "Lighthouse" not in blind.split("INT.")[0]
    again = parse(blind)
    assert dict(again.title_page) == {}
    assert _same(again.elements) == _same(original.elements)


def test_the_blind_copy_drops_boneyards() -> None:
    """Struck text may name the author: it is not part of the blind copy."""
    blind = blind_copy(parse(BODY + "\n/* Ada Quill, 3rd draft */\n"))
    assert "Ada" not in blind
    assert parse(blind).boneyards == ()


LINES = st.sampled_from(
    [
        "Title: X",
        "Author: Ada",
        "  continued",
        "",
        "/*",
        "*/",
        "/* note */",
        "INT. A - DAY",
        "BOB",
        "Hello.",
        "Credit: by",
        "> CUT TO:",
        "[[ a note ]]",
        "Draft date: 1/2",
        "\\/* literal",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["", "\ufeff", "/* x */", "\ufeff/* x */"]),
    st.lists(LINES, max_size=14),
    st.sampled_from(["\n", "\r\n"]),
)
def test_any_text_the_parser_accepts_blinds_to_the_same_elements(
    prefix: str, lines: list[str], newline: str
) -> None:
    """For any parsed text, the blind copy parses to the same elements and no title page."""
    original = parse(prefix + newline.join(lines))
    again = parse(blind_copy(original))
    assert dict(again.title_page) == {}
    assert _same(again.elements) == _same(original.elements)
