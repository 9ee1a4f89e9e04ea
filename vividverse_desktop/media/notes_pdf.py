"""Review notes as a PDF: one block per note with the frame's thumbnail, the note's drawing
drawn over it as vectors (``core.wire.Drawing``, frame fractions), where it is in the film
and what it says, with its replies. Courier Prime, the font the app ships."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.wire import Arrow, Box, Drawing, Label, Pen

if TYPE_CHECKING:
    from fpdf import FPDF

PAGE = (595.0, 842.0)  # A4 in points
MARGIN = 40.0
THUMB_WIDTH = 200.0
GAP = 14.0
FONT = "CourierPrime"


@dataclass(frozen=True, slots=True)
class PdfNote:
    """One note as the PDF prints it."""

    heading: str  # timecode, frames, status
    scene: str
    author: str
    text: str
    thumbnail: Path | None = None
    drawing: Drawing | None = None
    replies: tuple[str, ...] = field(default=())


def notes_pdf(
    title: str,
    notes: Sequence[PdfNote],
    *,
    aspect: float = 16 / 9,
    created: datetime | None = None,
) -> bytes:
    """The notes as PDF bytes; ``aspect`` (width / height) shapes a note without a
    thumbnail, whose drawing goes on a grey frame."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=PAGE)
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_creator("Vividverse")
    pdf.set_title(f"Review notes: {title}")
    if created is not None:
        pdf.set_creation_date(created)
    for style, name in (("", "Regular"), ("B", "Bold")):
        pdf.add_font(
            FONT, style, str(resource_path("fonts", "courier-prime", f"CourierPrime-{name}.ttf"))
        )
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.cell(text=f"Review notes: {title}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    count = f"{len(notes)} note{'s' if len(notes) != 1 else ''}"
    pdf.cell(text=count, new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + GAP
    if not notes:
        pdf.set_xy(MARGIN, y)
        pdf.cell(text="No notes on this film yet.")
    for note in notes:
        y = _note(pdf, note, y, aspect)
    return bytes(pdf.output())


def _note(pdf: FPDF, note: PdfNote, y: float, aspect: float) -> float:
    """Print one note from ``y`` (on a new page if it does not fit); the y after it."""
    thumb_height = THUMB_WIDTH / aspect
    if y + thumb_height + GAP > PAGE[1] - MARGIN:
        pdf.add_page()
        y = MARGIN
    x = MARGIN
    if note.thumbnail is not None and note.thumbnail.exists():
        info = pdf.image(str(note.thumbnail), x=x, y=y, w=THUMB_WIDTH)
        thumb_height = float(info.rendered_height)
    else:
        pdf.set_fill_color(200, 200, 200)
        pdf.rect(x, y, THUMB_WIDTH, thumb_height, style="F")
    if note.drawing:
        _drawing(pdf, note.drawing, (x, y, THUMB_WIDTH, thumb_height))
    text_x = x + THUMB_WIDTH + GAP
    width = PAGE[0] - MARGIN - text_x
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(text_x, y)
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(width, 12, note.heading, new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for line in (note.scene, f"by {note.author}"):
        if line:
            pdf.multi_cell(width, 11, line, new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(width, 12, note.text, new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for reply in note.replies:
        pdf.multi_cell(width, 11, f"  > {reply}", new_x="LEFT", new_y="NEXT")
    return max(pdf.get_y(), y + thumb_height) + GAP


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _drawing(pdf: FPDF, drawing: Drawing, frame: tuple[float, float, float, float]) -> None:
    """Draw ``drawing``'s shapes on a frame printed at ``frame`` (x, y, w, h)."""
    x, y, w, h = frame

    def at(point: tuple[float, float]) -> tuple[float, float]:
        return x + point[0] * w, y + point[1] * h

    for shape in drawing.shapes:
        colour = _rgb(shape.color)
        if isinstance(shape, Label):
            pdf.set_text_color(*colour)
            pdf.set_font(FONT, "B", max(4.0, shape.size * h / 1.1))
            left, top = at(shape.at)
            pdf.text(left, top + shape.size * h * 0.8, shape.text)
            continue
        pdf.set_draw_color(*colour)
        pdf.set_line_width(max(0.5, shape.width * h))
        if isinstance(shape, Pen):
            points = [at(p) for p in shape.points]
            if len(points) == 1:
                points.append(points[0])
            pdf.polyline(points)
        elif isinstance(shape, Box):
            (x1, y1), (x2, y2) = at(shape.start), at(shape.end)
            pdf.rect(min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1))
        elif isinstance(shape, Arrow):
            (x1, y1), (x2, y2) = at(shape.start), at(shape.end)
            pdf.line(x1, y1, x2, y2)
            angle = math.atan2(y2 - y1, x2 - x1)
            head = max(4.0, 0.05 * h)
            for side in (-0.45, 0.45):
                pdf.line(
                    x2, y2, x2 - head * math.cos(angle + side), y2 - head * math.sin(angle + side)
                )
    pdf.set_text_color(0, 0, 0)
