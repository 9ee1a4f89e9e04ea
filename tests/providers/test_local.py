"""The keyless providers: storyboard cards through FFmpeg, espeak-ng voices, dialogue subtitles."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import pytest

from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.plan import build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.media.ffmpeg import FFmpeg
from vividverse_desktop.media.probe import count_frames, probe
from vividverse_desktop.providers.contract import (
    ClipRequest,
    ProviderError,
    VoiceRequest,
    fetch,
)
from vividverse_desktop.providers.speech import LocalSpeech, parse_voice_id
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.providers.subtitles import film_subtitles

SCRIPT = """\
EXT. PIER - NIGHT

Fog. MARA waits.

A horn sounds far off.

MARA
He's late.

JONAS
I'm here.
"""

TINY = VideoFormat(160, 90, Fraction(12))
SHORT = (3, 2, 3, 2, 2)
"""Frames of the scene's five shots: establishing, two action beats, two speeches."""
LONG = (13, 61, 50, 5, 30)


@pytest.fixture(scope="module")
def scene():  # type: ignore[no-untyped-def]
    """The one planned scene of SCRIPT."""
    return build_plan(parse(SCRIPT)).scenes[0]


def test_storyboard_makes_a_clip_of_exactly_the_requested_frames(
    tmp_path: Path, scene: object
) -> None:
    """Five shots of 12 frames in all give one 12-frame H.264 clip of the format, verified."""
    request = ClipRequest(scene, TINY, SHORT)  # type: ignore[arg-type]
    asset = fetch(StoryboardCards(), request, tmp_path / "clip.mp4", scratch=tmp_path / "s")
    info = probe(asset.path)
    assert (info.video[0].width, info.video[0].height) == (160, 90)
    assert not info.audio
    assert count_frames(asset.path) == 12
    assert asset.seconds == 1.0
    assert asset.cost == 0.0
    assert list((tmp_path / "s").iterdir()) == []


def test_storyboard_refuses_a_frame_count_per_shot_mismatch(tmp_path: Path, scene: object) -> None:
    """One frame count per shot is required."""
    with pytest.raises(ProviderError, match="per shot"):
        fetch(StoryboardCards(), ClipRequest(scene, TINY, (12,)), tmp_path / "c.mp4",  # type: ignore[arg-type]
              scratch=tmp_path)  # fmt: skip


def test_speech_casts_distinct_voices_and_speaks_a_wav(tmp_path: Path) -> None:
    """Each speaker gets their own voice id; a line becomes a verified WAV of some length."""
    speech = LocalSpeech()
    cast = speech.cast(("MARA", "JONAS"))
    assert cast["MARA"] != cast["JONAS"]
    parse_voice_id(cast["MARA"])
    asset = fetch(speech, VoiceRequest("He's late.", "MARA", cast["MARA"]), tmp_path / "l.wav",
                  scratch=tmp_path)  # fmt: skip
    assert 0.3 < asset.seconds < 3.0
    assert probe(asset.path).audio[0].channels == 1


def test_speech_refuses_a_foreign_voice_id(tmp_path: Path) -> None:
    """A voice id that is not espeak's is a provider error, not a crash."""
    with pytest.raises(ProviderError, match="voice id"):
        fetch(LocalSpeech(), VoiceRequest("Hi.", "MARA", "alloy"), tmp_path / "l.wav",
              scratch=tmp_path)  # fmt: skip


def test_subtitles_follow_the_speech_and_stay_inside_their_scene() -> None:
    """Cues start at the line, last as long as the speech, never cross the next line."""
    plan = build_plan(parse(SCRIPT))
    lines = plan.scenes[0].lines
    cues = film_subtitles(plan, [10.0], [10.0 + plan.scenes[0].duration], {(0, 0): 0.9})
    assert [c.text for c in cues] == ["MARA: He's late.", "JONAS: I'm here."]
    assert cues[0].start == pytest.approx(10.0 + lines[0].start)
    assert cues[0].end == pytest.approx(min(cues[0].start + 0.9, 10.0 + lines[1].start))
    assert cues[1].end <= 10.0 + plan.scenes[0].duration


def test_narration_cues_carry_no_speaker_label() -> None:
    """A narrated action line is subtitled as its words alone; dialogue keeps its speaker."""
    plan = build_plan(parse(SCRIPT), narrate=True)
    cues = film_subtitles(plan, [0.0], [plan.scenes[0].duration])
    assert [c.text for c in cues] == [
        "Fog. MARA waits.",
        "A horn sounds far off.",
        "MARA: He's late.",
        "JONAS: I'm here.",
    ]


def test_long_held_cards_repeat_one_segment_and_keep_exact_frames(
    tmp_path: Path, scene: object, ffmpeg_exe: str
) -> None:
    """Held shots (pieces of 6 frames at 12 fps) give every frame, decoding cleanly."""
    request = ClipRequest(scene, TINY, LONG)  # type: ignore[arg-type]
    asset = fetch(StoryboardCards(), request, tmp_path / "clip.mp4", scratch=tmp_path / "s")
    assert count_frames(asset.path) == sum(LONG)
    decoded = subprocess.run(
        [ffmpeg_exe, "-v", "error", "-i", str(asset.path), "-f", "null", "-"],
        capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    assert decoded.stderr == b""
    assert list((tmp_path / "s").iterdir()) == []


@pytest.fixture(scope="module")
def ffmpeg_exe() -> str:
    """The bundled FFmpeg executable."""
    return str(FFmpeg().executable)


def keyframes(ffmpeg_exe: str, path: Path, fps: Fraction) -> list[int]:
    """Frame numbers of the clip's keyframes (decoding keyframes only, read by showinfo)."""
    run = subprocess.run(
        [ffmpeg_exe, "-hide_banner", "-skip_frame", "nokey", "-i", str(path),
         "-vf", "showinfo", "-f", "null", "-"],
        capture_output=True, check=True, timeout=60, text=True,
    )  # fmt: skip
    times = [
        Fraction(part.split(":", 1)[1]).limit_denominator(1000)
        for line in run.stderr.splitlines()
        if "Parsed_showinfo" in line and " pts_time:" in line
        for part in line.split()
        if part.startswith("pts_time:")
    ]
    return [round(t * fps) for t in times]


@pytest.mark.parametrize("frames", [SHORT, LONG], ids=["short", "held"])
def test_clips_have_a_keyframe_every_half_second(
    tmp_path: Path, scene: object, ffmpeg_exe: str, frames: tuple[int, int]
) -> None:
    """Keyframes at most half a second apart (6 frames at 12 fps), so players seek fast."""
    request = ClipRequest(scene, TINY, frames)  # type: ignore[arg-type]
    asset = fetch(StoryboardCards(), request, tmp_path / "clip.mp4", scratch=tmp_path / "s")
    found = keyframes(ffmpeg_exe, asset.path, TINY.fps)
    assert found[0] == 0
    points = [*found, sum(frames)]
    gaps = [b - a for a, b in pairwise(points)]
    assert max(gaps) <= TINY.keyframe_interval == 6
