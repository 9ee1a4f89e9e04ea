"""The plan and render verbs as a shell user meets them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.render.conftest import SCRIPT
from vividverse_desktop.cli import main
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.media.probe import probe

TINY = ["--size", "160x90", "--fps", "12", "--jobs", "2"]


@pytest.fixture
def script(tmp_path: Path) -> Path:
    """A three-scene Fountain script on disk."""
    path = tmp_path / "pier.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def test_plan_writes_an_editable_json_plan(
    script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`plan` writes the plan document and says what is in it."""
    out = tmp_path / "plan.json"
    assert main(["plan", str(script), "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["vividverse_plan"] == 1
    assert [s["id"] for s in data["scenes"]] == ["1", "2", "3"]
    assert "3 scenes" in capsys.readouterr().err


def test_render_writes_a_film_with_progress_and_a_summary(
    script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`render` prints scene i/n, percent and ETA while working, then a summary line."""
    film = tmp_path / "film.mp4"
    assert main(["render", str(script), "-o", str(film), *TINY]) == 0
    err = capsys.readouterr().err
    assert "scene 1/3" in err
    assert "%  ETA" in err
    summary = err.strip().splitlines()[-1]
    assert summary.startswith(f"{film}: 3 scenes")
    assert "cost $0.00" in summary
    assert len(probe(film).chapters) == 3


def test_render_uses_an_edited_plan_and_resume_redraws_one_scene(
    script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After editing one shot's action in plan.json, --resume makes exactly one new clip."""
    plan, film = tmp_path / "plan.json", tmp_path / "film.mp4"
    assert main(["plan", str(script), "-o", str(plan)]) == 0
    assert main(["render", str(script), "-o", str(film), "--plan", str(plan), *TINY]) == 0
    data = json.loads(plan.read_text(encoding="utf-8"))
    data["scenes"][2]["shots"][0]["action"] = "The van stops. Its lights go out."
    plan.write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    args = ["render", str(script), "-o", str(film), "--plan", str(plan), "--resume", *TINY]
    assert main(args) == 0
    assert "made 1 clip; reused 5" in capsys.readouterr().err


def test_an_invalid_plan_is_an_error_naming_the_path(
    script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad edit is reported with its JSON path and exit code 1."""
    plan = tmp_path / "plan.json"
    assert main(["plan", str(script), "-o", str(plan)]) == 0
    data = json.loads(plan.read_text(encoding="utf-8"))
    data["scenes"][0]["duration"] = 0
    plan.write_text(json.dumps(data), encoding="utf-8")
    code = main(["render", str(script), "-o", str(tmp_path / "f.mp4"), "--plan", str(plan)])
    assert code == 1
    assert "$.scenes[0].duration: must be positive" in capsys.readouterr().err


def test_an_existing_film_is_kept_without_force(
    script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rendering over an existing file needs --force (or --resume)."""
    film = tmp_path / "film.mp4"
    film.write_bytes(b"precious")
    assert main(["render", str(script), "-o", str(film), *TINY]) == 1
    assert film.read_bytes() == b"precious"
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize("size", ["720p", "161x90", "0x0"])
def test_a_bad_size_is_a_usage_error(script: Path, tmp_path: Path, size: str) -> None:
    """--size must be an even WIDTHxHEIGHT."""
    with pytest.raises(SystemExit) as caught:
        main(["render", str(script), "-o", str(tmp_path / "f.mp4"), "--size", size])
    assert caught.value.code == 2


def test_an_unknown_provider_lists_the_available_ones(
    script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--video with a name nobody registered is a usage error naming the choices."""
    code = main(["render", str(script), "-o", str(tmp_path / "f.mp4"), "--video", "nobody"])
    assert code == 2
    assert "storyboard" in capsys.readouterr().err


def test_render_can_export_the_edit_as_an_edl(script: Path, tmp_path: Path) -> None:
    """--edl writes a CMX 3600 list with a picture event per scene."""
    edl = tmp_path / "film.edl"
    args = ["render", str(script), "-o", str(tmp_path / "f.mp4"), "--edl", str(edl), *TINY]
    assert main(args) == 0
    lines = edl.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "TITLE: Pier Nine"
    assert sum(1 for line in lines if line[:3].isdigit() and " V " in line) == 3


def test_render_can_export_the_edit_as_an_otio_timeline(script: Path, tmp_path: Path) -> None:
    """--otio writes a timeline an NLE can open: one video clip per scene, the film's length."""
    import opentimelineio as otio  # type: ignore[import-untyped]

    timeline_path = tmp_path / "film.otio"
    film = tmp_path / "f.mp4"
    assert main(["render", str(script), "-o", str(film), "--otio", str(timeline_path), *TINY]) == 0
    timeline = otio.adapters.read_from_file(str(timeline_path))
    video = timeline.video_tracks()[0]
    assert len(video) == len(list(parse(script.read_text(encoding="utf-8")).scenes()))
    assert video.duration().value > 0


def test_plan_narrate_adds_the_narrators_lines(script: Path, tmp_path: Path) -> None:
    """`plan --narrate` writes each action paragraph as a line of the narrator."""
    out = tmp_path / "plan.json"
    assert main(["plan", str(script), "-o", str(out), "--narrate"]) == 0
    first = json.loads(out.read_text(encoding="utf-8"))["scenes"][0]
    spoken = [(line["speaker"], line["text"]) for line in first["lines"]]
    assert spoken == [
        ("(narrator)", "Fog rolls in. MARA waits under a lamp."),
        ("MARA", "He's late."),
    ]


def test_render_narrate_speaks_and_subtitles_the_action(script: Path, tmp_path: Path) -> None:
    """A narrated film subtitles the action as spoken words, and runs longer than a silent one."""
    quiet, narrated = tmp_path / "quiet.mp4", tmp_path / "narrated.mp4"
    assert main(["render", str(script), "-o", str(quiet), *TINY]) == 0
    assert main(["render", str(script), "-o", str(narrated), "--narrate", *TINY]) == 0
    subtitles = (tmp_path / "narrated.mp4.job" / "film.srt").read_text(encoding="utf-8")
    assert "\nFog rolls in. MARA waits under a lamp.\n" in subtitles
    assert "\nMARA: He's late.\n" in subtitles
    assert probe(narrated).duration > probe(quiet).duration


def test_narrate_with_an_edited_plan_is_a_usage_error(script: Path, tmp_path: Path) -> None:
    """An edited plan already says who speaks: --narrate cannot change it."""
    plan, film = tmp_path / "plan.json", tmp_path / "film.mp4"
    assert main(["plan", str(script), "-o", str(plan)]) == 0
    assert main(["render", str(script), "-o", str(film), "--plan", str(plan), "--narrate"]) == 2
    assert not film.exists()


def test_films_are_48khz_stereo_aac_unless_mono_is_asked(script: Path, tmp_path: Path) -> None:
    """The default track is 48 kHz stereo AAC; --mono makes it one channel."""
    stereo, mono = tmp_path / "stereo.mp4", tmp_path / "mono.mp4"
    assert main(["render", str(script), "-o", str(stereo), *TINY]) == 0
    assert main(["render", str(script), "-o", str(mono), "--mono", *TINY]) == 0
    for film, channels in ((stereo, 2), (mono, 1)):
        (audio,) = probe(film).audio
        assert (audio.codec, audio.sample_rate, audio.channels) == ("aac", 48000, channels)
