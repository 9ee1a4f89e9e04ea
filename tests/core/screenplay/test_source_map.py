"""The editor's colours come from the parser: source_map and guess_kind agree with parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay.emphasis import MARKER, marked_ranges
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.source_map import (
    BONEYARD,
    SCENE_NUMBER,
    TITLE_KEY,
    TITLE_PAGE,
    guess_kind,
    source_map,
)

SAMPLES = sorted(Path(resource_path("samples")).rglob("*.fountain"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_element_line_carries_its_element_kind(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    mapped = source_map(text)
    lines = text.split("\n")
    for element in parse(text).elements:
        for index in range(element.line - 1, element.last_line):
            if lines[index].strip():
                assert mapped.kind(index) == element.kind.value, (index + 1, lines[index])


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_the_typing_guess_agrees_with_the_parser_inside_the_body(path: Path) -> None:
    """Line by line, the guess from the line above matches the parse (the first line of
    a title page or a boneyard, and a blank line inside a boneyard, are where a guess from
    one line cannot know, and are left out: a blank line is blank until the reading says
    the boneyard around it is still open)."""
    text = path.read_text(encoding="utf-8")
    mapped = source_map(text)
    lines = text.split("\n")
    checked = 0
    for index, line in enumerate(lines):
        kind = mapped.kind(index)
        above = mapped.kind(index - 1) if index else ""
        if kind in (TITLE_PAGE, BONEYARD) and (above != kind or not line.strip()):
            continue
        if "/*" in line or "*/" in line:
            continue
        following = index + 1 >= len(lines) or not lines[index + 1].strip()
        assert guess_kind(line, previous=above, next_blank=following) == kind, (index + 1, line)
        checked += 1
    assert checked > 50


def test_markup_ranges_sit_on_the_source_columns() -> None:
    text = (
        "Title: **Big** Night\nAuthor: Me\n\n"
        "INT. HOUSE - DAY #12#\n\n"
        "She *whispers* to _him_. [[fix this]]\n\n"
        "BOB ^\nHi /* cut */ there.\n"
    )
    mapped = source_map(text)
    lines = text.split("\n")
    assert mapped.kind(0) == TITLE_PAGE
    assert (0, 6, TITLE_KEY) in mapped.line_ranges(0)
    heading = mapped.line_ranges(3)
    assert [(lines[3][a:b], s) for a, b, s in heading] == [("#12#", SCENE_NUMBER)]
    action = {(lines[5][a:b], s) for a, b, s in mapped.line_ranges(5)}
    assert ("*whispers*", "italic") in action
    assert ("_him_", "underline") in action
    assert ("[[fix this]]", "note") in action
    assert ("*", MARKER) in action
    assert ("^", MARKER) in {(lines[7][a:b], s) for a, b, s in mapped.line_ranges(7)}
    assert ("/* cut */", BONEYARD) in {(lines[8][a:b], s) for a, b, s in mapped.line_ranges(8)}


def test_emphasis_over_two_lines_is_split_per_line() -> None:
    text = "INT. A - DAY\n\nShe reads *the long\nletter* again.\n"
    mapped = source_map(text)
    assert [(a, b, s) for a, b, s in mapped.line_ranges(2) if s == "italic"] == [(10, 19, "italic")]
    assert [(a, b, s) for a, b, s in mapped.line_ranges(3) if s == "italic"] == [(0, 7, "italic")]


def test_marked_ranges_leave_literal_markers_alone() -> None:
    assert marked_ranges("2 * 3 = 6") == ()
    assert marked_ranges("**") == ()
    assert marked_ranges("a \\*b\\* c") == ((2, 3, MARKER), (5, 6, MARKER))


def test_a_line_the_parser_refuses_is_not_mapped_silently() -> None:
    with pytest.raises(Exception, match="NUL"):
        source_map("INT. A - DAY\n\nbad\x00line\n")
