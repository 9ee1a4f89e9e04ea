"""PDF export: the pages of paginate(), readable back with pypdf, in industry positions."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest

from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.model import (
    Element,
    ElementKind,
    Screenplay,
    Span,
    Style,
)
from vividverse_desktop.core.screenplay.pagination import paginate
from vividverse_desktop.core.screenplay.stats import compute
from vividverse_desktop.media.pdf_export import render_pdf

K = ElementKind
TITLE_PAGE = {
    "Title": "The Lamplighter",
    "Credit": "Written by",
    "Author": "Ines Varga",
    "Contact": "ines@example.org",
}


def el(kind: ElementKind, text: str, **extra: Any) -> Element:
    return Element(kind, text, 1, **extra)


def two_page_script() -> Screenplay:
    """A scene, a speech, then enough action to spill onto a second page."""
    elements = [
        el(K.SCENE_HEADING, "INT. LAMP ROOM - NIGHT"),
        el(K.ACTION, "The wick gutters."),
        el(K.CHARACTER, "MARTA"),
        el(K.DIALOGUE, "Keep it burning."),
        *[el(K.ACTION, f"Wave {i} hits the rocks.") for i in range(30)],
    ]
    return Screenplay(TITLE_PAGE, tuple(elements))


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def positions(page: pypdf.PageObject) -> list[tuple[str, float, float]]:
    """Each text run on the page with its x and y in points (origin bottom left)."""
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            found.append((text.strip(), tm[4] + cm[4], tm[5] + cm[5]))

    page.extract_text(visitor_text=visit)
    return found


def x_of(page: pypdf.PageObject, text: str) -> float:
    return next(x for t, x, _ in positions(page) if t == text)


def test_body_pages_are_the_pages_of_paginate() -> None:
    """Without a title page the PDF has exactly paginate()'s page count."""
    screenplay = two_page_script()
    data = render_pdf(screenplay, title_page=False)
    assert len(reader(data).pages) == paginate(screenplay).page_count == 2


def test_title_page_comes_first_and_is_extra() -> None:
    """With a title page there is one more page, carrying the title, author and contact."""
    pages = reader(render_pdf(two_page_script())).pages
    assert len(pages) == 3
    text = pages[0].extract_text()
    assert all(part in text for part in ("The Lamplighter", "Written by", "Ines Varga"))


def test_contact_sits_bottom_left_of_the_title_page() -> None:
    """The contact block starts at the action margin, low on the page."""
    page = reader(render_pdf(two_page_script())).pages[0]
    _, x, y = next(p for p in positions(page) if p[0] == "ines@example.org")
    assert x == pytest.approx(108, abs=0.5)
    assert y < 792 / 4


def test_text_reads_back() -> None:
    """Heading, cue and dialogue are extractable text."""
    text = reader(render_pdf(two_page_script(), title_page=False)).pages[0].extract_text()
    assert all(part in text for part in ("INT. LAMP ROOM - NIGHT", "MARTA", "Keep it burning."))


def test_cue_and_dialogue_sit_at_their_indents() -> None:
    """Cue at 3.7 in, dialogue at 2.5 in, action at 1.5 in from the left edge."""
    page = reader(render_pdf(two_page_script(), title_page=False)).pages[0]
    assert x_of(page, "MARTA") == pytest.approx(3.7 * 72, abs=0.5)
    assert x_of(page, "Keep it burning.") == pytest.approx(2.5 * 72, abs=0.5)
    assert x_of(page, "The wick gutters.") == pytest.approx(1.5 * 72, abs=0.5)


def test_page_numbers_start_on_page_two() -> None:
    """Page 2 carries "2." at the top right; page 1 has no number."""
    pages = reader(render_pdf(two_page_script(), title_page=False)).pages
    assert not any(t == "1." for t, _, _ in positions(pages[0]))
    _, x, y = next(p for p in positions(pages[1]) if p[0] == "2.")
    assert x + 2 * 7.2 == pytest.approx(7.5 * 72, abs=0.5)
    assert y > 792 - 72


def test_scene_numbers_print_in_both_margins() -> None:
    """With scene_numbers the heading's number is left of 1.5 in and right of 7.5 in."""
    page = reader(render_pdf(two_page_script(), title_page=False, scene_numbers="both")).pages[0]
    xs = sorted(x for t, x, _ in positions(page) if t == "1")
    assert len(xs) == 2
    assert xs[0] < 1.5 * 72
    assert xs[1] > 7.5 * 72


def test_a4_keeps_the_left_margin() -> None:
    """An A4 page is 595 x 842 pt and action still starts at 1.5 in."""
    page = reader(render_pdf(two_page_script(), paper="a4", title_page=False)).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        (595.28, 841.89), abs=0.01
    )
    assert x_of(page, "The wick gutters.") == pytest.approx(108, abs=0.5)


def test_split_speech_prints_more_and_contd() -> None:
    """A speech over a page break prints (MORE) and CUE (CONT'D)."""
    sentences = "\n".join(f"Sentence {i:02d} is right here ok." for i in range(20))
    elements = [
        *[el(K.ACTION, f"Beat {i}.") for i in range(20)],
        el(K.CHARACTER, "MARTA"),
        el(K.DIALOGUE, sentences),
    ]
    pages = reader(render_pdf(Screenplay({}, tuple(elements)))).pages
    assert "(MORE)" in pages[0].extract_text()
    assert "MARTA (CONT'D)" in pages[1].extract_text()


