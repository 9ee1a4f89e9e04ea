"""PDF export options read back with pypdf: scene numbers on either side, and the "revised"
asterisk beside each line that changed since the previous version."""

from __future__ import annotations

import pytest

from tests.media.test_pdf_export import positions, reader, two_page_script
from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.pagination import paginate
from vividverse_desktop.core.screenplay.revision import revised_lines
from vividverse_desktop.media.pdf_export import render_pdf

SAMPLE = resource_path("samples", "the_lamplighter.fountain").read_text("utf-8")


@pytest.mark.parametrize(
    ("side", "left", "right"),
    [("none", 0, 0), ("left", 1, 0), ("right", 0, 1), ("both", 1, 1)],
)
def test_scene_numbers_print_on_the_chosen_side(side: str, left: int, right: int) -> None:
    """ "left" prints the number left of 1.5 in, "right" right of 7.5 in, "both" both."""
    data = render_pdf(two_page_script(), title_page=False, scene_numbers=side)  # type: ignore[arg-type]
    xs = [x for t, x, _ in positions(reader(data).pages[0]) if t == "1"]
    assert sum(x < 1.5 * 72 for x in xs) == left
    assert sum(x > 7.5 * 72 for x in xs) == right


def test_an_unknown_side_is_refused() -> None:
    """A side that is not none/left/right/both is a ValueError naming the choices."""
    with pytest.raises(ValueError, match="none, left, right, both"):
        render_pdf(two_page_script(), scene_numbers="top")  # type: ignore[arg-type]


def _marks(data: bytes) -> list[tuple[int, str]]:
    """(page, text of the line beside it) for each asterisk in the right margin."""
    found: list[tuple[int, str]] = []
    for number, page in enumerate(reader(data).pages):
        runs = positions(page)
        for text, x, y in runs:
            if text == "*" and x > 7.9 * 72:
                line = " ".join(t for t, lx, ly in runs if abs(ly - y) < 1 and lx < 7.9 * 72)
                found.append((number, line))
    return found


def test_an_unchanged_version_has_no_marks() -> None:
    """Exported against itself, the script carries no asterisk."""
    screenplay = parse(SAMPLE)
    assert _marks(render_pdf(screenplay, revised_from=screenplay)) == []


def test_changed_and_added_lines_are_marked_and_only_they() -> None:
    """An edited speech, a new action line and a renamed heading are marked; nothing else."""
    new = (
        SAMPLE.replace("They can want.", "They can want all they like.")
        .replace("INT. LAMP ROOM - LATER", "INT. LAMP ROOM - MUCH LATER")
        .replace(
            "Jonas has no answer to that.",
            "Jonas has no answer to that.\n\nThe beam sweeps past them both.",
        )
    )
    data = render_pdf(parse(new), title_page=False, revised_from=parse(SAMPLE))
    marked = [line for _, line in _marks(data)]
    assert marked == [
        "They can want all they like.",
        "The beam sweeps past them both.",
        "INT. LAMP ROOM - MUCH LATER",
    ]
    assert _marks(render_pdf(parse(new), title_page=False)) == []


def test_a_long_paragraph_marks_only_the_lines_that_moved() -> None:
    """A word added at the end of a wrapped action paragraph marks its last line only."""
    words = " ".join(f"word{i}" for i in range(60))
    old = parse(f"INT. ROOM - DAY\n\n{words}.\n")
    new = parse(f"INT. ROOM - DAY\n\n{words} more.\n")
    marks = revised_lines(old, new)
    lines = [line for page in paginate(new).pages for line in page.lines if line.element == 1]
    assert len(lines) > 3
    assert marks == {(1, lines[-1].start)}


def test_deleted_lines_leave_no_mark() -> None:
    """Deleting a speech marks nothing: no line of the new version changed."""
    old = parse(SAMPLE)
    new = parse(SAMPLE.replace("MARTA\nThey can want.\n\n", ""))
    assert revised_lines(old, new) == frozenset()
