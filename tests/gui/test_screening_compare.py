"""Compare mode in the Screening Room on frame-code films made by the real FFmpeg: film B
beside film A (or wiped over it) shows the frame A shows, read back from both decoded
pictures (QVideoSink), through seeks, steps, shuttle and pause; the wipe's divider follows
the mouse and the keys; differences of rate and length are said and the comparison stops
at the shorter film's last frame; leaving compare mode gives the single player back."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from tests.gui.screening_films import film, reviewer_session, shown, wait_shown
from tests.gui.test_screening_player import films, room
from vividverse_desktop.core.wire import Change, MovieRecord, PullResponse
from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.gui.rooms.screening import ScreeningRoom
from vividverse_desktop.studio.session import Session, default_root

__all__ = ["films", "room"]  # fixtures shared with the player's tests
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def press(qtbot: QtBot, room: ScreeningRoom, key: Qt.Key, mods=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(room.player, key, mods)


def both_show(room: ScreeningRoom, frame: int) -> bool:
    """Wait until A and B both show ``frame``, by their own count and by their pictures."""
    a, b = room.player, room.compare.other
    return wait_until(
        lambda: a.frame == frame == b.frame and shown(a) == frame and shown(b) == frame
    )


def in_step(room: ScreeningRoom) -> int:
    """Wait until A has stopped and B shows A's frame (read from both pictures); the frame."""
    a, b = room.player, room.compare.other
    assert wait_until(lambda: a.speed == 0 and not a.seeking)
    assert wait_until(lambda: shown(a) == a.frame == b.frame == shown(b) and not b.seeking, 8000), (
        a.frame,
        shown(a),
        b.frame,
        shown(b),
    )
    return a.frame


def comparing(qtbot: QtBot, room: ScreeningRoom, a_path: Path, b_path: Path) -> ScreeningRoom:
    """``room`` comparing film ``a_path`` (A) with ``b_path`` (B), both on frame 0."""
    room.open_file(a_path)
    assert wait_shown(room.player, 0)
    assert wait_until(lambda: room.facts is not None)
    press(qtbot, room, Qt.Key.Key_C)
    assert room.compare.on
    assert room.compare.bar.isVisible()
    room.compare.open_file(b_path)
    assert wait_until(lambda: room.compare.comparison is not None)
    assert both_show(room, 0)
    return room


def test_side_by_side_seek_step_shuttle_and_pause_keep_both_on_one_frame(
    qtbot: QtBot, room: ScreeningRoom, films: Path
) -> None:
    """B (the same 72 frames at twice the size) sits right of A; seek, frame steps, second
    steps, End, Home, L then K and J then K: both pictures show the same frame number."""
    a_path, b_path = film(films, 24, 72), film(films, 24, 72, scale_to=(128, 96))
    comparing(qtbot, room, a_path, b_path)
    a, b = room.player, room.compare.other
    assert b.isVisible()
    assert b.geometry().left() > a.geometry().right()
    assert abs(a.width() - b.width()) <= 0.1 * a.width()
    bar = room.compare.bar
    assert bar.a_label.full_text().startswith(a_path.name)
    assert b_path.name in bar.b_choice.currentText()
    assert "Different sizes: A 64×48, B 128×96" in bar.differences.text()
    assert "rates" not in bar.differences.text()
    assert b.audio.isMuted()
    assert not a.audio.isMuted()

    a.seek(33)
    assert both_show(room, 33)
    assert bar.frames.full_text() == "A frame 33 · B frame 33"
    press(qtbot, room, Qt.Key.Key_Right)
    assert both_show(room, 34)
    press(qtbot, room, Qt.Key.Key_Left)
    press(qtbot, room, Qt.Key.Key_Left)
    assert both_show(room, 32)
    press(qtbot, room, Qt.Key.Key_Right, SHIFT)
    assert both_show(room, 56)
    press(qtbot, room, Qt.Key.Key_End)
    assert both_show(room, 71)
    press(qtbot, room, Qt.Key.Key_Home)
    assert both_show(room, 0)

    press(qtbot, room, Qt.Key.Key_L)
    assert b.speed > 0
    assert wait_until(lambda: a.frame >= 20)
    press(qtbot, room, Qt.Key.Key_K)
    paused = in_step(room)
    assert paused >= 20
    assert b.speed == 0
    press(qtbot, room, Qt.Key.Key_J)
    assert wait_until(lambda: a.frame <= paused - 4)
    press(qtbot, room, Qt.Key.Key_K)
    back = in_step(room)
    assert back <= paused - 4
    press(qtbot, room, Qt.Key.Key_Right)
    assert both_show(room, back + 1)


