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
import hashlib
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

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


class ShotKind(enum.StrEnum):
    """What a shot shows: a location's establishing card, an action beat or a speech."""

    ESTABLISHING = "establishing"
    ACTION = "action"
    SPEECH = "speech"


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
    """The texts of a card, wrapped to fit; the caller writes each to a file.

    ``heading_size`` is the heading's font size after shrinking a long heading to
    fit its two lines; a speech card adds its ``speaker`` and spoken ``line``
    (the lower third). ``names`` are the characters whose marks the card draws.
    """

    heading: str
    action: str
    cast: str
    speaker: str = ""
    line: str = ""
    heading_size: int = 0
    names: tuple[str, ...] = ()
    kind: ShotKind = ShotKind.ACTION


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
    def establishing_size(self) -> int:
        """The location's size on an establishing card: a fifth larger than a heading."""
        return round(self.heading_size * 1.2)

    @property
    def rule_y(self) -> int:
        """Top of the rule under the heading: a quarter margin above the action."""
        return self.action_y - self.margin // 4

    def band_top(self, fmt: VideoFormat) -> int:
        """Top of a speech card's lower third: the bottom 30% of the frame."""
        return round(fmt.height * 0.7)

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


MIN_HEADING_SCALE = 0.6
"""A long heading shrinks down to this share of its size before it is cut with an ellipsis."""
LOWER_THIRD_LINES = 2
NAME_CHARS = 12
"""A name under a figure is cut to this many characters (a figure's slot is wider)."""


def card_text(
    fmt: VideoFormat,
    heading: str,
    action: str,
    characters: tuple[str, ...] | list[str],
    *,
    kind: ShotKind = ShotKind.ACTION,
    speaker: str = "",
    line: str = "",
) -> CardText:
    """Wrap a card's texts to the frame; overflowing text ends with an ellipsis.

    The heading is upper-cased and kept to two lines, shrinking (down to
    :data:`MIN_HEADING_SCALE`) before it is cut; the action to the lines that fit,
    the cast to one line of names with room for each name's mark before it. A
    speech card's ``line`` is wrapped to the lower third. Control characters
    become spaces.
    """
    layout = CardLayout.for_format(fmt)
    base = layout.establishing_size if kind is ShotKind.ESTABLISHING else layout.heading_size
    size, wrapped = base, ""
    for size in range(base, max(1, round(base * MIN_HEADING_SCALE)) - 1, -1):
        columns = layout.columns(fmt, size)
        wrapped = _fit(heading.upper(), columns, 2)
        if not wrapped.endswith(_ELLIPSIS):
            break
    names = tuple(characters)
    return CardText(
        heading=wrapped,
        action=_fit(action, layout.columns(fmt, layout.action_size), layout.action_lines),
        cast=cast_line(names, layout.columns(fmt, layout.cast_size))[0],
        speaker=_fit(speaker.upper(), layout.columns(fmt, layout.cast_size) - 3, 1),
        line=_fit(line, layout.columns(fmt, layout.action_size), LOWER_THIRD_LINES),
        heading_size=size,
        names=names,
        kind=kind,
    )


def cast_line(names: Sequence[str], columns: int) -> tuple[str, tuple[int, ...]]:
    """The cast row's text and the column where each shown name's mark goes.

    Each name is written after two blank columns (its mark) and three columns
    apart from the one before; names that do not fit are counted as ``+N``.
    """
    text, marks = "", list[int]()
    for n, name in enumerate(names):
        entry = ("   " if text else "") + "  " + _clean(name).replace("\n", " ")
        rest = len(names) - n - 1
        more = f"   +{rest}" if rest else ""
        if len(text) + len(entry) + len(more) > columns:
            return text + f"{'   ' if text else ''}+{len(names) - n}", tuple(marks)
        marks.append(len(text) + (3 if text else 0))
        text += entry
    return text, tuple(marks)


_MARK_COLOURS = (
    "0xe6194b", "0x3cb44b", "0xffe119", "0x4363d8", "0xf58231", "0x911eb4",
    "0x46f0f0", "0xf032e6", "0xbcf60c", "0xfabebe", "0x008080", "0xe6beff",
)  # fmt: skip


def mark_colour(name: str) -> str:
    """A character's own colour, the same in every scene and film: a hash of the name."""
    digest = hashlib.sha256(" ".join(name.upper().split()).encode("utf-8")).digest()
    return _MARK_COLOURS[digest[0] % len(_MARK_COLOURS)]


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
    """Paths of the UTF-8 text files holding a card's heading, action and cast.

    A speech card also has its speaker's name and spoken line (the lower third).
    """

    heading: Path
    action: Path
    cast: Path
    speaker: Path | None = None
    line: Path | None = None


