"""Removing the drawing from a note in the Screening Room, against the real sync server
in-process: the author's button takes it off at once, offline (the frame shows no drawing,
the edit waits in the outbox, the server still has it), the sync removes it there, and
"Put the drawing back" undoes it the same way; a colleague sees no such button."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from tests.gui.screening_films import film, wait_shown
from tests.gui.test_screening_decision import desk_session
from tests.gui.test_screening_notes import choose_film, screening_room
from tests.studio.conftest import Server, anyio_backend, filmed, server
from tests.studio.test_review_threads import SKETCH, _drawing_on_server
from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.studio import review

pytestmark = pytest.mark.anyio
__all__ = ["anyio_backend", "server"]


async def test_the_author_removes_a_drawing_offline_syncs_it_and_can_put_it_back(
    qtbot: QtBot, runner: TaskRunner, server: Server, tmp_path: Path
) -> None:
    """Rita's note on frame 20 carries a drawing; she removes it: the paused frame shows
    none, one edit is queued and the server keeps the drawing until her sync, after which
    it holds none; Put back restores it here and, after the next sync, there."""
    _, movie_id = await filmed(server)
    rita = await server.desk("rita", "reviewer")
    await server.sync(rita)
    saved = review.add_note(
        store=rita.store, user_id=rita.user.id, movie_id=movie_id, frame=20,
        rate=FrameRate.of(24), text="Boom in shot.", drawing=SKETCH,
    )  # fmt: skip
    assert (await server.sync(rita)).accepted == 1
    room = screening_room(qtbot, runner, desk_session(server, rita))
    room.open_file(film(tmp_path, 24, 72))
    assert wait_shown(room.player, 0)
    choose_film(room, movie_id)
    assert wait_until(lambda: room.notes.list.count() == 1)
    room.player.seek(20)
    assert wait_shown(room.player, 20)
    assert room.overlay.shown == (SKETCH,)

    buttons = room.notes.note_drawing
    room.notes.list.setCurrentRow(0)
    assert buttons.remove_button.isVisible()
    assert not buttons.put_back_button.isVisible()
    qtbot.mouseClick(buttons.remove_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: room.notes.views and room.notes.views[0].drawing is None)
    assert wait_until(lambda: room.overlay.shown == ())
    assert room.notes.views[0].note.text == "Boom in shot."
    assert len(rita.store.outbox()) == 1
    assert _drawing_on_server(server, saved.note_id) == SKETCH.to_json()
    assert wait_until(buttons.put_back_button.isVisible)
    assert not buttons.remove_button.isVisible()
    assert "Put the drawing back" in room.notes.message.text()

    assert (await server.sync(rita)).accepted == 1
    assert _drawing_on_server(server, saved.note_id) is None

    qtbot.mouseClick(buttons.put_back_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: room.notes.views[0].drawing == SKETCH)
    assert wait_until(lambda: room.overlay.shown == (SKETCH,))
    assert wait_until(buttons.remove_button.isVisible)
    assert not buttons.put_back_button.isVisible()
    assert (await server.sync(rita)).accepted == 1
    assert _drawing_on_server(server, saved.note_id) == SKETCH.to_json()
    room.close()


async def test_a_colleague_sees_the_drawing_but_no_button_to_remove_it(
    qtbot: QtBot, runner: TaskRunner, server: Server, tmp_path: Path
) -> None:
    """Otto pulls Rita's note with its drawing: it shows on its frame, and neither the
    remove nor the add button is offered on a note that is not his."""
    _, movie_id = await filmed(server)
    rita = await server.desk("rita", "reviewer")
    otto = await server.desk("otto", "reviewer")
    await server.sync(rita)
    review.add_note(
        store=rita.store, user_id=rita.user.id, movie_id=movie_id, frame=20,
        rate=FrameRate.of(24), text="Boom in shot.", drawing=SKETCH,
    )  # fmt: skip
    await server.sync(rita)
    await server.sync(otto)
    room = screening_room(qtbot, runner, desk_session(server, otto))
    room.open_file(film(tmp_path, 24, 72))
    assert wait_shown(room.player, 0)
    choose_film(room, movie_id)
    assert wait_until(lambda: room.notes.list.count() == 1)
    room.notes.list.setCurrentRow(0)
    room.player.seek(20)
    assert wait_shown(room.player, 20)
    assert room.overlay.shown == (SKETCH,)
    assert not room.notes.note_drawing.isVisible()
    assert not room.notes.note_drawing.remove_button.isVisible()
    room.close()
