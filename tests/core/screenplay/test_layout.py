"""The layout classifier reads positioned lines back into screenplay elements."""

from __future__ import annotations

from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.layout import (
    Grid,
    Page,
    TextLine,
    classify,
    is_cue,
    split_cue,
)
from vividverse_desktop.core.screenplay.model import DualSide, ElementKind, Screenplay
from vividverse_desktop.core.screenplay.writer import write

K = ElementKind
CHAR = 7.2  # Courier 12 pt
LINE = 12.0
GRID = Grid(CHAR, LINE)

# Columns in characters from the page's left edge (US Letter, industry layout).
MARGIN, DIALOGUE, PAREN, CUE = 15, 25, 31, 37


def page(*rows: tuple[float, int, str], width: float = 612.0, shift: float = 0.0) -> Page:
    """A page from (column, row, text) triples; row 0 is one inch from the top."""
    return Page(
        width,
        792.0,
        tuple(TextLine(col * CHAR + shift, 72.0 + row * LINE, text) for col, row, text in rows),
    )


def right(text: str, row: int, edge: float = 75) -> tuple[float, int, str]:
    """A right-aligned row ending at ``edge``."""
    return (edge - len(text), row, text)


def kinds_and_texts(pages: list[Page]) -> list[tuple[ElementKind, str]]:
    result = classify(pages, grid=GRID)
    return [(e.kind, e.text) for e in result.screenplay.elements]


SCENE = [
    (MARGIN, 0, "INT. LIGHTHOUSE - NIGHT"),
    (MARGIN, 2, "Waves hit the glass. Margot climbs the stairs, slow and"),
    (MARGIN, 3, "careful."),
    (CUE, 5, "MARGOT (V.O.)"),
    (PAREN, 6, "(whispering)"),
    (DIALOGUE, 7, "Somebody has been here, long before"),
    (DIALOGUE, 8, "us."),
    (MARGIN, 10, "She stops."),
]


def test_reads_heading_action_and_speech() -> None:
    """Headings, action, cues, parentheticals and dialogue come from their columns."""
    assert kinds_and_texts([page(*SCENE)]) == [
        (K.SCENE_HEADING, "INT. LIGHTHOUSE - NIGHT"),
        (K.ACTION, "Waves hit the glass. Margot climbs the stairs, slow and careful."),
        (K.CHARACTER, "MARGOT"),
        (K.PARENTHETICAL, "(whispering)"),
        (K.DIALOGUE, "Somebody has been here, long before us."),
        (K.ACTION, "She stops."),
    ]


def test_cue_extensions_are_split_off() -> None:
    """A cue's (V.O.) becomes an extension without parentheses."""
    cue = next(classify([page(*SCENE)], grid=GRID).screenplay.of_kind(K.CHARACTER))
    assert cue.extensions == ("V.O.",)


def test_short_rows_keep_their_line_breaks() -> None:
    """A row that ends well before the wrap width was an explicit line break."""
    pages = [page((MARGIN, 0, "Rain."), (MARGIN, 1, "More rain."))]
    assert kinds_and_texts(pages) == [(K.ACTION, "Rain.\nMore rain.")]


def test_blank_line_starts_a_new_element() -> None:
    """Two paragraphs separated by a blank row are two action elements."""
    pages = [page((MARGIN, 0, "Rain."), (MARGIN, 2, "More rain."))]
    assert kinds_and_texts(pages) == [(K.ACTION, "Rain."), (K.ACTION, "More rain.")]


def test_indents_are_learned_not_assumed() -> None:
    """The same script shifted an inch to the right reads the same."""
    shifted = classify([page(*SCENE, width=700.0, shift=72.0)], grid=GRID)
    assert [(e.kind, e.text) for e in shifted.screenplay.elements] == kinds_and_texts(
        [page(*SCENE)]
    )


def test_grid_is_learned_when_not_given() -> None:
    """Without a grid, line height and character width come from the page itself."""
    result = classify([page(*SCENE)])
    assert [e.kind for e in result.screenplay.elements] == [
        e for e, _ in kinds_and_texts([page(*SCENE)])
    ]


