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
from dataclasses import dataclass, field
from pathlib import Path

from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.marks import MARKS_FONT, Mark, marks_for
from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay.heading import DayNight, SceneHeading

ADVANCE_EM = 0.6
"""Courier Prime is monospaced: every glyph advances 0.6 em."""
ELLIPSIS = "…"


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
    return look_of(exterior, light_of(heading, day_night))


def look_of(exterior: bool, light: Light) -> CardLook:
    """The colours of an exterior (sky) or interior (room) card in ``light``."""
    return _LOOKS[(exterior, light)]


@dataclass(frozen=True, slots=True)
class CardText:
    """The texts of a card, wrapped to fit; the caller writes each to a file.

    ``heading_size`` is the heading's font size after shrinking a long heading to
    fit its two lines; a speech card adds its ``speaker`` and spoken ``line``
    (the lower third). ``names`` are the characters whose marks the card draws,
    ``marks`` their marks (one per name) and ``speaker_mark`` the speaker's.
    """

    heading: str
    action: str
    cast: str
    speaker: str = ""
    line: str = ""
    heading_size: int = 0
    names: tuple[str, ...] = ()
    kind: ShotKind = ShotKind.ACTION
    marks: tuple[Mark, ...] = ()
    speaker_mark: Mark | None = None


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
        return max(8, int((fmt.width - 2 * self.margin) / (ADVANCE_EM * size)))


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
    cast: Sequence[str] = (),
) -> CardText:
    """Wrap a card's texts to the frame; overflowing text ends with an ellipsis.

    The heading is upper-cased and kept to two lines, shrinking (down to
    :data:`MIN_HEADING_SCALE`) before it is cut; the action to the lines that fit,
    the cast to one line of names with room for each name's mark before it. A
    speech card's ``line`` is wrapped to the lower third. Control characters
    become spaces. Each name's mark comes from its place in the film's ``cast``
    (:func:`marks.marks_for`).
    """
    layout = CardLayout.for_format(fmt)
    base = layout.establishing_size if kind is ShotKind.ESTABLISHING else layout.heading_size
    size, wrapped = base, ""
    for size in range(base, max(1, round(base * MIN_HEADING_SCALE)) - 1, -1):
        columns = layout.columns(fmt, size)
        wrapped = _fit(heading.upper(), columns, 2)
        if not wrapped.endswith(ELLIPSIS):
            break
    names = tuple(characters)
    *marks, spoken = marks_for((*names, speaker), cast)
    return CardText(
        heading=wrapped,
        action=_fit(action, layout.columns(fmt, layout.action_size), layout.action_lines),
        cast=cast_line(names, layout.columns(fmt, layout.cast_size))[0],
        speaker=_fit(speaker.upper(), layout.columns(fmt, layout.cast_size) - 3, 1),
        line=_fit(line, layout.columns(fmt, layout.action_size), LOWER_THIRD_LINES),
        heading_size=size,
        names=names,
        kind=kind,
        marks=tuple(marks),
        speaker_mark=spoken if speaker.strip() else None,
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


def _fit(text: str, columns: int, max_lines: int) -> str:
    lines: list[str] = []
    for paragraph in _clean(text).split("\n"):
        lines.extend(textwrap.wrap(paragraph, columns, break_long_words=True) or [""])
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last[: columns - 1].rstrip() if len(last) >= columns else last) + ELLIPSIS
    return "\n".join(lines)


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c if c == "\n" or c.isprintable() else " " for c in text)


@dataclass(frozen=True, slots=True)
class CardFonts:
    """Regular and bold font files for card text, and the font whose glyphs are the marks."""

    regular: Path
    bold: Path
    marks: Path = field(default_factory=lambda: resource_path(*MARKS_FONT))

    @classmethod
    def bundled(cls) -> CardFonts:
        """Courier Prime as shipped in ``resources/fonts/courier-prime``, and the marks font."""
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
