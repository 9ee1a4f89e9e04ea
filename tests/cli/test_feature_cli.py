"""The CLI on feature-length scripts: `validate`, and `stats` after a PDF round trip.

A generated 120-page script is rendered to PDF, brought back with `convert film.pdf
-o x.fountain` and measured with `stats x.fountain --json`; the figures must equal
what the generator recorded while writing the script (``bench.scriptgen``).

Words are held to exact equality too, on evidence: for seeds 1-3 at 120 pages, every
printed element other than action (headings, cues, parentheticals, dialogue,
transitions, centered text) comes back from the PDF with the same kind and the same
words, in order (2,292 / 2,323 / 2,358 of them). What differs is harmless to these
figures: dialogue lines rejoin with spaces instead of newlines, and an action
paragraph split by a page break comes back as two paragraphs. Notes, sections and
synopses are never printed and hold no dialogue. If an importer change ever drops or
mistypes a dialogue line, these tests should say so rather than be loosened.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from bench.scriptgen import ScriptTruth, feature_script_with_truth, page_tolerance
from vividverse_desktop.cli import main
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.media.pdf_export import render_pdf

PAGES = 120
# Seed 2 prints scene numbers in the margins, which the importer must not take for text.
ROUND_TRIPS = ((1, False), (2, True), (3, False))

Stats = dict[str, Any]


def run(argv: list[str]) -> tuple[int, str]:
    """Run the CLI in-process; returns its exit code and standard output."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


@pytest.fixture(
    scope="module", params=ROUND_TRIPS, ids=lambda p: f"seed{p[0]}{'-numbered' if p[1] else ''}"
)
def round_trip(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[ScriptTruth, Stats]:
    """The truth of a generated script and `stats --json` of its PDF converted back."""
    seed, numbers = request.param
    text, truth = feature_script_with_truth(PAGES, seed)
    folder = tmp_path_factory.mktemp(f"feature{seed}")
    pdf = folder / "film.pdf"
    pdf.write_bytes(render_pdf(parse(text), scene_numbers="both" if numbers else "none"))
    fountain = folder / "x.fountain"
    code, _ = run(["convert", str(pdf), "-o", str(fountain)])
    assert code == 0
    code, out = run(["stats", str(fountain), "--json"])
    assert code == 0
    stats: Stats = json.loads(out)
    return truth, stats


def test_scene_count_survives_pdf(round_trip: tuple[ScriptTruth, Stats]) -> None:
    """The converted PDF has as many scenes as the generator wrote."""
    truth, stats = round_trip
    assert stats["scene_count"] == truth.scene_count


def test_int_ext_split_survives_pdf(round_trip: tuple[ScriptTruth, Stats]) -> None:
    """INT/EXT scene counts of the converted PDF are the written ones."""
    truth, stats = round_trip
    assert {key: share["scenes"] for key, share in stats["int_ext"].items()} == truth.int_ext


def test_day_night_split_survives_pdf(round_trip: tuple[ScriptTruth, Stats]) -> None:
    """DAY/NIGHT scene counts of the converted PDF are the written ones."""
    truth, stats = round_trip
    assert {key: share["scenes"] for key, share in stats["day_night"].items()} == truth.day_night


def test_locations_survive_pdf(round_trip: tuple[ScriptTruth, Stats]) -> None:
    """Each location keeps exactly its scenes through the PDF."""
    truth, stats = round_trip
    assert {loc["name"]: tuple(loc["scenes"]) for loc in stats["locations"]} == truth.locations


def test_speeches_per_character_survive_pdf(round_trip: tuple[ScriptTruth, Stats]) -> None:
    """Each character keeps every speech through the PDF."""
    truth, stats = round_trip
    assert {c["name"]: c["speeches"] for c in stats["characters"]} == {
        name: part.speeches for name, part in truth.characters.items()
    }


def test_words_per_character_survive_pdf(round_trip: tuple[ScriptTruth, Stats]) -> None:
    """Each character keeps every spoken word through the PDF (see the module docstring)."""
    truth, stats = round_trip
    assert {c["name"]: c["words"] for c in stats["characters"]} == {
        name: part.words for name, part in truth.characters.items()
    }


def test_scenes_per_character_survive_pdf(round_trip: tuple[ScriptTruth, Stats]) -> None:
    """Each character's scenes and first scene are unchanged by the PDF."""
    truth, stats = round_trip
    assert {c["name"]: (tuple(c["scenes"]), c["first_scene"]) for c in stats["characters"]} == {
        name: (part.scenes, part.first_scene) for name, part in truth.characters.items()
    }


def test_page_count_survives_pdf(round_trip: tuple[ScriptTruth, Stats]) -> None:
    """The converted script prints within the generator's page tolerance of its target."""
    truth, stats = round_trip
    assert abs(stats["page_count"] - truth.target_pages) <= page_tolerance(truth.target_pages)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_validate_passes_a_generated_feature(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], seed: int
) -> None:
    """`validate` exits 0 on a generated 120-page script and reports no error."""
    path = tmp_path / "film.fountain"
    path.write_text(feature_script_with_truth(PAGES, seed)[0], encoding="utf-8")
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    assert code == 0
    assert ": error:" not in captured.err
    assert f"{path}: 0 error(s)" in captured.err
