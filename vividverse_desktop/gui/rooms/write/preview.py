"""The formatted page: the pages the PDF export prints, drawn from the same pagination.

Lines come from ``core.screenplay.pagination`` and their styled runs from
``core.screenplay.page_runs``, which the PDF export also draws from, so the page count,
page breaks, (MORE)/(CONT'D) and dual dialogue columns are the exported ones. Only the
pages on screen are painted.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QScrollArea, QSizePolicy, QWidget

from vividverse_desktop.core.screenplay.model import Screenplay
from vividverse_desktop.core.screenplay.page_runs import (
    BASELINE_PT,
    PAGE_NUMBER_BASELINE_PT,
    line_runs,
    page_label,
)
from vividverse_desktop.core.screenplay.pagination import (
    CHAR_WIDTH_PT,
    LINE_HEIGHT_PT,
    RIGHT_EDGE,
    TOP_MARGIN_PT,
    Pagination,
)
from vividverse_desktop.gui.fonts import script_family
from vividverse_desktop.gui.theme import UNIT, Colours

GAP = 4 * UNIT


class Pages(QWidget):
    """Every page of a pagination, one under the other, at ``scale`` pixels per point."""

    line_clicked = Signal(int)  # 0-based source line of the element clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewPages")
        self.setAccessibleName("Formatted pages")
        self.pagination: Pagination | None = None
        self.screenplay: Screenplay | None = None
        self.scale = 0.75
        self.current_page = 0
        self._fonts: dict[str, QFont] = {}
        self._paper = QColor("#ffffff")
        self._ink = QColor("#111111")
        self._desk = QColor("#e0e0e0")
        self._accent = QColor("#2d5bc8")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_colours(self, colours: Colours) -> None:
        """The desk around the pages follows the scheme; paper stays white."""
        self._desk = QColor(colours.window)
        self._accent = QColor(colours.accent)
        self.update()

    def set_pages(self, screenplay: Screenplay, pagination: Pagination) -> None:
        """Show these pages."""
        self.screenplay = screenplay
        self.pagination = pagination
        self._resize()
        self.update()

    def page_size(self) -> QSize:
        """One page in pixels at the current scale."""
        if self.pagination is None:
            return QSize(int(612 * self.scale), int(792 * self.scale))
        width, height = self.pagination.paper.size_pt
        return QSize(round(width * self.scale), round(height * self.scale))

    def set_scale(self, scale: float) -> None:
        """Pixels per point."""
        self.scale = max(0.2, min(3.0, scale))
        self._fonts.clear()
        self._resize()
        self.update()

    def page_top(self, number: int) -> int:
        """The y of page ``number``'s top edge (1-based)."""
        return GAP + (number - 1) * (self.page_size().height() + GAP)

    def page_count(self) -> int:
        """Number of body pages shown."""
        return self.pagination.page_count if self.pagination else 0

    def _resize(self) -> None:
        size = self.page_size()
        count = max(1, self.page_count())
        self.setFixedHeight(GAP + count * (size.height() + GAP))

    def _font(self, flags: str) -> QFont:
        font = self._fonts.get(flags)
        if font is None:
            font = QFont(script_family())
            font.setPixelSize(max(1, round(12.0 * self.scale)))
            font.setBold("B" in flags)
            font.setItalic("I" in flags)
            font.setUnderline("U" in flags)
            font.setKerning(False)
            self._fonts[flags] = font
        return font

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), self._desk)
        size = self.page_size()
        left = max(GAP, (self.width() - size.width()) // 2)
        if self.pagination is None or self.screenplay is None or not self.pagination.pages:
            painter.fillRect(QRectF(left, GAP, size.width(), size.height()), self._paper)
            painter.end()
            return
        step = size.height() + GAP
        first = max(0, (event.rect().top() - GAP) // step)
        last = min(self.pagination.page_count - 1, (event.rect().bottom() - GAP) // step)
        elements = self.screenplay.elements
        s = self.scale
        for index in range(first, last + 1):
            page = self.pagination.pages[index]
            top = GAP + index * step
            painter.fillRect(QRectF(left, top, size.width(), size.height()), self._paper)
            if page.number == self.current_page:
                painter.setPen(self._accent)
                painter.drawRect(QRectF(left - 1, top - 1, size.width() + 1, size.height() + 1))
            painter.setPen(self._ink)
            label = page_label(page.number)
            if label:
                painter.setFont(self._font(""))
                x = (RIGHT_EDGE - len(label)) * CHAR_WIDTH_PT
                painter.drawText(QPointF(left + x * s, top + PAGE_NUMBER_BASELINE_PT * s), label)
            for line in page.lines:
                y = top + (TOP_MARGIN_PT + line.row * LINE_HEIGHT_PT + BASELINE_PT) * s
                for x, text, flags in line_runs(elements[line.element], line):
                    painter.setFont(self._font(flags))
                    painter.drawText(QPointF(left + x * CHAR_WIDTH_PT * s, y), text)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click on a printed line moves the editor to that element's source line."""
        if self.pagination is None or self.screenplay is None:
            return
        size = self.page_size()
        step = size.height() + GAP
        y = event.position().y()
        index = int((y - GAP) // step)
        if not 0 <= index < self.pagination.page_count:
            return
        row = ((y - GAP - index * step) / self.scale - TOP_MARGIN_PT) / LINE_HEIGHT_PT
        page = self.pagination.pages[index]
        best = None
        for line in page.lines:
            if line.row <= row:
                best = line
        if best is None and page.lines:
            best = page.lines[0]
        if best is not None:
            self.line_clicked.emit(self.screenplay.elements[best.element].line - 1)


class PagePreview(QScrollArea):
    """The pages in a scroll area that follows the editor's page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pagePreview")
        self.setAccessibleName("Page preview")
        self.pages = Pages(self)
        self.setWidget(self.pages)
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def show_page(self, number: int) -> None:
        """Scroll so page ``number`` is in view and mark it as the editor's page."""
        if number <= 0 or number == self.pages.current_page:
            return
        self.pages.current_page = number
        top = self.pages.page_top(number)
        bar = self.verticalScrollBar()
        height = self.pages.page_size().height()
        if not (bar.value() <= top and top + height // 3 <= bar.value() + self.viewport().height()):
            bar.setValue(top - GAP)
        self.pages.update()

    def fit_width(self) -> None:
        """Scale the pages to the width available, keeping the same place in view (a
        wider pane makes every page taller: page 41 would otherwise scroll out)."""
        if self.pages.pagination is None:
            width_pt = 612.0
        else:
            width_pt = self.pages.pagination.paper.size_pt[0]
        available = self.viewport().width() - 2 * GAP
        bar = self.verticalScrollBar()
        pages_above = bar.value() / (self.pages.page_size().height() + GAP)
        self.pages.set_scale(min(1.25, max(0.3, available / width_pt)))
        bar.setValue(round(pages_above * (self.pages.page_size().height() + GAP)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_width()