def test_the_wipe_shows_a_left_and_b_right_of_a_divider_that_follows_mouse_and_keys(
    qtbot: QtBot, room: ScreeningRoom, films: Path
) -> None:
    """A is 4:3, B 2:1 (fitted into A's picture, so black above and below it): on frame 15
    the top row of cells is white in A, while B's side is black there. The divider splits
    the picture at its place; dragged to 80 % and moved back with Alt+Left, the split
    follows; a click away from it moves nothing."""
    a_path = film(films, 24, 72)
    b_path = film(films, 24, 72, size=(96, 48))
    comparing(qtbot, room, a_path, b_path)
    a, b, wipe = room.player, room.compare.other, room.compare.wipe
    press(qtbot, room, Qt.Key.Key_W)
    assert room.compare.wipe_on
    assert wipe.isVisible()
    assert not b.isVisible()
    assert wait_until(lambda: a.width() >= room.pictures.width() - 2)
    a.seek(15)
    assert both_show(room, 15)
    rect = a.picture_rect()
    y = rect.top() + round(0.08 * rect.height())

    def light_at(fraction: float) -> int:
        image: QImage = a.grab().toImage()
        return image.pixelColor(rect.left() + round(fraction * rect.width()), y).lightness()

    assert wipe.position == 0.5
    assert light_at(0.25) > 200  # A
    assert light_at(0.75) < 40  # B (above its picture)

    handle = QPoint(round(wipe.divider_x()), rect.center().y())
    qtbot.mousePress(wipe, Qt.MouseButton.LeftButton, pos=handle)
    for fraction in (0.6, 0.7, 0.8):
        qtbot.mouseMove(wipe, QPoint(rect.left() + round(fraction * rect.width()), handle.y()))
    qtbot.mouseRelease(
        wipe,
        Qt.MouseButton.LeftButton,
        pos=QPoint(rect.left() + round(0.8 * rect.width()), handle.y()),
    )
    assert abs(wipe.position - 0.8) <= 1.5 / rect.width()
    assert light_at(0.75) > 200  # now A's side
    assert light_at(0.9) < 40

    press(qtbot, room, Qt.Key.Key_Left, ALT)
    press(qtbot, room, Qt.Key.Key_Left, ALT)
    press(qtbot, room, Qt.Key.Key_Left, ALT | SHIFT)
    assert abs(wipe.position - 0.69) <= 1.5 / rect.width()
    assert light_at(0.75) < 40
    assert a.frame == 15  # the divider's keys move no frame

    qtbot.mouseClick(wipe, Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10, y))
    assert abs(wipe.position - 0.69) <= 1.5 / rect.width()
    assert a.hasFocus()
    press(qtbot, room, Qt.Key.Key_Right)
    assert both_show(room, 16)
    press(qtbot, room, Qt.Key.Key_W)
    assert not room.compare.wipe_on
    assert b.isVisible()
    assert not wipe.isVisible()


