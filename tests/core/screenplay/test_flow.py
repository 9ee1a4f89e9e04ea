"""Element flow: what Enter and Tab type is what the parser then reads."""

from __future__ import annotations

import pytest

from vividverse_desktop.core.screenplay.flow import after_enter, bare, next_kind, retyped
from vividverse_desktop.core.screenplay.fountain import parse


def test_enter_flows_heading_to_action_cue_to_dialogue_dialogue_to_action() -> None:
    assert after_enter("scene_heading") == ("\n\n", "action")
    assert after_enter("character") == ("\n", "dialogue")
    assert after_enter("parenthetical") == ("\n", "dialogue")
    assert after_enter("dialogue") == ("\n\n", "action")
    assert after_enter("transition") == ("\n\n", "scene_heading")


def test_tab_on_an_empty_line_makes_a_cue_and_cycles_written_lines() -> None:
    assert next_kind("action", empty=True) == "character"
    assert next_kind("dialogue", empty=True) == "parenthetical"
    assert next_kind("action", empty=False) == "character"
    assert next_kind("character", empty=False) == "scene_heading"
    assert next_kind("scene_heading", empty=False) == "transition"
    assert next_kind("transition", empty=False) == "action"


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("the kitchen", "scene_heading"),
        ("int. kitchen - day", "scene_heading"),
        ("bob", "character"),
        ("int. bob", "character"),
        ("smash cut", "transition"),
        ("cut to:", "transition"),
        ("INT. NOT A HEADING", "action"),
        ("LOUD NOISES", "action"),
        ("beat", "parenthetical"),
    ],
)
def test_a_retyped_line_reads_back_as_the_kind_asked_for(line: str, kind: str) -> None:
    written = retyped(line, kind)
    if kind in ("character", "parenthetical"):
        text = f"BOB\n{written}\nHello.\n" if kind == "parenthetical" else f"{written}\nHello.\n"
        elements = parse("INT. A - DAY\n\n" + text).elements
        found = [e for e in elements if e.kind.value == kind]
    else:
        found = [e for e in parse(f"\n{written}\n\n").elements if e.kind.value == kind]
    assert found, (line, written)
    assert bare(written).upper() == bare(line).upper() or kind == "parenthetical"
