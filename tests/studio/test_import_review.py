"""Import review: a PDF made by our own export comes back element by element with the page
each was read from, and corrections of an element's kind give corrected Fountain."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay import DualSide, ElementKind, parse
from vividverse_desktop.media.pdf_export import render_pdf
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.studio.import_review import ImportReview, apply_corrections, review_import

SAMPLE = resource_path("samples", "the_lamplighter.fountain").read_text("utf-8")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImportReview]:
    """The sample exported to PDF (title page, scene numbers) and reviewed back."""
    path = tmp_path_factory.mktemp("review") / "lamp.pdf"
    path.write_bytes(render_pdf(parse(SAMPLE * 2), scene_numbers="both"))
    return path, review_import(path=path)


def test_every_element_names_the_page_it_was_read_from(
    exported: tuple[Path, ImportReview],
) -> None:
    """Each element's opening words are on the PDF page it names; body starts on page 2."""
    path, review = exported
    assert review.source_format == "pdf"
    texts = [page.extract_text() for page in pypdf.PdfReader(path).pages]
    assert len(texts) > 3
    assert all(item.page is not None for item in review.elements)
    assert review.elements[0].page == 2  # page 1 is the title page
    for item in review.elements:
        assert item.page is not None
        words = " ".join(item.text.split()[:3])
        assert words in " ".join(texts[item.page - 1].split()), (item.index, item.page, words)
    assert [p.number for p in review.pages] == sorted({e.page for e in review.elements if e.page})
    assert sum(len(p.elements) for p in review.pages) == len(review.elements)


def test_elements_go_down_each_page_and_point_at_their_fountain_lines(
    exported: tuple[Path, ImportReview],
) -> None:
    """Down each page the elements' tops grow (the right side of a dual pair goes back up);
    ``line`` is the element's line in the Fountain text."""
    _, review = exported
    lines = review.fountain_text.splitlines()
    elements = review.screenplay.elements
    for page in review.pages:
        tops = [
            e.top_pt
            for e in page.elements
            if e.top_pt is not None and elements[e.index].dual is not DualSide.RIGHT
        ]
        assert tops == sorted(tops), page.number
        assert 0 < tops[0] < tops[-1] < 792
    for item in review.elements:
        if item.kind in (ElementKind.SCENE_HEADING, ElementKind.ACTION):
            assert item.text.split("\n")[0].strip() in lines[item.line - 1]


def test_a_corrected_kind_is_kept_in_the_fountain(exported: tuple[Path, ImportReview]) -> None:
    """Re-kinding an action as a transition and a cue and its line as action sticks."""
    _, review = exported
    elements = review.screenplay.elements
    action = next(i for i, e in enumerate(elements) if e.kind is ElementKind.ACTION)
    cue = next(
        i
        for i, e in enumerate(elements)
        if e.kind is ElementKind.CHARACTER
        and elements[i + 1].kind is ElementKind.DIALOGUE
        and i + 2 < len(elements)
        and elements[i + 2].kind not in (ElementKind.DIALOGUE, ElementKind.PARENTHETICAL)
        and e.dual is None
    )
    corrections = {
        action: ElementKind.TRANSITION,
        cue: ElementKind.ACTION,
        cue + 1: ElementKind.ACTION,
    }
    result = apply_corrections(screenplay=review.screenplay, corrections=corrections)
    assert result.unapplied == ()
    back = result.screenplay.elements
    assert len(back) == len(elements)
    assert [back[i].kind for i in sorted(corrections)] == [
        ElementKind.TRANSITION,
        ElementKind.ACTION,
        ElementKind.ACTION,
    ]
    assert back[action].text == " ".join(elements[action].text.split())
    assert parse(result.fountain_text) == result.screenplay
    untouched = [i for i in range(len(elements)) if i not in corrections]
    assert [back[i].kind for i in untouched] == [elements[i].kind for i in untouched]


def test_a_correction_fountain_cannot_hold_is_reported() -> None:
    """Dialogue with no cue before it reads back as action: the index comes back unapplied."""
    screenplay = parse("INT. A - DAY\n\nHe waits.\n")
    result = apply_corrections(screenplay=screenplay, corrections={1: ElementKind.DIALOGUE})
    assert result.unapplied == (1,)
    with pytest.raises(StudioError, match="no element 9"):
        apply_corrections(screenplay=screenplay, corrections={9: ElementKind.ACTION})


def test_a_text_import_is_reviewed_without_pages(tmp_path: Path) -> None:
    """A Fountain file is reviewed too: elements with lines, no pages."""
    path = tmp_path / "lamp.fountain"
    path.write_text(SAMPLE, encoding="utf-8")
    review = review_import(path=path)
    assert review.pages == ()
    assert [e.kind for e in review.elements] == [e.kind for e in parse(SAMPLE).elements]
    assert all(e.page is None for e in review.elements)