def test_page_numbers_are_dropped() -> None:
    """A "2." top right of a page is furniture, not text."""
    first = page(*SCENE)
    second = page(right("2.", -3), (MARGIN, 0, "EXT. CLIFF - DAY"), (MARGIN, 2, "Wind."))
    texts = [text for _, text in kinds_and_texts([first, second])]
    assert "2." not in texts
    assert texts[-2:] == ["EXT. CLIFF - DAY", "Wind."]


def test_running_headers_are_dropped() -> None:
    """The same header line at the same height on every page is removed."""
    pages = [
        page((MARGIN, -3, "BLUE REVISION"), (MARGIN, 0, f"EXT. ROAD {n} - DAY"), (MARGIN, 2, "Go."))
        for n in range(4)
    ]
    assert all(text != "BLUE REVISION" for _, text in kinds_and_texts(pages))


def test_continued_lines_and_revision_marks_are_dropped() -> None:
    """(CONTINUED) at a page foot, CONTINUED: at the next head and * marks are furniture."""
    first = page(
        (MARGIN, 0, "INT. HALL - DAY"),
        (MARGIN, 2, "She waits."),
        (MARGIN, 4, "A changed line."),
        (77, 4, "*"),
        right("(CONTINUED)", 56),
    )
    second = page(right("2.", -3), (MARGIN, 0, "CONTINUED:"), (MARGIN, 2, "He arrives."))
    assert kinds_and_texts([first, second])[1:] == [
        (K.ACTION, "She waits."),
        (K.ACTION, "A changed line."),
        (K.ACTION, "He arrives."),
    ]


def test_speech_split_across_pages_is_joined() -> None:
    """(MORE) and the repeated NAME (CONT'D) cue disappear; the speech is one element."""
    first = page(
        (MARGIN, 50, "He waits."),
        (CUE, 52, "OSCAR"),
        (DIALOGUE, 53, "The ferry never runs on a Sunday or"),
        (DIALOGUE, 54, "holidays."),
        (CUE, 55, "(MORE)"),
    )
    second = page(
        right("2.", -3),
        (CUE, 0, "OSCAR (CONT'D)"),
        (DIALOGUE, 1, "We walk."),
        (MARGIN, 3, "They walk."),
    )
    assert kinds_and_texts([first, second]) == [
        (K.ACTION, "He waits."),
        (K.CHARACTER, "OSCAR"),
        (K.DIALOGUE, "The ferry never runs on a Sunday or holidays. We walk."),
        (K.ACTION, "They walk."),
    ]


def test_scene_numbers_in_the_margins_become_the_headings_number() -> None:
    """Scene numbers printed left and right of a heading are kept as scene_number."""
    pages = [page((10 - 3, 0, "12A"), (MARGIN, 0, "INT. HALL - DAY"), (76, 0, "12A"))]
    heading = classify(pages, grid=GRID).screenplay.elements[0]
    assert (heading.kind, heading.text, heading.scene_number) == (
        K.SCENE_HEADING,
        "INT. HALL - DAY",
        "12A",
    )


def test_right_aligned_transition() -> None:
    """An upper-case line against the right edge ending in TO: is a transition."""
    pages = [page(*SCENE, right("CUT TO:", 12))]
    assert kinds_and_texts(pages)[-1] == (K.TRANSITION, "CUT TO:")


def test_centred_line() -> None:
    """A line centred on the page is centred text."""
    text = "ONE YEAR LATER"
    pages = [page(*SCENE, (45 - len(text) / 2, 12, text))]
    assert kinds_and_texts(pages)[-1] == (K.CENTERED, text)


