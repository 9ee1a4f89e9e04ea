"""The Fountain 1.1 elements, one behaviour per test."""

from __future__ import annotations

import pytest

from vividverse_desktop.core.screenplay import DualSide, ElementKind, parse

K = ElementKind


def kinds(text: str) -> list[tuple[ElementKind, str]]:
    """(kind, text) of each element parsed from ``text``."""
    return [(e.kind, e.text) for e in parse(text).elements]


def test_title_page_single_and_multi_line_values() -> None:
    """Title page keys keep their case and order; indented lines continue a value."""
    sp = parse(
        "Title:\n    BRICK & STEEL\n    FULL RETIRED\nCredit: Written by\n"
        "Draft date: 1/27/2012\n\nINT. HOUSE - DAY\n"
    )
    assert list(sp.title_page.items()) == [
        ("Title", "BRICK & STEEL\nFULL RETIRED"),
        ("Credit", "Written by"),
        ("Draft date", "1/27/2012"),
    ]
    assert sp.title == "BRICK & STEEL FULL RETIRED"  # a two-line title joins its lines
    assert kinds("Title: X\n\nINT. HOUSE - DAY\n") == [(K.SCENE_HEADING, "INT. HOUSE - DAY")]


def test_no_title_page_unless_the_file_starts_with_a_key() -> None:
    """A key-like line after the first line is ordinary action."""
    sp = parse("\nTitle: Not a title page\n")
    assert sp.title_page == {}
    assert kinds("\nTitle: Not a title page\n") == [(K.ACTION, "Title: Not a title page")]


@pytest.mark.parametrize(
    "line",
    [
        "INT. HOUSE - DAY",
        "EXT. FIELD - NIGHT",
        "EST. CITY",
        "INT./EXT. CAR - MOVING",
        "INT/EXT CAR",
        "I/E. PORCH",
        "int. lower case",
        "ext house",
    ],
)
def test_scene_heading_prefixes(line: str) -> None:
    """Each heading prefix, in any case, followed by a dot or a space makes a heading."""
    assert kinds(f"{line}\n\nAction.\n") == [(K.SCENE_HEADING, line), (K.ACTION, "Action.")]


@pytest.mark.parametrize("line", ["INTERIOR HOUSE", "EXTRA EXTRA", "INT", "I/EVERYTHING"])
def test_words_starting_like_headings_are_not_headings(line: str) -> None:
    """A prefix glued to a word is not a heading."""
    assert kinds(f"{line}\n\nAction.\n")[0] == (K.ACTION, line)


def test_forced_heading_with_dot_but_not_ellipsis() -> None:
    """A leading dot forces a heading; two dots are action."""
    sp = parse(".SNIPER SCOPE POV\n\n...and then nothing.\n")
    first, second = sp.elements
    assert (first.kind, first.text, first.forced) == (K.SCENE_HEADING, "SNIPER SCOPE POV", True)
    assert (second.kind, second.text) == (K.ACTION, "...and then nothing.")


def test_scene_number_at_end_of_heading() -> None:
    """A trailing #12A# is the scene number, not heading text."""
    heading = parse("INT. HOUSE - DAY #12A#\n").elements[0]
    assert (heading.text, heading.scene_number) == ("INT. HOUSE - DAY", "12A")
    assert parse(".FLASHBACK #I-1-A#\n").elements[0].scene_number == "I-1-A"


def test_character_cue_needs_blank_before_and_text_after() -> None:
    """An upper-case line with dialogue under it is a cue; alone it is action."""
    assert kinds("STEEL\nBeer's ready!\n") == [
        (K.CHARACTER, "STEEL"),
        (K.DIALOGUE, "Beer's ready!"),
    ]
    assert kinds("STEEL\n\nMore.\n") == [(K.ACTION, "STEEL"), (K.ACTION, "More.")]
    assert kinds("Action.\nSTEEL\nHi.\n") == [(K.ACTION, "Action.\nSTEEL\nHi.")]


def test_character_extensions_are_split_off() -> None:
    """(V.O.), (O.S.), (CONT'D) and lower-case extensions go to Element.extensions."""
    cue = parse("HANS (on the radio) (CONT'D)\nWhat?\n").elements[0]
    assert (cue.kind, cue.text, cue.extensions) == (K.CHARACTER, "HANS", ("on the radio", "CONT'D"))


