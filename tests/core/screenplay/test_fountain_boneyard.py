"""Boneyards and literal ``/*``: read as the boneyard reader says, written so they stay so."""

from __future__ import annotations

import dataclasses

import pytest

from vividverse_desktop.core.screenplay import (
    Boneyard,
    Element,
    ElementKind,
    Screenplay,
    parse,
    write,
)
from vividverse_desktop.core.screenplay.boneyard import has_opener
from vividverse_desktop.core.screenplay.writer import element_lines

K = ElementKind


def shape(screenplay: Screenplay) -> tuple[object, ...]:
    """The model without source line numbers."""
    elements = [dataclasses.replace(e, line=0, end_line=0) for e in screenplay.elements]
    return dict(screenplay.title_page), elements, [(b.text, b.before) for b in screenplay.boneyards]


def test_an_unclosed_opener_and_everything_after_it_stay_text() -> None:
    """With no ``*/`` after it, ``/*`` is text, and a later ``/*`` is too."""
    model = parse("Bob /* walks\n\nHe /* runs.\n")
    assert [e.text for e in model.elements] == ["Bob /* walks", "He /* runs."]
    assert model.boneyards == ()


def test_an_odd_run_of_backslashes_escapes_an_opener() -> None:
    """``\\/*`` opens nothing; ``\\\\/*`` (an escaped backslash) opens a boneyard."""
    assert not has_opener("a \\/* b")
    assert has_opener("a \\\\/* b")
    assert has_opener("a /* b")


@pytest.mark.parametrize(
    "source",
    [
        "CUT TO:\n/* inline */ text\n/*",  # a title value's /* after a boneyard
        "Title: /* cut */ Brick /*",  # ... on the first title line
        "[[a\n/* cut */ b /*]]",  # a note's later line
        "Bob [[a\n/* cut */ b /*]] c",  # an inline note over two lines
        "BOB\n(a [[n\n/* cut */ m /*]])\nHi.",  # ... inside a parenthetical
        "BOB (/*)\nHi *a*\\/ there",  # a cue extension, then emphasis touching /
        "[[x /*]]\n\nok \\*\\/",  # a note, then an escaped literal */
        "CUT TO:\nNotes: */ x\nCUT TO:\n/* bone",  # a repeated key's /* after a */
    ],
)
def test_a_literal_opener_stays_literal_after_write_and_parse(source: str) -> None:
    """A ``/*`` that parse kept as text pairs with nothing the writer puts after it."""
    model = parse(source)
    assert shape(parse(write(model))) == shape(model)


def test_boneyard_goes_after_the_first_key_when_a_title_value_holds_an_opener() -> None:
    """Between ``Title:`` and the value the boneyard still precedes the first element."""
    model = Screenplay({"Title": "Brick /*"}, (), (Boneyard(" cut ", 0, 0),))
    assert write(model) == "Title:/* cut */ Brick /*\n"
    assert shape(parse(write(model))) == shape(model)


def test_boneyard_goes_after_the_first_line_of_an_element_holding_an_opener() -> None:
    """A note whose second line holds ``/*`` gets the boneyard that follows it after line 1."""
    model = Screenplay({}, (Element(K.NOTE, "a\nb /*", 0),), (Boneyard(" cut ", 0, 1),))
    assert write(model) == "[[a\n/* cut */\nb /*]]\n"
    again = parse(write(model))
    assert shape(again) == shape(model)
    assert element_lines(model) == ((1, 3),) == tuple((e.line, e.last_line) for e in again.elements)


def test_boneyard_without_an_opener_nearby_stays_on_its_own_line_before_its_element() -> None:
    """The usual place is unchanged: a line of its own just before the element it preceded."""
    model = Screenplay(
        {"Title": "Brick"}, (Element(K.NOTE, "a\nb", 0),), (Boneyard(" cut ", 0, 1),)
    )
    assert write(model) == "Title: Brick\n\n[[a\nb]]\n\n/* cut */\n"


def test_a_title_value_cut_before_its_opener_is_continued_under_its_key_again() -> None:
    """``/*`` in one value and ``*/`` in a later one: the ``/*`` part is written last."""
    model = Screenplay({"Title": "Brick\n/* and", "Notes": "*/ x"})
    assert write(model) == "Title: Brick\nNotes: */ x\nTitle: /* and\n"
    assert list(parse(write(model)).title_page.items()) == list(model.title_page.items())