def test_dual_dialogue_reads_left_column_then_right() -> None:
    """Two speeches side by side become left then right, marked by DualSide."""
    pages = [
        page(
            (MARGIN, 0, "INT. HALL - DAY"),
            (23, 2, "ANNA"),
            (53, 2, "BEN"),
            (15, 3, "Stop."),
            (45, 3, "Never."),
            (48, 4, "(laughs)"),
            (45, 5, "Not today."),
        )
    ]
    elements = classify(pages, grid=GRID).screenplay.elements[1:]
    assert [(e.kind, e.text, e.dual) for e in elements] == [
        (K.CHARACTER, "ANNA", DualSide.LEFT),
        (K.DIALOGUE, "Stop.", DualSide.LEFT),
        (K.CHARACTER, "BEN", DualSide.RIGHT),
        (K.DIALOGUE, "Never.", DualSide.RIGHT),
        (K.PARENTHETICAL, "(laughs)", DualSide.RIGHT),
        (K.DIALOGUE, "Not today.", DualSide.RIGHT),
    ]


def test_title_page_fields() -> None:
    """A first page without scenes is read as title, credit, author, contact and date."""
    title = page(
        (45 - 10 / 2, 20, "THE LEDGER"),
        (45 - 10 / 2, 24, "Written by"),
        (45 - 8 / 2, 26, "Jane Roe"),
        (15, 50, "jane@example.org"),
        (15, 51, "Harbour Lane 5"),
        (15, 53, "24 November 2026"),
    )
    result = classify([title, page(*SCENE)], grid=GRID).screenplay
    assert dict(result.title_page) == {
        "Title": "THE LEDGER",
        "Credit": "Written by",
        "Author": "Jane Roe",
        "Contact": "jane@example.org\nHarbour Lane 5",
        "Draft date": "24 November 2026",
    }
    assert result.elements[0].kind is K.SCENE_HEADING


def test_line_numbers_follow_the_generated_fountain() -> None:
    """Elements are numbered as the Fountain writer lays them out: blank line between."""
    elements = classify([page(*SCENE)], grid=GRID).screenplay.elements
    assert [(e.line, e.last_line) for e in elements] == [
        (1, 1),
        (3, 3),
        (5, 5),
        (6, 6),
        (7, 7),
        (9, 9),
    ]


def written_places(screenplay: Screenplay) -> list[tuple[int, int]]:
    """Where the parser finds each element in the Fountain the writer makes."""
    return [(e.line, e.last_line) for e in parse(write(screenplay)).elements]


def test_line_numbers_count_a_title_page_with_multi_line_fields() -> None:
    """After a title page with a two-line contact, elements sit where the writer puts them."""
    title = page(
        (45 - 10 / 2, 20, "THE LEDGER"),
        (15, 50, "jane@example.org"),
        (15, 51, "Harbour Lane 5"),
    )
    result = classify([title, page(*SCENE)], grid=GRID).screenplay
    assert result.title_page
    places = [(e.line, e.last_line) for e in result.elements]
    assert places == written_places(result)
    assert places[0][0] > 1


def test_line_numbers_allow_for_a_first_line_that_reads_as_a_title_key() -> None:
    """A first action line like ``Notes: ...`` is written after a blank line; numbers follow."""
    rows = [(MARGIN, 0, "Notes: the house is empty."), *((c, r + 2, t) for c, r, t in SCENE)]
    result = classify([page(*rows)], grid=GRID).screenplay
    assert result.elements[0].line == 2
    assert [(e.line, e.last_line) for e in result.elements] == written_places(result)


def test_no_text_gives_an_empty_screenplay_and_a_warning() -> None:
    """Pages without text give no elements and say so."""
    result = classify([Page(612.0, 792.0, ())], grid=GRID)
    assert result.screenplay.elements == ()
    assert result.warnings


def test_lines_outside_every_column_are_reported() -> None:
    """A line that fits no column is kept as action, with a warning."""
    pages = [page(*SCENE, (20, 12, "stray words in no column"))]
    result = classify(pages, grid=GRID)
    assert result.screenplay.elements[-1].text == "stray words in no column"
    assert result.warnings


def test_cue_recognition() -> None:
    """Cues are upper-case names with optional extensions; sentences are not cues."""
    assert is_cue("DR. O'HARA (V.O.) (CONT'D)")
    assert not is_cue("She stops.")
    assert split_cue("JO (O.S.) (CONT'D)") == ("JO", ("O.S.", "CONT'D"))
