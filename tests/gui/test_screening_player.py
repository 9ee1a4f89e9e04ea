"""The Screening Room's player on frame-code films made by the real FFmpeg: the frame it
names is the frame it decoded, read back from the picture, at 24, 25 and 29.97 fps."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from tests.gui.screening_films import film, number_in, shown, wait_shown
from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.gui.rooms import ROOMS_BY_KEY
from vividverse_desktop.gui.rooms.screening import ScreeningRoom
from vividverse_desktop.gui.tasks import TaskRunner

RATES = [24, 25, 29.97]


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder the module's films are made in once."""
    return tmp_path_factory.mktemp("films")


@pytest.fixture
def room(qtbot: QtBot, runner: TaskRunner) -> Iterator[ScreeningRoom]:
    """A shown Screening Room on its own."""
    screening = ScreeningRoom(ROOMS_BY_KEY["screening"], runner=runner, hub=ChangeHub())
    qtbot.addWidget(screening)
    screening.resize(1000, 640)
    screening.show()
    qtbot.waitExposed(screening)
    yield screening
    screening.player.pause()


def opened(room: ScreeningRoom, path: Path) -> ScreeningRoom:
    """``room`` with ``path`` open, its facts read, paused on the first frame."""
    room.open_file(path)
    assert wait_shown(room.player, 0)
    assert wait_until(lambda: room.facts is not None)
    return room


def press(qtbot: QtBot, room: ScreeningRoom, key: Qt.Key, shift: bool = False) -> None:
    modifier = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(room.player, key, modifier)


@pytest.mark.parametrize("fps", RATES)
def test_seek_step_and_second_step_show_the_frame_they_name(
    qtbot: QtBot, room: ScreeningRoom, films: Path, fps: float
) -> None:
    """Seek to N, Right, Left twice, Shift+Right, End, Home: each time the number in the
    picture, the player's frame and the timecode shown agree."""
    player = opened(room, film(films, fps, round(fps * 3))).player
    rate = FrameRate.conventional(fps)
    assert player.rate == rate
    assert player.frames == round(fps * 3)
    player.seek(37)
    assert wait_shown(player, 37)
    press(qtbot, room, Qt.Key.Key_Right)
    assert wait_shown(player, 38)
    press(qtbot, room, Qt.Key.Key_Left)
    press(qtbot, room, Qt.Key.Key_Left)
    assert wait_shown(player, 36)
    press(qtbot, room, Qt.Key.Key_Right, shift=True)
    assert wait_shown(player, 36 + rate.nominal)
    assert room.transport.timecode.text() == rate.timecode(36 + rate.nominal)
    press(qtbot, room, Qt.Key.Key_End)
    assert wait_shown(player, player.frames - 1)
    press(qtbot, room, Qt.Key.Key_Home)
    assert wait_shown(player, 0)
    assert room.transport.timecode.text() == rate.timecode(0)


def test_quick_steps_back_land_on_the_last_frame_asked_and_stay(
    qtbot: QtBot, room: ScreeningRoom, films: Path
) -> None:
    """Two seeks in quick succession while paused (Left, Left held down): Qt's engine can
    hand over the first one's frame after the second's; the player stays on the second."""
    player = opened(room, film(films, 24, 72)).player
    for start in (40, 30, 20, 50, 10, 60, 35, 25, 45, 15):
        player.seek(start)
        assert wait_shown(player, start)
        press(qtbot, room, Qt.Key.Key_Left)
        press(qtbot, room, Qt.Key.Key_Left)
        assert wait_shown(player, start - 2)
        qtbot.wait(250)  # a stray frame would have arrived by now
        assert player.frame == start - 2
        assert shown(player) == start - 2
        assert not player.seeking


@pytest.mark.parametrize("fps", RATES)
def test_play_then_pause_stops_on_a_frame_it_names(
    qtbot: QtBot, room: ScreeningRoom, films: Path, fps: float
) -> None:
    """Space plays (frames arrive in order), Space pauses; the picture kept is the frame named."""
    player = opened(room, film(films, fps, round(fps * 3))).player
    seen: list[int] = []
    player.frame_shown.connect(lambda _frame: seen.append(number_in(player.image)))
    press(qtbot, room, Qt.Key.Key_Space)
    assert wait_until(lambda: len(seen) >= 8)
    press(qtbot, room, Qt.Key.Key_Space)
    assert player.speed == 0
    assert seen == sorted(seen)
    wait_until(lambda: False, 200)  # a frame decoded before the pause may still arrive
    assert shown(player) == player.frame
    assert room.transport.timecode.text() == player.rate.timecode(player.frame)
    stopped = player.frame
    wait_until(lambda: False, 300)
    assert player.frame == stopped