def test_forced_character_allows_lower_case() -> None:
    """@ forces a cue, keeping the name's case."""
    cue = parse("@McCLANE\nYippie ki-yay!\n").elements[0]
    assert (cue.kind, cue.text, cue.forced) == (K.CHARACTER, "McCLANE", True)


def test_caseless_names_must_be_forced_but_cyrillic_counts() -> None:
    """A CJK name needs @; an upper-case Cyrillic or Greek name is a cue as it is."""
    assert kinds("小明\n你好\n")[0][0] is K.ACTION
    assert kinds("@小明\n你好\n")[0] == (K.CHARACTER, "小明")
    assert kinds("МАША\nПривет.\n")[0] == (K.CHARACTER, "МАША")
    assert kinds("ΣΩΚΡΑΤΗΣ\nΓεια.\n")[0] == (K.CHARACTER, "ΣΩΚΡΑΤΗΣ")


def test_dialogue_runs_to_the_blank_line_with_parentheticals() -> None:
    """Lines after a cue are dialogue; wrapped lines in () are parentheticals."""
    assert kinds("BRICK\n(quietly)\nAre they cold?\nVery.\n(beat)\nGood.\n\nAction.\n") == [
        (K.CHARACTER, "BRICK"),
        (K.PARENTHETICAL, "(quietly)"),
        (K.DIALOGUE, "Are they cold?\nVery."),
        (K.PARENTHETICAL, "(beat)"),
        (K.DIALOGUE, "Good."),
        (K.ACTION, "Action."),
    ]


def test_parenthetical_may_wrap_over_lines() -> None:
    """A ( line closed by a later line's ) before a blank line is one parenthetical."""
    assert kinds("BOB\n(quietly,\n to himself)\nFine.\n") == [
        (K.CHARACTER, "BOB"),
        (K.PARENTHETICAL, "(quietly,\nto himself)"),
        (K.DIALOGUE, "Fine."),
    ]
    assert kinds("BOB\n(never closed\nFine.\n")[1] == (K.DIALOGUE, "(never closed\nFine.")


def test_two_spaces_keep_a_blank_line_in_dialogue() -> None:
    """A line of two spaces inside dialogue is an empty dialogue line."""
    assert kinds("DEALER\nTen.\n  \nFour.\n")[1] == (K.DIALOGUE, "Ten.\n\nFour.")


def test_dual_dialogue_marks_both_sides() -> None:
    """^ marks the caret speaker's block right and the block before it left."""
    sp = parse("BRICK\n(quietly)\nScrew retirement.\n\nSTEEL ^\nScrew retirement.\n")
    sides = [(e.kind, e.dual) for e in sp.elements]
    assert sides == [
        (K.CHARACTER, DualSide.LEFT),
        (K.PARENTHETICAL, DualSide.LEFT),
        (K.DIALOGUE, DualSide.LEFT),
        (K.CHARACTER, DualSide.RIGHT),
        (K.DIALOGUE, DualSide.RIGHT),
    ]
    assert sp.elements[3].text == "STEEL"


def test_lyrics_are_tilde_lines() -> None:
    """Consecutive ~ lines make one lyrics element."""
    assert kinds("~Willy Wonka! Willy Wonka!\n~The amazing chocolatier!\n") == [
        (K.LYRICS, "Willy Wonka! Willy Wonka!\nThe amazing chocolatier!")
    ]


def test_sung_lines_under_a_cue_are_lyrics_of_the_speech() -> None:
    """~ lines inside a speech are its lyrics, not dialogue with tildes; it goes on after."""
    assert kinds(
        "BERYL (SINGING)\n~There's a light in the harbour\n~that burns the night through,\n"
        "She never finished it.\n"
    ) == [
        (K.CHARACTER, "BERYL"),
        (K.LYRICS, "There's a light in the harbour\nthat burns the night through,"),
        (K.DIALOGUE, "She never finished it."),
    ]


def test_sung_lines_keep_their_side_of_a_dual_pair() -> None:
    """Lyrics in either speech of a ^ pair sit on that speech's side."""
    elements = parse("BOB\n~la la\n\nALICE ^\nOh.\n~lo lo\n").elements
    assert [(e.kind, e.dual) for e in elements] == [
        (K.CHARACTER, DualSide.LEFT),
        (K.LYRICS, DualSide.LEFT),
        (K.CHARACTER, DualSide.RIGHT),
        (K.DIALOGUE, DualSide.RIGHT),
        (K.LYRICS, DualSide.RIGHT),
    ]


