"""Film loudness: measured once with ebur128, applied as one gain and a limiter."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from vividverse_desktop.core.pipeline.loudness import (
    SILENCE_LUFS,
    Loudness,
    loudness_argv,
    parse_loudness,
)
from vividverse_desktop.core.pipeline.stitch import concat_list
from vividverse_desktop.media.ffmpeg import FFmpeg

SUMMARY = """\
[Parsed_ebur128_0 @ 0x55] Summary:

  Integrated loudness:
    I:         -19.4 LUFS
    Threshold: -29.6 LUFS

  Loudness range:
    LRA:         2.1 LU
"""


def test_summary_gives_integrated_loudness() -> None:
    """The I: line of the summary is the measurement."""
    assert parse_loudness(SUMMARY) == -19.4


def test_silence_is_reported_at_the_gate() -> None:
    """-inf or -70 LUFS (all silence) is reported as the gate value."""
    assert parse_loudness(SUMMARY.replace("-19.4", "-70.0")) == SILENCE_LUFS
    assert parse_loudness(SUMMARY.replace("-19.4", "-inf")) == SILENCE_LUFS


def test_missing_summary_is_none() -> None:
    """A log without a summary gives no measurement."""
    assert parse_loudness("Error opening input\n") is None


def test_unmeasured_loudness_uses_single_pass_loudnorm() -> None:
    """Without a measurement the filter is loudnorm, re-timed by sample count."""
    assert Loudness(-23, -2, 7).filter == (
        "loudnorm=I=-23:TP=-2:LRA=7,aresample=48000,asetpts=N/SR/TB"
    )


def test_measured_loudness_becomes_gain_and_limiter() -> None:
    """Measured -19.4 LUFS for a -16 target: +3.4 dB and a limiter at -1.5 dBFS."""
    loudness = Loudness().with_measurement(-19.4)
    assert loudness.gain_db == pytest.approx(3.4)
    limit = 10 ** (-1.5 / 20)
    assert loudness.filter == (
        f"volume=3.40dB,alimiter=limit={limit:.4f}:level=disabled:latency=1,asetpts=N/SR/TB"
    )


def test_silence_gets_no_gain_and_extreme_gain_is_capped() -> None:
    """Silent audio is left alone; very quiet audio is raised by at most 30 dB."""
    assert Loudness().with_measurement(SILENCE_LUFS).gain_db == 0.0
    assert Loudness().with_measurement(-60.0).gain_db == 30.0


def test_measure_argv_reads_the_concat_list_safely() -> None:
    """The measuring pass reads the safe concat list and discards its output."""
    assert loudness_argv(Path("/j/audio.txt")) == (
        "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
        "-protocol_whitelist", "file", "-f", "concat", "-safe", "1", "-i", "/j/audio.txt",
        "-map", "0:a:0", "-af", "ebur128=framelog=quiet", "-f", "null", "-",
    )  # fmt: skip


def _measure(ffmpeg: FFmpeg, folder: Path, names: list[str]) -> float | None:
    (folder / "list.txt").write_text(concat_list(names))
    return parse_loudness(ffmpeg.run(loudness_argv(folder / "list.txt"), timeout=30).stderr)


def test_measured_gain_brings_the_audio_to_target(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """A quiet tone measured, gained and re-measured lands within 1 LU of the target."""
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=f=300:r=48000:d=3",
         "-af", "volume=-20dB", "-ac", "2", str(tmp_path / "quiet.wav")),
        timeout=30,
    )  # fmt: skip
    measured = _measure(ffmpeg, tmp_path, ["quiet.wav"])
    assert measured is not None
    assert measured < -25
    loudness = Loudness().with_measurement(measured)
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-i", str(tmp_path / "quiet.wav"), "-af", loudness.filter,
         "-c:a", "pcm_s16le", str(tmp_path / "loud.wav")),
        timeout=30,
    )  # fmt: skip
    after = _measure(ffmpeg, tmp_path, ["loud.wav"])
    assert after is not None
    assert math.isclose(after, -16.0, abs_tol=1.0)
