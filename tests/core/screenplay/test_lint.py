"""The Fountain linter: each finding, its line and severity."""

from __future__ import annotations

from bench.scriptgen import feature_script
from vividverse_desktop.core.screenplay import LintIssue, lint


def found(text: str) -> list[tuple[int, str]]:
    """(line, severity) of every issue in ``text``."""
    return [(issue.line, issue.severity) for issue in lint(text)]


def test_clean_script_has_no_issues() -> None:
    """A well-formed feature script lints clean."""
    assert lint(feature_script(20)) == []


def test_unclosed_note_is_an_error_where_it_opened() -> None:
    """A [[ never closed is an error on its own line."""
    issues = lint("Action.\n\nHe [[wonders\nabout it.\n\nMore.\n")
    assert [(i.line, i.severity) for i in issues] == [(3, "error")]
    assert "[[" in issues[0].message


def test_note_with_two_space_line_is_still_open_across_it() -> None:
    """A two-space line keeps a note open; ]] after it closes it cleanly."""
    assert lint("[[one\n  \ntwo]]\n") == []


def test_unclosed_boneyard_is_an_error_where_it_opened() -> None:
    """A /* with no */ is an error at the opening line."""
    assert found("A.\n\n/* cut from here\n\nB.\n\nC.\n") == [(3, "error")]


def test_stray_closers_are_reported() -> None:
    """*/ with no boneyard is an error; ]] with no note is a warning."""
    assert found("A */ b\n\nC ]] d\n") == [(1, "error"), (3, "warning")]


def test_markup_inside_a_boneyard_is_ignored() -> None:
    """A [[ inside a boneyard is struck text, not a note."""
    assert lint("/* [[ half a note */\n\nAction.\n") == []


def test_escaped_markers_are_not_reported() -> None:
    """Backslash-escaped openers are plain text."""
    assert lint("Use \\[[ and \\/* freely.\n") == []


def test_cue_without_dialogue_is_a_warning() -> None:
    """A forced cue followed by a blank line has no dialogue."""
    assert found("@BOB\n\nAction.\n") == [(1, "warning")]


def test_a_cue_that_only_sings_has_its_speech() -> None:
    """~ lines right under a cue are its speech; after a blank line they are not."""
    assert found("BERYL (SINGING)\n~There's a light in the harbour\n") == []
    assert found("@BERYL\n\n~There's a light in the harbour\n") == [(1, "warning")]


def test_forced_transition_inside_a_paragraph_is_a_warning() -> None:
    """A > transition with text right under it does not end the paragraph."""
    assert found(">CUT TO:\nShe runs.\n") == [(1, "warning")]
    assert lint(">CUT TO:\n\nShe runs.\n") == []


def test_empty_scene_heading_is_a_warning() -> None:
    """A lone dot is a forced heading with no text."""
    assert found("Action.\n\n.\n\nMore.\n") == [(3, "warning")]


def test_dual_caret_without_preceding_dialogue_is_a_warning() -> None:
    """^ on a cue needs a speech right before it."""
    assert found("Action.\n\nSTEEL ^\nHi.\n") == [(3, "warning")]
    assert lint("BRICK\nHi.\n\nSTEEL ^\nHi.\n") == []


def test_unknown_title_page_key_is_a_warning_on_its_line() -> None:
    """Keys outside the known set are flagged where they appear."""
    issues = lint("Title: X\nMood: grim\nAuthor: Y\n\nAction.\n")
    assert issues == [LintIssue(2, "warning", "unknown title page key 'Mood'")]


def test_issues_are_sorted_by_line() -> None:
    """Findings from different checks come back in line order."""
    text = "Title: X\nMood: grim\n\n@BOB\n\n.\n\n/* open\n"
    lines = [issue.line for issue in lint(text)]
    assert lines == sorted(lines)
    assert len(lines) == 4


def test_nul_character_is_reported_not_raised() -> None:
    """Input the parser refuses becomes an error issue on its line."""
    assert found("ok\nbad\x00\n") == [(2, "error")]
