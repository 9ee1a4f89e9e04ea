"""A note's thread in the Screening Room over a real store: replies listed under the
chosen note, a reply written in the field, and only one's own replies editable."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from tests.gui.screening_films import film, reviewer_session, wait_shown
from tests.gui.test_screening_notes import choose_film, screening_room, write_note
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.studio import review


def _click_row(qtbot: QtBot, view, row: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(view.item(row)).center()
    )


def test_replies_are_listed_written_and_only_ones_own_edited(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    """Rita replies to her note with Enter; a colleague's reply arrives; Rita may edit her
    reply (saved in the store) but not the colleague's; typing never moves the film."""
    session, movie_id = reviewer_session(tmp_path / "rita.sqlite")
    room = screening_room(qtbot, runner, session)
    room.open_file(film(tmp_path, 24, 72))
    assert wait_shown(room.player, 0)
    choose_film(room, movie_id)
    room.player.seek(12)
    assert wait_shown(room.player, 12)
    write_note(qtbot, room, "Too dark here.")
    notes = room.notes.list
    assert wait_until(lambda: notes.count() == 1)
    thread = room.notes.thread
    assert thread.isHidden()  # no note chosen yet
    _click_row(qtbot, notes, 0)
    assert wait_shown(room.player, 12)
    assert not thread.isHidden()
    assert thread.heading.text().startswith("No replies yet")

    thread.field.setFocus()
    qtbot.keyClicks(thread.field, "Lifted it in the grade.")
    qtbot.keyClick(thread.field, Qt.Key.Key_Return)
    assert wait_until(lambda: thread.list.count() == 1)
    assert thread.list.item(0).text() == "you: Lifted it in the grade."
    assert "1 reply" in notes.item(0).text()
    assert room.player.frame == 12

    note_id = room.notes.views[0].note.id
    other = review.reply_to_note(
        store=session.store, user_id="u-otto", note_id=note_id, text="Still dark on my screen."
    )
    room.notes.hub.publish(other.changes)
    assert wait_until(lambda: thread.list.count() == 2)
    assert "2 replies" in notes.item(0).text()
    thread.list.setCurrentRow(1)
    assert thread.list.item(1).text().endswith("Still dark on my screen.")
    assert not thread.edit_button.isEnabled()
    thread.list.setCurrentRow(0)
    assert thread.edit_button.isEnabled()
    qtbot.mouseClick(thread.edit_button, Qt.MouseButton.LeftButton)
    assert thread.field.text() == "Lifted it in the grade."
    assert thread.reply_button.text() == "Save reply"
    thread.field.selectAll()
    qtbot.keyClicks(thread.field, "Lifted it by a stop.")
    qtbot.keyClick(thread.field, Qt.Key.Key_Return)
    assert wait_until(lambda: thread.list.item(0).text() == "you: Lifted it by a stop.")
    saved = review.thread(store=session.store, note_id=note_id, viewer_id=session.user_id)
    assert [r.reply.text for r in saved] == ["Lifted it by a stop.", "Still dark on my screen."]
    assert thread.reply_button.text() == "Reply"
    assert room.player.frame == 12
    room.close()
    session.store.close()
