"""Drawing on the frame in the Screening Room: a box and an arrow dragged on the paused
picture are saved with the note as frame fractions, shown when paused on the note's frame
(and not on others), and after a resize drawn at the same fractions of the displayed
picture (found by grabbing the overlay and looking for the drawn pixels)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from tests.gui.screening_films import film, reviewer_session, wait_shown
from tests.gui.test_screening_notes import choose_film, screening_room, write_note
from vividverse_desktop.core.wire import Arrow, Box
from vividverse_desktop.core.wire.drawing import ShapeKind
from vividverse_desktop.gui.rooms.screening import ScreeningRoom
from vividverse_desktop.gui.rooms.screening.drawing import to_screen
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.studio import review


def at(room: ScreeningRoom, x: float, y: float) -> QPoint:
    """The overlay position of the frame fraction (x, y)."""
    return to_screen((x, y), room.overlay.frame_rect()).toPoint()


def drag(qtbot: QtBot, room: ScreeningRoom, start: tuple[float, float], end: tuple[float, float]):
    overlay = room.overlay
    qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=at(room, *start))
    for step in range(1, 5):
        t = step / 4
        point = (start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]))
        qtbot.mouseMove(overlay, at(room, *point))
    qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=at(room, *end))


def red_near(image: QImage, point: QPoint, radius: int = 4) -> bool:
    """Whether a drawn (red) pixel lies within ``radius`` of ``point``."""
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            x, y = point.x() + dx, point.y() + dy
            if 0 <= x < image.width() and 0 <= y < image.height():
                c = image.pixelColor(x, y)
                if c.alpha() > 128 and c.red() > 170 and c.green() < 110 and c.blue() < 110:
                    return True
    return False


def red_bounds(image: QImage) -> tuple[int, int, int, int]:
    """Left, top, right, bottom of the drawn (red) pixels."""
    xs, ys = [], []
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            if c.alpha() > 128 and c.red() > 170 and c.green() < 110 and c.blue() < 110:
                xs.append(x)
                ys.append(y)
    assert xs, "nothing drawn"
    return min(xs), min(ys), max(xs), max(ys)


def grabbed(room: ScreeningRoom) -> QImage:
    image = room.overlay.grab().toImage()
    ratio = image.devicePixelRatio()
    assert ratio == 1.0
    return image


def test_a_drawing_is_saved_in_fractions_and_survives_a_resize(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    """Box (0.25, 0.25)-(0.75, 0.75) and an arrow drawn on frame 20 go with the note;
    shown on frame 20 only; after the window shrinks, the box's edges are drawn at the
    same fractions of the smaller picture, whose 4:3 shape is kept."""
    session, movie_id = reviewer_session(tmp_path / "rita.sqlite")
    room = screening_room(qtbot, runner, session)
    room.open_file(film(tmp_path, 24, 72))
    assert wait_shown(room.player, 0)
    choose_film(room, movie_id)
    room.player.seek(20)
    assert wait_shown(room.player, 20)

    qtbot.mouseClick(room.draw_bar.tool_buttons[ShapeKind.BOX], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(room.draw_bar.draw_button, Qt.MouseButton.LeftButton)
    assert room.overlay.tool is ShapeKind.BOX
    drag(qtbot, room, (0.25, 0.25), (0.75, 0.75))
    room.draw_bar.choose(ShapeKind.ARROW)
    drag(qtbot, room, (0.1, 0.9), (0.3, 0.7))
    assert len(room.overlay.draft) == 2
    assert room.notes.add_button.text().endswith("with the drawing")
    write_note(qtbot, room, "Keep the kettle in the box.")
    assert wait_until(lambda: room.notes.list.count() == 1)
    assert room.overlay.draft == []
    assert room.overlay.tool is None

    (view,) = review.notes(store=session.store, movie_id=movie_id, viewer_id=session.user_id)
    assert view.drawing is not None
    box, arrow = view.drawing.shapes
    assert isinstance(box, Box)
    assert isinstance(arrow, Arrow)
    rect = room.overlay.frame_rect()
    tolerance = 1.5 / rect.height()  # a pixel of the displayed picture, and rounding
    for got, want in zip((*box.start, *box.end), (0.25, 0.25, 0.75, 0.75), strict=True):
        assert abs(got - want) <= tolerance
    assert abs(arrow.end[0] - 0.3) <= tolerance

    assert room.overlay.shown == (view.drawing,)
    big = room.overlay.frame_rect()
    assert red_near(grabbed(room), at(room, 0.25, 0.5))
    room.player.seek(40)
    assert wait_shown(room.player, 40)
    assert room.overlay.shown == ()
    assert not red_near(grabbed(room), at(room, 0.25, 0.5))
    room.player.seek(20)
    assert wait_shown(room.player, 20)

    room.resize(760, 520)
    assert wait_until(lambda: room.overlay.frame_rect().width() < big.width() - 40)
    small = room.overlay.frame_rect()
    assert abs(small.width() / small.height() - 4 / 3) < 0.02
    assert room.overlay.size() == room.player.size()
    image = grabbed(room)
    for x, y in ((0.25, 0.5), (0.75, 0.5), (0.5, 0.25), (0.5, 0.75)):
        assert red_near(image, at(room, x, y)), (x, y)
    assert not red_near(image, at(room, 0.5, 0.5))  # the box is not filled
    # All the red lies where the box and the arrow fall on the smaller picture.
    left, top, right, bottom = red_bounds(image)
    want = QRectF(at(room, 0.1, 0.25), at(room, 0.75, 0.9))
    slack = 6
    assert abs(left - want.left()) <= slack
    assert abs(right - want.right()) <= slack
    assert abs(top - want.top()) <= slack
    assert abs(bottom - want.bottom()) <= slack

    # More drawn later on one's own chosen note joins its drawing.
    room.notes.list.setCurrentRow(0)
    assert room.notes.draw_on_button.isHidden()  # nothing drawn yet
    room.draw_bar.choose(ShapeKind.BOX)
    drag(qtbot, room, (0.05, 0.05), (0.15, 0.15))
    assert not room.notes.draw_on_button.isHidden()
    qtbot.mouseClick(room.notes.draw_on_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: len(room.notes.views[0].drawing.shapes) == 3)
    assert room.overlay.draft == []
    assert len(room.overlay.shown[0].shapes) == 3
    room.close()
    session.store.close()


def test_text_and_pen_shapes_are_drawn_in_drawing_mode(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    """The text tool writes a label where clicked; the pen keeps the stroke's points;
    Undo takes back the last shape; leaving drawing mode lets clicks reach the player."""
    session, movie_id = reviewer_session(tmp_path / "rita.sqlite")
    room = screening_room(qtbot, runner, session)
    room.open_file(film(tmp_path, 24, 72))
    assert wait_shown(room.player, 0)
    choose_film(room, movie_id)
    room.draw_bar.choose(ShapeKind.TEXT)
    qtbot.mouseClick(room.overlay, Qt.MouseButton.LeftButton, pos=at(room, 0.2, 0.2))
    field = room.overlay.label_field
    assert field.isVisible()
    qtbot.keyClicks(field, "too bright")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    (label,) = room.overlay.draft
    assert label.kind is ShapeKind.TEXT
    assert label.text == "too bright"
    assert not field.isVisible()
    room.draw_bar.choose(ShapeKind.PEN)
    drag(qtbot, room, (0.5, 0.5), (0.9, 0.6))
    assert room.overlay.draft[-1].kind is ShapeKind.PEN
    assert len(room.overlay.draft[-1].points) >= 4
    qtbot.mouseClick(room.draw_bar.undo_button, Qt.MouseButton.LeftButton)
    assert [s.kind for s in room.overlay.draft] == [ShapeKind.TEXT]
    qtbot.keyClick(room.player, Qt.Key.Key_Escape)
    assert room.overlay.tool is None
    assert room.overlay.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    room.player.seek(30)
    assert wait_shown(room.player, 30)
    qtbot.keyClick(room.player, Qt.Key.Key_D)
    assert room.overlay.tool is ShapeKind.PEN
    assert room.player.frame == 30
    room.close()
    session.store.close()
