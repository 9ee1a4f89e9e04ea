"""Marks as FFmpeg draws them on cards: each shape recognisable, one character's mark everywhere.

Every check renders a real card with the bundled FFmpeg and reads the decoded pixels.
"""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

from tests.core.pipeline.conftest import write_card_files
from tests.core.pipeline.test_marks import overlap
from vividverse_desktop.core.pipeline.card_clips import card_argv
from vividverse_desktop.core.pipeline.cards import (
    ADVANCE_EM,
    Card,
    CardFonts,
    CardLayout,
    CardText,
    ShotKind,
    card_look,
    card_text,
    cast_line,
)
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.marks import SHAPES, Shape, inside, mark_at
from vividverse_desktop.core.screenplay.heading import parse_heading
from vividverse_desktop.media.ffmpeg import FFmpeg

HD = VideoFormat(1280, 720, Fraction(12))
FULL_HD = VideoFormat(1920, 1080, Fraction(12))
Cells = set[tuple[int, int]]


class Frame:
    """One decoded RGB frame."""

    def __init__(self, data: bytes, fmt: VideoFormat) -> None:
        self.data, self.width, self.height = data, fmt.width, fmt.height

    def at(self, x: int, y: int) -> tuple[int, int, int]:
        i = (y * self.width + x) * 3
        return self.data[i], self.data[i + 1], self.data[i + 2]


def render(
    ffmpeg: FFmpeg, folder: Path, text: CardText, fmt: VideoFormat, heading: str = "INT. ROOM - DAY"
) -> Frame:
    """Draw one card of ``text`` in the look of ``heading`` (a day interior) and decode it."""
    folder.mkdir(parents=True, exist_ok=True)
    files = write_card_files(folder, text)
    look = card_look(parse_heading(heading))
    exterior = heading.startswith("EXT")
    card = Card(look, files, fmt, 1, CardFonts.bundled(), text=text, exterior=exterior)
    ffmpeg.run(card_argv(card, folder / "card.mp4"), timeout=60)
    data = subprocess.run(
        [str(ffmpeg.executable), "-v", "error", "-i", str(folder / "card.mp4"),
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    assert len(data) == fmt.width * fmt.height * 3
    return Frame(data, fmt)


def rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour, 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def near(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 60) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b, strict=True))


def distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
    return max(abs(p - q) for p, q in zip(a, b, strict=True))


def painted(frame: Frame, box: tuple[int, int, int, int], colour: str) -> Cells:
    """Pixels of ``box`` (x, y, w, h) nearer ``colour`` than the card behind, relative to the box.

    The card behind a row is its gradient at the frame's left edge.
    """
    x0, y0, w, h = box
    want = rgb(colour)
    cells = set()
    for y in range(h):
        ground = frame.at(2, y0 + y)
        for x in range(w):
            pixel = frame.at(x0 + x, y0 + y)
            if distance(pixel, want) < min(60, distance(pixel, ground)):
                cells.add((x, y))
    return cells


def shape_cells(shape: Shape, side: int, dx: int = 0, dy: int = 0) -> Cells:
    """Pixels of a ``side`` px box the shape covers, shifted by (dx, dy)."""
    return {
        (x + dx, y + dy)
        for x in range(side)
        for y in range(side)
        if inside(shape, (x + 0.5) / side, (y + 0.5) / side)
    }


def best_match(cells: Cells, side: int) -> tuple[Shape, float]:
    """The shape whose outline the pixels fit best (a pixel of slack each way), and how well."""
    slack = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
    scores = {
        shape: max(overlap(cells, shape_cells(shape, side, dx, dy)) for dx, dy in slack)
        for shape in SHAPES
    }
    shape = max(scores, key=lambda s: scores[s])
    return shape, scores[shape]


def cast_row_boxes(fmt: VideoFormat, names: tuple[str, ...]) -> list[tuple[int, int, int, int]]:
    """Where an action card draws each name's mark at its foot (x, y, side, side)."""
    layout = CardLayout.for_format(fmt)
    size, m = layout.cast_size, layout.margin
    _, columns = cast_line(names, layout.columns(fmt, size))
    side = round(size * 0.8)
    y = fmt.height - m - size + (size - side) // 4
    return [(m + round(col * ADVANCE_EM * size), y, side, side) for col in columns]


