"""The timeline, painted by hand: chapters as a band of scenes, the in-out range, note
markers and the playhead. Click or drag anywhere on it to seek."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from vividverse_desktop.gui.theme import LIGHT, UNIT, Colours
from vividverse_desktop.studio.screening import Chapter

BAND = 5 * UNIT  # the chapter band's height
TRACK = 7 * UNIT  # the track below it (range, notes)
SIDE = 2 * UNIT  # room at each end for the playhead's head


@dataclass(frozen=True, slots=True)
class Marker:
    """A note on the timeline: its frames and whether it is resolved."""

    note_id: str
    first: int
    last: int
    resolved: bool
    text: str


class Timeline(QWidget):
    """Frames left to right; emits ``seek_requested(frame)`` on click and drag."""

    seek_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screeningTimeline")
        self.setAccessibleName("Timeline")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.frames = 0
        self.playhead = 0
        self.chapters: tuple[Chapter, ...] = ()
        self.markers: tuple[Marker, ...] = ()
        self.in_frame: int | None = None
        self.out_frame: int | None = None
        self.colours = LIGHT
        self._dragging = False

    def sizeHint(self) -> QSize:
        return QSize(400, BAND + TRACK + 2 * UNIT)

    def minimumSizeHint(self) -> QSize:
        return QSize(100, BAND + TRACK + 2 * UNIT)

    # -- what it shows ---------------------------------------------------------------------

    def set_film(self, frames: int, chapters: tuple[Chapter, ...]) -> None:
        """A film of ``frames`` frames with its chapters."""
        self.frames = frames
        self.chapters = chapters
        self.update()

    def set_playhead(self, frame: int) -> None:
        """Move the playhead to ``frame``."""
        if frame != self.playhead:
            self.playhead = frame
            self.update()

    def set_range(self, first: int | None, last: int | None) -> None:
        """Shade the in-out range."""
        self.in_frame, self.out_frame = first, last
        self.update()

    def set_markers(self, markers: tuple[Marker, ...]) -> None:
        """The notes to mark."""
        self.markers = markers
        self.update()

    def apply_colours(self, colours: Colours) -> None:
        """Paint with the scheme's colours."""
        self.colours = colours
        self.update()

    # -- frames and pixels -----------------------------------------------------------------

    def x_of(self, frame: int) -> float:
        """The x of the middle of ``frame``."""
        width = self.width() - 2 * SIDE
        if self.frames <= 0:
            return float(SIDE)
        return SIDE + (frame + 0.5) * width / self.frames

    def frame_at(self, x: float) -> int:
        """The frame under ``x`` (clamped to the film)."""
        width = max(1, self.width() - 2 * SIDE)
        frame = int((x - SIDE) * self.frames / width)
        return max(0, min(frame, self.frames - 1))

    def marker_at(self, x: float, y: float) -> Marker | None:
        """The note marker under a point, if any."""
        if not BAND <= y <= BAND + TRACK:
            return None
        for marker in self.markers:
            left, right = self.x_of(marker.first), self.x_of(marker.last)
            if left - UNIT * 1.5 <= x <= right + UNIT * 1.5:
                return marker
        return None

    # -- mouse -----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.frames > 0:
            self._dragging = True
            self.seek_requested.emit(self.frame_at(event.position().x()))
            event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x, y = event.position().x(), event.position().y()
        if self._dragging:
            self.seek_requested.emit(self.frame_at(x))
            return
        marker = self.marker_at(x, y)
        if marker is not None:
            QToolTip.showText(event.globalPosition().toPoint(), marker.text, self)
        elif y < BAND:
            chapter = next((c for c in self.chapters if c.holds(self.frame_at(x))), None)
            QToolTip.showText(
                event.globalPosition().toPoint(), chapter.title if chapter else "", self
            )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._dragging = False
        event.accept()

    # -- paint -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        c = self.colours
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        width = self.width() - 2 * SIDE
        track = QRectF(SIDE, BAND, width, TRACK)
        painter.fillRect(track, QColor(c.surface))
        painter.setPen(QColor(c.border))
        painter.drawRect(track)
        if self.frames > 0:
            self._paint_chapters(painter, width)
            self._paint_range(painter)
            self._paint_markers(painter)
            self._paint_playhead(painter)
        painter.end()

    def _paint_chapters(self, painter: QPainter, width: float) -> None:
        c = self.colours
        shades = (QColor(c.sidebar), QColor(c.border))
        current = next((ch for ch in self.chapters if ch.holds(self.playhead)), None)
        for chapter in self.chapters:
            left = SIDE + chapter.first * width / self.frames
            right = SIDE + (chapter.last + 1) * width / self.frames
            rect = QRectF(left, 0, right - left, BAND - UNIT / 2)
            is_current = chapter is current
            painter.fillRect(rect, QColor(c.accent) if is_current else shades[chapter.index % 2])
            painter.setPen(QColor(c.on_accent if is_current else c.text))
            text_rect = rect.adjusted(UNIT, 0, -UNIT, 0)
            label = painter.fontMetrics().elidedText(
                chapter.title, Qt.TextElideMode.ElideRight, int(text_rect.width())
            )
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, label)

    def _paint_range(self, painter: QPainter) -> None:
        if self.in_frame is None and self.out_frame is None:
            return
        first = self.in_frame if self.in_frame is not None else 0
        last = self.out_frame if self.out_frame is not None else self.frames - 1
        left, right = self.x_of(first) - 0.5, self.x_of(last) + 0.5
        shade = QColor(self.colours.accent)
        shade.setAlpha(60)
        painter.fillRect(QRectF(left, BAND, right - left, TRACK), shade)
        painter.setPen(QColor(self.colours.accent))
        for x in (left, right):
            painter.drawLine(QPointF(x, BAND), QPointF(x, BAND + TRACK))

    def _paint_markers(self, painter: QPainter) -> None:
        c = self.colours
        for marker in self.markers:
            colour = QColor(c.muted if marker.resolved else c.warning)
            left, right = self.x_of(marker.first), self.x_of(marker.last)
            if marker.last > marker.first:
                bar = QRectF(left, BAND + TRACK - 2 * UNIT, right - left, UNIT)
                painter.fillRect(bar, colour)
            top = BAND + UNIT
            diamond = QPolygonF(
                [
                    QPointF(left, top),
                    QPointF(left + 1.5 * UNIT, top + 1.5 * UNIT),
                    QPointF(left, top + 3 * UNIT),
                    QPointF(left - 1.5 * UNIT, top + 1.5 * UNIT),
                ]
            )
            painter.setPen(QColor(c.surface))
            painter.setBrush(colour)
            painter.drawPolygon(diamond)

    def _paint_playhead(self, painter: QPainter) -> None:
        colour = QColor(self.colours.danger)
        x = self.x_of(self.playhead)
        painter.setPen(colour)
        painter.drawLine(QPointF(x, BAND - UNIT), QPointF(x, BAND + TRACK + UNIT))
        painter.setBrush(colour)
        head = QPolygonF(
            [QPointF(x - UNIT, BAND - UNIT), QPointF(x + UNIT, BAND - UNIT), QPointF(x, BAND)]
        )
        painter.drawPolygon(head)
