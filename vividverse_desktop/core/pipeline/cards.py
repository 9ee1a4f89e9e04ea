"""Storyboard cards: one designed frame per shot, held (or gently moved) for the shot's length.

A card shows the scene heading large, the action wrapped below it and the characters
present at the foot, on a background whose colours say INT or EXT and the light
(day, night, dawn, dusk). The frame is drawn once — a one-frame gradient source and
``drawtext`` with the bundled Courier Prime — then repeated with the ``loop``
filter, so no image is decoded per frame (DESIGN §9). Text reaches ``drawtext``
through ``textfile=`` files written by the caller from :func:`card_text`, never
inline, so no screenplay text needs filter escaping.
"""

from __future__ import annotations

import enum
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vividverse_desktop.core.pipeline.ffmpeg_args import (
    TO_BT709,
    X264,
    Argv,
    VideoFormat,
    filter_path,
    global_args,
    input_path,
)
from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay.heading import DayNight, SceneHeading

# Courier Prime is monospaced: every glyph advances 0.6 em.
_ADVANCE_EM = 0.6
_ELLIPSIS = "…"
_MOTION_MARGIN = 1.25


class Light(enum.StrEnum):
    """The light a card is coloured for."""

    DAY = "day"
    NIGHT = "night"
    DAWN = "dawn"
    DUSK = "dusk"


class Motion(enum.StrEnum):
    """Slow camera motion over a card; ``NONE`` is a held frame (the cheapest)."""

    NONE = "none"
    PUSH_IN = "push_in"
    PULL_OUT = "pull_out"
    PAN_LEFT = "pan_left"
    PAN_RIGHT = "pan_right"


@dataclass(frozen=True, slots=True)
class CardLook:
    """Background gradient (top to bottom) and text colours, as ``0xRRGGBB``."""

    top: str
    bottom: str
    ink: str
    shadow: str


_DAWN_WORDS = frozenset({"DAWN", "SUNRISE", "DAYBREAK", "FIRST LIGHT"})
_DUSK_WORDS = frozenset({"DUSK", "SUNSET", "TWILIGHT", "MAGIC HOUR", "GOLDEN HOUR", "MAGIC"})

_LOOKS: dict[tuple[bool, Light], CardLook] = {
    (False, Light.DAY): CardLook("0xe8d3a9", "0xb98b52", "0x1e1408", "0xfff4dd"),
    (True, Light.DAY): CardLook("0x7fb3e6", "0xd8e9f5", "0x0f2238", "0xffffff"),
    (False, Light.NIGHT): CardLook("0x1a1208", "0x4a3418", "0xf5e6c8", "0x000000"),
    (True, Light.NIGHT): CardLook("0x0b1a33", "0x1f3b63", "0xe8f0ff", "0x000000"),
    (False, Light.DAWN): CardLook("0x4a3d5c", "0xa86f62", "0xfff6ee", "0x2a1f33"),
    (True, Light.DAWN): CardLook("0x55699a", "0xc0826a", "0xfffaf2", "0x2a2a44"),
    (False, Light.DUSK): CardLook("0x7a4b3a", "0x2e1f2b", "0xffe9d6", "0x140b10"),
    (True, Light.DUSK): CardLook("0xf29a4a", "0x5b3a70", "0xfff3e6", "0x2b1533"),
}


def light_of(heading: SceneHeading, day_night: DayNight | None = None) -> Light:
    """The light of a heading: dawn or dusk words first, else its (or the given) day/night.

    ``day_night`` is the resolved bucket for relative times (``CONTINUOUS``); NIGHT
    gives night, everything else that is not dawn or dusk gives day.
    """
    time = heading.time_of_day.upper()
    if any(word in time for word in _DAWN_WORDS):
        return Light.DAWN
    if any(word in time for word in _DUSK_WORDS):
        return Light.DUSK
    bucket = day_night if day_night is not None else heading.day_night
    if bucket is DayNight.NIGHT:
        return Light.NIGHT
    if bucket is DayNight.OTHER and "EVENING" in time:
        return Light.DUSK
    return Light.DAY


def card_look(heading: SceneHeading, day_night: DayNight | None = None) -> CardLook:
    """The colours of a card: EXT (and INT/EXT, EST) skies versus INT rooms, by light."""
    exterior = heading.prefix in ("EXT", "INT/EXT", "EST")
    return _LOOKS[(exterior, light_of(heading, day_night))]