def test_different_rates_and_lengths_are_said_and_compared_up_to_the_shorter(
    qtbot: QtBot, room: ScreeningRoom, films: Path
) -> None:
    """A at 24 fps with 72 frames, B at 25 fps with 60: the bar says both; A goes no
    further than frame 59 (End, a seek past it, playing into it) and both show it; frame
    by frame they agree in between."""
    comparing(qtbot, room, film(films, 24, 72), film(films, 25, 60))
    a, b = room.player, room.compare.other
    said = room.compare.bar.differences.text()
    assert "Different frame rates: A 24 fps, B 25 fps" in said
    assert "B plays at 96% of its speed" in said
    assert "Different lengths: A has 72 frames, B 60. Compared up to frame 59" in said
    press(qtbot, room, Qt.Key.Key_End)
    assert both_show(room, 59)
    assert room.transport.frame_label.text() == "frame 59 / 59"
    a.seek(40)
    assert both_show(room, 40)
    press(qtbot, room, Qt.Key.Key_Right)
    assert both_show(room, 41)
    a.seek(70)
    assert both_show(room, 59)
    a.seek(50)
    assert both_show(room, 50)
    press(qtbot, room, Qt.Key.Key_L)
    assert wait_until(lambda: a.speed == 0 and a.frame == 59, 8000)
    assert in_step(room) == 59
    assert b.frame == 59


def test_leaving_compare_mode_gives_the_single_player_back(
    qtbot: QtBot, room: ScreeningRoom, films: Path
) -> None:
    """C again (or Stop comparing): B closes, the bar and the wipe go, A fills the width,
    its whole length is reachable again; C once more brings the same B back, in step, and
    asks for no more width than the single player."""
    comparing(qtbot, room, film(films, 24, 72), film(films, 25, 60))
    a, b = room.player, room.compare.other
    press(qtbot, room, Qt.Key.Key_W)
    press(qtbot, room, Qt.Key.Key_C)
    assert not room.compare.on
    assert not b.isVisible()
    assert not room.compare.wipe.isVisible()
    assert not room.compare.bar.isVisible()
    assert b.path is None
    assert a.badge == ""
    assert wait_until(lambda: a.width() >= room.pictures.width() - 2)
    press(qtbot, room, Qt.Key.Key_End)
    assert wait_shown(a, 71)
    assert a.hasFocus()
    single = room.minimumSizeHint().width()

    press(qtbot, room, Qt.Key.Key_C)
    assert room.compare.on
    assert room.minimumSizeHint().width() <= single  # a narrow window stays as narrow
    assert room.compare.wipe_on  # the layout chosen last
    assert wait_until(lambda: room.compare.comparison is not None)
    assert both_show(room, 59)  # A comes back within B's length
    press(qtbot, room, Qt.Key.Key_W)
    assert room.compare.other.isVisible()
    assert room.minimumSizeHint().width() <= single
    qtbot.mouseClick(room.compare.bar.close_button, Qt.MouseButton.LeftButton)
    assert not room.compare.on
    assert a.hasFocus()


def test_compare_needs_a_film_first(qtbot: QtBot, room: ScreeningRoom) -> None:
    """With no film open, C says what to do and stays with the single player."""
    room.player.setFocus()
    press(qtbot, room, Qt.Key.Key_C)
    assert not room.compare.on
    assert "Open a film first" in room.film_label.text()
    assert not room.compare.bar.isVisible()


def _second_render(session: Session) -> str:
    """Kettle's version 2 and a render of it with its film uploaded, as a sync brings them."""
    store = session.store
    v1 = store.script_version("v-kettle")
    assert v1 is not None
    text = v1.fountain_text + "\nThe kettle sings louder.\n"
    v2 = replace(
        v1, id="v-kettle-2", n=2, fountain_text=text,
        content_sha256=hashlib.sha256(text.encode()).hexdigest(),
        created_at=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
    )  # fmt: skip
    movie = MovieRecord(
        "m-kettle-2", v2.id, "completed", 1.0, "published", session.user_id, 2,
        video_key="films/m-kettle-2.mp4",
    )  # fmt: skip
    store.apply_pull(PullResponse((Change.of(v2, 10), Change.of(movie, 11)), 11))
    return movie.id


