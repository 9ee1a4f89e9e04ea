"""Statistics: hand-counted sample scripts, self-consistent totals, runtime and output formats.

The sample scripts' numbers in ``resources/samples/*.expected.json`` were counted by
hand from the Fountain text. For ``the_lamplighter`` the layout was counted line by
line too: scenes start at page 1 rows 0, 5, 25, 40; page 2 row 0 (the LATER scene
cannot fit its heading and two-line action in rows 53-54); page 3 rows 0, 14, 29
(after the forced page break; the shot heading .THE DREAM at row 5 plays inside the
I/E LIGHTHOUSE DOOR scene); page 4 row 4 (ELIN's three-row speech finds one row left
on page 3); the last line is page 4 row 9. So 4 pages and scene lengths of
5, 20, 15, 15, 55, 14, 15, 30 and 6 lines.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from bench.scriptgen import feature_script
from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.model import Element, ElementKind, Screenplay
from vividverse_desktop.core.screenplay.pagination import paginate
from vividverse_desktop.core.screenplay.stats import (
    ScriptStats,
    compute,
    format_table,
    scene_durations,
)
from vividverse_desktop.core.screenplay.timing import count_words

K = ElementKind
SAMPLES = sorted(resource_path("samples").rglob("*.fountain"))  # real/ holds real-style ones


def expected_for(sample: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        sample.with_name(sample.stem + ".expected.json").read_text("utf-8")
    )
    return data


def samples_with(key: str, *, present: bool = True) -> list[Path]:
    """The samples whose hand counts include ``key`` (or leave it out)."""
    return [s for s in SAMPLES if (key in expected_for(s)) is present]


FEATURES = samples_with("pages_at_least")  # feature-length; the others are short


def stats_for(sample: Path) -> ScriptStats:
    return compute(parse(sample.read_text("utf-8")))


def el(kind: ElementKind, text: str) -> Element:
    return Element(kind, text, 1)


def test_there_are_at_least_two_samples_each_with_hand_counts() -> None:
    """Every sample script has its expected.json."""
    assert len(SAMPLES) >= 2
    assert all(s.with_name(s.stem + ".expected.json").is_file() for s in SAMPLES)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_scene_count_matches_hand_count(sample: Path) -> None:
    """Scenes counted by hand."""
    assert stats_for(sample).scene_count == expected_for(sample)["scene_count"]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_int_ext_split_matches_hand_count(sample: Path) -> None:
    """INT / EXT / INT-EXT / EST / other scene counts."""
    found = {key: share.scenes for key, share in stats_for(sample).int_ext.items()}
    assert found == expected_for(sample)["int_ext"]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_day_night_split_matches_hand_count(sample: Path) -> None:
    """DAY / NIGHT / other scene counts, relative times taking the previous scene's."""
    found = {key: share.scenes for key, share in stats_for(sample).day_night.items()}
    assert found == expected_for(sample)["day_night"]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_locations_and_their_scenes_match_hand_count(sample: Path) -> None:
    """Each location with the numbers of the scenes played there."""
    found = {loc.name: list(loc.scenes) for loc in stats_for(sample).locations}
    assert found == expected_for(sample)["locations"]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_locations_are_sorted_by_scene_count(sample: Path) -> None:
    """The most used location comes first."""
    counts = [loc.scene_count for loc in stats_for(sample).locations]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_characters_match_hand_count_in_order(sample: Path) -> None:
    """Speeches, words, scenes and first scene per character, by speeches then name."""
    expected = expected_for(sample)["characters"]
    found = [c.to_json() for c in stats_for(sample).characters]
    assert [{key: c[key] for key in e} for c, e in zip(found, expected, strict=True)] == expected


@pytest.mark.parametrize("sample", samples_with("headings"), ids=lambda p: p.stem)
def test_master_scene_headings_match_hand_list(sample: Path) -> None:
    """Each master scene's heading, in order, as written in the outline."""
    assert [s.heading for s in stats_for(sample).scenes] == expected_for(sample)["headings"]


@pytest.mark.parametrize("sample", samples_with("dialogue_words"), ids=lambda p: p.stem)
def test_dialogue_words_match_hand_count(sample: Path) -> None:
    """Words of dialogue over the whole script."""
    assert stats_for(sample).dialogue_words == expected_for(sample)["dialogue_words"]