def test_transition_needs_upper_case_to_and_blank_lines() -> None:
    """An upper-case line ending in TO: between blank lines is a transition."""
    assert kinds("Action.\n\nCUT TO:\n\nINT. X\n")[1] == (K.TRANSITION, "CUT TO:")
    assert kinds("Action.\n\nCut to:\n\nINT. X\n")[1] == (K.ACTION, "Cut to:")


def test_forced_transition_and_centered_text() -> None:
    """> forces a transition; >text< is centered text (spaces inside trimmed)."""
    sp = parse(">Burn to White.\n\n> THE END <\n")
    transition, centered = sp.elements
    assert (transition.kind, transition.text, transition.forced) == (
        K.TRANSITION,
        "Burn to White.",
        True,
    )
    assert (centered.kind, centered.text) == (K.CENTERED, "THE END")


def test_sections_with_levels_and_synopses() -> None:
    """# starts a section (depth = number of #); = starts a synopsis."""
    sp = parse("# ACT I\n\n## Sequence\n\n= Set up the heist.\n")
    assert [(e.kind, e.text, e.level) for e in sp.elements] == [
        (K.SECTION, "ACT I", 1),
        (K.SECTION, "Sequence", 2),
        (K.SYNOPSIS, "Set up the heist.", 0),
    ]


def test_page_break_is_three_or_more_equals() -> None:
    """=== (or longer) is a page break, not a synopsis."""
    assert kinds("A.\n\n===\n\nB.\n\n=====\n") == [
        (K.ACTION, "A."),
        (K.PAGE_BREAK, ""),
        (K.ACTION, "B."),
        (K.PAGE_BREAK, ""),
    ]


def test_note_alone_is_an_element_and_may_span_lines() -> None:
    """A note filling its lines is a NOTE; two spaces keep an empty line inside it."""
    sp = parse("[[Look at this\n  \nagain]]\n\nAction.\n")
    note = sp.elements[0]
    assert (note.kind, note.text, note.line, note.end_line) == (
        K.NOTE,
        "Look at this\n\nagain",
        1,
        3,
    )


def test_note_broken_by_a_blank_line_is_literal() -> None:
    """A [[ that meets a true blank line before ]] is plain text."""
    assert kinds("[[never closed\n\nAction.\n")[0] == (K.ACTION, "[[never closed")


def test_action_keeps_indentation_and_line_breaks() -> None:
    """Leading tabs and spaces stay in action; each line break stays."""
    assert kinds("He waits.\n\tThen\n    waits more.\n") == [
        (K.ACTION, "He waits.\n\tThen\n    waits more.")
    ]


def test_forced_action_with_exclamation_mark() -> None:
    """! makes a would-be heading or cue action and is removed."""
    sp = parse("!INT. HOUSE - DAY\n\n!SCANNING THE AISLES...\nWhere is it?\n")
    assert [(e.kind, e.text, e.forced) for e in sp.elements] == [
        (K.ACTION, "INT. HOUSE - DAY", True),
        (K.ACTION, "SCANNING THE AISLES...\nWhere is it?", True),
    ]


def test_boneyard_is_kept_aside_not_as_an_element() -> None:
    """/* */ text goes to Screenplay.boneyards with the element it preceded."""
    sp = parse("A.\n\n/* cut\nthis scene */\nB.\n\nC /* and this */ too.\n")
    assert kinds("A.\n\n/* cut\nthis scene */\nB.\n") == [(K.ACTION, "A."), (K.ACTION, "B.")]
    assert [(b.text, b.line, b.before) for b in sp.boneyards] == [
        (" cut\nthis scene ", 3, 1),
        (" and this ", 7, 2),
    ]
    assert sp.elements[2].text == "C  too."


def test_boneyard_between_cue_and_dialogue_keeps_the_speech() -> None:
    """A boneyard line inside a speech does not end it."""
    assert kinds("BOB\n/* (angrily) */\nGo.\n") == [(K.CHARACTER, "BOB"), (K.DIALOGUE, "Go.")]


def test_line_numbers_are_one_based_source_lines() -> None:
    """line and end_line point at the source, after the title page and boneyards."""
    sp = parse("Title: T\n\n/* x\ny */\nINT. A - DAY\n\nOne\ntwo\n")
    assert [(e.line, e.last_line) for e in sp.elements] == [(5, 5), (7, 8)]
