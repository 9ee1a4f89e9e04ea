"""Pagination: standard screenplay layout, 55 lines a page, and the page-break rules."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from vividverse_desktop.core.screenplay.model import (
    DualSide,
    Element,
    ElementKind,
    Screenplay,
    Span,
    Style,
)
from vividverse_desktop.core.screenplay.pagination import (
    Continuation,
    Line,
    Page,
    Placement,
    format_eighths,
    lines_to_eighths,
    paginate,
    wrap,
)

K = ElementKind


def el(kind: ElementKind, text: str, **extra: object) -> Element:
    """An element on source line 1."""
    return Element(kind, text, 1, **extra)  # type: ignore[arg-type]


def script(*elements: Element) -> Screenplay:
    return Screenplay({}, tuple(elements))


def actions(count: int) -> list[Element]:
    """``count`` one-line action paragraphs (each takes a row plus a blank row before)."""
    return [el(K.ACTION, f"Beat {i}.") for i in range(count)]


def speech(cue: str, *lines: str, **extra: object) -> list[Element]:
    return [el(K.CHARACTER, cue, **extra), el(K.DIALOGUE, "\n".join(lines))]


def first(page: Page, kind: ElementKind) -> Line:
    return next(line for line in page.lines if line.kind is kind)


def test_wrap_breaks_at_spaces_within_width() -> None:
    """30 four-letter words at width 60 make lines of 12, 12 and 6 words."""
    text = " ".join(["word"] * 30)
    assert [end - start for start, end in wrap(text, 60)] == [59, 59, 29]


def test_wrap_keeps_line_breaks_and_cuts_overlong_words() -> None:
    """A newline starts a line, an empty line stays empty, a 12-letter word at width 5 is cut."""
    text = "ab\n\nabcdefghijkl"
    assert [text[s:e] for s, e in wrap(text, 5)] == ["ab", "", "abcde", "fghij", "kl"]


def test_action_sits_at_one_and_a_half_inches() -> None:
    """Action lines start 15 characters (1.5 in) from the left edge, wrapped to 60."""
    page = paginate(script(el(K.ACTION, " ".join(["word"] * 30)))).pages[0]
    assert [(line.x, len(line.text)) for line in page.lines] == [(15, 59), (15, 59), (15, 29)]


def test_speech_indents() -> None:
    """Cue at 3.7 in with its extension, parenthetical at 3.1 in, dialogue at 2.5 in."""
    elements = [
        el(K.CHARACTER, "ANNA", extensions=("V.O.",)),
        el(K.PARENTHETICAL, "(softly)"),
        el(K.DIALOGUE, "Hello."),
    ]
    page = paginate(script(*elements)).pages[0]
    assert [(line.text, line.x, line.row) for line in page.lines] == [
        ("ANNA (V.O.)", 37, 0),
        ("(softly)", 31, 1),
        ("Hello.", 25, 2),
    ]


def test_transition_is_right_aligned_at_seven_and_a_half_inches() -> None:
    """A transition ends at 75 characters from the left edge."""
    line = paginate(script(el(K.TRANSITION, "CUT TO:"))).pages[0].lines[0]
    assert line.x + len(line.text) == 75


def test_centered_text_is_centred_on_the_action_column() -> None:
    """Centered text's middle is at 4.5 in."""
    line = paginate(script(el(K.CENTERED, "THE END"))).pages[0].lines[0]
    assert line.x + len(line.text) / 2 == 45


def test_one_blank_line_between_elements_none_inside_a_speech() -> None:
    """Action, cue, dialogue, action land on rows 0, 2, 3 and 5."""
    elements = [el(K.ACTION, "A."), *speech("BO", "Hi."), el(K.ACTION, "B.")]
    page = paginate(script(*elements)).pages[0]
    assert [line.row for line in page.lines] == [0, 2, 3, 5]