@dataclass(frozen=True, slots=True)
class Card:
    """One shot as a card clip: exactly ``frames`` frames of ``fmt``.

    ``text`` gives the drawing its kind, heading size and the names to mark.
    ``fade_in`` frames rise from black (or, with ``dissolve_from``, dissolve from
    that card); the last ``fade_out`` frames go to black, the final two all black
    (a film slot may cut a frame or two off a clip's end).
    """

    look: CardLook
    texts: CardFiles
    fmt: VideoFormat
    frames: int
    fonts: CardFonts
    motion: Motion = Motion.NONE
    text: CardText = CardText("", "", "")
    fade_in: int = 0
    fade_out: int = 0
    dissolve_from: Card | None = None
    light: Light = Light.DAY
    exterior: bool = False

    def __post_init__(self) -> None:
        if self.frames < 1:
            raise ValueError(f"a card needs at least one frame, got {self.frames}")
        if self.fade_in + self.fade_out > self.frames or min(self.fade_in, self.fade_out) < 0:
            raise ValueError(f"fades of {self.fade_in} + {self.fade_out} frames exceed the card")


FADE_BLACK_FRAMES = 2
"""A fade to black ends this many frames before its clip does, so a cut slot still ends black."""


def _draw(card: Card, label: str) -> str:
    """The chain that draws one frame of ``card`` (motion-canvas sized when it moves)."""
    fmt, look, layout = card.fmt, card.look, CardLayout.for_format(card.fmt)
    moving = card.motion is not Motion.NONE
    width, height = motion_canvas(fmt) if moving else (fmt.width, fmt.height)
    ox, oy = (width - fmt.width) // 2, (height - fmt.height) // 2
    m, kind = layout.margin, card.text.kind
    # The gradient line must end inside the frame (y1 = height - 1): FFmpeg's gradients
    # source takes out-of-frame points as unset and draws a random gradient instead.
    # It is vertical, so a column two pixels wide is drawn and widened (pixel copies):
    # a full-width gradient cost ~25 ms of CPU per card at 720p, the column ~1 ms.
    parts = [
        f"gradients=s=2x{height}:r={fmt.rate}:c0={look.top}:c1={look.bottom}"
        f":x0=0:y0=0:x1=0:y1={height - 1}:nb_colors=2:speed=0,trim=end_frame=1,"
        f"scale={width}:{height}:flags=neighbor"
    ]
    shadow = max(1, round(fmt.height / 360))

    def text(
        font: Path, textfile: Path, size: int, at: tuple[int, int], ink: str = look.ink
    ) -> str:
        x, y = at
        return (
            f"drawtext=fontfile={filter_path(font)}:textfile={filter_path(textfile)}"
            f":fontsize={size}:x={ox + x}:y={oy + y}:fontcolor={ink}"
            f":shadowcolor={look.shadow}@0.45:shadowx={shadow}:shadowy={shadow}"
            f":line_spacing={layout.line_gap}:expansion=none"
        )

    def box(rect: tuple[int, int, int, int], colour: str, t: str = "fill") -> str:
        x, y, w, h = rect
        return f"drawbox=x={ox + x}:y={oy + y}:w={max(1, w)}:h={max(1, h)}:color={colour}:t={t}"

    heading_size = card.text.heading_size or layout.heading_size
    if kind is ShotKind.ESTABLISHING:
        parts += _establishing(card, layout, box)
        sub = layout.cast_size
        y = round(fmt.height * 0.62)
        parts.append(text(card.fonts.bold, card.texts.action, sub, (m, y)))
        parts.append(text(card.fonts.bold, card.texts.heading, heading_size, (m, y + 2 * sub)))
    else:
        parts += [
            text(card.fonts.bold, card.texts.heading, heading_size, (m, m)),
            box((m, layout.rule_y, fmt.width // 6, fmt.height // 180), f"{look.ink}@0.6"),
        ]
        if kind is ShotKind.SPEECH:
            parts += _figures(card, layout, box, text)
        else:
            at = (m, layout.action_y)
            parts.append(text(card.fonts.regular, card.texts.action, layout.action_size, at))
            parts += _cast_row(card, layout, box, text)
    parts += [TO_BT709]
    return ",".join(parts) + f"[{label}]"


def _establishing(card: Card, layout: CardLayout, box: Any) -> list[str]:
    """The place's look: a sky with sun or moon over the ground outside, a window inside."""
    fmt, look, light = card.fmt, card.look, card.light
    w, h = fmt.width, fmt.height
    sky = _LOOKS[(True, light)]
    if card.exterior:
        disc = round(h * (0.09 if light is Light.NIGHT else 0.14))
        y = round(h * {Light.DAY: 0.12, Light.NIGHT: 0.1}.get(light, 0.42))
        glow = "0xf4f1e0" if light is Light.NIGHT else "0xfff2b0"
        return [
            box((round(w * 0.74), y, disc, disc), f"{glow}@0.9"),
            box((0, round(h * 0.58), w, h - round(h * 0.58)), f"{look.shadow}@0.35"),
            box((0, round(h * 0.58), w, max(1, h // 240)), f"{look.ink}@0.5"),
        ]
    x, y, ww, wh = round(w * 0.62), round(h * 0.12), round(w * 0.26), round(h * 0.4)
    t = max(2, h // 120)
    return [
        box((x, y, ww, wh), sky.top),
        box((x, y + wh // 2, ww, wh - wh // 2), f"{sky.bottom}@0.8"),
        box((x, y, ww, wh), f"{look.ink}@0.7", str(t)),
        box((x + ww // 2 - t // 2, y, t, wh), f"{look.ink}@0.7"),
        box((x, y + wh // 2 - t // 2, ww, t), f"{look.ink}@0.7"),
    ]


def _cast_row(card: Card, layout: CardLayout, box: Any, text: Any, y: int = -1) -> list[str]:
    """The characters present (at the foot unless ``y`` says): names after their marks."""
    fmt, m = card.fmt, layout.margin
    size = layout.cast_size
    y = fmt.height - m - size if y < 0 else y
    _, columns = cast_line(card.text.names, layout.columns(fmt, size))
    advance = _ADVANCE_EM * size
    side = round(size * 0.8)
    parts = [
        box((m + round(col * advance), y + (size - side) // 4, side, side), mark_colour(name))
        for col, name in zip(columns, card.text.names, strict=False)
    ]
    return [*parts, text(card.fonts.bold, card.texts.cast, size, (m, y))]


def _figures(card: Card, layout: CardLayout, box: Any, text: Any) -> list[str]:
    """A speech: everyone present as a figure in their colour, the speaker in front, and
    the lower third with the speaker's mark, name and line."""
    fmt, m = card.fmt, layout.margin
    top, band = layout.action_y, layout.band_top(fmt)
    speaker = card.text.speaker.strip().rstrip(_ELLIPSIS)
    names = list(card.text.names) or ([speaker] if speaker else [])
    slot = round((NAME_CHARS + 2) * _ADVANCE_EM * layout.cast_size)
    room = max(1, (fmt.width - 2 * m) // slot)
    names = names[:room]
    parts: list[str] = []
    row = band - layout.margin // 4 - layout.cast_size
    tall = row - top - layout.margin // 2
    head = max(2, round(min(slot * 0.3, tall * 0.3)))
    body_w, body_h = max(2, round(slot * 0.5)), max(2, tall - head - head // 4)
    start = (fmt.width - slot * len(names)) // 2
    for n, name in enumerate(names):
        spoken = name.upper().startswith(speaker) if speaker else False
        alpha = "" if spoken or not speaker else "@0.5"
        colour = mark_colour(name) + alpha
        cx = start + n * slot + slot // 2
        lift = 0 if spoken else head // 3
        parts.append(box((cx - head // 2, top + lift, head, head), colour))
        body = (cx - body_w // 2, top + lift + head + head // 4, body_w, body_h - lift)
        parts.append(box(body, colour))
    parts += _cast_row(card, layout, box, text, row)
    parts.append(box((0, band, fmt.width, fmt.height - band), "0x000000@0.6"))
    name_size = layout.cast_size
    y = band + layout.margin // 3
    parts.append(box((m, y, name_size, name_size), mark_colour(speaker)))
    if card.texts.speaker is not None:
        parts.append(
            text(
                card.fonts.bold,
                card.texts.speaker,
                name_size,
                (m + name_size + name_size // 2, y),
                "0xffffff",
            )
        )
    if card.texts.line is not None:
        parts.append(
            text(
                card.fonts.regular,
                card.texts.line,
                layout.action_size,
                (m, y + name_size + 2 * layout.line_gap),
                "0xffffff",
            )
        )
    return parts


def card_filter(card: Card, label: str = "v", frames: int | None = None) -> str:
    """The filter chain that draws the card once and repeats it, ending in ``[label]``.

    ``frames`` (default the card's) is how many frames the chain gives; the card's
    fades and dissolve fall at its start and end.
    """
    count = card.frames if frames is None else frames
    fade_out = min(card.fade_out, count)
    fade_in = min(card.fade_in, count - fade_out)
    held = [
        motion_filter(card.motion, card.fmt, count),
        *fades(fade_in if card.dissolve_from is None else 0, fade_out, count),
        "setsar=1",
    ]
    drawn = _draw(card, f"{label}d")
    if card.dissolve_from is None or not fade_in:
        return drawn.removesuffix(f"[{label}d]") + "," + ",".join(held) + f"[{label}]"
    before = replace(card.dissolve_from, frames=fade_in, fade_in=0, fade_out=0,
                     dissolve_from=None, motion=Motion.NONE)  # fmt: skip
    seconds = _number(float(card.fmt.seconds(fade_in)))
    return ";".join([
        card_filter(before, f"{label}p"),
        drawn,
        f"[{label}d]{','.join(held)}[{label}q]",
        f"[{label}p][{label}q]xfade=transition=fade:duration={seconds}:offset=0,setsar=1[{label}]",
    ])  # fmt: skip


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


@dataclass(frozen=True, slots=True)
class CardPieces:
    """How a card is encoded once and repeated by stream copy (x264 without B-frames).

    A held card is encoded as up to three pieces, each opening on a keyframe: its
    ``rise`` (a fade from black or a dissolve), one ``held`` group of pictures
    repeated to fill ``middle`` frames, and its ``fall`` to black. A moving card is
    one piece of all its frames.
    """

    rise: int
    held: int
    fall: int
    middle: int

    @property
    def rendered(self) -> int:
        """Frames encoded for the card."""
        return self.rise + self.held + self.fall

    def entries(self) -> list[tuple[int, int]]:
        """The card's frames as (piece, frames kept) in order; pieces count from 0."""
        out: list[tuple[int, int]] = []
        piece = 0
        if self.rise:
            out.append((piece, self.rise))
            piece += 1
        if self.held:
            whole, rest = divmod(self.middle, self.held)
            out += [(piece, self.held)] * whole + ([(piece, rest)] if rest else [])
            piece += 1
        if self.fall:
            out.append((piece, self.fall))
        return out

    def sizes(self) -> list[int]:
        """Frames of each encoded piece, in order."""
        return [n for n in (self.rise, self.held, self.fall) if n]


def card_pieces(card: Card, group: int) -> CardPieces:
    """The pieces of ``card`` for groups of pictures of ``group`` frames (the keyframe interval).

    Fades and dissolves last their card's ``fade_in`` / ``fade_out`` frames; the
    held group is at most ``group`` frames, so the film keeps a keyframe at least
    that often.
    """
    if card.motion is not Motion.NONE:
        return CardPieces(0, card.frames, 0, card.frames)
    fall = min(card.fade_out, card.frames)
    rise = min(card.fade_in, card.frames - fall)
    middle = card.frames - rise - fall
    return CardPieces(rise, min(group, middle), fall, middle)


def piece_starts(cards: Sequence[Card]) -> list[int]:
    """The first frame of every piece of the cards, encoded back to back."""
    group = cards[0].fmt.keyframe_interval if cards else 1
    starts, at = [], 0
    for card in cards:
        for size in card_pieces(card, group).sizes():
            starts.append(at)
            at += size
    return starts


def pieces_argv(cards: Sequence[Card], output: Path, x264: X264 | None = None) -> Argv:
    """FFmpeg arguments encoding every card's pieces in one run, as one Annex B H.264 stream.

    Each piece opens on a forced keyframe (parameter sets repeat before every
    keyframe), so any piece's bytes decode on their own and a byte range list can
    repeat or cut them by stream copy. x264 runs on one thread: the encode is a few
    frames per card and scenes render in parallel, so frame threads would only add
    their start-up and hand-over work.
    """
    if not cards:
        raise ValueError("a clip needs at least one card")
    fmt = cards[0].fmt
    encoder = x264 or X264()
    group = fmt.keyframe_interval
    chains, frames = [], 0
    for n, card in enumerate(cards):
        pieces = card_pieces(card, group)
        shaped = replace(card, fade_in=pieces.rise, fade_out=pieces.fall)
        chains.append(card_filter(shaped, f"c{n}", frames=pieces.rendered))
        frames += pieces.rendered
    labels = "".join(f"[c{n}]" for n in range(len(cards)))
    graph = ";".join([*chains, f"{labels}concat=n={len(cards)}:v=1:a=0[v]"])
    keys = "+".join(f"eq(n,{k})" for k in piece_starts(cards))
    return (
        *global_args(),
        "-filter_complex", graph, "-map", "[v]", "-frames:v", str(frames), "-r", fmt.rate,
        *encoder.args(fmt)[:-2], "-threads", "1", "-force_key_frames", f"expr:{keys}",
        "-an", "-f", "h264", input_path(output),
    )  # fmt: skip
