"""Stills to a scene clip: the exact FFmpeg arguments, and what FFmpeg makes of them."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from vividverse_desktop.core.pipeline.cards import Motion
from vividverse_desktop.core.pipeline.ffmpeg_args import X264, VideoFormat
from vividverse_desktop.core.pipeline.stills import Still, still_filter, stills_argv
from vividverse_desktop.media.ffmpeg import FFmpeg
from vividverse_desktop.media.probe import count_frames, probe

SMALL = VideoFormat(160, 90, Fraction(12))

OPENING = ("-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats",
           "-progress", "pipe:1")  # fmt: skip
PIXELS = "out_color_matrix=bt709:out_range=tv"
TAGS = "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709"


def _input(path: str, rate: str = "12") -> tuple[str, ...]:
    return ("-protocol_whitelist", "file", "-f", "image2pipe", "-framerate", rate, "-i", path)


def _encode(frames: int, output: str, rate: str = "12") -> tuple[str, ...]:
    return (
        "-map", "[v]", "-frames:v", str(frames), "-r", rate,
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "28",
        "-x264-params", "cabac=1:8x8dct=1",
        "-g", str(int(Fraction(rate) / 2)), "-pix_fmt", "yuv420p",
        "-color_range", "tv", "-colorspace", "bt709", "-color_primaries", "bt709",
        "-color_trc", "bt709", "-video_track_timescale", "90000",
        "-an", "-f", "mp4", output,
    )  # fmt: skip


def test_one_held_still_is_covered_cropped_and_looped() -> None:
    """One still: read once at the film's rate, cover-scaled, cropped, looped to its frames."""
    args = stills_argv([Still(Path("/j/s/a.img"), 30)], SMALL, Path("/j/clip.mp4.part"))
    graph = (
        f"[0:v:0]scale=160:90:force_original_aspect_ratio=increase:{PIXELS},crop=160:90,"
        f"format=yuv420p,{TAGS},loop=loop=29:size=1:start=0,setpts=N/FRAME_RATE/TB,"
        "setsar=1[v]"
    )
    assert args == (
        *OPENING, *_input("/j/s/a.img"), "-filter_complex", graph,
        *_encode(30, "/j/clip.mp4.part"),
    )  # fmt: skip


def test_several_stills_are_one_graph_joined_by_concat() -> None:
    """Three stills: three inputs in shot order, labelled chains, one concat, summed frames."""
    stills = [Still(Path("/j/a.img"), 5), Still(Path("/j/b.img"), 7), Still(Path("/j/a.img"), 2)]
    args = stills_argv(stills, SMALL, Path("/j/clip.mp4"), X264("ultrafast", 28))
    chains = [still_filter(still, n, SMALL, f"s{n}") for n, still in enumerate(stills)]
    graph = ";".join([*chains, "[s0][s1][s2]concat=n=3:v=1:a=0[v]"])
    assert args == (
        *OPENING, *_input("/j/a.img"), *_input("/j/b.img"), *_input("/j/a.img"),
        "-filter_complex", graph, *_encode(14, "/j/clip.mp4"),
    )  # fmt: skip
    assert chains[1].startswith("[1:v:0]scale=160:90:")
    assert chains[1].endswith("setsar=1[s1]")


def test_a_fading_still_rises_from_and_falls_to_black() -> None:
    """Fades follow the hold: six frames up from black, a fall ending two frames early."""
    chain = still_filter(Still(Path("/j/a.img"), 30, fade_in=6, fade_out=6), 0, SMALL)
    assert chain.endswith(
        "loop=loop=29:size=1:start=0,setpts=N/FRAME_RATE/TB,"
        "fade=t=in:s=0:n=6,fade=t=out:s=24:n=4,setsar=1[v]"
    )
    with pytest.raises(ValueError, match="fades"):
        Still(Path("/j/a.img"), 5, fade_in=3, fade_out=3)


def test_a_push_in_scales_to_the_motion_canvas_and_zooms_in() -> None:
    """Push in: cover a 1.25x canvas (200x112), zoom from 1.25/1.1 to 1.25 over the frames."""
    chain = still_filter(Still(Path("/j/a.img"), 11, Motion.PUSH_IN), 0, SMALL)
    assert chain == (
        f"[0:v:0]scale=200:112:force_original_aspect_ratio=increase:{PIXELS},crop=200:112,"
        f"format=yuv420p,{TAGS},"
        "zoompan=z='1.1364+(1.25-1.1364)*(on/10)':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2'"
        ":d=11:s=160x90:fps=12,setsar=1[v]"
    )


