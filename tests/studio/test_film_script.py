"""The script beside the film: a real keyless render's chapters paired with the scenes of
the script it was rendered from, a held version found through its movie, a script file
beside the film, and a script that changed since the render."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.core.wire import (
    Change,
    MovieRecord,
    PullResponse,
    ScriptRecord,
    ScriptVersionRecord,
    SourceFormat,
    UserRecord,
)
from vividverse_desktop.core.workflow import Role, Status
from vividverse_desktop.store import LocalStore
from vividverse_desktop.studio import film_script, screening
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.studio.film_script import ScriptSource
from vividverse_desktop.studio.rendering import plan_of, prepare, render
from vividverse_desktop.studio.screening import Chapter

BRICK = resource_path("samples", "real", "brick_and_steel.fountain")

SHORT = """Title: Kettle

INT. KITCHEN - DAY

The kettle sings.

MAE
Off the heat, love.

EXT. ROOF - NIGHT

Pigeons. A radio plays low.

INT. CAR - LATER

Mae drives. Rain.
"""


def test_a_keyless_render_pairs_every_chapter_with_its_scene(tmp_path: Path) -> None:
    """brick_and_steel (a prologue before its first heading, EXT/INT, I/E and shot
    headings) rendered keyless: every chapter finds its scene, whose text starts on the
    scene's heading line in the source; the prologue chapter holds the cold open."""
    text = BRICK.read_text(encoding="utf-8")
    film = tmp_path / "brick.mp4"
    with prepare(output=film, job_dir=tmp_path / "job", size=(128, 72), fps=12) as setup:
        render(setup=setup, plan=plan_of(parse(text)))
    facts = screening.film_facts(path=film)
    found = film_script.script_for_chapters(ScriptSource("Brick", text), facts.chapters)
    lines = text.split("\n")
    master = parse(text).scenes()
    assert len(facts.chapters) == len(master) + 1  # the prologue and every master scene
    assert found.matched == len(facts.chapters)
    prologue, *scenes = found.scenes
    assert prologue is not None
    assert prologue.heading == "PROLOGUE"
    assert prologue.text.startswith("FADE IN:")
    assert not "".join(lines[prologue.end : master[0].heading.line - 1]).strip()
    for scene, source in zip(scenes, master, strict=True):
        assert scene is not None
        assert scene.number == source.number
        assert scene.line == source.heading.line - 1
        assert scene.text.split("\n")[0] == lines[scene.line]
        assert scene.kinds[0] == "scene_heading"
        assert len(scene.kinds) == len(scene.text.split("\n"))


def _chapters(*titles: str) -> tuple[Chapter, ...]:
    return tuple(Chapter(i, title, i * 10, i * 10 + 9) for i, title in enumerate(titles))


def test_a_scene_deleted_since_the_render_leaves_its_chapter_unpaired() -> None:
    """The script lost its roof scene since the render: scene 2 is now the car, so chapter
    "2. EXT. ROOF" finds nothing (never the car's text), and chapter "3. INT. CAR" finds
    the car by its heading."""
    edited = SHORT.replace("EXT. ROOF - NIGHT\n\nPigeons. A radio plays low.\n\n", "")
    chapters = _chapters("1. INT. KITCHEN - DAY", "2. EXT. ROOF - NIGHT", "3. INT. CAR - LATER")
    found = film_script.script_for_chapters(ScriptSource("Kettle", edited), chapters)
    kitchen, roof, car = found.scenes
    assert kitchen is not None
    assert kitchen.heading == "INT. KITCHEN - DAY"
    assert roof is None
    assert car is not None
    assert car.heading == "INT. CAR - LATER"
    assert car.number == "2"
    assert found.matched == 2


def test_chapters_without_ids_pair_by_heading() -> None:
    """Another tool's film titles its chapters with the bare heading."""
    chapters = _chapters("EXT. ROOF - NIGHT", "INT. KITCHEN - DAY", "THE END")
    found = film_script.script_for_chapters(ScriptSource("Kettle", SHORT), chapters)
    roof, kitchen, end = found.scenes
    assert roof is not None
    assert "Pigeons" in roof.text
    assert kitchen is not None
    assert "MAE" in kitchen.text
    assert end is None


def _store_with_movie(path: Path, *, author: str) -> LocalStore:
    when = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    user = UserRecord("u-mae", "mae", "Mae Writer", Role.WRITER)
    script = ScriptRecord("s-kettle", author, "Kettle", Status.COMPLETED, 3, when)
    version = ScriptVersionRecord(
        "v-kettle-2", script.id, 2, hashlib.sha256(SHORT.encode()).hexdigest(), SHORT,
        SourceFormat.FOUNTAIN, when,
    )  # fmt: skip
    movie = MovieRecord("m-kettle", version.id, "completed", 1.0, "published", user.id, 2)
    store = LocalStore.open(path)
    changes = [Change.of(r, usn) for usn, r in enumerate((user, script, version, movie), 1)]
    store.apply_pull(PullResponse(tuple(changes), len(changes)))
    return store


def test_the_held_version_of_a_movie_is_its_script(tmp_path: Path) -> None:
    """The version the movie was rendered from, named with its number; "mine" for its
    author only; None for a movie not held here."""
    store = _store_with_movie(tmp_path / "mae.sqlite", author="u-mae")
    held = film_script.held_version(store=store, movie_id="m-kettle", viewer_id="u-mae")
    assert held is not None
    assert (held.text, held.script_id, held.version_id) == (SHORT, "s-kettle", "v-kettle-2")
    assert held.label == "Kettle, version 2"
    assert held.mine
    other = film_script.held_version(store=store, movie_id="m-kettle", viewer_id="u-rita")
    assert other is not None
    assert not other.mine
    assert film_script.held_version(store=store, movie_id="m-none", viewer_id="u-mae") is None


def test_a_script_beside_the_film_is_found_and_a_chosen_one_wins(tmp_path: Path) -> None:
    """cut.mp4 finds cut.fountain beside it; a chosen file is read instead; a chosen file
    that is no script is an error that names it; no script anywhere is None."""
    chapters = _chapters("1. INT. KITCHEN - DAY", "2. EXT. ROOF - NIGHT")
    film = tmp_path / "cut.mp4"
    screening.make_frame_code_film(path=film, rate=FrameRate.conventional(24), frames=20)
    assert film_script.find_script(chapters=chapters, film=film) is None
    (tmp_path / "cut.fountain").write_text(SHORT, encoding="utf-8")
    beside = film_script.find_script(chapters=chapters, film=film)
    assert beside is not None
    assert beside.source.path == tmp_path / "cut.fountain"
    assert beside.matched == 2
    other = tmp_path / "other.fountain"
    other.write_text("INT. HALL - DAY\n\nEmpty.\n", encoding="utf-8")
    chosen = film_script.find_script(chapters=chapters, film=film, chosen=other)
    assert chosen is not None
    assert chosen.source.label == "other.fountain"
    assert chosen.matched == 0  # another script: no chapter names its scenes
    with pytest.raises(StudioError, match=r"missing\.fountain"):
        film_script.find_script(chapters=chapters, film=film, chosen=tmp_path / "missing.fountain")


def test_the_nearest_line_reading_the_heading_is_chosen() -> None:
    """After edits above the scene, its heading is found near where it was."""
    text = "A\n\nINT. HALL - DAY\n\nB\n\nINT. HALL - DAY\n"
    assert film_script.nearest_line(text, "INT. HALL - DAY", 5) == 6
    assert film_script.nearest_line(text, "INT. HALL - DAY", 1) == 2
    assert film_script.nearest_line(text, "EXT. GONE - DAY", 4) == 4
