"""Statistics of feature-length scripts equal what the generator recorded while writing them.

``bench.scriptgen.feature_script_with_truth`` counts scenes, splits, locations and each
character's part from its own choices, not from the parser or ``stats``; here
``stats.compute(parse(text))`` must agree on every one of those figures, for 120-page
scripts of three seeds.
"""

from __future__ import annotations

import pytest

from bench.scriptgen import (
    DAY_NIGHT_KEYS,
    INT_EXT_KEYS,
    ScriptTruth,
    feature_script_with_truth,
    page_tolerance,
    spoken_words,
)
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.stats import ScriptStats, compute

PAGES = 120
SEEDS = (1, 2, 3)


@pytest.fixture(scope="module", params=SEEDS, ids=lambda seed: f"seed{seed}")
def measured(request: pytest.FixtureRequest) -> tuple[str, ScriptTruth, ScriptStats]:
    """A 120-page script, the generator's truth about it, and its statistics."""
    text, truth = feature_script_with_truth(PAGES, request.param)
    return text, truth, compute(parse(text))


def test_boneyard_passages_count_for_nothing() -> None:
    """Struck-out ``/* */`` passages (one holds a MARGOT speech) add no speech and no word."""
    text, truth = feature_script_with_truth(PAGES, 1, boneyard=True)
    assert "/* alternate take:" in text
    stats = compute(parse(text))
    assert {c.name: (c.speeches, c.words) for c in stats.characters} == {
        name: (part.speeches, part.words) for name, part in truth.characters.items()
    }


def test_truth_is_self_consistent(measured: tuple[str, ScriptTruth, ScriptStats]) -> None:
    """Both splits and the locations account for every scene exactly once."""
    _, truth, _ = measured
    numbers = [str(n) for n in range(1, truth.scene_count + 1)]
    assert tuple(truth.int_ext) == INT_EXT_KEYS
    assert tuple(truth.day_night) == DAY_NIGHT_KEYS
    assert sum(truth.int_ext.values()) == truth.scene_count
    assert sum(truth.day_night.values()) == truth.scene_count
    assert sorted(n for s in truth.locations.values() for n in s) == sorted(numbers)
    for part in truth.characters.values():
        assert part.first_scene == part.scenes[0]
        assert len(part.scenes) <= part.speeches


def test_scripts_exercise_the_hard_cases(measured: tuple[str, ScriptTruth, ScriptStats]) -> None:
    """The scripts hold relative times, both INT/EXT spellings, extensions, duals, numbers."""
    text, _, _ = measured
    for time in ("DAY", "NIGHT", "MORNING", "DUSK", "CONTINUOUS", "LATER"):
        assert f" - {time}\n" in text, time
    for marker in ("\nI/E ", "\nINT./EXT. ", " (CONT'D)\n", " ^\n", "#\n"):
        assert marker in text, marker


def test_spoken_words_follow_the_documented_definition() -> None:
    """Contractions and hyphenated words are one word; dashes split; bare punctuation is none."""
    assert spoken_words("It's not about the money.") == 5
    assert spoken_words("twenty-one -- or so...") == 3
    assert spoken_words("Wait—no. ... !") == 2


def test_scene_count(measured: tuple[str, ScriptTruth, ScriptStats]) -> None:
    """The number of scenes is the number of headings written."""
    _, truth, stats = measured
    assert stats.scene_count == truth.scene_count


def test_int_ext_split(measured: tuple[str, ScriptTruth, ScriptStats]) -> None:
    """INT, EXT, INT/EXT (``INT./EXT.`` and ``I/E``), EST and OTHER scene counts match."""
    _, truth, stats = measured
    assert {key: share.scenes for key, share in stats.int_ext.items()} == truth.int_ext


def test_day_night_split(measured: tuple[str, ScriptTruth, ScriptStats]) -> None:
    """DAY, NIGHT and OTHER counts match, relative times taking the previous scene's light."""
    _, truth, stats = measured
    assert {key: share.scenes for key, share in stats.day_night.items()} == truth.day_night


def test_locations_and_their_scenes(measured: tuple[str, ScriptTruth, ScriptStats]) -> None:
    """Every location written is reported with exactly the scenes that play there."""
    _, truth, stats = measured
    assert {loc.name: loc.scenes for loc in stats.locations} == truth.locations


def test_speeches_per_character(measured: tuple[str, ScriptTruth, ScriptStats]) -> None:
    """Each character has as many speeches as cues written for them, dual ones included."""
    _, truth, stats = measured
    assert {c.name: c.speeches for c in stats.characters} == {
        name: part.speeches for name, part in truth.characters.items()
    }


def test_words_per_character(measured: tuple[str, ScriptTruth, ScriptStats]) -> None:
    """Each character's words are the dialogue words written for them, parentheticals apart."""
    _, truth, stats = measured
    assert {c.name: c.words for c in stats.characters} == {
        name: part.words for name, part in truth.characters.items()
    }
    assert stats.dialogue_words == truth.dialogue_words


def test_scenes_per_character(measured: tuple[str, ScriptTruth, ScriptStats]) -> None:
    """Each character is listed in exactly the scenes they speak in, in order."""
    _, truth, stats = measured
    assert {c.name: c.scenes for c in stats.characters} == {
        name: part.scenes for name, part in truth.characters.items()
    }


def test_first_scene_per_character(measured: tuple[str, ScriptTruth, ScriptStats]) -> None:
    """Each character's first scene is the scene of their first speech."""
    _, truth, stats = measured
    assert {c.name: c.first_scene for c in stats.characters} == {
        name: part.first_scene for name, part in truth.characters.items()
    }


def test_page_count_within_tolerance(measured: tuple[str, ScriptTruth, ScriptStats]) -> None:
    """The printed page count is within the generator's documented tolerance of its target."""
    _, truth, stats = measured
    assert abs(stats.page_count - truth.target_pages) <= page_tolerance(truth.target_pages)