def test_a_page_holds_fifty_five_lines() -> None:
    """Thirty one-line paragraphs fill rows 0..54 with 28 of them; two go on page 2 at row 0."""
    layout = paginate(script(*actions(30)))
    assert [len(page.lines) for page in layout.pages] == [28, 2]
    assert layout.pages[0].lines[-1].row == 54
    assert layout.pages[1].lines[0].row == 0


def test_scene_heading_never_ends_a_page() -> None:
    """A heading that would sit on the last row moves to the next page with its action."""
    elements = [*actions(27), el(K.SCENE_HEADING, "INT. HALL - DAY"), el(K.ACTION, "Go.")]
    layout = paginate(script(*elements))
    assert layout.pages[0].lines[-1].kind is K.ACTION
    assert (layout.pages[1].lines[0].kind, layout.pages[1].lines[0].row) == (K.SCENE_HEADING, 0)


def test_character_cue_never_ends_a_page() -> None:
    """With one row left, the whole speech moves to the next page."""
    elements = [*actions(27), *speech("BO", "One.", "Two.", "Three.")]
    layout = paginate(script(*elements))
    assert layout.pages[0].lines[-1].kind is K.ACTION
    assert layout.pages[1].lines[0].text == "BO"


def _long_speech() -> Screenplay:
    """Twenty one-line paragraphs (rows 0..38), then a cue and 20 one-line sentences."""
    sentences = [f"Sentence {i:02d} is right here ok." for i in range(20)]
    return script(*actions(20), *speech("ANNA", *sentences))


def test_split_speech_gets_more_and_contd() -> None:
    """A speech split across pages ends with (MORE) and resumes under "CUE (CONT'D)"."""
    pages = paginate(_long_speech()).pages
    more = pages[0].lines[-1]
    contd = pages[1].lines[0]
    assert (more.text, more.x, more.row, more.continuation) == (
        "(MORE)",
        37,
        54,
        Continuation.MORE,
    )
    assert (contd.text, contd.row, contd.continuation) == ("ANNA (CONT'D)", 0, Continuation.CONTD)


def test_split_speech_fills_the_page_and_keeps_every_line() -> None:
    """Rows 40..53 take the cue and 13 dialogue lines; the other 7 follow on page 2."""
    layout = paginate(_long_speech())
    assert layout.placements(21) == (Placement(1, 13), Placement(2, 7))


def test_cue_with_contd_extension_is_not_marked_twice() -> None:
    """A cue already marked CONT'D keeps one CONT'D after a page break."""
    sentences = [f"Sentence {i:02d} is right here ok." for i in range(20)]
    elements = [*actions(20), *speech("ANNA", *sentences, extensions=("CONT'D",))]
    page = paginate(script(*elements)).pages[1]
    assert page.lines[0].text == "ANNA (CONT'D)"


def test_dialogue_split_prefers_a_sentence_end() -> None:
    """The split falls after the last whole sentence rather than mid-sentence lower down."""
    long_sentence = " ".join(["and then it goes on"] * 12) + "."
    dialogue = f"Sentence one is right here.\nSentence two is also here.\n{long_sentence}"
    elements = [*actions(25), el(K.CHARACTER, "ANNA"), el(K.DIALOGUE, dialogue)]
    page = paginate(script(*elements)).pages[0]
    tail = [line.text for line in page.lines[-4:]]
    assert tail == ["ANNA", "Sentence one is right here.", "Sentence two is also here.", "(MORE)"]


def _two_rows_left_then(paragraph: str) -> Screenplay:
    """25 one-line paragraphs and a two-line one fill rows 0..51; rows 53 and 54 are left."""
    return script(*actions(25), el(K.ACTION, "x\ny"), el(K.ACTION, paragraph))


def test_action_does_not_split_two_and_one() -> None:
    """A three-line paragraph with two rows left moves whole to the next page."""
    layout = paginate(_two_rows_left_then(" ".join(["word"] * 30)))
    assert layout.placements(26) == (Placement(2, 3),)


