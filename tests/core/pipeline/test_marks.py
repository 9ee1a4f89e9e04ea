"""Character marks: a shape and a colour per character, distinct and stable within a film."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from build_spec.mark_font import FONT, font_points
from vividverse_desktop.core.pipeline.marks import (
    COLOURS,
    DISTINCT,
    SHAPES,
    Shape,
    cast_order,
    glyph_of,
    inside,
    mark_at,
    marks_for,
    outline,
)
from vividverse_desktop.core.pipeline.plan import build_plan, film_cast
from vividverse_desktop.core.screenplay import parse

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = sorted((ROOT / "resources" / "samples").rglob("*.fountain"))


def raster(shape: Shape, n: int = 48) -> set[tuple[int, int]]:
    """The cells of an n x n grid whose centres the shape covers."""
    return {
        (x, y) for x in range(n) for y in range(n) if inside(shape, (x + 0.5) / n, (y + 0.5) / n)
    }


def overlap(a: set[tuple[int, int]], b: set[tuple[int, int]]) -> float:
    """Intersection over union of two cell sets."""
    return len(a & b) / len(a | b)


def test_the_principal_cast_differs_in_shape_and_colour() -> None:
    """The first eight characters have eight shapes and eight colours; twelve, twelve colours."""
    first = [mark_at(n) for n in range(len(SHAPES))]
    assert len({m.shape for m in first}) == len(SHAPES) == 8
    assert len({m.colour for m in first}) == 8
    assert len({mark_at(n).colour for n in range(12)}) == len(COLOURS) == 12


def test_characters_sharing_a_colour_never_share_a_shape() -> None:
    """Of the first 96 characters no two share a mark; those with one colour differ in shape."""
    marks = [mark_at(n) for n in range(DISTINCT)]
    assert DISTINCT == 96
    assert len(set(marks)) == DISTINCT
    for a, b in itertools.combinations(range(DISTINCT), 2):
        if marks[a].colour == marks[b].colour:
            assert marks[a].shape != marks[b].shape, (a, b)
    assert mark_at(0).colour == mark_at(12).colour
    assert (mark_at(0).shape, mark_at(12).shape) == (Shape.CIRCLE, Shape.CROSS)
    assert mark_at(DISTINCT) == mark_at(0)  # only beyond 96 do marks come round again


def test_names_take_marks_by_first_appearance_and_unknown_names_come_after() -> None:
    """Case and spacing do not matter; a name the cast lacks takes the next free place."""
    assert cast_order(["Mara", " EDDIE ", "mara", "", "Dr.  Osei"]) == ("MARA", "EDDIE", "DR. OSEI")
    cast = ("MARA", "EDDIE")
    assert marks_for(["eddie", "MARA"], cast) == (mark_at(1), mark_at(0))
    assert marks_for(["STRANGER", "EDDIE", "OTHER"], cast) == (mark_at(2), mark_at(1), mark_at(3))
    assert marks_for(["B", "A", "B"]) == (mark_at(0), mark_at(1), mark_at(0))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_the_cast_of_every_sample_never_collides(path: Path) -> None:
    """Every character of a sample film has a mark of its own; the first eight differ in shape."""
    plan = build_plan(parse(path.read_text(encoding="utf-8")))
    cast = film_cast(plan)
    assert len(cast) >= 4
    marks = marks_for(cast, cast)
    assert len(set(marks)) == len(cast)
    principal = marks[:8]
    assert len({m.shape for m in principal}) == len(principal)
    assert len({m.colour for m in principal}) == len(principal)
    every = {n for s in plan.scenes for n in (*s.characters, *(t.speaker for t in s.shots)) if n}
    assert {" ".join(n.upper().split()) for n in every} == set(cast)


def test_brick_and_steel_casts_in_order_of_first_appearance() -> None:
    """Counted by hand from the script: the order in which the six characters first appear."""
    text = (ROOT / "resources" / "samples" / "real" / "brick_and_steel.fountain").read_text()
    cast = film_cast(build_plan(parse(text)))
    assert cast == ("MARA", "EDDIE", "EDWARD", "NURSE", "DR. OSEI", "OLDER MARA")
    assert [m.shape for m in marks_for(cast, cast)] == list(SHAPES[:6])


def test_assignment_is_the_same_in_every_run() -> None:
    """Another interpreter with other hash seeds gives every character the same mark."""
    sample = ROOT / "resources" / "samples" / "night_market.fountain"
    code = (
        "import json, sys; from pathlib import Path;"
        "from vividverse_desktop.core.screenplay import parse;"
        "from vividverse_desktop.core.pipeline.plan import build_plan, film_cast;"
        "from vividverse_desktop.core.pipeline.marks import marks_for;"
        "c = film_cast(build_plan(parse(Path(sys.argv[1]).read_text())));"
        "print(json.dumps([[n, m.shape.value, m.colour] for n, m in zip(c, marks_for(c, c))]))"
    )
    runs = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, "-c", code, str(sample)],
            capture_output=True, text=True, check=True, env=env, timeout=60,
        ).stdout  # fmt: skip
        runs.append(json.loads(out))
    cast = film_cast(build_plan(parse(sample.read_text())))
    here = [[n, m.shape.value, m.colour] for n, m in zip(cast, marks_for(cast, cast), strict=True)]
    assert runs[0] == runs[1] == here


def test_every_shape_fits_its_box_and_differs_from_every_other() -> None:
    """Each polygon lies in the unit box about its centre; any two differ on a tenth of the box."""
    cells = {shape: raster(shape) for shape in SHAPES}
    for shape in SHAPES:
        xs, ys = zip(*outline(shape), strict=True)
        assert min(xs) >= 0, shape
        assert max(xs) <= 1, shape
        assert min(ys) >= 0, shape
        assert max(ys) <= 1, shape
        assert abs((min(xs) + max(xs)) / 2 - 0.5) < 0.01, shape
        assert inside(shape, 0.5, 0.5), shape
        assert 0.3 < len(cells[shape]) / 48**2 < 0.8, shape  # neither a speck nor a block
    for a, b in itertools.combinations(SHAPES, 2):  # the closest pair, circle and hexagon: 13%
        assert len(cells[a] ^ cells[b]) / 48**2 > 0.1, (a, b)


def test_the_shipped_font_draws_the_shapes() -> None:
    """Glyph A is the circle, B the square...: each glyph's points are its shape's outline."""
    font = TTFont(FONT)
    cmap = font.getBestCmap()
    glyf = font["glyf"]
    for shape in SHAPES:
        name = cmap[ord(glyph_of(shape))]
        assert name == shape.value
        coordinates, ends, _ = glyf[name].getCoordinates(glyf)
        assert list(ends) == [len(outline(shape)) - 1]
        assert [tuple(p) for p in coordinates] == font_points(outline(shape))
    assert font["head"].unitsPerEm == 1000
