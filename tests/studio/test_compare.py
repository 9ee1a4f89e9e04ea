"""Version compare on a real-shaped script: moved, edited (with side-by-side rows), added and
removed scenes, and the rows of a whole diff."""

from __future__ import annotations

from pathlib import Path

from bench.scriptgen import feature_script
from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay import ElementKind, parse
from vividverse_desktop.studio import compare, scripts
from vividverse_desktop.studio.compare import DiffRow

BRICK = resource_path("samples", "real", "brick_and_steel.fountain").read_text("utf-8")
GASWORKS = "EXT. OLD GASWORKS - NIGHT"
CAR = "INT./EXT. EDWARD'S CAR - NIGHT - [THE STORM]"


def _scene_block(text: str, heading: str) -> str:
    """The scene that starts with ``heading``, up to the next heading, blank line included."""
    start = text.index(heading + "\n")
    end = text.index("\nEXT./INT. MILLER'S TRUCK - SAME", start) + 1
    return text[start:end] if heading == CAR else text[start : text.index(CAR, start)]


def test_a_scene_moved_unchanged_is_moved_not_added_and_removed() -> None:
    """Swapping two scenes reports one as moved, nothing as added or removed."""
    gasworks, car = _scene_block(BRICK, GASWORKS), _scene_block(BRICK, CAR)
    swapped = BRICK.replace(gasworks + car, car + gasworks)
    assert swapped != BRICK
    diff = compare.diff_texts(BRICK, swapped)
    assert [(c.change, c.heading) for c in diff.scenes] in (
        [("moved", GASWORKS)],
        [("moved", CAR)],
    )
    (change,) = diff.scenes
    assert change.old_index is not None
    assert change.new_index is not None
    assert change.old_index != change.new_index
    assert change.rows == ()


def test_an_edited_scene_has_side_by_side_rows() -> None:
    """A changed line is a replace row with both line numbers; the rest of the scene is equal."""
    new = BRICK.replace("She drops down on the far side.", "She drops, hard, on the far side.")
    (change,) = compare.diff_texts(BRICK, new).scenes
    assert (change.change, change.heading, change.moved) == ("edited", GASWORKS, False)
    changed = [row for row in change.rows if row.tag != "equal"]
    line = BRICK.splitlines().index("She drops down on the far side.") + 1
    assert changed == [
        DiffRow(
            "She drops down on the far side.",
            "She drops, hard, on the far side.",
            "replace",
            line,
            line,
        )
    ]
    assert change.rows[0] == DiffRow(GASWORKS, GASWORKS, "equal", line - 7, line - 7)


def test_an_edited_scene_that_also_moved_says_both() -> None:
    """A scene moved to the end and given a new line is edited and moved."""
    gasworks = _scene_block(BRICK, GASWORKS)
    edited = gasworks.replace("Mara climbs the fence.", "Mara climbs the fence.\n\nA dog barks.")
    new = BRICK.replace(gasworks, "") + "\n" + edited
    changes = compare.diff_texts(BRICK, new).scenes
    assert [(c.change, c.heading, c.moved) for c in changes] == [("edited", GASWORKS, True)]
    inserted = [row.right for row in changes[0].rows if row.tag == "insert"]
    assert "A dog barks." in inserted
    assert all(row.left is None for row in changes[0].rows if row.tag == "insert")


def test_a_renamed_heading_with_the_same_body_is_edited() -> None:
    """A heading rewritten over an unchanged body is the same scene edited, not a new one."""
    new = BRICK.replace(GASWORKS, "EXT. DERELICT GASWORKS - NIGHT")
    changes = compare.diff_texts(BRICK, new).scenes
    assert [(c.change, c.heading) for c in changes] == [
        ("edited", "EXT. DERELICT GASWORKS - NIGHT")
    ]
    assert changes[0].rows[0].tag == "replace"


def test_added_and_removed_scenes_keep_their_places() -> None:
    """A dropped scene is listed where it stood; a new scene where it now stands."""
    car = _scene_block(BRICK, CAR)
    new = BRICK.replace(car, "").replace(
        "INT. HOSPITAL CORRIDOR - NIGHT",
        "EXT. CANAL - NIGHT\n\nBlack water.\n\nINT. HOSPITAL CORRIDOR - NIGHT",
    )
    changes = compare.diff_texts(BRICK, new).scenes
    assert [(c.change, c.heading) for c in changes] == [
        ("removed", CAR),
        ("added", "EXT. CANAL - NIGHT"),
    ]
    assert {row.tag for row in changes[0].rows} == {"delete"}
    assert [row.right for row in changes[1].rows] == ["EXT. CANAL - NIGHT", "", "Black water."]


def test_side_by_side_pairs_a_replaced_stretch_line_by_line() -> None:
    """Two old lines replaced by three: two replace rows and an insert, numbered."""
    rows = compare.side_by_side(["a", "b", "c", "z"], ["a", "B", "C", "D", "z"])
    assert [(r.left, r.right, r.tag, r.left_line, r.right_line) for r in rows] == [
        ("a", "a", "equal", 1, 1),
        ("b", "B", "replace", 2, 2),
        ("c", "C", "replace", 3, 3),
        (None, "D", "insert", None, 4),
        ("z", "z", "equal", 4, 5),
    ]


def test_a_feature_with_one_edit_reports_one_scene() -> None:
    """On a 120-page script, one changed line is one edited scene and nothing else."""
    text = feature_script(120)
    action = next(e for e in parse(text).scenes()[10].elements if e.kind is ElementKind.ACTION)
    lines = text.splitlines(keepends=True)
    lines[action.line - 1] = lines[action.line - 1].rstrip("\n") + " Again.\n"
    new = "".join(lines)
    changes = compare.diff_texts(text, new).scenes
    assert [c.change for c in changes] == ["edited"]
    assert sum(row.tag != "equal" for row in changes[0].rows) == 1


def test_scratch_versions_holds_one_script_with_each_text_as_a_version(tmp_path: Path) -> None:
    """The demonstration store has the texts as versions 1..n, which diff_versions compares."""
    old = "Title: A\n\nINT. A - DAY\n\nOne.\n"
    new = old.replace("One.", "Two.")
    store, script_id = compare.scratch_versions(folder=tmp_path, texts=(old, new))
    try:
        versions = scripts.versions(store=store, script_id=script_id)
        assert [v.fountain_text for v in versions] == [old, new]
        diff = compare.diff_versions(
            store=store, old_version_id=versions[0].id, new_version_id=versions[1].id
        )
        assert [(c.change, c.heading) for c in diff.scenes] == [("edited", "INT. A - DAY")]
    finally:
        store.close()
