"""The script beside the film in the Screening Room: the scene on screen read from the
version the film was rendered from (through a real store), from a script beside a film
opened from disk, or from one the reviewer chooses; and "Open in script" taking the
Write room to that scene."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from tests.gui.screening_films import film, reviewer_session, wait_shown
from tests.gui.test_screening_notes import screening_room, write_note
from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.gui.rooms.pages import give_session
from vividverse_desktop.gui.rooms.screening import ScreeningRoom
from vividverse_desktop.gui.rooms.screening.script_pane import NOT_FOUND
from vividverse_desktop.gui.tasks import TaskRunner

SCRIPT = """Title: Kettle

INT. KITCHEN - DAY

The kettle sings.

MAE
(softly)
Off the heat, love.

EXT. ROOF - NIGHT

Pigeons. A radio plays low.

INT. CAR - LATER

Mae drives. Rain on the glass.
"""
RENDERED = (("1. INT. KITCHEN - DAY", 0), ("2. EXT. ROOF - NIGHT", 30), ("3. INT. CAR - LATER", 55))
"""Chapters titled as our renders title them: plan scene id, then heading."""


def shows_scene(room: ScreeningRoom, heading: str) -> bool:
    pane = room.script_pane
    return pane.heading.text().endswith(heading) and pane.open_button.isEnabled()


def test_the_scene_on_screen_is_read_from_the_version_the_film_was_made_from(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    """A published film with its held version: the Script tab follows the playhead from
    the kitchen to the roof, with the roof's own text, laid out as a script."""
    path = film(tmp_path, 24, 72, chapters=RENDERED)
    session, movie_id = reviewer_session(tmp_path / "rita.sqlite", text=SCRIPT)
    room = screening_room(qtbot, runner, session)
    room.open_movie(movie_id, path)
    assert wait_shown(room.player, 0)
    room.tabs.setCurrentWidget(room.script_pane)
    pane = room.script_pane
    assert wait_until(lambda: shows_scene(room, "INT. KITCHEN - DAY"))
    assert pane.source == "From Kettle, version 1"
    assert "Off the heat, love." in pane.text.toPlainText()
    assert "Pigeons" not in pane.text.toPlainText()
    room.player.seek(40)
    assert wait_shown(room.player, 40)
    assert wait_until(lambda: shows_scene(room, "EXT. ROOF - NIGHT"))
    assert pane.heading.text() == "Scene 2: EXT. ROOF - NIGHT"
    assert "Pigeons. A radio plays low." in pane.text.toPlainText()
    assert "kettle" not in pane.text.toPlainText()