@pytest.mark.parametrize("fps", [24, 29.97])
def test_playing_at_double_speed_paints_every_frame_it_shows_in_order(
    qtbot: QtBot, room: ScreeningRoom, films: Path, fps: float
) -> None:
    """L L L plays at 2x to the last frame: each frame handed to the picture is painted at
    once (none replaced unpainted), in order, and its picture is the frame it names.
    (Whether that is every frame of the film depends on the machine: bench/playback.)"""
    frames = round(fps * 3)
    player = opened(room, film(films, fps, frames)).player
    shown_frames: list[int] = []
    painted: list[int] = []
    pictures: list[int] = []
    player.frame_shown.connect(shown_frames.append)
    player.frame_painted.connect(painted.append)
    player.frame_painted.connect(lambda _frame: pictures.append(number_in(player.image)))
    for _ in range(3):
        press(qtbot, room, Qt.Key.Key_L)
    assert player.speed == 2.0
    assert wait_until(lambda: player.frame == frames - 1 and player.speed == 0, 10_000)
    assert painted == shown_frames
    assert pictures == painted
    assert painted == sorted(set(painted))
    assert painted[-1] == frames - 1


def test_a_player_that_falls_behind_shows_the_newest_frame_not_a_backlog(
    qtbot: QtBot, room: ScreeningRoom, films: Path
) -> None:
    """The GUI thread stalls for half a second while playing at 2x (48 frames a second): the
    next picture is the frame the decoder reached meanwhile, not the one after the stall."""
    player = opened(room, film(films, 24, 144)).player
    painted: list[int] = []
    player.frame_painted.connect(lambda _frame: painted.append(number_in(player.image)))
    for _ in range(3):
        press(qtbot, room, Qt.Key.Key_L)
    assert wait_until(lambda: len(painted) >= 6)
    before = painted[-1]
    time.sleep(0.5)  # the decoder's thread goes on handing frames to the sink
    assert wait_until(lambda: painted[-1] > before)
    press(qtbot, room, Qt.Key.Key_K)
    assert painted[painted.index(before) + 1] - before >= 6
    assert painted == sorted(set(painted))


def test_drop_frame_timecode_at_29_97_names_the_decoded_frame(
    qtbot: QtBot, room: ScreeningRoom, films: Path
) -> None:
    """Frame 1800 of a 29.97 film is 00:01:00;02 (labels ;00 and ;01 are skipped)."""
    player = opened(room, film(films, 29.97, 1810, chapters=())).player
    assert player.rate.drop_frame
    player.seek(1800)
    assert wait_shown(player, 1800)
    assert room.transport.timecode.text() == "00:01:00;02"
    press(qtbot, room, Qt.Key.Key_Left)
    assert wait_shown(player, 1799)
    assert room.transport.timecode.text() == "00:00:59;29"


def test_j_k_l_shuttle_from_quarter_to_double_speed_both_ways(
    qtbot: QtBot, room: ScreeningRoom, films: Path
) -> None:
    """L 1x, 1.5x, 2x (no faster); Shift+L slows to 0.25x; K stops; J plays backwards."""
    player = opened(room, film(films, 25, 75)).player
    speeds = []
    for key, shift in [
        (Qt.Key.Key_L, False),
        (Qt.Key.Key_L, False),
        (Qt.Key.Key_L, False),
        (Qt.Key.Key_L, False),
        (Qt.Key.Key_L, True),
        (Qt.Key.Key_L, True),
        (Qt.Key.Key_L, True),
        (Qt.Key.Key_L, True),
        (Qt.Key.Key_K, False),
    ]:
        press(qtbot, room, key, shift)
        speeds.append(player.speed)
    assert speeds == [1.0, 1.5, 2.0, 2.0, 1.5, 1.0, 0.5, 0.25, 0.0]
    player.seek(40)
    assert wait_shown(player, 40)
    seen: list[int] = []
    player.frame_shown.connect(lambda _frame: seen.append(number_in(player.image)))
    press(qtbot, room, Qt.Key.Key_J)
    assert player.speed == -1.0
    assert wait_until(lambda: len(seen) >= 5)
    press(qtbot, room, Qt.Key.Key_K)
    assert player.speed == 0
    assert seen[:5] == [39, 38, 37, 36, 35]


