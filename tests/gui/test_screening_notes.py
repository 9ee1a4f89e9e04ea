"""Notes in the Screening Room over a real store: pinned at the frame shown (or the in-out
range), listed with timecode, marked on the timeline, resolved, and after a restart a
click on a note shows exactly its frame (read back from the picture)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from tests.gui.screening_films import film, reviewer_session, wait_shown
from tests.sync.memory_keyring import installed as memory_keyring_installed
from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.rooms import ROOMS_BY_KEY
from vividverse_desktop.gui.rooms.screening import ScreeningRoom
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.studio import review
from vividverse_desktop.studio.session import Session


@pytest.fixture(autouse=True)
def _memory_keyring() -> Iterator[None]:
    with memory_keyring_installed():
        yield


def screening_room(qtbot: QtBot, runner: TaskRunner, session: Session | None) -> ScreeningRoom:
    room = ScreeningRoom(ROOMS_BY_KEY["screening"], runner=runner, hub=ChangeHub())
    qtbot.addWidget(room)
    room.resize(1200, 700)
    room.show()
    qtbot.waitExposed(room)
    room.set_session(session)
    return room


def choose_film(room: ScreeningRoom, movie_id: str) -> None:
    """Pick the film record in the notes panel's list, as a person would."""
    choice = room.notes.film_choice
    assert wait_until(lambda: choice.findData(movie_id) >= 0)
    choice.setCurrentIndex(choice.findData(movie_id))
    assert room.notes.movie_id == movie_id


def write_note(qtbot: QtBot, room: ScreeningRoom, text: str) -> None:
    field = room.notes.field
    field.setFocus()
    assert wait_until(field.hasFocus)
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_notes_pin_to_frames_and_a_restart_seeks_back_to_them_exactly(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    """A note at frame 33 and a range note 40-50 are saved with their timecodes; resolved;
    reopened in a new room on the reopened store, a click shows frame 33 and the range
    note loops 40-50."""
    path = film(tmp_path, 24, 72)
    session, movie_id = reviewer_session(tmp_path / "rita.sqlite")
    room = screening_room(qtbot, runner, session)
    room.open_file(path)
    player = room.player
    assert wait_shown(player, 0)
    assert not room.notes.add_button.isEnabled()  # no film record chosen yet
    choose_film(room, movie_id)
    assert room.notes.film_choice.currentText().startswith("Kettle")
    player.seek(33)
    assert wait_shown(player, 33)
    assert room.notes.add_button.text() == "Add note at 00:00:01:09"
    write_note(qtbot, room, "The door slams a frame early.")
    assert wait_until(lambda: room.notes.list.count() == 1)
    assert player.frame == 33  # typing moved nothing

    player.seek(40)
    assert wait_shown(player, 40)
    qtbot.keyClick(player, Qt.Key.Key_I)
    player.seek(50)
    assert wait_shown(player, 50)
    qtbot.keyClick(player, Qt.Key.Key_O)
    write_note(qtbot, room, "Hold this look longer.")
    assert wait_until(lambda: room.notes.list.count() == 2)
    first, ranged = review.notes(store=session.store, movie_id=movie_id, viewer_id="u-rita")
    assert (first.note.frame, first.note.frame_end, first.note.timecode) == (
        33,
        None,
        "00:00:01:09",
    )
    assert (ranged.note.frame, ranged.note.frame_end) == (40, 50)
    assert [(m.first, m.last) for m in room.timeline.markers] == [(33, 33), (40, 50)]

    room.notes.list.setCurrentRow(0)
    qtbot.mouseClick(room.notes.resolve_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: room.notes.views[0].resolved)
    assert room.notes.resolve_button.text() == "Reopen"
    assert room.timeline.markers[0].resolved
    room.close()
    session.store.close()

    again, _ = reviewer_session(tmp_path / "rita.sqlite")
    later = screening_room(qtbot, runner, again)
    later.open_file(path)
    assert wait_shown(later.player, 0)
    choose_film(later, movie_id)
    assert wait_until(lambda: later.notes.list.count() == 2)
    notes = later.notes.list
    qtbot.mouseClick(
        notes.viewport(),
        Qt.MouseButton.LeftButton,
        pos=notes.visualItemRect(notes.item(0)).center(),
    )
    assert wait_shown(later.player, 33)
    assert later.player.hasFocus()
    assert later.transport.timecode.text() == "00:00:01:09"
    qtbot.mouseClick(
        notes.viewport(),
        Qt.MouseButton.LeftButton,
        pos=notes.visualItemRect(notes.item(1)).center(),
    )
    assert wait_shown(later.player, 40)
    assert later.player.range() == (40, 50)
    seen: list[int] = []
    later.player.frame_shown.connect(seen.append)
    qtbot.keyClick(later.player, Qt.Key.Key_Space)
    assert wait_until(lambda: 50 in seen and seen.index(50) < len(seen) - 1, 8000)
    later.player.pause()
    assert seen[seen.index(50) + 1] == 40
    later.close()
    again.store.close()


def test_without_a_session_the_room_plays_and_says_where_notes_go(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    """Signed out, a film from disk plays; the notes panel says notes need a published film."""
    room = screening_room(qtbot, runner, None)
    room.open_file(film(tmp_path, 25, 75))
    assert wait_shown(room.player, 0)
    assert not room.notes.field.isEnabled()
    assert "Sign in" in room.notes.empty.text()
    assert not room.notes.film_choice.isEnabled()
