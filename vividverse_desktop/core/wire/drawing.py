"""A drawing on a film's frame, carried by a review note: vector shapes, never pixels.

Coordinates are fractions of the frame, ``(x, y)`` from its top-left corner, each from 0
to 1, so a drawing fits the frame at any window size. Stroke widths and text sizes are
fractions of the frame's height. On the wire a drawing is a JSON array of shapes:

- ``{"kind": "pen", "points": [[x, y], ...], "color": "#rrggbb", "width": w}``
- ``{"kind": "arrow", "from": [x, y], "to": [x, y], "color": ..., "width": w}`` (head at ``to``)
- ``{"kind": "box", "from": [x, y], "to": [x, y], "color": ..., "width": w}`` (opposite corners)
- ``{"kind": "text", "at": [x, y], "text": "...", "color": ..., "size": s}`` (top-left of the text)

Every shape is checked when it is made, from JSON or in code: a :class:`WireError` names
the offending field (``drawing[2].points[5]``). A drawing holds at most
``MAX_SHAPES`` shapes and ``MAX_POINTS`` points in all.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass
from typing import Any

from vividverse_desktop.core.wire.fields import Reader, WireError, join
from vividverse_desktop.core.wire.schema import Kind

MAX_SHAPES = 200
MAX_POINTS = 2_000
"""Points in all the shapes of one drawing (a pen stroke's points, 2 per arrow or box...)."""
MAX_LABEL = 500
MAX_WIDTH = 0.05
"""The widest stroke: a twentieth of the frame's height."""
MIN_SIZE, MAX_SIZE = 0.01, 0.25
"""Text heights, as fractions of the frame's height."""
DEFAULT_COLOR = "#ff3b30"
DEFAULT_WIDTH = 0.004
DEFAULT_SIZE = 0.04

_COLOR = re.compile(r"#[0-9a-f]{6}")

Point = tuple[float, float]


class ShapeKind(enum.StrEnum):
    """The kinds of shape. Values are the wire strings."""

    PEN = "pen"
    ARROW = "arrow"
    BOX = "box"
    TEXT = "text"


def _point(value: object, where: str) -> Point:
    """``value`` as an ``(x, y)`` pair of numbers from 0 to 1."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise WireError("must be a point [x, y]", where)
    coordinates = []
    for axis, number in zip("xy", value, strict=True):
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise WireError(f"{axis} must be a number, not {number!r}", where)
        if not math.isfinite(number) or not 0.0 <= number <= 1.0:
            raise WireError(f"{axis} must be from 0 to 1 (a fraction of the frame)", where)
        coordinates.append(float(number))
    return coordinates[0], coordinates[1]


def _color(value: object) -> str:
    if not isinstance(value, str) or not _COLOR.fullmatch(value):
        raise WireError(f"must be a colour #rrggbb in lowercase hex, not {value!r}", "color")
    return value


def _fraction(value: object, key: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WireError(f"must be a number, not {value!r}", key)
    if not math.isfinite(value) or not low <= value <= high:
        raise WireError(f"must be from {low:g} to {high:g} of the frame's height", key)
    return float(value)


def _width(value: object) -> float:
    if not isinstance(value, bool) and isinstance(value, int | float) and value <= 0:
        raise WireError("must be above 0", "width")
    return _fraction(value, "width", 0.0, MAX_WIDTH)


@dataclass(frozen=True, slots=True)
class Pen:
    """A freehand stroke: a polyline through ``points``."""

    points: tuple[Point, ...]
    color: str = DEFAULT_COLOR
    width: float = DEFAULT_WIDTH

    def __post_init__(self) -> None:
        if not isinstance(self.points, list | tuple) or not self.points:
            raise WireError("must be a non-empty array of points", "points")
        if len(self.points) > MAX_POINTS:
            raise WireError(f"must hold at most {MAX_POINTS} points", "points")
        points = tuple(_point(p, f"points[{i}]") for i, p in enumerate(self.points))
        object.__setattr__(self, "points", points)
        object.__setattr__(self, "color", _color(self.color))
        object.__setattr__(self, "width", _width(self.width))

    @property
    def kind(self) -> ShapeKind:
        """``pen``."""
        return ShapeKind.PEN

    def to_json(self) -> dict[str, Any]:
        """The shape's JSON object."""
        return {
            "kind": "pen",
            "points": [list(p) for p in self.points],
            "color": self.color,
            "width": self.width,
        }


@dataclass(frozen=True, slots=True)
class Arrow:
    """A straight arrow from ``start`` to its head at ``end``."""

    start: Point
    end: Point
    color: str = DEFAULT_COLOR
    width: float = DEFAULT_WIDTH

    def __post_init__(self) -> None:
        _check_segment(self)

    @property
    def kind(self) -> ShapeKind:
        """``arrow``."""
        return ShapeKind.ARROW

    def to_json(self) -> dict[str, Any]:
        """The shape's JSON object."""
        return _segment_json(self)


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle with opposite corners ``start`` and ``end``."""

    start: Point
    end: Point
    color: str = DEFAULT_COLOR
    width: float = DEFAULT_WIDTH

    def __post_init__(self) -> None:
        _check_segment(self)

    @property
    def kind(self) -> ShapeKind:
        """``box``."""
        return ShapeKind.BOX

    def to_json(self) -> dict[str, Any]:
        """The shape's JSON object."""
        return _segment_json(self)


def _check_segment(shape: Arrow | Box) -> None:
    object.__setattr__(shape, "start", _point(shape.start, "from"))
    object.__setattr__(shape, "end", _point(shape.end, "to"))
    object.__setattr__(shape, "color", _color(shape.color))
    object.__setattr__(shape, "width", _width(shape.width))


def _segment_json(shape: Arrow | Box) -> dict[str, Any]:
    return {
        "kind": shape.kind.value,
        "from": list(shape.start),
        "to": list(shape.end),
        "color": shape.color,
        "width": shape.width,
    }


@dataclass(frozen=True, slots=True)
class Label:
    """Text written on the frame, its top-left corner at ``at``."""

    at: Point
    text: str
    color: str = DEFAULT_COLOR
    size: float = DEFAULT_SIZE

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", _point(self.at, "at"))
        if not isinstance(self.text, str) or not self.text.strip():
            raise WireError("must be some text", "text")
        if len(self.text) > MAX_LABEL:
            raise WireError(f"must be at most {MAX_LABEL} characters", "text")
        object.__setattr__(self, "color", _color(self.color))
        object.__setattr__(self, "size", _fraction(self.size, "size", MIN_SIZE, MAX_SIZE))

    @property
    def kind(self) -> ShapeKind:
        """``text``."""
        return ShapeKind.TEXT

    def to_json(self) -> dict[str, Any]:
        """The shape's JSON object."""
        return {
            "kind": "text",
            "at": list(self.at),
            "text": self.text,
            "color": self.color,
            "size": self.size,
        }


Shape = Pen | Arrow | Box | Label

_FIELDS = {
    ShapeKind.PEN: ("kind", "points", "color", "width"),
    ShapeKind.ARROW: ("kind", "from", "to", "color", "width"),
    ShapeKind.BOX: ("kind", "from", "to", "color", "width"),
    ShapeKind.TEXT: ("kind", "at", "text", "color", "size"),
}


def _points_in(shape: Shape) -> int:
    if isinstance(shape, Pen):
        return len(shape.points)
    return 1 if isinstance(shape, Label) else 2


def _shape(data: object, where: str) -> Shape:
    """One shape from its JSON object; ``WireError`` with the path of the bad field."""
    if not isinstance(data, dict):
        raise WireError("must be a JSON object (a shape)", where)
    kind = Reader(data, where, list(data)).choice("kind", ShapeKind)
    read = Reader(data, where, _FIELDS[kind])
    for key in _FIELDS[kind]:
        if not read.has(key):
            raise WireError("is required", read.path(key))
    value = read.raw
    try:
        if kind is ShapeKind.PEN:
            return Pen(value("points"), value("color"), value("width"))
        if kind is ShapeKind.TEXT:
            return Label(value("at"), value("text"), value("color"), value("size"))
        if kind is ShapeKind.ARROW:
            return Arrow(value("from"), value("to"), value("color"), value("width"))
        return Box(value("from"), value("to"), value("color"), value("width"))
    except WireError as exc:
        raise WireError(exc.message, join(where, exc.field or "")) from None


@dataclass(frozen=True, slots=True)
class Drawing:
    """The shapes drawn on a note's frame, in the order they were drawn."""

    shapes: tuple[Shape, ...] = ()

    def __post_init__(self) -> None:
        shapes = tuple(self.shapes)
        if len(shapes) > MAX_SHAPES:
            raise WireError(f"must hold at most {MAX_SHAPES} shapes", "drawing")
        for i, shape in enumerate(shapes):
            if not isinstance(shape, Pen | Arrow | Box | Label):
                raise WireError(f"must be a shape, not {type(shape).__name__}", f"drawing[{i}]")
        if sum(_points_in(shape) for shape in shapes) > MAX_POINTS:
            raise WireError(f"must hold at most {MAX_POINTS} points in all", "drawing")
        object.__setattr__(self, "shapes", shapes)

    @classmethod
    def of(cls, *shapes: Shape) -> Drawing:
        """A drawing of ``shapes``."""
        return cls(tuple(shapes))

    def __bool__(self) -> bool:
        return bool(self.shapes)

    def to_json(self) -> list[dict[str, Any]]:
        """The drawing's JSON array."""
        return [shape.to_json() for shape in self.shapes]

    @classmethod
    def from_json(cls, data: object, where: str = "drawing") -> Drawing:
        """Parse and check a non-empty array of shapes; ``WireError`` naming the bad field."""
        if not isinstance(data, list):
            raise WireError("must be an array of shapes", where)
        if not data:
            raise WireError("must hold at least one shape (no drawing is null)", where)
        if len(data) > MAX_SHAPES:
            raise WireError(f"must hold at most {MAX_SHAPES} shapes", where)
        shapes = tuple(_shape(item, join(where, i)) for i, item in enumerate(data))
        try:
            return cls(shapes)
        except WireError as exc:
            raise WireError(exc.message, where) from None


@dataclass(frozen=True, slots=True)
class Shapes(Kind):
    """A record's field holding a :class:`Drawing` (its JSON array in a column too)."""

    def read(self, read: Reader, key: str) -> Drawing:
        return Drawing.from_json(read.raw(key), read.path(key))

    def write(self, value: Any) -> list[dict[str, Any]]:
        return list(value.to_json())

    def to_column(self, value: Any, ids: Any) -> list[dict[str, Any]]:
        return list(value.to_json())

    def from_column(self, value: Any) -> Drawing:
        return Drawing.from_json(value)


def no_empty(drawing: Drawing | None) -> Drawing | None:
    """``drawing``, or None when it holds no shape."""
    return drawing if drawing else None