@pytest.mark.parametrize(
    ("motion", "zoom", "x"),
    [
        (Motion.PULL_OUT, "1.25-(1.25-1.1364)*(on/10)", "(iw-iw/zoom)/2"),
        (Motion.PAN_LEFT, "1.25", "(iw-iw/zoom)*(0.75-0.5*(on/10))"),
        (Motion.PAN_RIGHT, "1.25", "(iw-iw/zoom)*(0.25+0.5*(on/10))"),
    ],
)
def test_each_other_motion_moves_the_window_its_way(motion: Motion, zoom: str, x: str) -> None:
    """Pull out zooms from 1.25 down; pans hold the zoom and slide right-to-left or back."""
    chain = still_filter(Still(Path("/j/a.img"), 11, motion), 0, SMALL)
    assert f"crop=200:112,format=yuv420p,{TAGS}," in chain
    assert f"zoompan=z='{zoom}':x='{x}':y='(ih-ih/zoom)/2':d=11:s=160x90:fps=12" in chain


def test_a_fractional_rate_reads_and_writes_at_that_rate() -> None:
    """At 30000/1001 fps the still is read and the clip written at that rate."""
    fmt = VideoFormat(160, 90, Fraction(30000, 1001))
    args = stills_argv([Still(Path("/j/a.img"), 3)], fmt, Path("/j/c.mp4"))
    assert args[args.index("-framerate") + 1] == "30000/1001"
    assert args[args.index("-r") + 1] == "30000/1001"


def test_a_still_without_frames_or_a_clip_without_stills_is_refused() -> None:
    """Zero frames and an empty list are errors before FFmpeg runs."""
    with pytest.raises(ValueError, match="at least one frame"):
        Still(Path("/j/a.img"), 0)
    with pytest.raises(ValueError, match="at least one still"):
        stills_argv([], SMALL, Path("/j/c.mp4"))


def _picture(ffmpeg: FFmpeg, output: Path, source: str, *extra: str) -> Path:
    ffmpeg.run(("-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source,
                "-frames:v", "1", *extra, str(output)), timeout=30)  # fmt: skip
    return output


@pytest.mark.parametrize("motion", list(Motion))
def test_every_motion_renders_exact_frames_at_the_frame_size(
    tmp_path: Path, ffmpeg: FFmpeg, motion: Motion
) -> None:
    """Held or moving, a 300x200 still becomes 160x90 H.264 yuv420p, SAR 1, exact frames."""
    still = _picture(ffmpeg, tmp_path / "a.img", "testsrc=s=300x200", "-f", "image2",
                     "-c:v", "png")  # fmt: skip
    clip = tmp_path / "clip.mp4"
    ffmpeg.run(stills_argv([Still(still, 13, motion)], SMALL, clip), timeout=30)
    (video,) = probe(clip).video
    assert (video.codec, video.width, video.height) == ("h264", 160, 90)
    assert (video.pix_fmt, video.sar) == ("yuv420p", (1, 1))
    assert count_frames(clip) == 13


def test_stills_of_any_format_and_name_join_into_one_exact_clip(
    tmp_path: Path, ffmpeg: FFmpeg
) -> None:
    """A JPEG and a WebP named without a hint, held and panned: 7 + 11 frames."""
    jpeg = _picture(ffmpeg, tmp_path / "one.still", "testsrc=s=320x240", "-f", "image2",
                    "-c:v", "mjpeg")  # fmt: skip
    webp = _picture(ffmpeg, tmp_path / "two.still", "testsrc=s=200x300", "-f", "image2",
                    "-c:v", "libwebp")  # fmt: skip
    clip = tmp_path / "clip.mp4"
    stills = [Still(jpeg, 7), Still(webp, 11, Motion.PAN_RIGHT)]
    ffmpeg.run(stills_argv(stills, SMALL, clip), timeout=30)
    assert count_frames(clip) == 18


def test_a_tall_still_fills_a_wide_frame_without_distortion(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """Red, green, blue thirds of a 90x300 still: the cover crop shows only the green middle."""
    still = _picture(
        ffmpeg, tmp_path / "tall.img",
        "color=c=red:s=90x100[r];color=c=0x00ff00:s=90x100[g];color=c=blue:s=90x100[b];"
        "[r][g][b]vstack=inputs=3",
        "-f", "image2", "-c:v", "png",
    )  # fmt: skip
    clip = tmp_path / "clip.mp4"
    ffmpeg.run(stills_argv([Still(still, 2)], SMALL, clip), timeout=30)
    raw = tmp_path / "frame.rgb"
    ffmpeg.run(("-hide_banner", "-loglevel", "error", "-y", "-i", str(clip), "-frames:v", "1",
                "-f", "rawvideo", "-pix_fmt", "rgb24", str(raw)), timeout=30)  # fmt: skip
    pixels = raw.read_bytes()
    assert len(pixels) == 160 * 90 * 3
    for row in (0, 45, 89):
        r, g, b = pixels[(row * 160 + 80) * 3 : (row * 160 + 80) * 3 + 3]
        assert (r < 60, g > 200, b < 60) == (True, True, True), (row, r, g, b)
