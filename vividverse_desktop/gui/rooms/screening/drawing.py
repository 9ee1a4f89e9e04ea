"""Drawing on the frame: an overlay over the player that paints ``core.wire.Drawing`` shapes
(frame fractions 0..1) onto the picture as it is displayed, its aspect ratio kept, at any
window size; and, in drawing mode, turns mouse drags into pen strokes, arrows, boxes and
text labels.

The overlay shows the drawings of the notes on the frame shown while the film is paused,
plus the drawing being made (the draft), which goes with the next note added.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QLineEdit, QWidget

from vividverse_desktop.core.wire import Arrow, Box, Drawing, Label, Pen
from vividverse_desktop.core.wire.drawing import (
    DEFAULT_COLOR,
    DEFAULT_WIDTH,
    MAX_POINTS,
    MAX_SHAPES,
    Point,
    Shape,
    ShapeKind,
)
from vividverse_desktop.gui.rooms.screening.player import Player

MIN_PEN_PX = 2.0
"""The thinnest stroke on screen, whatever the frame's size."""


def to_screen(point: Point, rect: QRectF) -> QPointF:
    """A point in frame fractions, where it is on a frame displayed in ``rect``."""
    return QPointF(rect.x() + point[0] * rect.width(), rect.y() + point[1] * rect.height())


def to_frame(pos: QPointF, rect: QRectF) -> Point:
    """Where a position on screen falls on the frame displayed in ``rect``, as fractions
    (clamped to the frame)."""
    if rect.width() <= 0 or rect.height() <= 0:
        return 0.0, 0.0
    x = (pos.x() - rect.x()) / rect.width()
    y = (pos.y() - rect.y()) / rect.height()
    return min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0)


