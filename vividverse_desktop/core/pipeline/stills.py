"""Stills to a scene clip: one picture per shot, filling the frame, held or slowly moved.

Each still is read once (``image2pipe``: the picture's own format is found from
its bytes, whatever the file is called), scaled to cover the frame without
distortion and cropped to it, converted to the pipeline's pixels (yuv420p,
BT.709 limited range) and then held or moved for exactly its shot's frames with
the same motion maths as the storyboard cards (``motion.motion_filter``). A
moving still is scaled to the larger :func:`motion.motion_canvas` first, so a
push, pull or pan never shows an edge. The shots are joined in one graph and
encoded once, like a scene of cards, so the clip concatenates with them by copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vividverse_desktop.core.pipeline.cards import Motion
from vividverse_desktop.core.pipeline.ffmpeg_args import (
    BT709_SCALE,
    BT709_TAGS,
    X264,
    Argv,
    VideoFormat,
    clip_output_args,
    global_args,
    input_path,
)
from vividverse_desktop.core.pipeline.motion import fades, motion_canvas, motion_filter


@dataclass(frozen=True, slots=True)
class Still:
    """A shot shown as a picture: the image file, its frame count and its camera motion."""

    path: Path
    frames: int
    motion: Motion = Motion.NONE
    fade_in: int = 0
    fade_out: int = 0
    """Frames rising from black at the start and going to black at the end."""

    def __post_init__(self) -> None:
        if self.frames < 1:
            raise ValueError(f"a still needs at least one frame, got {self.frames}")
        if self.fade_in + self.fade_out > self.frames:
            raise ValueError(f"fades of {self.fade_in} + {self.fade_out} frames exceed the still")


def still_input(still: Still, fmt: VideoFormat) -> Argv:
    """The input options of one still: files only, one picture read at ``fmt``'s rate."""
    return (
        "-protocol_whitelist", "file", "-f", "image2pipe", "-framerate", fmt.rate,
        "-i", input_path(still.path),
    )  # fmt: skip


def still_filter(still: Still, index: int, fmt: VideoFormat, label: str = "v") -> str:
    """The chain from input ``index`` to ``[label]``: cover, crop, convert, hold or move.

    The picture is scaled (keeping its shape) until it covers the frame, or the
    motion canvas when the shot moves, and the overflow is cropped evenly from
    both sides; the result has SAR 1 and exactly ``still.frames`` frames.
    """
    moving = still.motion is not Motion.NONE
    width, height = motion_canvas(fmt) if moving else (fmt.width, fmt.height)
    return (
        f"[{index}:v:0]scale={width}:{height}:force_original_aspect_ratio=increase"
        f":{BT709_SCALE},crop={width}:{height},format=yuv420p,{BT709_TAGS},"
        f"{motion_filter(still.motion, fmt, still.frames)},"
        f"{''.join(f + ',' for f in fades(still.fade_in, still.fade_out, still.frames))}"
        f"setsar=1[{label}]"
    )


def stills_argv(
    stills: Sequence[Still], fmt: VideoFormat, output: Path, x264: X264 | None = None
) -> Argv:
    """FFmpeg arguments turning the stills, in order, into one video-only scene clip.

    The clip is H.264 yuv420p with SAR 1 at ``fmt``, exactly ``sum(frames)``
    frames long, each still filling its shot's frames; the container is MP4.
    """
    if not stills:
        raise ValueError("a scene clip needs at least one still")
    inputs = [arg for still in stills for arg in still_input(still, fmt)]
    if len(stills) == 1:
        graph = still_filter(stills[0], 0, fmt)
    else:
        chains = [still_filter(still, n, fmt, f"s{n}") for n, still in enumerate(stills)]
        labels = "".join(f"[s{n}]" for n in range(len(stills)))
        graph = ";".join([*chains, f"{labels}concat=n={len(stills)}:v=1:a=0[v]"])
    frames = sum(still.frames for still in stills)
    return (*global_args(), *inputs, *clip_output_args(graph, fmt, frames, output, x264))