def test_bold_span_uses_the_bold_face() -> None:
    """A bold span is set in Courier Prime Bold."""
    element = el(K.ACTION, "Run now.", spans=(Span(0, 3, Style.BOLD),))
    page = reader(render_pdf(Screenplay({}, (element,)))).pages[0]
    resources: Any = page["/Resources"]
    fonts = resources["/Font"]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert any("Bold" in name for name in names)
    assert "Run now." in page.extract_text().replace("\n", "")


def test_empty_script_is_still_a_valid_pdf() -> None:
    """Nothing to print gives one blank page, not an error."""
    assert len(reader(render_pdf(Screenplay())).pages) == 1


def test_same_script_and_date_give_the_same_bytes() -> None:
    """With a fixed creation date the output is reproducible."""
    created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    first = render_pdf(two_page_script(), created=created)
    assert render_pdf(two_page_script(), created=created) == first


def test_underline_span_draws_a_rule_under_the_word() -> None:
    """An underlined span adds a filled rectangle (the rule) to the page's drawing."""
    plain = el(K.ACTION, "Run now.")
    underlined = el(K.ACTION, "Run now.", spans=(Span(0, 3, Style.UNDERLINE),))

    def content(element: Element) -> bytes:
        page = reader(render_pdf(Screenplay({}, (element,)))).pages[0]
        data: bytes = page.get_contents().get_data()  # type: ignore[union-attr]
        return data

    assert b" re f" not in content(plain)
    assert b" re f" in content(underlined)


def test_title_page_applies_emphasis_but_keeps_plain_underscores() -> None:
    """Markup in a title is styled away; a lone underscore in an address stays."""
    title_page = {"Title": "_**Brick & Steel**_", "Contact": "ines_v@example.org"}
    page = reader(render_pdf(Screenplay(title_page, ()))).pages[0]
    texts = [t for t, _, _ in positions(page)]
    assert "Brick & Steel" in texts
    assert "ines_v@example.org" in texts


@pytest.mark.parametrize(
    "sample", sorted(resource_path("samples").rglob("*.fountain")), ids=lambda p: p.stem
)
def test_sample_pdf_has_the_statistics_page_count(sample: Path) -> None:
    """Each sample's PDF body has exactly the page count the statistics report."""
    screenplay = parse(sample.read_text("utf-8"))
    data = render_pdf(screenplay, title_page=False)
    assert len(reader(data).pages) == compute(screenplay).page_count


def test_emphasis_over_several_lines_prints_italic_without_asterisks() -> None:
    """``*a\nb*`` in an action paragraph prints both lines in italic, no raw asterisks."""
    screenplay = parse("INT. A - DAY\n\n*She should not be here.\nNobody should be here.*\n")
    page = reader(render_pdf(screenplay, title_page=False)).pages[0]
    texts = [t for t, _, _ in positions(page)]
    assert "She should not be here." in texts
    assert "Nobody should be here." in texts
    assert not any("*" in t for t in texts)
    fonts: Any = page["/Resources"]["/Font"]  # type: ignore[index]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert any("Italic" in name for name in names)


def test_sung_lines_in_a_speech_print_in_italics_without_tildes() -> None:
    """``~`` lines under a cue print as the speech's lyrics: italic, no tilde on the page."""
    screenplay = parse("INT. PIT - NIGHT\n\nBERYL\n~There's a light in the harbour\n")
    page = reader(render_pdf(screenplay, title_page=False)).pages[0]
    texts = [t for t, _, _ in positions(page)]
    assert "There's a light in the harbour" in texts
    assert not any("~" in t for t in texts)
    fonts: Any = page["/Resources"]["/Font"]  # type: ignore[index]
    assert any("Italic" in str(f.get_object()["/BaseFont"]) for f in fonts.values())


def test_action_keeps_its_indentation_on_the_page() -> None:
    """Eight leading spaces put an action line eight characters right of the margin."""
    screenplay = parse("INT. A - DAY\n\n        The phone rings.\n            And rings.\n")
    page = reader(render_pdf(screenplay, title_page=False)).pages[0]
    assert x_of(page, "The phone rings.") == pytest.approx(1.5 * 72 + 8 * 7.2, abs=0.5)
    assert x_of(page, "And rings.") == pytest.approx(1.5 * 72 + 12 * 7.2, abs=0.5)


def test_shot_headings_carry_no_scene_number() -> None:
    """Scene numbers go to master scenes only; a shot heading prints unnumbered."""
    text = "INT. FLAT - DAY\n\nA room.\n\n.ON THE TV\n\nStatic.\n\nEXT. ROOF - NIGHT\n\nRain.\n"
    page = reader(render_pdf(parse(text), title_page=False, scene_numbers="both")).pages[0]
    numbers = sorted(t for t, _, _ in positions(page) if t.isdigit())
    assert numbers == ["1", "1", "2", "2"]