def test_b_is_another_render_of_the_script_chosen_from_the_store(
    qtbot: QtBot, room: ScreeningRoom, films: Path, tmp_path: Path, aloop: object
) -> None:
    """A is Kettle v1's film; C offers Kettle v2's render (its kept copy) as B and opens it:
    the bar names A and B by version and date, and B follows A frame for frame."""
    session, movie_a = reviewer_session(tmp_path / "rita.sqlite")
    movie_b = _second_render(session)
    kept = default_root() / "films"
    kept.mkdir(parents=True)
    a_path = kept / f"{movie_a}.mp4"
    shutil.copyfile(film(films, 24, 72), a_path)
    shutil.copyfile(film(films, 24, 72, scale_to=(128, 96)), kept / f"{movie_b}.mp4")
    room.set_session(session)
    room.open_movie(movie_a, a_path)
    assert wait_shown(room.player, 0)
    press(qtbot, room, Qt.Key.Key_C)
    compare = room.compare
    assert wait_until(lambda: compare.comparison is not None, 8000)
    bar = compare.bar
    assert bar.a_label.full_text() == "Kettle v1 · 01 Dec 2026"
    assert bar.b_choice.currentText() == "Kettle v2 · 03 Dec 2026"
    offered = [bar.b_choice.itemText(i) for i in range(bar.b_choice.count())]
    assert offered == ["Choose film B…", "Kettle v2 · 03 Dec 2026", "Open a film file…"]
    assert compare.other.path == kept / f"{movie_b}.mp4"
    room.player.seek(45)
    assert both_show(room, 45)
    press(qtbot, room, Qt.Key.Key_Left)
    assert both_show(room, 44)
    session.store.close()


def test_the_compare_commands_are_in_the_menu_the_palette_and_the_tooltips(
    qtbot: QtBot, window: MainWindow, films: Path
) -> None:
    """Screening > Compare two renders (Ctrl+Shift+C) and Wipe (Ctrl+Shift+W); the palette
    finds them; Ctrl+Shift+C in the room starts comparing and the header button shows it."""
    window.open_file(film(films, 24, 72))
    room = window.pages["screening"]
    assert isinstance(room, ScreeningRoom)
    assert wait_shown(room.player, 0)
    menu = window.findChild(QMenu, "menuScreening")
    assert menu is not None
    names = {a.objectName(): a for a in menu.actions()}
    toggle = names["actionScreeningCompare"]
    assert toggle.shortcut().toString() == "Ctrl+Shift+C"
    assert toggle.toolTip().endswith("(C, Ctrl+Shift+C)")
    assert names["actionScreeningWipe"].shortcut().toString() == "Ctrl+Shift+W"
    assert "actionScreeningCompareFile" in names
    palette = window.open_palette()
    palette.query.setText("compare renders")
    assert palette.matches()[0] is toggle
    palette.close()
    assert room.compare_button.toolTip() == toggle.toolTip()
    assert wait_until(room.player.hasFocus)
    qtbot.keyClick(room.player, Qt.Key.Key_C, CTRL | SHIFT)
    assert room.compare.on
    assert toggle.isChecked()
    assert room.compare_button.isChecked()
    qtbot.keyClick(room.player, Qt.Key.Key_W, CTRL | SHIFT)
    assert room.compare.wipe_on
    assert names["actionScreeningWipe"].isChecked()
    qtbot.keyClick(room.player, Qt.Key.Key_C)
    assert not room.compare.on
    assert not toggle.isChecked()


def test_a_b_that_is_no_film_is_said_and_a_plays_on(
    qtbot: QtBot, room: ScreeningRoom, films: Path, tmp_path: Path
) -> None:
    """B is a text file named like a film: the bar says B cannot be shown; A still steps."""
    room.open_file(film(films, 24, 72))
    assert wait_shown(room.player, 0)
    broken = tmp_path / "broken.mp4"
    broken.write_text("not a film", encoding="utf-8")
    room.compare.open_file(broken)
    assert room.compare.on
    said = room.compare.bar.differences
    assert wait_until(lambda: "annot" in said.text(), 8000), said.text()
    assert room.compare.comparison is None
    press(qtbot, room, Qt.Key.Key_Right)
    assert wait_shown(room.player, 1)
