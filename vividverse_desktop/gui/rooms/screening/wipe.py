"""The wipe: one frame, film A left of a vertical divider and film B right of it.

An overlay over the room's player (film A) paints B's decoded frame onto A's picture,
clipped to the right of the divider (B is fitted into A's picture, its shape kept, so the
two line up even at different sizes). Drag the divider's handle with the mouse, or move it
with Alt+Left / Alt+Right while the player has the keys (Shift with them: finer steps).
A click away from the divider goes through to the player.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from vividverse_desktop.gui.rooms.screening.player import Player, paint_badge
from vividverse_desktop.gui.theme import UNIT

STEP = 0.05
FINE_STEP = 0.01
GRAB_PX = 3 * UNIT
"""How near the divider a press grabs it."""
HANDLE_PX = 3 * UNIT
"""The radius of the round handle on the divider."""


def fitted(size_w: float, size_h: float, rect: QRectF) -> QRectF:
    """A picture of ``size_w`` x ``size_h`` as large as fits in ``rect``, centred."""
    if size_w <= 0 or size_h <= 0 or rect.isEmpty():
        return QRectF(rect)
    scale = min(rect.width() / size_w, rect.height() / size_h)
    out = QRectF(0, 0, size_w * scale, size_h * scale)
    out.moveCenter(rect.center())
    return out


class WipeOverlay(QWidget):
    """Covers the lead player; shows the other player's frame right of the divider."""

    moved = Signal(float)  # the divider's new place, a fraction of the picture's width

    def __init__(self, lead: Player, other: Player) -> None:
        super().__init__(lead)
        self.setObjectName("screeningWipe")
        self.setAccessibleName("Wipe divider between film A and film B")
        self.setAccessibleDescription(
            "A on the left, B on the right: drag the divider, or Alt+Left and Alt+Right"
        )
        self.lead = lead
        self.other = other
        self.position = 0.5
        self._dragging = False
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.setGeometry(lead.rect())
        lead.installEventFilter(self)
        other.frame_shown.connect(lambda _frame: self.update())
        lead.frame_shown.connect(lambda _frame: self.update())
        self.hide()

    # -- the divider -------------------------------------------------------------------------

    def picture_rect(self) -> QRectF:
        """Where film A's picture is, in the overlay's coordinates."""
        return QRectF(self.lead.picture_rect())

    def divider_x(self) -> float:
        """Where the divider is drawn, in the overlay's coordinates."""
        rect = self.picture_rect()
        return rect.left() + self.position * rect.width()

    def set_position(self, position: float) -> None:
        """Put the divider at ``position`` of the picture's width (0: all B, 1: all A)."""
        position = min(max(position, 0.0), 1.0)
        if position != self.position:
            self.position = position
            self.update()
            self.moved.emit(position)

    def nudge(self, step: float) -> None:
        """Move the divider by ``step`` of the picture's width (negative: to the left)."""
        self.set_position(round(self.position + step, 4))

    def _position_at(self, x: float) -> float:
        rect = self.picture_rect()
        return 0.5 if rect.width() <= 0 else (x - rect.left()) / rect.width()

    def _near(self, pos: QPointF) -> bool:
        rect = self.picture_rect()
        return abs(pos.x() - self.divider_x()) <= GRAB_PX and rect.top() <= pos.y() <= (
            rect.bottom()
        )

    # -- Qt ------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.lead:
            return False
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self.lead.rect())
        elif event.type() == QEvent.Type.KeyPress and self.isVisible():
            assert isinstance(event, QKeyEvent)
            mods = event.modifiers()
            if mods & Qt.KeyboardModifier.AltModifier and not mods & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier
            ):
                step = FINE_STEP if mods & Qt.KeyboardModifier.ShiftModifier else STEP
                if event.key() == Qt.Key.Key_Left:
                    self.nudge(-step)
                    return True
                if event.key() == Qt.Key.Key_Right:
                    self.nudge(step)
                    return True
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        rect = self.picture_rect()
        if rect.isEmpty() or self.lead.image.isNull():
            return
        x = self.divider_x()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        right = QRectF(QPointF(x, rect.top()), rect.bottomRight())
        painter.save()
        painter.setClipRect(right)
        painter.fillRect(right, QColor(0, 0, 0))
        image = self.other.image
        if not image.isNull():
            painter.drawImage(fitted(image.width(), image.height(), rect), image)
        painter.restore()
        if right.width() > 4 * GRAB_PX:
            paint_badge(painter, rect.toRect(), "B", left=False)
        self._paint_divider(painter, rect, x)
        painter.end()

    def _paint_divider(self, painter: QPainter, rect: QRectF, x: float) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(0, 0, 0, 160), 4))
        painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        painter.setPen(QPen(QColor(255, 255, 255), 2))
        painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        centre = QPointF(x, rect.center().y())
        painter.setBrush(QColor(255, 255, 255))
        painter.setPen(QPen(QColor(0, 0, 0, 160), 1))
        painter.drawEllipse(centre, HANDLE_PX, HANDLE_PX)
        painter.setBrush(QColor(30, 30, 30))
        painter.setPen(Qt.PenStyle.NoPen)
        half = HANDLE_PX / 2
        for side in (-1, 1):  # a small triangle pointing each way
            tip = QPointF(x + side * (half + 2), centre.y())
            base = x + side * 2
            painter.drawPolygon(
                [tip, QPointF(base, centre.y() - half), QPointF(base, centre.y() + half)]
            )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self._near(event.position()):
            event.ignore()  # the player has it (focus, double-click for fullscreen)
            return
        self._dragging = True
        self.lead.setFocus(Qt.FocusReason.MouseFocusReason)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self.set_position(self._position_at(event.position().x()))
            return
        near = self._near(event.position())
        self.setCursor(Qt.CursorShape.SplitHCursor if near else Qt.CursorShape.ArrowCursor)
        event.ignore()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self._dragging:
            event.ignore()
            return
        self.set_position(self._position_at(event.position().x()))
        self._dragging = False

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self._near(event.position()):
            self.set_position(0.5)  # double-click on the divider: back to the middle
            event.accept()
            return
        event.ignore()
