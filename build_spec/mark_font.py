"""Make the marks font: one glyph per character-mark shape, from ``core.pipeline.marks``.

    .venv/bin/python -m build_spec.mark_font    # writes resources/fonts/marks/VividverseMarks.ttf

The film's cards draw each character's mark as a glyph of this font with FFmpeg's
``drawtext`` (smooth at any size, no image decoded). Glyph ``A`` is the first shape
of :data:`marks.SHAPES`, ``B`` the second, and so on; each glyph fills the em
square as :func:`marks.outline` places it, the baseline at the square's foot.
Run this again after changing a shape; a test checks the shipped font matches.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from vividverse_desktop.core.pipeline.marks import SHAPES, glyph_of, outline

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "resources" / "fonts" / "marks" / "VividverseMarks.ttf"
EM = 1000
_EPOCH_2026 = 3_849_638_400  # head.created/modified, seconds since 1904: fixed, so builds agree


def font_points(shape_points: tuple[tuple[float, float], ...]) -> list[tuple[int, int]]:
    """A screen-order polygon of the unit box as font units: y up, clockwise."""
    return [(round(x * EM), round((1 - y) * EM)) for x, y in reversed(shape_points)]


def build(path: Path = FONT) -> Path:
    """Write the marks font to ``path``."""
    names = [".notdef", *(shape.value for shape in SHAPES)]
    builder = FontBuilder(EM, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(glyph_of(shape)): shape.value for shape in SHAPES})
    glyphs = {".notdef": TTGlyphPen(None).glyph()}
    for shape in SHAPES:
        pen = TTGlyphPen(None)
        points = font_points(outline(shape))
        pen.moveTo(points[0])
        for point in points[1:]:
            pen.lineTo(point)
        pen.closePath()
        glyphs[shape.value] = pen.glyph()
    builder.setupGlyf(glyphs)
    glyf = builder.font["glyf"]
    metrics = {}
    for name in names:
        glyph = glyf[name]
        glyph.recalcBounds(glyf)
        metrics[name] = (EM, getattr(glyph, "xMin", 0))
    builder.setupHorizontalMetrics(metrics)
    builder.setupHorizontalHeader(ascent=EM, descent=0)
    builder.setupNameTable({
        "familyName": "Vividverse Marks", "styleName": "Regular",
        "copyright": "Vividverse contributors, MIT licence",
    })  # fmt: skip
    builder.setupOS2(sTypoAscender=EM, sTypoDescender=0, sTypoLineGap=0,
                     usWinAscent=EM, usWinDescent=0)  # fmt: skip
    builder.setupPost()
    builder.updateHead(created=_EPOCH_2026, modified=_EPOCH_2026)
    builder.font.recalcTimestamp = False
    path.parent.mkdir(parents=True, exist_ok=True)
    builder.save(str(path))
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else FONT))