def test_hand_counted_layout_of_the_lamplighter() -> None:
    """Pages, scene eighths and split eighths counted line by line (module docstring)."""
    sample = resource_path("samples", "the_lamplighter.fountain")
    stats, expected = stats_for(sample), expected_for(sample)
    assert stats.page_count == expected["page_count"]
    assert [s.eighths for s in stats.scenes] == expected["scene_eighths"]
    assert (stats.eighths, stats.length) == (expected["eighths"], expected["length"])
    assert {k: v.eighths for k, v in stats.int_ext.items()} == expected["int_ext_eighths"]
    assert {k: v.eighths for k, v in stats.day_night.items()} == expected["day_night_eighths"]


@pytest.mark.parametrize(
    "sample", samples_with("pages_at_least", present=False), ids=lambda p: p.stem
)
def test_short_samples_are_two_to_ten_pages(sample: Path) -> None:
    """Short sample scripts are short but not trivial."""
    assert 2 <= stats_for(sample).page_count <= 10


@pytest.mark.parametrize("sample", FEATURES, ids=lambda p: p.stem)
def test_feature_samples_are_feature_length(sample: Path) -> None:
    """A feature sample lays out to at least the pages it promises (90 for The Long Take)."""
    assert stats_for(sample).page_count >= expected_for(sample)["pages_at_least"]


def test_there_is_a_hand_written_feature() -> None:
    """At least one sample is feature-length, for the screenshots and the tests of real shapes."""
    assert FEATURES


@pytest.fixture(scope="module")
def feature() -> Screenplay:
    return parse(feature_script(120, seed=1))


def test_feature_script_paginates_to_roughly_its_target(feature: Screenplay) -> None:
    """The 120-page generated script lays out within 20% of 120 pages."""
    assert 96 <= paginate(feature).page_count <= 144


@pytest.mark.parametrize("seed", [1, 2])
def test_totals_are_self_consistent(seed: int) -> None:
    """Scene eighths sum to the total, and so do both splits; every speech counts once."""
    screenplay = parse(feature_script(60, seed=seed))
    stats = compute(screenplay)
    assert sum(s.eighths for s in stats.scenes) == stats.eighths
    assert sum(v.eighths for v in stats.int_ext.values()) == stats.eighths
    assert sum(v.eighths for v in stats.day_night.values()) == stats.eighths
    assert sum(v.scenes for v in stats.day_night.values()) == stats.scene_count
    assert sum(loc.scene_count for loc in stats.locations) == stats.scene_count
    cues = sum(1 for _ in screenplay.of_kind(K.CHARACTER))
    assert sum(c.speeches for c in stats.characters) == cues
    assert sum(c.words for c in stats.characters) == stats.dialogue_words


def test_length_stays_close_to_the_page_count(feature: Screenplay) -> None:
    """Rounding each scene to eighths keeps the total within a page of the printed pages."""
    stats = compute(feature)
    assert abs(stats.eighths / 8 - stats.page_count) <= 1


def test_first_appearance_before_any_scene_has_no_scene() -> None:
    """A speech before the first heading is on page 1 in no scene."""
    screenplay = Screenplay(
        {}, (el(K.CHARACTER, "NARRATOR"), el(K.DIALOGUE, "Once."), el(K.SCENE_HEADING, "INT. A"))
    )
    narrator = compute(screenplay).characters[0]
    assert (narrator.first_scene, narrator.first_page, narrator.scenes) == (None, 1, ())


def test_page_rule_runtime_is_one_minute_a_page() -> None:
    """Runtime by the page rule is the length in pages."""
    stats = compute(parse(resource_path("samples", "the_lamplighter.fountain").read_text("utf-8")))
    assert stats.runtime_minutes_page_rule == stats.eighths / 8


def test_timing_model_speaks_dialogue_at_150_words_a_minute() -> None:
    """150 words of dialogue: 60 s, plus the 2 s scene beat and a 0.2 s turn gap."""
    screenplay = Screenplay(
        {},
        (
            el(K.SCENE_HEADING, "INT. A - DAY"),
            el(K.CHARACTER, "ANNA"),
            el(K.DIALOGUE, " ".join(["word"] * 150)),
        ),
    )
    assert scene_durations(screenplay) == [pytest.approx(62.2)]


