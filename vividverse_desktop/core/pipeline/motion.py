"""Slow camera motion over a picture, and fades: shared by storyboard cards and stills."""

from __future__ import annotations

from vividverse_desktop.core.pipeline.cards import Motion
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat

_MOTION_MARGIN = 1.25

FADE_BLACK_FRAMES = 2
"""A fade to black ends this many frames before its clip does, so a cut slot still ends black."""


def fades(fade_in: int, fade_out: int, frames: int) -> list[str]:
    """``fade`` filters: up from black over the first frames, down to black over the last
    (ending :data:`FADE_BLACK_FRAMES` early)."""
    parts = []
    if fade_in:
        parts.append(f"fade=t=in:s=0:n={fade_in}")
    if fade_out:
        span = max(1, fade_out - FADE_BLACK_FRAMES)
        parts.append(f"fade=t=out:s={frames - fade_out}:n={span}")
    return parts


def motion_canvas(fmt: VideoFormat) -> tuple[int, int]:
    """The (even) size a picture that moves is drawn or scaled to: 1.25x the frame."""
    return _even(fmt.width * _MOTION_MARGIN), _even(fmt.height * _MOTION_MARGIN)


def motion_filter(motion: Motion, fmt: VideoFormat, frames: int) -> str:
    """Filters turning one picture into exactly ``frames`` frames of ``fmt``.

    ``Motion.NONE`` repeats a ``fmt``-sized picture (``loop``, decoded once; the
    input's frame rate must be ``fmt``'s). Any other motion reads a picture of
    :func:`motion_canvas` size and moves a ``fmt``-sized window over it with
    ``zoompan``: pushes and pulls between the canvas seen pixel for pixel and 10%
    wider, pans across half of the spare width, at a constant speed.
    """
    if frames < 1:
        raise ValueError(f"a picture needs at least one frame, got {frames}")
    if motion is Motion.NONE:
        return f"loop=loop={frames - 1}:size=1:start=0,setpts=N/FRAME_RATE/TB"
    width, _ = motion_canvas(fmt)
    # zoom = width / fmt.width shows the canvas pixel for pixel; a push starts 10%
    # wider than that (a sharp downscale) and ends there. ``on`` is the output frame
    # number, so progress runs 0 -> 1.
    p = f"(on/{max(1, frames - 1)})"
    z_end = number(width / fmt.width)
    z_start = number(width / fmt.width / 1.1)
    centre_x, centre_y = "(iw-iw/zoom)/2", "(ih-ih/zoom)/2"
    if motion is Motion.PUSH_IN:
        z, x = f"{z_start}+({z_end}-{z_start})*{p}", centre_x
    elif motion is Motion.PULL_OUT:
        z, x = f"{z_end}-({z_end}-{z_start})*{p}", centre_x
    elif motion is Motion.PAN_LEFT:
        z, x = z_end, f"(iw-iw/zoom)*(0.75-0.5*{p})"
    else:
        z, x = z_end, f"(iw-iw/zoom)*(0.25+0.5*{p})"
    return f"zoompan=z='{z}':x='{x}':y='{centre_y}':d={frames}:s={fmt.size}:fps={fmt.rate}"


def number(value: float) -> str:
    """A number for a filter option: at most four decimals, no trailing zeros."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _even(value: float) -> int:
    return int(value) // 2 * 2