def test_action_splits_two_and_two() -> None:
    """A four-line paragraph with two rows left splits two lines each side."""
    layout = paginate(_two_rows_left_then(" ".join(["word"] * 40)))
    assert layout.placements(26) == (Placement(1, 2), Placement(2, 2))


def test_page_break_forces_a_new_page_but_never_an_empty_one() -> None:
    """=== starts a new page; at the top of the script it adds nothing."""
    elements = [el(K.PAGE_BREAK, ""), el(K.ACTION, "A."), el(K.PAGE_BREAK, ""), el(K.ACTION, "B.")]
    layout = paginate(script(*elements))
    assert [[line.text for line in page.lines] for page in layout.pages] == [["A."], ["B."]]


def test_notes_sections_and_synopses_do_not_print() -> None:
    """Only the action prints, at row 0."""
    elements = [
        el(K.SECTION, "Act one", level=1),
        el(K.SYNOPSIS, "Anna arrives."),
        el(K.NOTE, "Fix later."),
        el(K.ACTION, "A."),
    ]
    layout = paginate(script(*elements))
    assert [(line.text, line.row) for line in layout.pages[0].lines] == [("A.", 0)]


def test_inline_note_text_is_not_printed() -> None:
    """Text under a NOTE span is left out of the printed line."""
    element = el(K.ACTION, "Go fixme now.", spans=(Span(3, 9, Style.NOTE),))
    assert paginate(script(element)).pages[0].lines[0].text == "Go now."


def test_inline_note_between_spaces_leaves_one_space() -> None:
    """A note between spaces ("Go [[fix]] now.") leaves a single space."""
    element = el(K.ACTION, "Go fix now.", spans=(Span(3, 6, Style.NOTE),))
    assert paginate(script(element)).pages[0].lines[0].text == "Go now."


def test_dual_dialogue_is_two_columns_as_tall_as_the_taller_side() -> None:
    """Both cues share a row; the block is four rows tall and the next action follows it."""
    elements = [
        el(K.CHARACTER, "ANNA", dual=DualSide.LEFT),
        el(K.DIALOGUE, "Yes.", dual=DualSide.LEFT),
        el(K.CHARACTER, "BO", dual=DualSide.RIGHT),
        el(K.DIALOGUE, "No.\nNever.\nNot once.", dual=DualSide.RIGHT),
        el(K.ACTION, "Silence."),
    ]
    page = paginate(script(*elements)).pages[0]
    anna, bo = (line for line in page.lines if line.kind is K.CHARACTER)
    assert anna.row == bo.row == 0
    assert anna.x < 45 <= bo.x
    assert first(page, K.ACTION).row == 5


def test_scene_eighths_count_lines_from_heading_to_heading() -> None:
    """A scene pushed to page 2 covers the whole of page 1 (8/8); a 3-line scene rounds to 1/8."""
    elements = [
        el(K.SCENE_HEADING, "INT. A - DAY"),
        *actions(26),
        el(K.SCENE_HEADING, "INT. B - DAY"),
        el(K.ACTION, "Go."),
    ]
    layout = paginate(script(*elements))
    assert layout.scene_lines() == (55, 3)
    assert layout.scene_eighths() == (8, 1)


def test_lines_round_to_the_nearest_eighth_with_one_at_least() -> None:
    """55 lines are 8/8, 10 lines 1.45/8 -> 1, 11 lines 1.6/8 -> 2, 1 line still 1."""
    assert [lines_to_eighths(n) for n in (55, 10, 11, 1)] == [8, 1, 2, 1]


def test_eighths_format_as_pages_and_eighths() -> None:
    """948 eighths read "118 4/8"."""
    assert [format_eighths(n) for n in (948, 7, 16, 0)] == ["118 4/8", "7/8", "2", "0"]