def _pen(shape: Pen | Arrow | Box, rect: QRectF) -> QPen:
    pen = QPen(QColor(shape.color))
    pen.setWidthF(max(MIN_PEN_PX, shape.width * rect.height()))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def paint_shapes(painter: QPainter, shapes: Sequence[Shape], rect: QRectF) -> None:
    """Paint ``shapes`` onto a frame displayed in ``rect``."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for shape in shapes:
        if isinstance(shape, Label):
            font = QFont(painter.font())
            font.setPixelSize(max(6, round(shape.size * rect.height())))
            painter.setFont(font)
            painter.setPen(QColor(shape.color))
            at = to_screen(shape.at, rect)
            painter.drawText(QPointF(at.x(), at.y() + QFontMetricsF(font).ascent()), shape.text)
            continue
        pen = _pen(shape, rect)
        painter.setPen(pen)
        if isinstance(shape, Pen):
            points = [to_screen(p, rect) for p in shape.points]
            if len(points) == 1:
                painter.drawPoint(points[0])
                continue
            path = QPainterPath(points[0])
            for point in points[1:]:
                path.lineTo(point)
            painter.drawPath(path)
        elif isinstance(shape, Box):
            painter.drawRect(
                QRectF(to_screen(shape.start, rect), to_screen(shape.end, rect)).normalized()
            )
        else:
            start, end = to_screen(shape.start, rect), to_screen(shape.end, rect)
            painter.drawLine(start, end)
            angle = math.atan2(end.y() - start.y(), end.x() - start.x())
            head = max(10.0, 4 * pen.widthF())
            for side in (-0.45, 0.45):
                painter.drawLine(
                    end,
                    QPointF(
                        end.x() - head * math.cos(angle + side),
                        end.y() - head * math.sin(angle + side),
                    ),
                )
    painter.restore()


class DrawingOverlay(QWidget):
    """Covers the player; paints drawings on the displayed frame; draws in drawing mode."""

    draft_changed = Signal()

    def __init__(self, player: Player) -> None:
        super().__init__(player)
        self.setObjectName("screeningDrawingOverlay")
        self.setAccessibleName("Drawing on the frame")
        self.player = player
        self.shown: tuple[Drawing, ...] = ()
        self.draft: list[Shape] = []
        self.tool: ShapeKind | None = None  # None: not drawing
        self.color = DEFAULT_COLOR
        self._start: Point | None = None
        self._points: list[Point] = []
        self._preview: Shape | None = None
        self.label_field = QLineEdit(self)
        self.label_field.setObjectName("screeningDrawingText")
        self.label_field.setAccessibleName("Text to write on the frame")
        self.label_field.setPlaceholderText("Text on the frame… (Enter)")
        self.label_field.returnPressed.connect(self._label_done)
        self.label_field.hide()
        self._label_at: Point | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.setGeometry(player.rect())
        player.installEventFilter(self)
        self.raise_()

    # -- what is shown ---------------------------------------------------------------------

    def frame_rect(self) -> QRectF:
        """Where the frame is displayed, in the overlay's coordinates."""
        return QRectF(self.player.picture_rect())

    def set_shown(self, drawings: Sequence[Drawing]) -> None:
        """The notes' drawings to show (empty while playing or off their frames)."""
        shown = tuple(drawings)
        if shown != self.shown:
            self.shown = shown
            self.update()

    def draft_drawing(self) -> Drawing | None:
        """The drawing being made, or None."""
        return Drawing(tuple(self.draft)) if self.draft else None

    def clear_draft(self) -> None:
        """Forget the drawing being made."""
        self.draft.clear()
        self._cancel_label()
        self.update()
        self.draft_changed.emit()

    def undo(self) -> None:
        """Take back the last shape drawn."""
        if self.draft:
            self.draft.pop()
            self.update()
            self.draft_changed.emit()

    def set_tool(self, tool: ShapeKind | None) -> None:
        """Draw with ``tool``; None leaves drawing mode (the draft stays)."""
        self.tool = tool
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, tool is None)
        self.setCursor(
            Qt.CursorShape.ArrowCursor
            if tool is None
            else Qt.CursorShape.IBeamCursor
            if tool is ShapeKind.TEXT
            else Qt.CursorShape.CrossCursor
        )
        if tool is not ShapeKind.TEXT:
            self._cancel_label()

    # -- Qt ----------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.player and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.player.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        shapes: list[Shape] = [s for drawing in self.shown for s in drawing.shapes]
        shapes += self.draft
        if self._preview is not None:
            shapes.append(self._preview)
        if not shapes:
            return
        painter = QPainter(self)
        rect = self.frame_rect()
        painter.setClipRect(rect)
        paint_shapes(painter, shapes, rect)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.tool is None or event.button() != Qt.MouseButton.LeftButton:
            return
        point = to_frame(event.position(), self.frame_rect())
        if self.tool is ShapeKind.TEXT:
            self._ask_label(point, event.position())
            return
        self._start = point
        self._points = [point]
        self._preview = self._shape(point)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._start is None:
            return
        point = to_frame(event.position(), self.frame_rect())
        if self.tool is ShapeKind.PEN and len(self._points) < MAX_POINTS // 4:
            self._points.append(point)
        self._preview = self._shape(point)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._start is None:
            return
        shape = self._shape(to_frame(event.position(), self.frame_rect()))
        self._start, self._points, self._preview = None, [], None
        self._add(shape)

    # -- making shapes -----------------------------------------------------------------------

    def _shape(self, point: Point) -> Shape:
        start = self._start if self._start is not None else point
        width = DEFAULT_WIDTH
        if self.tool is ShapeKind.ARROW:
            return Arrow(start, point, self.color, width)
        if self.tool is ShapeKind.BOX:
            return Box(start, point, self.color, width)
        points = self._points if self.tool is ShapeKind.PEN else [start]
        return Pen(tuple(points), self.color, width)

    def _add(self, shape: Shape) -> None:
        if len(self.draft) >= MAX_SHAPES:
            return
        candidate = [*self.draft, shape]
        if sum(len(s.points) if isinstance(s, Pen) else 2 for s in candidate) > MAX_POINTS:
            return
        self.draft.append(shape)
        self.update()
        self.draft_changed.emit()

    def _ask_label(self, point: Point, pos: QPointF) -> None:
        self._label_at = point
        field = self.label_field
        field.clear()
        field.adjustSize()
        field.resize(max(160, field.width()), field.height())
        x = min(int(pos.x()), max(0, self.width() - field.width()))
        y = min(int(pos.y()), max(0, self.height() - field.height()))
        field.move(x, y)
        field.show()
        field.setFocus()

    def add_label(self, point: Point, text: str) -> None:
        """Write ``text`` on the frame with its top-left corner at ``point``."""
        if text.strip():
            self._add(Label(point, text.strip(), self.color))

    def _label_done(self) -> None:
        if self._label_at is not None:
            self.add_label(self._label_at, self.label_field.text())
        self._cancel_label()
        self.player.setFocus()

    def _cancel_label(self) -> None:
        self._label_at = None
        self.label_field.hide()
