"""Character marks: a shape and a colour per character, distinct within a film.

Each character of a film gets a :class:`Mark` by its place in the film's cast
(the order of first appearance, see ``plan.film_cast``): the n-th character has
colour ``n % 12`` and shape ``(n + n // 12) % 8``. So the first eight characters
differ in shape *and* colour (a colour-blind viewer tells them apart by shape),
the first twelve differ in colour, and no two of the first 96 share both; only
beyond 96 characters do marks repeat.

Shapes are drawn as glyphs of the bundled marks font (``resources/fonts/marks``,
made by ``build_spec/mark_font.py`` from :func:`outline`), so FFmpeg's
``drawtext`` paints them smooth at any size with no image to decode.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

COLOURS = (
    "0xe6194b", "0x3cb44b", "0xffe119", "0x4363d8", "0xf58231", "0x911eb4",
    "0x46f0f0", "0xf032e6", "0xbcf60c", "0xfabebe", "0x008080", "0xe6beff",
)  # fmt: skip
"""Twelve colours that stay apart on day and night cards, the most distinct first."""


class Shape(enum.StrEnum):
    """The shape of a mark, in the order characters are given them."""

    CIRCLE = "circle"
    SQUARE = "square"
    TRIANGLE = "triangle"
    DIAMOND = "diamond"
    STAR = "star"
    CROSS = "cross"
    TRIANGLE_DOWN = "triangle_down"
    HEXAGON = "hexagon"


SHAPES = tuple(Shape)
MARKS_FONT = ("fonts", "marks", "VividverseMarks.ttf")
"""The marks font inside the resources folder."""
DISTINCT = len(COLOURS) * len(SHAPES)
"""How many characters of one film get marks of their own (96)."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A character's mark: a shape in a colour (``0xRRGGBB``)."""

    shape: Shape
    colour: str

    @property
    def glyph(self) -> str:
        """The marks font's character that draws this shape (ASCII: ``A`` is the circle)."""
        return glyph_of(self.shape)


def mark_at(index: int) -> Mark:
    """The mark of the film's ``index``-th character (counting from 0)."""
    n = index % DISTINCT
    shape = SHAPES[(n + n // len(COLOURS)) % len(SHAPES)]
    return Mark(shape, COLOURS[n % len(COLOURS)])


def name_key(name: str) -> str:
    """A name as marks compare it: upper case, spaces collapsed."""
    return " ".join(name.upper().split())


def cast_order(names: Iterable[str]) -> tuple[str, ...]:
    """The distinct names (as :func:`name_key` gives them) in order of first appearance."""
    return tuple(dict.fromkeys(k for k in map(name_key, names) if k))


def marks_for(names: Sequence[str], cast: Sequence[str] = ()) -> tuple[Mark, ...]:
    """The marks of ``names``: by their place in the film's ``cast``.

    A name the cast lacks (or every name, with no cast) takes the next places
    after the cast, in the order given, so the names of one card never share a mark.
    """
    places: dict[str, int] = {key: n for n, key in enumerate(cast_order(cast))}
    for key in cast_order(names):
        places.setdefault(key, len(places))
    return tuple(
        mark_at(places[name_key(name)]) if name_key(name) else mark_at(0) for name in names
    )


def cast_marks(cast: Sequence[str]) -> Mapping[str, Mark]:
    """Every name of the cast (by :func:`name_key`) with its mark."""
    order = cast_order(cast)
    return dict(zip(order, marks_for(order), strict=True))


def glyph_of(shape: Shape) -> str:
    """The ASCII character of ``shape`` in the marks font."""
    return chr(ord("A") + SHAPES.index(shape))


Point = tuple[float, float]


@functools.cache
def outline(shape: Shape) -> tuple[Point, ...]:
    """The shape as one polygon in the unit box, ``y`` downwards (screen order).

    Every shape is centred in the box and fits it; the circle touches all four
    sides. Points run clockwise on screen.
    """
    if shape is Shape.CIRCLE:
        return _ring(0.5, 0.5, 0.5, 64, 0.0)
    if shape is Shape.SQUARE:
        a, b = 0.07, 0.93
        return ((a, a), (b, a), (b, b), (a, b))
    if shape is Shape.TRIANGLE:
        return ((0.5, 0.04), (1.0, 0.94), (0.0, 0.94))
    if shape is Shape.TRIANGLE_DOWN:
        return ((0.0, 0.06), (1.0, 0.06), (0.5, 0.96))
    if shape is Shape.DIAMOND:
        return ((0.5, 0.0), (0.94, 0.5), (0.5, 1.0), (0.06, 0.5))
    if shape is Shape.HEXAGON:
        return _ring(0.5, 0.5, 0.5, 6, 0.0)
    if shape is Shape.STAR:
        outer, inner = 0.52, 0.52 * 0.45
        cy = 0.5 + (outer - outer * math.cos(math.pi / 5)) / 2
        points = []
        for k in range(10):
            r = outer if k % 2 == 0 else inner
            angle = -math.pi / 2 + k * math.pi / 5
            points.append((0.5 + r * math.cos(angle), cy + r * math.sin(angle)))
        return tuple(points)
    a, b, lo, hi = 0.04, 0.96, 0.33, 0.67  # the cross: a plus sign with thick arms
    return (
        (lo, a), (hi, a), (hi, lo), (b, lo), (b, hi), (hi, hi),
        (hi, b), (lo, b), (lo, hi), (a, hi), (a, lo), (lo, lo),
    )  # fmt: skip


def _ring(cx: float, cy: float, r: float, corners: int, start: float) -> tuple[Point, ...]:
    return tuple(
        (cx + r * math.cos(start + 2 * math.pi * k / corners),
         cy + r * math.sin(start + 2 * math.pi * k / corners))
        for k in range(corners)
    )  # fmt: skip


def top_of(shape: Shape) -> float:
    """The top of the shape's polygon, as a share of the box (drawtext places glyph tops)."""
    return min(y for _, y in outline(shape))


def inside(shape: Shape, x: float, y: float) -> bool:
    """Whether the point (unit box, ``y`` down) is inside the shape (even-odd rule)."""
    points = outline(shape)
    hit = False
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit
