"""Media facts from FFmpeg's own description of an input (no ffprobe in the bundled build)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vividverse_desktop.media.ffmpeg import FFmpeg
from vividverse_desktop.media.probe import (
    ChapterInfo,
    ProbeError,
    audio_duration,
    count_frames,
    parse_probe,
    probe,
)

DESCRIPTION = """\
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'film.mp4':
  Metadata:
    major_brand     : isom
    title           : A Film: Part 2
  Duration: 01:02:03.45, start: 0.000000, bitrate: 1234 kb/s
  Chapters:
    Chapter #0:0: start 0.000000, end 12.500000
      Metadata:
        title           : INT. OFFICE - NIGHT
    Chapter #0:1: start 12.500000, end 30.000000
      Metadata:
        title           : EXT. DOCK, LATER
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), \
yuv420p(tv, bt709, progressive), 1280x720 [SAR 4:3 DAR 16:9], 900 kb/s, \
29.97 fps, 29.97 tbr, 90k tbn (default)
    Metadata:
      handler_name    : VideoHandler
  Stream #0:1[0x2](eng): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, 5.1(side), \
fltp, 320 kb/s (default)
  Stream #0:2[0x3](fra): Audio: pcm_s16le, 22050 Hz, 3 channels, s16, 1058 kb/s
  Stream #0:3[0x4](eng): Subtitle: mov_text (tx3g / 0x67337874), 0 kb/s (default)
At least one output file must be specified
"""


def test_description_gives_duration_and_container() -> None:
    """Duration is read from HH:MM:SS.xx and the container from the input line."""
    info = parse_probe(DESCRIPTION)
    assert info.container == "mov,mp4,m4a,3gp,3g2,mj2"
    assert info.duration == pytest.approx(3723.45)
    assert info.metadata["title"] == "A Film: Part 2"


def test_description_gives_video_facts() -> None:
    """Codec, size, pixel format (without its colour details), rate and SAR are read."""
    (video,) = parse_probe(DESCRIPTION).video
    assert (video.index, video.codec, video.width, video.height) == (0, "h264", 1280, 720)
    assert video.pix_fmt == "yuv420p"
    assert video.color == "tv, bt709, progressive"
    assert video.fps == pytest.approx(29.97)
    assert video.sar == (4, 3)
    assert video.language == "und"


def test_description_gives_audio_facts_for_named_and_counted_layouts() -> None:
    """5.1(side) is six channels; '3 channels' is three."""
    first, second = parse_probe(DESCRIPTION).audio
    assert (first.codec, first.sample_rate, first.channels, first.language) == (
        "aac",
        48000,
        6,
        "eng",
    )
    assert (second.codec, second.sample_rate, second.channels) == ("pcm_s16le", 22050, 3)


def test_description_gives_chapters_with_titles() -> None:
    """Each chapter keeps its start, end and title (commas in titles included)."""
    assert parse_probe(DESCRIPTION).chapters == (
        ChapterInfo(0.0, 12.5, "INT. OFFICE - NIGHT"),
        ChapterInfo(12.5, 30.0, "EXT. DOCK, LATER"),
    )


def test_description_gives_subtitles() -> None:
    """Subtitle streams are listed with their codec."""
    (subtitle,) = parse_probe(DESCRIPTION).subtitles
    assert (subtitle.index, subtitle.codec) == (3, "mov_text")


def test_unknown_duration_is_none() -> None:
    """'Duration: N/A' (a live or broken input) gives no duration rather than a wrong one."""
    text = "Input #0, matroska,webm, from 'x.mkv':\n  Duration: N/A, start: 0.0, bitrate: N/A\n"
    assert parse_probe(text).duration is None


def test_text_without_an_input_is_a_probe_error() -> None:
    """An error message instead of a description raises ProbeError."""
    with pytest.raises(ProbeError):
        parse_probe("x.mp4: Invalid data found when processing input\n")


@pytest.fixture(scope="module")
def ffmpeg() -> FFmpeg:
    """The bundled FFmpeg."""
    return FFmpeg()


def test_probe_reads_a_real_file(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """A generated MKV with video and audio is described correctly."""
    clip = tmp_path / "clip.mkv"
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=s=320x180:r=25:d=1",
         "-f", "lavfi", "-i", "sine=r=44100:d=1", "-ac", "2",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le",
         str(clip)),
        timeout=30,
    )  # fmt: skip
    info = probe(clip, ffmpeg=ffmpeg)
    assert info.duration == pytest.approx(1.0, abs=0.05)
    (video,) = info.video
    assert (video.codec, video.width, video.height, video.pix_fmt, video.fps) == (
        "h264", 320, 180, "yuv420p", 25.0,
    )  # fmt: skip
    (audio,) = info.audio
    assert (audio.sample_rate, audio.channels) == (44100, 2)


def test_probe_of_a_file_that_is_not_media_fails(tmp_path: Path) -> None:
    """Text pretending to be an MP4 raises ProbeError."""
    fake = tmp_path / "fake.mp4"
    fake.write_text("not a movie")
    with pytest.raises(ProbeError):
        probe(fake)


def test_probe_of_a_missing_file_fails(tmp_path: Path) -> None:
    """A missing file raises ProbeError naming it."""
    with pytest.raises(ProbeError):
        probe(tmp_path / "gone.mp4")


def test_probe_reads_a_name_that_looks_like_a_url_or_option(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """Files named like options or URLs are still read as local files."""
    for name in ("-i.wav", "http:x.wav"):
        path = tmp_path / name
        ffmpeg.run(
            ("-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=d=0.1", f"file:{path}"),
            timeout=30,
        )
        assert probe(path).container == "wav"


def test_count_frames_is_exact(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """The frame count comes from reading every packet, not from the rounded duration."""
    clip = tmp_path / "clip.mp4"
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=s=160x90:r=24",
         "-frames:v", "37", "-c:v", "libx264", "-preset", "ultrafast", str(clip)),
        timeout=30,
    )  # fmt: skip
    assert count_frames(clip) == 37


def test_audio_duration_is_exact(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """A WAV of 12,345 samples at 48 kHz lasts 12345/48000 s, to the microsecond."""
    wav = tmp_path / "tone.wav"
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=r=48000",
         "-af", "atrim=end_sample=12345", str(wav)),
        timeout=30,
    )  # fmt: skip
    assert audio_duration(wav) == pytest.approx(12_345 / 48_000, abs=2e-6)


def test_count_frames_of_audio_only_file_fails(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """Asking for video frames of a WAV is a ProbeError, not zero."""
    wav = tmp_path / "tone.wav"
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=d=0.1", str(wav)), timeout=30
    )
    with pytest.raises(ProbeError):
        count_frames(wav)
