"""Review notes placed on the scenes of the text a writer has open: by the number and
heading of the chapter they were pinned in, by heading alone when scenes moved, and on
no scene rather than the wrong one."""

from __future__ import annotations

from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.pagination import paginate
from vividverse_desktop.core.screenplay.stats import compute
from vividverse_desktop.studio.script_reviews import ScriptNote, place

RENDERED = """INT. KITCHEN - DAY

The kettle sings.

EXT. ROOF - NIGHT

Pigeons.

INT. CAR - LATER

Rain.
"""


def _scenes(text: str):  # type: ignore[no-untyped-def]
    screenplay = parse(text)
    return compute(screenplay, paginate(screenplay, "letter")).scenes


def _note(scene: str, frame: int = 10) -> ScriptNote:
    return ScriptNote(
        note_id=f"n{frame}", movie_id="m", version=1, frame=frame, timecode="00:00:00:10",
        author="Rita", text="Too dark.", resolved=False, scene=scene,
    )  # fmt: skip


def test_notes_go_to_the_scene_of_their_chapter() -> None:
    notes = [_note("2. EXT. ROOF - NIGHT", 40), _note("1. INT. KITCHEN - DAY", 5)]
    placed = place(notes, _scenes(RENDERED))
    assert {i: [n.frame for n in ns] for i, ns in placed.by_scene.items()} == {1: [40], 0: [5]}
    assert placed.unplaced == ()
    assert placed.count == 2


def test_a_scene_added_before_moves_its_notes_along_by_heading() -> None:
    """A new scene 1: the roof is scene 3 now; its note follows it by its heading."""
    edited = "EXT. HILL - DAWN\n\nWind.\n\n" + RENDERED
    placed = place([_note("2. EXT. ROOF - NIGHT", 40)], _scenes(edited))
    assert list(placed.by_scene) == [2]


def test_a_cut_scene_or_an_ambiguous_heading_leaves_the_note_unplaced() -> None:
    """The roof was cut: its note is on no scene. Two kitchens and a note on a kitchen
    whose number changed: it cannot tell which, so none."""
    cut = RENDERED.replace("EXT. ROOF - NIGHT\n\nPigeons.\n\n", "")
    placed = place([_note("2. EXT. ROOF - NIGHT")], _scenes(cut))
    assert placed.by_scene == {}
    assert [n.scene for n in placed.unplaced] == ["2. EXT. ROOF - NIGHT"]
    twice = "INT. KITCHEN - DAY\n\nA.\n\n" + RENDERED
    assert place([_note("7. INT. KITCHEN - DAY")], _scenes(twice)).by_scene == {}
    # with its number and heading agreeing it is placed even so
    assert list(place([_note("2. INT. KITCHEN - DAY")], _scenes(twice)).by_scene) == [1]