@dataclass(frozen=True, slots=True)
class CardText:
    """The three texts of a card, wrapped to fit; the caller writes each to a file."""

    heading: str
    action: str
    cast: str


@dataclass(frozen=True, slots=True)
class CardLayout:
    """Font sizes, margins and line limits of a card, derived from the frame size."""

    margin: int
    heading_size: int
    action_size: int
    cast_size: int
    line_gap: int
    heading_lines: int
    action_lines: int

    @classmethod
    def for_format(cls, fmt: VideoFormat) -> CardLayout:
        """The layout scaled to a frame: at 1280x720, 48/32/28 px type and 64 px margins."""
        h = fmt.height
        heading_size = max(8, round(h / 15))
        action_size = max(6, round(h / 22.5))
        cast_size = max(6, round(h / 25.7))
        margin = max(4, round(min(fmt.width / 20, h / 11.25)))
        line_gap = max(1, round(action_size / 4))
        heading_lines = 2
        top = margin + heading_lines * (heading_size + line_gap) + margin // 2
        bottom = h - margin - cast_size - margin // 2
        action_lines = max(1, (bottom - top) // (action_size + line_gap))
        return cls(
            margin, heading_size, action_size, cast_size, line_gap, heading_lines, action_lines
        )

    @property
    def action_y(self) -> int:
        """Top of the action block: below the two heading lines and half a margin."""
        return (
            self.margin
            + self.heading_lines * (self.heading_size + self.line_gap)
            + (self.margin // 2)
        )

    def columns(self, fmt: VideoFormat, size: int) -> int:
        """How many monospaced characters of ``size`` px fit between the margins."""
        return max(8, int((fmt.width - 2 * self.margin) / (_ADVANCE_EM * size)))


def card_text(
    fmt: VideoFormat, heading: str, action: str, characters: tuple[str, ...] | list[str]
) -> CardText:
    """Wrap a card's texts to the frame; overflowing text ends with an ellipsis.

    The heading is upper-cased and kept to two lines, the action to the lines that
    fit, the cast to one line joined with `` · ``. Control characters become spaces.
    """
    layout = CardLayout.for_format(fmt)
    return CardText(
        heading=_fit(heading.upper(), layout.columns(fmt, layout.heading_size), 2),
        action=_fit(action, layout.columns(fmt, layout.action_size), layout.action_lines),
        cast=_fit(" · ".join(characters), layout.columns(fmt, layout.cast_size), 1),
    )


def _fit(text: str, columns: int, max_lines: int) -> str:
    lines: list[str] = []
    for paragraph in _clean(text).split("\n"):
        lines.extend(textwrap.wrap(paragraph, columns, break_long_words=True) or [""])
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last[: columns - 1].rstrip() if len(last) >= columns else last) + _ELLIPSIS
    return "\n".join(lines)


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c if c == "\n" or c.isprintable() else " " for c in text)


@dataclass(frozen=True, slots=True)
class CardFonts:
    """Regular and bold font files for card text."""

    regular: Path
    bold: Path

    @classmethod
    def bundled(cls) -> CardFonts:
        """Courier Prime as shipped in ``resources/fonts/courier-prime``."""
        folder = ("fonts", "courier-prime")
        return cls(
            resource_path(*folder, "CourierPrime-Regular.ttf"),
            resource_path(*folder, "CourierPrime-Bold.ttf"),
        )


@dataclass(frozen=True, slots=True)
class CardFiles:
    """Paths of the UTF-8 text files holding a card's heading, action and cast."""

    heading: Path
    action: Path
    cast: Path


@dataclass(frozen=True, slots=True)
class Card:
    """One shot as a card clip: exactly ``frames`` frames of ``fmt``."""

    look: CardLook
    texts: CardFiles
    fmt: VideoFormat
    frames: int
    fonts: CardFonts
    motion: Motion = Motion.NONE

    def __post_init__(self) -> None:
        if self.frames < 1:
            raise ValueError(f"a card needs at least one frame, got {self.frames}")


