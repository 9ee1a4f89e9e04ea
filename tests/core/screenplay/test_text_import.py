"""Plain-text screenplays (space-indented exports) read back into the model."""

from __future__ import annotations

import difflib

from tests.reporting import report
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.model import ElementKind, Screenplay
from vividverse_desktop.core.screenplay.pagination import paginate
from vividverse_desktop.core.screenplay.text_import import (
    import_text,
    looks_like_layout,
    text_pages,
)

K = ElementKind
NOT_PRINTED = {K.SECTION, K.SYNOPSIS, K.NOTE, K.PAGE_BREAK}

SAMPLE = """\
INT. LIGHTHOUSE - NIGHT

Waves hit the glass. Margot climbs the stairs.

                      MARGOT
                (whispering)
          Somebody has been here.

                      OSCAR
          The ferry never runs on a Sunday or
          holidays.
                      (MORE)
                                                            2.
                      OSCAR (CONT'D)
          We walk.

                                                   CUT TO:
"""

FOUNTAIN = """\
Title: The Ledger
Credit: Written by
Author: Jane Roe

INT. HARBOUR OFFICE - NIGHT

Rain against the window. Margot counts coins into a tin, one by one, and stops when
the lamp flickers.

MARGOT (V.O.)
(quietly)
Somebody has been here before us. The ledger is open at the wrong page, and the ink
is still wet.

OSCAR
Then we walk.

MARGOT ^
Never.

CUT TO:

EXT. CLIFF PATH - DAWN

They climb in silence.

> ONE YEAR LATER <
"""


def text_export(screenplay: Screenplay) -> str:
    """A plain-text export as screenwriting tools save it: spaces, form feeds, page numbers.

    Column 0 is one inch from the paper's edge (the left margin of a printout).
    """
    pages: list[str] = []
    for page in paginate(screenplay).pages:
        rows: dict[int, list[tuple[float, str]]] = {}
        for line in page.lines:
            rows.setdefault(line.row, []).append((line.x, line.text))
        out = [f"{page.number}.".rjust(65) if page.number > 1 else "", "", ""]
        for row in range(max(rows, default=-1) + 1):
            text = ""
            for x, part in sorted(rows.get(row, [])):
                text = text.ljust(round(x) - 10) + part
            out.append(text.rstrip())
        pages.append("\n".join(out))
    return "\f".join(pages)


def accuracy(original: Screenplay, imported: Screenplay) -> tuple[int, int]:
    """Matched (kind, text) pairs in a difflib alignment, and the original's count."""
    a = [(e.kind, " ".join(e.text.split())) for e in original.elements if e.kind not in NOT_PRINTED]
    b = [(e.kind, " ".join(e.text.split())) for e in imported.elements]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(m.size for m in matcher.get_matching_blocks()), len(a)


def test_reads_an_indented_text_script() -> None:
    """Columns of spaces give headings, action, cues, parentheticals, dialogue, transitions."""
    elements = import_text(SAMPLE).screenplay.elements
    assert [(e.kind, e.text) for e in elements] == [
        (K.SCENE_HEADING, "INT. LIGHTHOUSE - NIGHT"),
        (K.ACTION, "Waves hit the glass. Margot climbs the stairs."),
        (K.CHARACTER, "MARGOT"),
        (K.PARENTHETICAL, "(whispering)"),
        (K.DIALOGUE, "Somebody has been here."),
        (K.CHARACTER, "OSCAR"),
        (K.DIALOGUE, "The ferry never runs on a Sunday or holidays. We walk."),
        (K.TRANSITION, "CUT TO:"),
    ]


def test_title_page_before_the_first_form_feed() -> None:
    """A first page of centred lines, ended by a form feed, is the title page."""
    title = "\n" * 18 + "THE LEDGER".center(60) + "\n\n" + "Written by".center(60)
    title += "\n\n" + "Jane Roe".center(60) + "\n"
    screenplay = import_text(title + "\f" + SAMPLE).screenplay
    assert dict(screenplay.title_page) == {
        "Title": "THE LEDGER",
        "Credit": "Written by",
        "Author": "Jane Roe",
    }
    assert screenplay.elements[0].text == "INT. LIGHTHOUSE - NIGHT"


def test_form_feeds_separate_pages() -> None:
    """Each form feed starts a new page; trailing empty pages are dropped."""
    assert len(text_pages("A\fB\f")) == 2


def test_tabs_expand_to_eight_columns() -> None:
    """A tab-indented line starts at column 8."""
    (line,) = text_pages("\tHello")[0].lines
    assert line.x == 8.0


def test_layout_text_is_told_from_fountain() -> None:
    """Indented cues over dialogue mean a text export; Fountain cues sit at column 0."""
    assert looks_like_layout(SAMPLE)
    assert not looks_like_layout(FOUNTAIN)


def test_text_export_of_a_known_script_reads_back() -> None:
    """A script exported as text reads back element for element."""
    original = parse(FOUNTAIN)
    imported = import_text(text_export(original)).screenplay
    matched, total = accuracy(original, imported)
    report(f"text import accuracy (sample): {matched}/{total} elements = {matched / total:.1%}")
    assert matched == total


def test_feature_length_text_export_accuracy() -> None:
    """A generated feature script exported as text reads back at >= 98% of elements."""
    from bench.scriptgen import feature_script

    original = parse(feature_script(pages=40, seed=7))
    imported = import_text(text_export(original)).screenplay
    matched, total = accuracy(original, imported)
    report(f"text import accuracy (40 pages): {matched}/{total} elements = {matched / total:.1%}")
    assert matched / total >= 0.98
