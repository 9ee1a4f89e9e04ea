"""The page an import was read from, in the import review: the PDF page drawn by QtPdf's
threaded renderer, fitted to the width, with the selected element's first line marked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtPdf import QPdfDocument, QPdfPageRenderer
from PySide6.QtWidgets import QScrollArea, QWidget

from vividverse_desktop.gui.theme import UNIT, Colours

LINE_PT = 12.0  # one line of 12 pt Courier: the mark covers the element's first line


class PageView(QWidget):
    """One rendered page with the selected element's first line marked; a click names the
    height (in points from the top) it landed on."""

    clicked_at = Signal(float)

    def __init__(self, colours: Colours, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReviewPageView")
        self.setAccessibleName("The page as it was read")
        self.colours = colours
        self.image: QImage | None = None
        self.page_pt = QSizeF(612, 792)
        self.mark_pt: float | None = None

    def scale(self) -> float:
        """Pixels per point at the current width."""
        return self.width() / max(1.0, self.page_pt.width())

    def mark_rect(self) -> QRectF | None:
        """Where the marked line is drawn (widget pixels), or None."""
        if self.mark_pt is None:
            return None
        s = self.scale()
        top = (self.mark_pt - LINE_PT + 1) * s
        return QRectF(0, top, self.width(), (LINE_PT + 3) * s)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        page = QRectF(self.rect())
        painter.fillRect(page, QColor("#ffffff"))
        if self.image is not None and not self.image.isNull():
            painter.drawImage(page, self.image)
        else:
            painter.setPen(QColor("#555b65"))
            painter.drawText(page, Qt.AlignmentFlag.AlignCenter, "Drawing the page…")
        painter.setPen(QPen(QColor(self.colours.border), 1))
        painter.drawRect(page.adjusted(0, 0, -1, -1))
        band = self.mark_rect()
        if band is not None:
            accent = QColor(self.colours.accent)
            fill = QColor(accent)
            fill.setAlpha(48)
            painter.fillRect(band, fill)
            painter.setPen(QPen(accent, 1.5))
            painter.drawRect(band.adjusted(1, 0, -1, 0))
            tip = band.center().y()
            size = min(band.height() / 2, 2.5 * UNIT)
            painter.setBrush(QBrush(accent))
            painter.drawPolygon(
                QPolygonF(
                    [QPointF(0, tip - size), QPointF(size * 1.4, tip), QPointF(0, tip + size)]
                )
            )
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked_at.emit(event.position().y() / self.scale())
        super().mousePressEvent(event)


class PageArea(QScrollArea):
    """A page fitted to the width, scrolling down; renders the page for its size (QtPdf,
    threaded) and keeps the marked line in sight."""

    rendered = Signal(int)  # the 0-based page index now drawn

    def __init__(self, colours: Colours, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReviewPage")
        self.setAccessibleName("The source page")
        self.setWidgetResizable(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view = PageView(colours, self)
        self.setWidget(self.view)
        self.document = QPdfDocument(self)
        self.renderer = QPdfPageRenderer(self)
        self.renderer.setRenderMode(QPdfPageRenderer.RenderMode.MultiThreaded)
        self.renderer.setDocument(self.document)
        self.renderer.pageRendered.connect(self._rendered)
        self.page = -1
        self._asked = QSize()
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(80)
        self._later.timeout.connect(self._request)

    def load(self, path: Path) -> bool:
        """Open the PDF at ``path`` (QtPdf reads it in a millisecond); False if it cannot."""
        return self.document.load(str(path)) == QPdfDocument.Error.None_

    def show_page(self, index: int) -> None:
        """Draw the 0-based page ``index``."""
        if index == self.page:
            return
        self.page = index
        self.view.image = None
        self.view.page_pt = self.document.pagePointSize(index)
        self._fit()
        self._request()

    def mark(self, top_pt: float | None) -> None:
        """Mark the line whose baseline is ``top_pt`` points down the page, and show it."""
        self.view.mark_pt = top_pt
        self.view.update()
        band = self.view.mark_rect()
        if band is not None:
            self.ensureVisible(0, int(band.center().y()), 0, int(self.viewport().height() / 3))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()
        self._later.start()

    def _fit(self) -> None:
        width = max(1, self.viewport().width())
        size = self.view.page_pt
        self.view.resize(width, round(width * size.height() / max(1.0, size.width())))

    def _request(self) -> None:
        if self.page < 0 or self.page >= self.document.pageCount():
            return
        ratio = self.devicePixelRatioF()
        wanted = QSize(round(self.view.width() * ratio), round(self.view.height() * ratio))
        if self.view.image is not None and wanted == self._asked:
            return
        self._asked = wanted
        self.renderer.requestPage(self.page, wanted)

    def _rendered(self, page: int, size: QSize, image: QImage, *_: Any) -> None:
        if page == self.page and size == self._asked:
            self.view.image = image
            self.view.update()
            self.rendered.emit(page)