def test_timing_model_plays_action_at_reading_speed() -> None:
    """238 words of action: 60 s plus the 2 s scene beat."""
    screenplay = Screenplay(
        {}, (el(K.SCENE_HEADING, "INT. A - DAY"), el(K.ACTION, " ".join(["word"] * 238)))
    )
    assert scene_durations(screenplay) == [pytest.approx(62.0)]


def test_an_empty_scene_lasts_the_minimum() -> None:
    """A heading alone still lasts three seconds."""
    screenplay = Screenplay({}, (el(K.SCENE_HEADING, "INT. A - DAY"),))
    assert scene_durations(screenplay) == [3.0]


def test_timing_model_total_is_the_sum_of_scenes() -> None:
    """The model's runtime is the scenes' durations added up (no prelude here)."""
    screenplay = parse(resource_path("samples", "night_market.fountain").read_text("utf-8"))
    stats = compute(screenplay)
    assert stats.runtime_minutes_timing_model == pytest.approx(
        sum(scene_durations(screenplay)) / 60
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [("don't stop", 2), ("twenty-one", 1), ("wait--what", 2), ("Go — now", 2), ("...", 0)],
)
def test_word_count(text: str, words: int) -> None:
    """Words split on whitespace and dashes and need a letter or digit."""
    assert count_words(text) == words


def test_json_has_the_documented_keys_and_round_trips() -> None:
    """to_json carries the top-level keys the CLI and render pipeline read."""
    data = stats_for(resource_path("samples", "the_lamplighter.fountain")).to_json()
    for key in (
        "scene_count",
        "page_count",
        "eighths",
        "runtime_minutes_page_rule",
        "runtime_minutes_timing_model",
        "characters",
        "locations",
        "int_ext",
        "day_night",
        "scenes",
    ):
        assert key in data
    assert json.loads(json.dumps(data)) == data


def test_csv_has_one_table_per_section() -> None:
    """The CSV's character table lists every character with its speeches."""
    stats = stats_for(resource_path("samples", "the_lamplighter.fountain"))
    rows = list(csv.reader(io.StringIO(stats.to_csv())))
    sections = [row[0] for row in rows if len(row) == 1 and row[0].startswith("[")]
    assert sections == [
        "[summary]",
        "[int_ext]",
        "[day_night]",
        "[locations]",
        "[characters]",
        "[scenes]",
    ]
    start = rows.index(["[characters]"]) + 2
    table = rows[start : start + len(stats.characters)]
    assert [(r[0], int(r[1])) for r in table] == [(c.name, c.speeches) for c in stats.characters]


def test_terminal_table_shows_length_and_characters() -> None:
    """The table names the length and every character."""
    stats = stats_for(resource_path("samples", "the_lamplighter.fountain"))
    text = format_table(stats)
    assert "3 1/8" in text
    assert all(c.name in text for c in stats.characters)


def test_cues_differing_only_in_case_are_one_character() -> None:
    """McKENNA and MCKENNA are one character, named as first written."""
    screenplay = Screenplay(
        {},
        (
            el(K.SCENE_HEADING, "INT. HUT - NIGHT"),
            el(K.CHARACTER, "McKENNA"),
            el(K.DIALOGUE, "Lost child?"),
            el(K.CHARACTER, "MCKENNA"),
            el(K.DIALOGUE, "Description?"),
        ),
    )
    stats = compute(screenplay)
    assert [(c.name, c.speeches, c.words) for c in stats.characters] == [("McKENNA", 2, 3)]
    assert stats.scenes[0].characters == ("McKENNA",)


def test_sung_lines_belong_to_the_speech_but_are_not_dialogue_words() -> None:
    """A speech that sings then talks counts once, with only its spoken words."""
    stats = compute(
        parse("INT. PIT - NIGHT\n\nBERYL\n~There's a light in the harbour\nThat's all.\n")
    )
    assert [(c.name, c.speeches, c.words) for c in stats.characters] == [("BERYL", 1, 2)]


def test_compute_lays_out_on_the_paper_asked_for() -> None:
    """A4 is accepted and gives the letter page count; an unknown paper is refused."""
    screenplay = parse(resource_path("samples", "the_lamplighter.fountain").read_text("utf-8"))
    assert compute(screenplay, paper="a4").page_count == compute(screenplay).page_count
    with pytest.raises(ValueError, match="b5"):
        compute(screenplay, paper="b5")