def test_every_shape_is_drawn_as_its_outline(ffmpeg: FFmpeg, tmp_path: Path) -> None:
    """The first eight characters' marks at the foot of a card: each pixel set fits its own
    shape better than any other, and is painted in its own colour."""
    names = ("AL", "BO", "CY", "DI", "ED", "FAY", "GUS", "HAL")
    text = card_text(FULL_HD, "INT. ROOM - DAY", "Eight people wait.", names)
    assert [m.shape for m in text.marks] == list(SHAPES)
    frame = render(ffmpeg, tmp_path, text, FULL_HD)
    boxes = cast_row_boxes(FULL_HD, names)
    assert len(boxes) == len(names)
    for box, mark in zip(boxes, text.marks, strict=True):
        cells = painted(frame, box, mark.colour)
        shape, score = best_match(cells, box[2])
        assert shape is mark.shape, (mark, shape, score)
        assert score > 0.7, (mark, score)


def test_two_characters_sharing_a_colour_differ_in_shape_everywhere(
    ffmpeg: FFmpeg, tmp_path: Path
) -> None:
    """The 1st and 13th of a cast share red: a circle and a cross, at the foot of an action card,
    as figures on a speech card, and beside the speaker's name in the lower third."""
    cast = tuple(f"PERSON {n}" for n in range(13))
    first, thirteenth = cast[0], cast[12]
    assert mark_at(0).colour == mark_at(12).colour
    present = (first, thirteenth)
    action = card_text(HD, "INT. ROOM - DAY", "They meet.", present, cast=cast)
    assert [m.shape for m in action.marks] == [Shape.CIRCLE, Shape.CROSS]
    frame = render(ffmpeg, tmp_path / "action", action, HD)
    for box, mark in zip(cast_row_boxes(HD, present), action.marks, strict=True):
        assert best_match(painted(frame, box, mark.colour), box[2])[0] is mark.shape

    speech = card_text(HD, "INT. ROOM - DAY", "", present, kind=ShotKind.SPEECH,
                       speaker=thirteenth, line="Hello.", cast=cast)  # fmt: skip
    assert speech.speaker_mark == action.marks[1]
    frame = render(ffmpeg, tmp_path / "speech", speech, HD)
    layout = CardLayout.for_format(HD)
    size = layout.cast_size
    lower = (layout.margin, layout.band_top(HD) + layout.margin // 3, size, size)
    red = mark_at(0).colour
    shape, score = best_match(painted(frame, lower, red), size)
    assert (shape, score > 0.7) == (Shape.CROSS, True)
    # The figures stand side by side, the listener (left) faded: each head is its own shape.
    row = layout.band_top(HD) - layout.margin // 4 - size
    heads = [head(frame, range(x0, x1), range(layout.action_y, row)) for x0, x1 in
             ((0, HD.width // 2), (HD.width // 2, HD.width))]  # fmt: skip
    assert [classify(cells) for cells in heads] == [Shape.CIRCLE, Shape.CROSS]


def head(frame: Frame, xs: range, ys: range) -> Cells:
    """The topmost figure blob in the region: the rows of card-unlike pixels down to a gap."""
    cells: Cells = set()
    started = False
    for y in ys:
        ground = frame.at(2, y)  # the card's gradient at this height, at the left edge
        row = {(x, y) for x in xs if not near(frame.at(x, y), ground, 30)}
        if row:
            cells |= row
            started = True
        elif started:
            break
    return cells


def classify(cells: Cells) -> Shape:
    """The shape whose outline, stretched to the same bounding box, the pixels fit best."""
    seen = normalised(cells)
    return max(SHAPES, key=lambda shape: overlap(seen, normalised(shape_cells(shape, 60))))


def normalised(cells: Cells, n: int = 24) -> Cells:
    """The cells scaled so their bounding box fills an n x n grid."""
    xs, ys = [x for x, _ in cells], [y for _, y in cells]
    x0, y0 = min(xs), min(ys)
    w, h = max(xs) - x0 + 1, max(ys) - y0 + 1
    return {((x - x0) * n // w, (y - y0) * n // h) for x, y in cells}


def test_the_establishing_sun_is_a_disc(ffmpeg: FFmpeg, tmp_path: Path) -> None:
    """Outside by day the sun is round (the circle mark's glyph), not a square: its centre
    glows and the corners of its box show the sky."""
    text = card_text(HD, "THE BEACH", "EXTERIOR · DAY", (), kind=ShotKind.ESTABLISHING)
    frame = render(ffmpeg, tmp_path, text, HD, "EXT. BEACH - DAY")
    disc, x, y = round(HD.height * 0.14), round(HD.width * 0.74), round(HD.height * 0.12)
    sun = painted(frame, (x, y, disc, disc), "0xfff2b0")
    assert best_match(sun, disc)[0] is Shape.CIRCLE
    assert (0, 0) not in sun
    assert (disc // 2, disc // 2) in sun
