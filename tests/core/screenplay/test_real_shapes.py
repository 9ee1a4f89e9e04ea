"""Shapes of real screenplays: heading prefixes, shot headings, titles, odd first lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay.blind import blind_copy
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.lint import lint
from vividverse_desktop.core.screenplay.model import ElementKind
from vividverse_desktop.core.screenplay.stats import compute, format_table


def expected_for(sample: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        sample.with_name(sample.stem + ".expected.json").read_text("utf-8")
    )
    return data


# Samples written in real scripts' styles: the two in real/ and the feature, The Long Take.
REAL = [
    resource_path("samples", "real", f"{name}.fountain")
    for name in ("brick_and_steel", "channel_four")
] + [resource_path("samples", "the_long_take.fountain")]


@pytest.mark.parametrize("prefix", ["EXT/INT", "EXT./INT.", "INT./EXT.", "I/E", "E/I", "INT. "])
def test_real_prefixes_open_scenes(prefix: str) -> None:
    """Every prefix real scripts use opens a scene heading, double spaces too."""
    screenplay = parse(f"{prefix} TRUCK - DAY\n\nIt rolls.\n")
    assert [e.kind for e in screenplay.elements] == [ElementKind.SCENE_HEADING, ElementKind.ACTION]


@pytest.mark.parametrize("sample", REAL, ids=lambda p: p.stem)
def test_title_is_plain_text(sample: Path) -> None:
    """The title carries no markup and a two-line title joins its lines."""
    screenplay = parse(sample.read_text("utf-8"))
    assert screenplay.title == expected_for(sample)["title"]
    assert compute(screenplay).title == expected_for(sample)["title"]


@pytest.mark.parametrize("sample", REAL, ids=lambda p: p.stem)
def test_shot_headings_stay_inside_their_scene(sample: Path) -> None:
    """Shot headings are headings on the page but open no scene and name no location."""
    screenplay = parse(sample.read_text("utf-8"))
    headings = sum(1 for _ in screenplay.of_kind(ElementKind.SCENE_HEADING))
    expected = expected_for(sample)
    assert headings - len(screenplay.scenes()) == expected["shot_headings"]
    inside = [
        e for s in screenplay.scenes() for e in s.elements if e.kind is ElementKind.SCENE_HEADING
    ]
    assert len(inside) == expected["shot_headings"]
    names = {loc.name for loc in compute(screenplay).locations}
    assert not names & {e.text for e in inside}


@pytest.mark.parametrize("sample", REAL, ids=lambda p: p.stem)
def test_prologue_speeches_counted(sample: Path) -> None:
    """Speeches before the first heading are the prologue's."""
    screenplay = parse(sample.read_text("utf-8"))
    cues = [e for e in screenplay.prologue() if e.kind is ElementKind.CHARACTER]
    assert len(cues) == expected_for(sample)["prologue_speeches"]


def test_boneyard_line_before_title_page_keeps_the_title_page() -> None:
    """``/* x */`` alone above the title page does not hide it."""
    screenplay = parse("/* draft 3 */\nTitle: Secret\nAuthor: Ines Varga\n\nINT. A - DAY\n")
    assert dict(screenplay.title_page) == {"Title": "Secret", "Author": "Ines Varga"}
    assert [e.kind for e in screenplay.elements] == [ElementKind.SCENE_HEADING]


def test_blind_copy_after_leading_boneyard_has_no_title_or_author() -> None:
    """The blind copy of a script opening with a boneyard names neither title nor author."""
    text = "/* draft 3 */\nTitle: Secret Harbour\nAuthor: Ines Varga\n\nINT. A - DAY\n\nRain.\n"
    blind = blind_copy(parse(text))
    assert "Secret Harbour" not in blind
    assert "Ines Varga" not in blind
    assert parse(blind).title_page == {}


def test_cut_to_as_first_line_is_a_transition() -> None:
    """``CUT TO:`` opening a document is a transition, not a title-page key."""
    screenplay = parse("CUT TO:\n\nINT. A - DAY\n")
    assert screenplay.title_page == {}
    assert [e.kind for e in screenplay.elements] == [
        ElementKind.TRANSITION,
        ElementKind.SCENE_HEADING,
    ]


def test_empty_text_is_an_empty_screenplay() -> None:
    """An empty file has no elements, no scenes, and statistics of nothing."""
    screenplay = parse("")
    stats = compute(screenplay)
    assert (screenplay.elements, stats.scene_count, stats.page_count) == ((), 0, 0)
    assert "no scenes" in format_table(stats)


def test_lint_warns_on_non_standard_prefixes_it_accepted() -> None:
    """EXT/INT is read as a heading, with a warning naming the prefix."""
    issues = lint("EXT/INT MILLER'S TRUCK - DAY\n\nIt rolls.\n\nINT./EXT. CAR - DAY\n")
    assert [(i.line, i.severity) for i in issues if "prefix" in i.message] == [(1, "warning")]
    assert "EXT/INT" in issues[0].message


def test_stats_table_states_how_twilight_is_counted() -> None:
    """The DAY/NIGHT split says where DAWN and DUSK go."""
    table = format_table(compute(parse(REAL[0].read_text("utf-8"))))
    assert "DAWN" in table
    assert "DUSK" in table
