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


def test_notes_on_a_script_come_from_the_films_of_its_versions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A note pinned offline keeps its chapter; notes_on_script lists it with its film's
    version and its author as the viewer knows them; another script's list is empty."""
    import hashlib
    from datetime import UTC, datetime

    from vividverse_desktop.core.timecode import FrameRate
    from vividverse_desktop.core.wire import (
        Change,
        MovieRecord,
        PullResponse,
        ScriptRecord,
        ScriptVersionRecord,
        SourceFormat,
        UserRecord,
    )  # fmt: skip
    from vividverse_desktop.core.workflow import Role, Status
    from vividverse_desktop.store import LocalStore
    from vividverse_desktop.studio import review
    from vividverse_desktop.studio.script_reviews import notes_on_script

    when = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    rita = UserRecord("u-rita", "rita", "Rita Reviewer", Role.REVIEWER)
    script = ScriptRecord("s-1", "u-ada", "Kettle", Status.COMPLETED, 3, when)
    version = ScriptVersionRecord(
        "v-1", script.id, 2, hashlib.sha256(RENDERED.encode()).hexdigest(), RENDERED,
        SourceFormat.FOUNTAIN, when,
    )  # fmt: skip
    movie = MovieRecord("m-1", version.id, "completed", 1.0, "published", rita.id, 2)
    store = LocalStore.open(tmp_path / "s.sqlite")
    changes = [Change.of(r, usn) for usn, r in enumerate((rita, script, version, movie), 1)]
    store.apply_pull(PullResponse(tuple(changes), len(changes)))
    review.add_note(
        store=store, user_id=rita.id, movie_id=movie.id, frame=40,
        rate=FrameRate.conventional(24), text="Lift the roof.", scene="2. EXT. ROOF - NIGHT",
    )  # fmt: skip
    (held,) = store.review_notes(movie.id)
    assert held.scene == "2. EXT. ROOF - NIGHT"
    (note,) = notes_on_script(store=store, script_id="s-1", viewer_id="u-ada")
    assert (note.version, note.frame, note.author, note.scene) == (
        2, 40, "Rita Reviewer", "2. EXT. ROOF - NIGHT",
    )  # fmt: skip
    assert note.summary == "00:00:01:16 · Rita Reviewer: Lift the roof."
    assert list(place([note], _scenes(RENDERED)).by_scene) == [1]
    assert notes_on_script(store=store, script_id="s-other", viewer_id="u-ada") == ()