def test_a4_has_the_same_pages_as_letter() -> None:
    """Same left margin and 55 lines: A4 pages hold the same lines."""
    screenplay = script(*actions(70))
    assert paginate(screenplay, "a4").pages == paginate(screenplay, "letter").pages


def _feature(scenes: int) -> Screenplay:
    elements: list[Element] = []
    for n in range(scenes):
        elements.append(el(K.SCENE_HEADING, f"INT. ROOM {n} - DAY"))
        for m in range(5):
            elements.append(el(K.ACTION, "The door opens and somebody walks in slowly. " * 3))
            elements.append(el(K.CHARACTER, f"SPEAKER {m}"))
            elements.append(el(K.DIALOGUE, "I have something to tell you about it. " * 3))
    return script(*elements)


def test_a_feature_length_script_paginates_in_well_under_100_ms() -> None:
    """About 120 pages lay out in less than 100 ms (best of five runs)."""
    screenplay = _feature(120)
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        layout = paginate(screenplay)
        best = min(best, time.perf_counter() - started)
    assert 100 <= layout.page_count <= 140
    assert best < 0.1


_WORDS = st.sampled_from(["the", "lamp", "burns.", "Nobody", "comes", "tonight,", "ever!", "a"])


def _text(max_words: int) -> st.SearchStrategy[str]:
    return st.lists(_WORDS, min_size=1, max_size=max_words).map(" ".join)


def _block() -> st.SearchStrategy[list[Element]]:
    heading = st.just([el(K.SCENE_HEADING, "INT. ROOM - DAY")])
    action = _text(120).map(lambda t: [el(K.ACTION, t)])
    talk = st.tuples(st.booleans(), _text(150)).map(
        lambda p: [
            el(K.CHARACTER, "ANNA"),
            *([el(K.PARENTHETICAL, "(low)")] if p[0] else []),
            el(K.DIALOGUE, p[1]),
        ]
    )
    dual = st.tuples(_text(30), _text(30)).map(
        lambda p: [
            el(K.CHARACTER, "ANNA", dual=DualSide.LEFT),
            el(K.DIALOGUE, p[0], dual=DualSide.LEFT),
            el(K.CHARACTER, "BO", dual=DualSide.RIGHT),
            el(K.DIALOGUE, p[1], dual=DualSide.RIGHT),
        ]
    )
    other = st.sampled_from(
        [
            [el(K.TRANSITION, "CUT TO:")],
            [el(K.CENTERED, "LATER")],
            [el(K.PAGE_BREAK, "")],
            [el(K.NOTE, "a note")],
        ]
    )
    return st.one_of(heading, action, action, talk, talk, dual, other)


@settings(max_examples=150, deadline=None)
@given(st.lists(_block(), min_size=1, max_size=40))
def test_any_script_keeps_the_page_rules(blocks: list[list[Element]]) -> None:
    """Rows stay in 0..54, a heading or bare cue ends a page only before ===, no line is lost."""
    screenplay = script(*(element for block in blocks for element in block))
    layout = paginate(screenplay)
    for page in layout.pages:
        assert page.lines
        assert all(0 <= line.row < 55 for line in page.lines)
        last_row = [line for line in page.lines if line.row == page.lines[-1].row]
        for line in last_row:
            if line.kind is K.SCENE_HEADING:
                after = [e.kind for e in screenplay.elements[line.element + 1 :]]
                printing = [k for k in after if k not in (K.NOTE, K.SECTION, K.SYNOPSIS)]
                assert not printing or printing[0] is K.PAGE_BREAK
        assert all(
            line.kind is not K.CHARACTER or line.continuation is Continuation.MORE
            for line in last_row
        )
    for index, element in enumerate(screenplay.elements):
        if element.kind is K.DIALOGUE and element.dual is None:
            printed = sum(p.lines for p in layout.placements(index))
            assert printed == len(wrap(element.text, 35))