def test_a_film_from_disk_finds_the_script_beside_it_or_asks_for_one(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    """No script beside the film: the pane says so and offers Choose script…; choosing
    the script file reads the scenes from it; a film with kettle.fountain beside it finds
    it by itself."""
    path = film(tmp_path, 24, 72, chapters=RENDERED)
    room = screening_room(qtbot, runner, None)
    room.open_file(path)
    pane = room.script_pane
    assert wait_until(lambda: pane.text.toPlainText() == NOT_FOUND)
    assert not pane.choose_button.isHidden()
    assert not pane.open_button.isEnabled()
    chosen = tmp_path / "elsewhere" / "kettle.fountain"
    chosen.parent.mkdir()
    chosen.write_text(SCRIPT, encoding="utf-8")
    room.use_script(chosen)
    assert wait_until(lambda: shows_scene(room, "INT. KITCHEN - DAY"))
    assert pane.source == "From kettle.fountain"

    beside = tmp_path / "beside"
    beside.mkdir()
    again = beside / "kettle.mp4"
    again.write_bytes(path.read_bytes())
    (beside / "kettle.fountain").write_text(SCRIPT, encoding="utf-8")
    room.open_file(again)
    assert wait_shown(room.player, 0)
    room.player.seek(60)
    assert wait_until(lambda: shows_scene(room, "INT. CAR - LATER"))


def test_open_in_script_takes_the_write_room_to_the_scene(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """Ctrl+Shift+E in the Screening Room on the roof scene: the Write room shows the
    version's text with the cursor on the roof's heading; the film is the writer's own
    script, so the room offers to submit a new version of it."""
    path = film(tmp_path, 24, 72, chapters=RENDERED)
    session, movie_id = reviewer_session(tmp_path / "rita.sqlite", text=SCRIPT)
    give_session(window, session)
    window.show_room("screening")
    room = window.pages["screening"]
    assert isinstance(room, ScreeningRoom)
    room.open_movie(movie_id, path)
    assert wait_shown(room.player, 0)
    room.player.seek(35)
    assert wait_until(lambda: shows_scene(room, "EXT. ROOF - NIGHT"))
    room.focus_player()
    assert wait_until(room.player.hasFocus)
    qtbot.keyClick(
        room.player,
        Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert wait_until(lambda: window.current_room() == "write")
    write = window.pages["write"]
    assert write.editor.toPlainText() == SCRIPT
    cursor = write.editor.textCursor()
    assert cursor.block().text() == "EXT. ROOF - NIGHT"
    assert write.display_name == "Kettle, version 1"
    assert write.script_id == "s-kettle"  # Rita's session owns the sample script
    assert write.submit_button.text() == "Submit new version"

    # Back in the Screening Room on the car, the script open already is not reloaded:
    # after an edit above the scene, the cursor finds the car's heading where it moved.
    write.editor.textCursor().insertText("A new line.\n")
    window.show_room("screening")
    room.player.seek(60)
    assert wait_until(lambda: shows_scene(room, "INT. CAR - LATER"))
    room.script_pane.open_button.click()
    assert wait_until(lambda: window.current_room() == "write")
    assert write.editor.textCursor().block().text() == "INT. CAR - LATER"
    assert "A new line." in write.editor.toPlainText()


def test_a_note_pinned_on_the_roof_shows_under_the_roof_in_the_write_room(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """A note written at frame 40 keeps its chapter; opened in the Write room, the
    navigator lists it right under scene 2, and keeps it there when a scene is added
    above (by its heading), with the note's whole text in its tooltip."""
    path = film(tmp_path, 24, 72, chapters=RENDERED)
    session, movie_id = reviewer_session(tmp_path / "rita.sqlite", text=SCRIPT)
    give_session(window, session)
    window.show_room("screening")
    room = window.pages["screening"]
    assert isinstance(room, ScreeningRoom)
    room.open_movie(movie_id, path)
    assert wait_shown(room.player, 0)
    assert wait_until(lambda: room.facts is not None)  # the chapters are read
    room.player.seek(40)
    assert wait_shown(room.player, 40)
    write_note(qtbot, room, "Lift the roof: it reads as day.")
    assert wait_until(lambda: room.notes.list.count() == 1)
    (held,) = session.store.review_notes(movie_id)
    assert held.scene == "2. EXT. ROOF - NIGHT"
    assert wait_until(lambda: shows_scene(room, "EXT. ROOF - NIGHT"))
    room.script_pane.open_button.click()
    assert wait_until(lambda: window.current_room() == "write")
    write = window.pages["write"]
    navigator = write.navigator

    def under(heading: str) -> str:
        rows = [navigator.topLevelItem(i) for i in range(navigator.topLevelItemCount())]
        texts = [row.text(1).strip() for row in rows]
        at = texts.index(heading) if heading in texts else -1
        return texts[at + 1] if 0 <= at < len(texts) - 1 else ""

    assert wait_until(lambda: "Lift the roof" in under("EXT. ROOF - NIGHT"))
    assert under("EXT. ROOF - NIGHT") == "00:00:01:16 · you: Lift the roof: it reads as day."
    cursor = write.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.Start)
    cursor.insertText("EXT. HILL - DAWN\n\nWind.\n\n")
    write.read_now()
    assert wait_until(lambda: "Lift the roof" in under("EXT. ROOF - NIGHT"))
    assert under("EXT. HILL - DAWN") == ""  # nothing moved onto the new scene
