"""Industry-format screenplay PDF: Courier Prime 12 pt, laid out by ``paginate()``.

The body pages are exactly the pages of ``paginate(screenplay, paper)``; an
optional title page comes first and is not numbered or counted. Body pages from
the second one carry their number ("2.") top right, half an inch from the top.
Scene numbers go in the left margin, the right one or both; a revised export puts an
asterisk at 8.1 in beside each line changed since the previous version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay.emphasis import inline
from vividverse_desktop.core.screenplay.model import Screenplay
from vividverse_desktop.core.screenplay.page_runs import (
    BASELINE_PT,
    PAGE_NUMBER_BASELINE_PT,
    SCENE_NUMBER_LEFT,
    SCENE_NUMBER_RIGHT,
    STYLE_FLAGS,
    line_runs,
    style_runs,
)
from vividverse_desktop.core.screenplay.pagination import (
    CHAR_WIDTH_PT,
    LINE_HEIGHT_PT,
    LINES_PER_PAGE,
    RIGHT_EDGE,
    TOP_MARGIN_PT,
    Page,
    Paper,
    paginate,
)

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_FAMILY = "CourierPrime"
FONT_SIZE_PT = 12.0
_FONT_FILES = {
    "": "CourierPrime-Regular.ttf",
    "B": "CourierPrime-Bold.ttf",
    "I": "CourierPrime-Italic.ttf",
    "BI": "CourierPrime-BoldItalic.ttf",
}
# Baseline below the top of a 12 pt line (Courier's ascent is about 0.8 em).
REVISION_MARK_X = 81.0  # characters: 8.1 in, right of a right-hand scene number
SceneNumbers = Literal["none", "left", "right", "both"]
SCENE_NUMBER_SIDES: tuple[SceneNumbers, ...] = ("none", "left", "right", "both")
_TITLE_ROW = 20  # body row of the title on the title page (about 4.3 in from the top)


def render_pdf(
    screenplay: Screenplay,
    *,
    paper: Literal["letter", "a4"] | Paper = "letter",
    scene_numbers: SceneNumbers = "none",
    title_page: bool = True,
    created: datetime | None = None,
    watermark: str = "",
    revised_from: Screenplay | None = None,
) -> bytes:
    """The screenplay as PDF bytes.

    Body pages are those of ``paginate(screenplay, paper)``, so their count equals
    the statistics' page count; with ``title_page`` and a non-empty title page, one
    unnumbered title page comes first. ``scene_numbers`` prints each heading's number
    in the left margin, the right one, both or neither. ``created`` fixes the PDF
    creation date (for reproducible bytes). ``watermark`` is printed large, light grey
    and diagonal behind every body page. With ``revised_from`` (the previous version),
    each printed line that is new or changed since then carries an asterisk in the
    right margin (``core.screenplay.revision``). Raises ValueError for an unknown
    ``scene_numbers``.
    """
    from fpdf import FPDF

    if scene_numbers not in SCENE_NUMBER_SIDES:
        raise ValueError(f"scene numbers go {', '.join(SCENE_NUMBER_SIDES)}, not {scene_numbers!r}")
    layout = paginate(screenplay, paper)
    width, height = layout.paper.size_pt
    pdf = FPDF(unit="pt", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creator("Vividverse")
    if screenplay.title:
        pdf.set_title(" ".join(text for text, _ in _field_lines(screenplay.title)))
    if created is not None:
        pdf.set_creation_date(created)
    for style, name in _FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, str(resource_path("fonts", "courier-prime", name)))
    pdf.set_font(FONT_FAMILY, "", FONT_SIZE_PT)
    if title_page and screenplay.title_page:
        _title_page(pdf, screenplay, width)
    numbers = _scene_numbers(screenplay) if scene_numbers != "none" else {}
    revised: frozenset[tuple[int, int]] = frozenset()
    if revised_from is not None:
        from vividverse_desktop.core.screenplay.revision import revised_lines

        revised = revised_lines(revised_from, screenplay, paper)
    margins = _Margins(
        numbers, scene_numbers in ("left", "both"), scene_numbers in ("right", "both"), revised
    )
    mark = " ".join(watermark.split())
    for page in layout.pages:
        _body_page(pdf, screenplay, page, margins, mark)
    if not layout.pages and not (title_page and screenplay.title_page):
        pdf.add_page()  # a PDF needs at least one page
    return bytes(pdf.output())


@dataclass(frozen=True, slots=True)
class _Margins:
    """What the margins print: scene numbers (element index -> number) on which sides,
    and the (element, line start) pairs that get a revision asterisk."""

    numbers: dict[int, str]
    left: bool
    right: bool
    revised: frozenset[tuple[int, int]]


def _body_page(
    pdf: FPDF, screenplay: Screenplay, page: Page, margins: _Margins, watermark: str
) -> None:
    pdf.add_page()
    if watermark:
        _watermark(pdf, watermark)
    if page.number > 1:
        label = f"{page.number}."
        _put(pdf, RIGHT_EDGE - len(label), PAGE_NUMBER_BASELINE_PT, label, "")
    elements = screenplay.elements
    for line in page.lines:
        y = TOP_MARGIN_PT + line.row * LINE_HEIGHT_PT + BASELINE_PT
        if line.continuation is not None:
            _put(pdf, line.x, y, line.text, "")
            continue
        element = elements[line.element]
        for x, text, style in line_runs(element, line):
            _put(pdf, x, y, text, style)
        number = margins.numbers.get(line.element) if line.start == 0 else None
        if number and margins.left:
            _put(pdf, SCENE_NUMBER_LEFT - len(number), y, number, "")
        if number and margins.right:
            _put(pdf, SCENE_NUMBER_RIGHT, y, number, "")
        if (line.element, line.start) in margins.revised:
            _put(pdf, REVISION_MARK_X, y, "*", "")


_WATERMARK_GREY = 215
_WATERMARK_MAX_PT = 72.0


def _watermark(pdf: FPDF, text: str) -> None:
    """``text`` across the page centre at 45 degrees, light grey, under the body text."""
    diagonal = (pdf.w**2 + pdf.h**2) ** 0.5
    # Courier's advance is 0.6 em: fit the text in about 70% of the diagonal.
    size = min(_WATERMARK_MAX_PT, 0.7 * diagonal / (0.6 * len(text)))
    cx, cy = pdf.w / 2, pdf.h / 2
    pdf.set_text_color(_WATERMARK_GREY)
    pdf.set_font(FONT_FAMILY, "B", size)
    with pdf.rotation(angle=45, x=cx, y=cy):
        pdf.text(cx - 0.3 * size * len(text), cy + 0.3 * size, text)
    pdf.set_text_color(0)
    pdf.set_font(FONT_FAMILY, "", FONT_SIZE_PT)


def _put(pdf: FPDF, x_chars: float, y_pt: float, text: str, style: str) -> None:
    pdf.set_font(FONT_FAMILY, style, FONT_SIZE_PT)
    pdf.text(x_chars * CHAR_WIDTH_PT, y_pt, text)


def _scene_numbers(screenplay: Screenplay) -> dict[int, str]:
    """Element index of each scene heading -> its scene number."""
    starts = screenplay.scene_starts()
    return {index: scene.number for index, scene in zip(starts, screenplay.scenes(), strict=True)}


def _field_lines(value: str) -> list[tuple[str, list[tuple[int, str, str]]]]:
    """A title-page value as lines of (plain text, style runs), Fountain emphasis applied."""
    text, spans = inline(value)
    styled = [s for s in spans if s.style in STYLE_FLAGS]
    lines: list[tuple[str, list[tuple[int, str, str]]]] = []
    start = 0
    for part in text.split("\n"):
        lead = len(part) - len(part.lstrip())
        plain = part.strip()
        offset = start + lead
        lines.append((plain, style_runs(plain, offset.__add__, styled, "")))
        start += len(part) + 1
    return [line for line in lines if line[0]]


def _put_line(pdf: FPDF, x: float, row: int, runs: list[tuple[int, str, str]]) -> None:
    y = TOP_MARGIN_PT + row * LINE_HEIGHT_PT + BASELINE_PT
    for offset, text, style in runs:
        _put(pdf, x + offset, y, text, style)


def _title_page(pdf: FPDF, screenplay: Screenplay, page_width: float) -> None:
    """Title, credit, author and source centred; contact, draft date and notes bottom left.

    Fountain emphasis in the values is honoured; an unstyled title is set bold and
    underlined.
    """
    pdf.add_page()
    fields = {key.lower(): value for key, value in screenplay.title_page.items()}
    centre = page_width / 2 / CHAR_WIDTH_PT
    row = _TITLE_ROW
    for key, gap in (("title", 0), ("credit", 3), ("author", 1), ("authors", 1), ("source", 2)):
        lines = _field_lines(fields.get(key, ""))
        if not lines:
            continue
        row += gap
        for text, runs in lines:
            plain_title = key == "title" and all(style == "" for _, _, style in runs)
            _put_line(pdf, centre - len(text) / 2, row, [(0, text, "BU")] if plain_title else runs)
            row += 1
    corner: list[list[tuple[int, str, str]]] = []
    for key in ("contact", "draft date", "copyright", "notes"):
        lines = _field_lines(fields.get(key, ""))
        if lines and corner:
            corner.append([])
        corner.extend(runs for _, runs in lines)
    first_row = LINES_PER_PAGE - len(corner)
    for i, runs in enumerate(corner):
        _put_line(pdf, 15, first_row + i, runs)
