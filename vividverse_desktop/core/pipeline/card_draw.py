"""Drawing a card: the filter chain that paints one frame of it and holds it for the shot.

The frame is a one-frame gradient source with ``drawtext`` and ``drawbox`` on it
(see :mod:`core.pipeline.cards` for what a card shows), repeated with ``loop``
or moved with ``zoompan`` (:mod:`core.pipeline.motion`), faded or dissolved at
its ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from vividverse_desktop.core.pipeline.cards import (
    ADVANCE_EM,
    ELLIPSIS,
    NAME_CHARS,
    Card,
    CardLayout,
    CardLook,
    Light,
    Motion,
    ShotKind,
    cast_line,
    look_of,
)
from vividverse_desktop.core.pipeline.ffmpeg_args import TO_BT709, filter_path
from vividverse_desktop.core.pipeline.marks import Mark, Shape, top_of
from vividverse_desktop.core.pipeline.motion import fades, motion_canvas, motion_filter, number


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

    def mark(sign: Mark, at: tuple[int, int], size: int) -> str:
        """The mark's glyph filling the ``size`` px square at ``at`` (drawtext places its top)."""
        x, y = at
        return (
            f"drawtext=fontfile={filter_path(card.fonts.marks)}:text={sign.glyph}"
            f":fontsize={max(1, size)}:x={ox + x}:y={oy + y + round(top_of(sign.shape) * size)}"
            f":fontcolor={sign.colour}:expansion=none"
        )

    heading_size = card.text.heading_size or layout.heading_size
    if kind is ShotKind.ESTABLISHING:
        parts += _establishing(card, _Pens(box, text, mark))
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
            parts += _figures(card, layout, _Pens(box, text, mark))
        else:
            at = (m, layout.action_y)
            parts.append(text(card.fonts.regular, card.texts.action, layout.action_size, at))
            parts += _cast_row(card, layout, _Pens(box, text, mark))
    parts += [TO_BT709]
    return ",".join(parts) + f"[{label}]"


@dataclass(frozen=True, slots=True)
class _Pens:
    """What draws on a card: boxes, text from files, and marks (see ``_draw``)."""

    box: Callable[..., str]
    text: Callable[..., str]
    mark: Callable[..., str]


def _establishing(card: Card, pens: _Pens) -> list[str]:
    """The place's look: a sky with sun or moon over the ground outside, a window inside."""
    fmt, look, light, box = card.fmt, card.look, card.light, pens.box
    w, h = fmt.width, fmt.height
    sky = look_of(True, light)
    if card.exterior:
        disc = round(h * (0.09 if light is Light.NIGHT else 0.14))
        y = round(h * {Light.DAY: 0.12, Light.NIGHT: 0.1}.get(light, 0.42))
        glow = "0xf4f1e0" if light is Light.NIGHT else "0xfff2b0"
        return [
            pens.mark(Mark(Shape.CIRCLE, f"{glow}@0.9"), (round(w * 0.74), y), disc),
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


def _cast_row(card: Card, layout: CardLayout, pens: _Pens, y: int = -1) -> list[str]:
    """The characters present (at the foot unless ``y`` says): names after their marks."""
    fmt, m = card.fmt, layout.margin
    size = layout.cast_size
    y = fmt.height - m - size if y < 0 else y
    _, columns = cast_line(card.text.names, layout.columns(fmt, size))
    advance = ADVANCE_EM * size
    side = round(size * 0.8)
    parts = [
        pens.mark(sign, (m + round(col * advance), y + (size - side) // 4), side)
        for col, sign in zip(columns, card.text.marks, strict=False)
    ]
    return [*parts, pens.text(card.fonts.bold, card.texts.cast, size, (m, y))]


def _figures(card: Card, layout: CardLayout, pens: _Pens) -> list[str]:
    """A speech: everyone present as a figure in their mark's shape and colour, the
    speaker in front, and the lower third with the speaker's mark, name and line."""
    fmt, m = card.fmt, layout.margin
    box, text = pens.box, pens.text
    top, band = layout.action_y, layout.band_top(fmt)
    speaker = card.text.speaker.strip().rstrip(ELLIPSIS)
    sign = card.text.speaker_mark
    people = list(zip(card.text.names, card.text.marks, strict=False))
    if not people and speaker and sign is not None:
        people = [(speaker, sign)]
    slot = round((NAME_CHARS + 2) * ADVANCE_EM * layout.cast_size)
    room = max(1, (fmt.width - 2 * m) // slot)
    people = people[:room]
    parts: list[str] = []
    row = band - layout.margin // 4 - layout.cast_size
    tall = row - top - layout.margin // 2
    head = max(2, round(min(slot * 0.36, tall * 0.36)))  # the mark: big enough to read
    body_w, body_h = max(2, round(slot * 0.5)), max(2, tall - head - head // 4)
    start = (fmt.width - slot * len(people)) // 2
    for n, (name, mark) in enumerate(people):
        spoken = name.upper().startswith(speaker) if speaker else False
        cx = start + n * slot + slot // 2
        lift = 0 if spoken else head // 3
        body = (cx - body_w // 2, top + lift + head + head // 4, body_w, body_h - lift)
        own = mark
        if speaker and not spoken:  # those who listen stand back, half faded into the card
            behind = (body[1] + body[3] / 2) / fmt.height
            own = replace(mark, colour=_mixed(mark.colour, card.look, behind))
        parts.append(pens.mark(own, (cx - head // 2, top + lift), head))
        parts.append(box(body, own.colour))
    parts += _cast_row(card, layout, pens, row)
    parts.append(box((0, band, fmt.width, fmt.height - band), "0x000000@0.6"))
    name_size = layout.cast_size
    y = band + layout.margin // 3
    if sign is not None:
        parts.append(pens.mark(sign, (m, y), name_size))
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


def _mixed(colour: str, look: CardLook, at: float) -> str:
    """``colour`` half blended with the card's gradient ``at`` (a share of its height).

    Drawn opaque: FFmpeg's ``drawbox`` blends a translucent colour wrongly on the
    4:2:0 frame the card is drawn on (0xe6194b at 50% over a pale blue sky came out
    (255, 81, 129), brighter than the red itself; ``drawtext`` gave the true blend,
    (198, 114, 154), so a faded head and body would not match).
    """

    def channels(value: str) -> tuple[int, int, int]:
        n = int(value, 16)
        return n >> 16, (n >> 8) & 0xFF, n & 0xFF

    top, bottom = channels(look.top), channels(look.bottom)
    ground = [t + (b - t) * at for t, b in zip(top, bottom, strict=True)]
    mixed = [round((c + g) / 2) for c, g in zip(channels(colour), ground, strict=True)]
    return "0x" + "".join(f"{c:02x}" for c in mixed)


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
    seconds = number(float(card.fmt.seconds(fade_in)))
    return ";".join([
        card_filter(before, f"{label}p"),
        drawn,
        f"[{label}d]{','.join(held)}[{label}q]",
        f"[{label}p][{label}q]xfade=transition=fade:duration={seconds}:offset=0,setsar=1[{label}]",
    ])  # fmt: skip
