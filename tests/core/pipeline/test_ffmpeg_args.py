"""Shared pieces of every FFmpeg command line: format, encoder, escaping, paths."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from vividverse_desktop.core.pipeline.ffmpeg_args import (
    X264,
    VideoFormat,
    escape_filter_value,
    input_path,
)


def test_rate_is_written_as_ffmpeg_reads_it() -> None:
    """Whole rates are plain numbers, NTSC rates a fraction."""
    assert VideoFormat(320, 180, Fraction(24)).rate == "24"
    assert VideoFormat(320, 180, Fraction(30000, 1001)).rate == "30000/1001"


@pytest.mark.parametrize(
    "fps", [Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(24000, 1001), Fraction(12)]
)
def test_timescale_holds_a_whole_number_of_ticks_per_frame(fps: Fraction) -> None:
    """One frame lasts a whole number of MP4 ticks, so concatenated clips never drift."""
    timescale = VideoFormat(320, 180, fps).timescale
    assert (timescale / fps).denominator == 1
    assert timescale % 90_000 == 0


@pytest.mark.parametrize(("width", "height"), [(321, 180), (320, 181), (0, 180), (-2, 180)])
def test_odd_or_empty_sizes_are_refused(width: int, height: int) -> None:
    """yuv420p needs positive even dimensions."""
    with pytest.raises(ValueError, match="even"):
        VideoFormat(width, height)


def test_frames_for_rounds_to_nearest_and_keeps_one() -> None:
    """A duration becomes the nearest whole frame count, never zero."""
    fmt = VideoFormat(320, 180, Fraction(24))
    assert fmt.frames_for(1.0) == 24
    assert fmt.frames_for(1.02) == 24
    assert fmt.frames_for(1.03) == 25
    assert fmt.frames_for(0.001) == 1


def test_encoder_args_force_yuv420p_bt709_and_the_time_base() -> None:
    """Every clip is H.264 yuv420p, tagged BT.709 limited range, in the format's time base."""
    fmt = VideoFormat(320, 180, Fraction(25))
    assert X264(preset="ultrafast", crf=20).args(fmt) == (
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20",
        "-x264-params", "cabac=1:8x8dct=1", "-g", "12",
        "-pix_fmt", "yuv420p",
        "-color_range", "tv", "-colorspace", "bt709", "-color_primaries", "bt709",
        "-color_trc", "bt709",
        "-video_track_timescale", "90000",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("fps", "interval"), [(Fraction(24), 12), (Fraction(25), 12), (Fraction(30000, 1001), 14)]
)
def test_keyframes_come_at_least_every_half_second(fps: Fraction, interval: int) -> None:
    """The keyframe interval is the whole frames in half a second."""
    assert VideoFormat(320, 180, fps).keyframe_interval == interval


def test_filter_values_escape_both_levels() -> None:
    """Quotes, colons, backslashes and graph separators are escaped for the graph."""
    assert escape_filter_value("a:b") == "a\\\\:b"
    assert escape_filter_value("it's") == "it\\\\\\'s"
    assert escape_filter_value("x,y;[z]") == "x\\,y\\;\\[z\\]"
    assert escape_filter_value("/plain/path.ttf") == "/plain/path.ttf"


def test_relative_paths_cannot_become_options() -> None:
    """A relative name starting with '-' is prefixed with ./ so FFmpeg reads it as a file."""
    assert input_path(Path("-y.mp4")) == "./-y.mp4"
    assert input_path(Path("/abs/clip.mp4")) == "/abs/clip.mp4"


def test_names_with_a_colon_cannot_become_urls() -> None:
    """A name like http:x is forced to the file protocol."""
    assert input_path(Path("http:evil")) == "file:./http:evil"