def card_filter(card: Card, label: str = "v") -> str:
    """The filter chain that draws the card once and repeats it, ending in ``[label]``."""
    fmt, look, layout = card.fmt, card.look, CardLayout.for_format(card.fmt)
    moving = card.motion is not Motion.NONE
    # A moving card is drawn larger (motion_canvas) so zooms and pans never reveal
    # an edge and pans can move by whole pixels over the full travel.
    width, height = motion_canvas(fmt) if moving else (fmt.width, fmt.height)
    offset_x, offset_y = (width - fmt.width) // 2, (height - fmt.height) // 2
    m = layout.margin
    # The gradient line must end inside the frame (y1 = height - 1): FFmpeg's gradients
    # source takes out-of-frame points as unset and draws a random gradient instead.
    source = (
        f"gradients=s={width}x{height}:r={fmt.rate}:c0={look.top}:c1={look.bottom}"
        f":x0=0:y0=0:x1=0:y1={height - 1}:nb_colors=2:speed=0,trim=end_frame=1"
    )
    shadow = max(1, round(fmt.height / 360))
    style = (
        f":fontcolor={look.ink}:shadowcolor={look.shadow}@0.45"
        f":shadowx={shadow}:shadowy={shadow}:line_spacing={layout.line_gap}:expansion=none"
    )

    def text(font: Path, textfile: Path, size: int, y: int) -> str:
        return (
            f"drawtext=fontfile={filter_path(font)}:textfile={filter_path(textfile)}"
            f":fontsize={size}:x={offset_x + m}:y={offset_y + y}{style}"
        )

    rule = (
        f"drawbox=x={offset_x + m}:y={offset_y + layout.action_y - layout.margin // 4}"
        f":w={max(2, fmt.width // 6)}:h={max(1, fmt.height // 180)}"
        f":color={look.ink}@0.6:t=fill"
    )
    parts = [
        source,
        text(card.fonts.bold, card.texts.heading, layout.heading_size, m),
        rule,
        text(card.fonts.regular, card.texts.action, layout.action_size, layout.action_y),
        text(card.fonts.bold, card.texts.cast, layout.cast_size, fmt.height - m - layout.cast_size),
        TO_BT709,
        motion_filter(card.motion, fmt, card.frames),
        "setsar=1",
    ]
    return ",".join(parts) + f"[{label}]"


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
    z_end = _number(width / fmt.width)
    z_start = _number(width / fmt.width / 1.1)
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


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _even(value: float) -> int:
    return int(value) // 2 * 2


def card_argv(card: Card, output: Path, x264: X264 | None = None) -> Argv:
    """FFmpeg arguments that render ``card`` to an H.264 MP4 (video only) at ``output``.

    The output has exactly ``card.frames`` frames of ``card.fmt`` in yuv420p with
    SAR 1; the container is forced to MP4 so ``output`` may end in ``.part``.
    """
    return cards_argv([card], output, x264)


def cards_argv(cards: Sequence[Card], output: Path, x264: X264 | None = None) -> Argv:
    """FFmpeg arguments that render several cards back to back into one clip.

    One process and one encode for a whole scene of card shots: the cheapest way to
    a scene clip. All cards must share one format; the clip has exactly the sum of
    their frames.
    """
    if not cards:
        raise ValueError("a clip needs at least one card")
    fmt = cards[0].fmt
    if any(card.fmt != fmt for card in cards):
        raise ValueError("all cards of one clip must share a video format")
    if len(cards) == 1:
        graph = card_filter(cards[0])
    else:
        chains = [card_filter(card, f"c{n}") for n, card in enumerate(cards)]
        labels = "".join(f"[c{n}]" for n in range(len(cards)))
        graph = ";".join([*chains, f"{labels}concat=n={len(cards)}:v=1:a=0[v]"])
    return (
        *global_args(),
        *clip_output_args(graph, fmt, sum(card.frames for card in cards), output, x264),
    )


def clip_output_args(
    graph: str, fmt: VideoFormat, frames: int, output: Path, x264: X264 | None = None
) -> Argv:
    """The end of every scene-clip command: ``graph``'s ``[v]`` encoded to a video-only MP4.

    Exactly ``frames`` frames at ``fmt``'s rate, H.264 by ``x264`` (the default
    settings if None); the container is forced to MP4 so ``output`` may end in ``.part``.
    """
    encoder = x264 or X264()
    return (
        "-filter_complex",
        graph,
        "-map",
        "[v]",
        "-frames:v",
        str(frames),
        "-r",
        fmt.rate,
        *encoder.args(fmt),
        "-an",
        "-f",
        "mp4",
        input_path(output),
    )
