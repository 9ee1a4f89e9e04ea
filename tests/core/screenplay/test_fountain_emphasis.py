"""Inline markup: emphasis, escapes and inline notes become plain text plus spans."""

from __future__ import annotations

from vividverse_desktop.core.screenplay import Span, Style, parse
from vividverse_desktop.core.screenplay.boneyard import strip_boneyards
from vividverse_desktop.core.screenplay.emphasis import inline, markup

IT, B, U, N = Style.ITALIC, Style.BOLD, Style.UNDERLINE, Style.NOTE


def styled(text: str) -> list[tuple[str, Style]]:
    """(covered text, style) for each span of ``text`` read as inline markup."""
    plain, spans = inline(text)
    return [(plain[s.start : s.end], s.style) for s in spans]


def test_italic_bold_and_bold_italic() -> None:
    """One, two and three asterisks give italic, bold, and both."""
    assert styled("*it* **bo** ***bi***") == [("it", IT), ("bo", B), ("bi", B), ("bi", IT)]


def test_underline_and_combinations() -> None:
    """Underscores underline; they combine with asterisks in either nesting."""
    assert styled("_**both**_") == [("both", B), ("both", U)]
    assert styled("**_both_**") == [("both", B), ("both", U)]
    assert styled("*a _b_ c*") == [("a b c", IT), ("b", U)]


def test_spans_are_offsets_into_plain_text() -> None:
    """Markers are removed from the text and spans index the result."""
    assert inline("a *b* c") == ("a b c", (Span(2, 3, IT),))


def test_escapes_make_markers_literal() -> None:
    """Backslash-star and backslash-underscore are plain characters."""
    assert inline("\\*not italic\\* and \\_not\\_") == ("*not italic* and _not_", ())
    assert inline("a \\\\ b") == ("a \\ b", ())


def test_backslash_before_a_letter_is_kept() -> None:
    """Only punctuation can be escaped; C:\\Users keeps its backslash."""
    assert inline("C:\\Users") == ("C:\\Users", ())


def test_unclosed_markers_are_literal() -> None:
    """A marker with no partner on its line stays as text."""
    assert inline("5 * 3 = 15") == ("5 * 3 = 15", ())
    assert inline("snake_case") == ("snake_case", ())


def test_emphasis_runs_over_lines_of_one_element() -> None:
    """An asterisk pairs with one on a later line of the same paragraph, as real scripts use it."""
    element = parse("Bob *walks\naway* now.\n").elements[0]
    assert (element.text, element.spans) == ("Bob walks\naway now.", (Span(4, 14, Style.ITALIC),))


def test_emphasis_does_not_cross_elements() -> None:
    """An asterisk never pairs with one in the next paragraph."""
    elements = parse("Bob *walks.\n\nAway* now.\n").elements
    assert [(e.text, e.spans) for e in elements] == [("Bob *walks.", ()), ("Away* now.", ())]


def test_long_runs_and_empty_pairs_are_literal() -> None:
    """Four asterisks, double underscores and empty pairs are plain text."""
    assert inline("****") == ("****", ())
    assert inline("__init__") == ("__init__", ())
    assert inline("*_*") == ("*_*", ())


def test_inline_note_is_a_note_span_without_brackets() -> None:
    """[[text]] inside a line stays in the text under a NOTE span."""
    element = parse("He waits [[too long?]] then goes.\n").elements[0]
    assert element.text == "He waits too long? then goes."
    assert element.spans == (Span(9, 18, N),)
    assert element.plain_text() == "He waits  then goes."


def test_inline_note_content_is_verbatim() -> None:
    """Markup inside a note is not interpreted."""
    assert inline("a [[*x* \\_]] b") == ("a *x* \\_ b", (Span(2, 8, N),))


def test_inline_note_may_span_lines() -> None:
    """A note opened on one line of a paragraph may close on the next."""
    element = parse("Bob [[is this\nright?]] sits.\n").elements[0]
    assert element.text == "Bob is this\nright? sits."
    assert element.spans == (Span(4, 4 + len("is this\nright?"), N),)


def test_unclosed_and_empty_notes_are_literal() -> None:
    """[[ without ]] and [[]] are plain text."""
    assert inline("a [[ b") == ("a [[ b", ())
    assert inline("a [[]] b") == ("a [[]] b", ())


def test_emphasis_applies_in_every_element_kind() -> None:
    """Dialogue and cues carry spans too."""
    sp = parse("BOB\nI *never* said that.\n")
    assert sp.elements[1].spans == (Span(2, 7, IT),)


def test_markup_inverts_inline() -> None:
    """markup(text, spans) reads back as the same text and spans."""
    for source in ["*a* _b_ **c** ***d***", "x\\*y [[n*o*te]] z", "_*a*_*b*", "a/*b*"]:
        text, spans = inline(source)
        assert inline(markup(text, spans)) == (text, spans)


def test_markup_never_writes_a_boneyard_opener() -> None:
    """A slash before an emphasis star is escaped so it cannot open a boneyard."""
    written = markup("a/b", (Span(2, 3, IT),))
    assert "/*" not in written.replace("\\/*", "")
    assert parse(written + "\n").elements[0].text == "a/b"


def test_markup_never_writes_boneyard_marks() -> None:
    """Literal ``*/`` and a ``/`` touching a marker are escaped: no boneyard opens or closes."""
    cases = [
        ("x */ y", ()),
        ("a/b", (Span(0, 1, IT), Span(2, 3, IT))),
        ("/", (Span(0, 1, B),)),
        ("*/ go/", (Span(3, 6, IT),)),
        ("a\\/b", (Span(3, 4, IT), Span(3, 4, U))),
    ]
    for text, spans in cases:
        written = markup(text, spans)
        assert strip_boneyards([written, "x */"]) == ([written, "x */"], [])
        assert strip_boneyards(["/* x", written]) == (["/* x", written], [])
        assert inline(written) == (text, spans)