def test_in_and_out_loop_the_range_and_show_no_frame_outside_it(
    qtbot: QtBot, room: ScreeningRoom, films: Path
) -> None:
    """I at 10, O at 20, play: it wraps from 20 back to 10 and never shows 21."""
    player = opened(room, film(films, 24, 72)).player
    player.seek(10)
    assert wait_shown(player, 10)
    press(qtbot, room, Qt.Key.Key_I)
    player.seek(20)
    assert wait_shown(player, 20)
    press(qtbot, room, Qt.Key.Key_O)
    assert (player.in_frame, player.out_frame) == (10, 20)
    assert (room.timeline.in_frame, room.timeline.out_frame) == (10, 20)
    seen: list[int] = []
    player.frame_shown.connect(lambda _frame: seen.append(number_in(player.image)))
    press(qtbot, room, Qt.Key.Key_Space)
    assert wait_until(lambda: 20 in seen and seen.index(20) < len(seen) - 2, 8000)
    press(qtbot, room, Qt.Key.Key_Space)
    assert all(10 <= n <= 20 for n in seen), seen
    assert seen[seen.index(20) + 1] == 10
    qtbot.keyClick(room.player, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    assert (player.in_frame, player.out_frame) == (None, None)


def test_volume_mute_and_fullscreen_keys(qtbot: QtBot, room: ScreeningRoom, films: Path) -> None:
    """Down and Up step the volume, M mutes, F puts the picture on the whole screen and back."""
    player = opened(room, film(films, 24, 72)).player
    player.set_volume(0.5)
    press(qtbot, room, Qt.Key.Key_Down)
    assert player.audio.volume() == pytest.approx(0.4)
    assert room.transport.volume.value() == 40
    press(qtbot, room, Qt.Key.Key_Up)
    assert player.audio.volume() == pytest.approx(0.5)
    press(qtbot, room, Qt.Key.Key_M)
    assert player.audio.isMuted()
    press(qtbot, room, Qt.Key.Key_F)
    assert room.stage.isWindow()
    assert wait_until(room.stage.isFullScreen)
    press(qtbot, room, Qt.Key.Key_Right)
    assert wait_shown(player, 1)
    press(qtbot, room, Qt.Key.Key_Escape)
    assert not room.stage.isWindow()
    assert room.splitter.indexOf(room.stage) == 0
    assert wait_until(room.player.hasFocus)


def test_typing_a_note_never_moves_the_film(qtbot: QtBot, room: ScreeningRoom, films: Path) -> None:
    """Space, L, arrows and Home typed in the note field stay in the field; Esc gives the
    keys back to the player."""
    player = opened(room, film(films, 24, 72)).player
    player.seek(12)
    assert wait_shown(player, 12)
    field = room.notes.field
    field.setEnabled(True)  # no film record is chosen: the field is off, but test its keys
    field.setFocus()
    assert wait_until(field.hasFocus)
    qtbot.keyClicks(field, "look left")
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Home):
        qtbot.keyClick(field, key)
    qtbot.keyClick(field, Qt.Key.Key_L, Qt.KeyboardModifier.ShiftModifier)
    wait_until(lambda: False, 200)
    assert (player.frame, player.speed) == (12, 0)
    assert shown(player) == 12
    assert "look left" in field.toPlainText()
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert wait_until(player.hasFocus)
    qtbot.keyClick(field.window().focusWidget(), Qt.Key.Key_Right)
    assert wait_shown(player, 13)


def test_the_timeline_and_the_scene_list_seek_and_follow(
    qtbot: QtBot, room: ScreeningRoom, films: Path
) -> None:
    """Chapters become scenes; clicking one shows its first frame and highlights it; a click
    on the timeline shows the frame under it; the current scene follows the playhead."""
    player = opened(room, film(films, 24, 72)).player
    assert [c.title for c in room.facts.chapters] == [  # type: ignore[union-attr]
        "INT. KITCHEN - DAY",
        "EXT. ROOF - NIGHT",
        "INT. CAR - LATER",
    ]
    assert room.scenes.count() == 3
    item = room.scenes.item(1)
    qtbot.mouseClick(
        room.scenes.viewport(),
        Qt.MouseButton.LeftButton,
        pos=room.scenes.visualItemRect(item).center(),
    )
    assert wait_shown(player, 30)
    assert room.scenes.currentRow() == 1
    assert player.hasFocus()
    timeline = room.timeline
    x = round(timeline.x_of(60))
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, 30))
    assert wait_shown(player, 60)
    assert timeline.playhead == 60
    assert room.scenes.currentRow() == 2


def test_a_file_that_is_no_film_says_so(qtbot: QtBot, room: ScreeningRoom, tmp_path: Path) -> None:
    """A text file named .mp4: the picture area and the title line say it cannot be played."""
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("not a film", encoding="utf-8")
    room.open_file(bogus)
    assert wait_until(lambda: "Cannot" in room.player.message or "cannot" in room.film_label.text())
    assert not room.player.is_open


def test_the_shell_opens_a_film_paused_on_its_first_frame_with_the_keys_live(
    qtbot: QtBot, window: MainWindow, films: Path
) -> None:
    """`vividverse FILM.mp4` goes through open_file: the Screening Room shows frame 0 and
    the next key press (to whatever has the focus) steps the film."""
    path = film(films, 25, 75)
    assert window.open_file(path) == "screening"
    room = window.pages["screening"]
    assert isinstance(room, ScreeningRoom)
    assert wait_shown(room.player, 0)
    assert room.player.speed == 0
    assert wait_until(room.player.hasFocus)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert wait_shown(room.player, 1)
    assert room.film_label.text() == path.name
