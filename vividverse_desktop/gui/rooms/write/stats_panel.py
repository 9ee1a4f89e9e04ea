"""Statistics beside the script, live: figures, shares, characters, and charts that go
to the scene they show when clicked."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.core.screenplay.pagination import format_eighths
from vividverse_desktop.core.screenplay.stats import ScriptStats
from vividverse_desktop.gui.theme import UNIT, Colours

TOP_CHARACTERS = 10


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of a bar chart: label, value, the words beside it, the scene a click opens."""

    label: str
    value: float
    text: str
    scene: int


class BarChart(QWidget):
    """Horizontal bars, painted; a click emits the row's scene index."""

    scene_clicked = Signal(int)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.bars: tuple[Bar, ...] = ()
        self._bar = QColor("#2d5bc8")
        self._text = QColor("#1c1e22")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_colours(self, colours: Colours) -> None:
        """Bars in the accent colour, labels in the text colour."""
        self._bar = QColor(colours.accent)
        self._text = QColor(colours.text)
        self.update()

    def set_bars(self, bars: tuple[Bar, ...]) -> None:
        """Show these rows."""
        self.bars = bars
        self.setFixedHeight(max(1, len(bars)) * self._row())
        self.setToolTip("\n".join(f"{b.label}: {b.text}" for b in bars))
        self.update()

    def _row(self) -> int:
        return self.fontMetrics().height() + 2 * UNIT

    def sizeHint(self) -> QSize:
        return QSize(60 * UNIT, max(1, len(self.bars)) * self._row())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        metrics = self.fontMetrics()
        label_width = min(
            self.width() // 3,
            max((metrics.horizontalAdvance(b.label) for b in self.bars), default=0) + 2 * UNIT,
        )
        text_width = (
            max((metrics.horizontalAdvance(b.text) for b in self.bars), default=0) + 2 * UNIT
        )
        room = max(1, self.width() - label_width - text_width)
        top_value = max((b.value for b in self.bars), default=1.0) or 1.0
        row = self._row()
        for index, bar in enumerate(self.bars):
            y = index * row
            painter.setPen(self._text)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - UNIT)
            painter.drawText(QRectF(0, y, label_width, row), Qt.AlignmentFlag.AlignVCenter, label)
            length = room * bar.value / top_value
            painter.fillRect(
                QRectF(label_width, y + UNIT, max(1.0, length), row - 2 * UNIT), self._bar
            )
            painter.drawText(
                QRectF(label_width + length + UNIT, y, text_width, row),
                Qt.AlignmentFlag.AlignVCenter,
                bar.text,
            )
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = int(event.position().y() // self._row())
        if 0 <= index < len(self.bars) and self.bars[index].scene >= 0:
            self.scene_clicked.emit(self.bars[index].scene)


class Presence(QWidget):
    """Who appears where: a row per character, a column per scene, a mark where they speak."""

    scene_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presenceTimeline")
        self.setAccessibleName("Timeline of who speaks in which scene")
        self.rows: tuple[tuple[str, frozenset[int]], ...] = ()
        self.scene_count = 0
        self._mark = QColor("#2d5bc8")
        self._text = QColor("#1c1e22")
        self._grid = QColor("#cfd3d9")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_colours(self, colours: Colours) -> None:
        """Marks in the accent colour."""
        self._mark = QColor(colours.accent)
        self._text = QColor(colours.text)
        self._grid = QColor(colours.border)
        self.update()

    def set_rows(self, rows: tuple[tuple[str, frozenset[int]], ...], scene_count: int) -> None:
        """Characters with the scene indices they speak in."""
        self.rows = rows
        self.scene_count = scene_count
        self.setFixedHeight(max(1, len(rows)) * self._row())
        self.update()

    def _row(self) -> int:
        return self.fontMetrics().height() + UNIT

    def _label_width(self) -> int:
        metrics = self.fontMetrics()
        return min(
            self.width() // 3,
            max((metrics.horizontalAdvance(n) for n, _ in self.rows), default=0) + 2 * UNIT,
        )

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        label_width = self._label_width()
        row = self._row()
        width = max(1, self.width() - label_width)
        column = width / max(1, self.scene_count)
        for index, (name, scenes) in enumerate(self.rows):
            y = index * row
            painter.setPen(self._text)
            painter.drawText(QRectF(0, y, label_width, row), Qt.AlignmentFlag.AlignVCenter, name)
            painter.fillRect(QRectF(label_width, y + row / 2, width, 1), self._grid)
            for scene in scenes:
                painter.fillRect(
                    QRectF(
                        label_width + scene * column, y + UNIT, max(2.0, column - 1), row - 2 * UNIT
                    ),
                    self._mark,
                )
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        label_width = self._label_width()
        x = event.position().x() - label_width
        if x < 0 or not self.scene_count:
            return
        column = max(1, self.width() - label_width) / self.scene_count
        self.scene_clicked.emit(min(self.scene_count - 1, int(x // column)))


class StatsPanel(QScrollArea):
    """The statistics of the draft as last read; clicks go to scenes."""

    scene_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statsPanel")
        self.setAccessibleName("Script statistics")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(3 * UNIT, 3 * UNIT, 3 * UNIT, 3 * UNIT)
        layout.setSpacing(2 * UNIT)

        self.figures: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(4 * UNIT)
        names = (
            ("length", "Length"),
            ("scenes", "Scenes"),
            ("runtime", "Runtime"),
            ("words", "Words"),
            ("int_ext", "INT / EXT"),
            ("day_night", "Day / night"),
        )
        for index, (key, title) in enumerate(names):
            caption = QLabel(title, body)
            caption.setProperty("role", "muted")
            value = QLabel("—", body)
            value.setObjectName(f"stat_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(caption, index, 0)
            grid.addWidget(value, index, 1)
            self.figures[key] = value
        layout.addLayout(grid)

        layout.addWidget(self._heading("Dialogue share", body))
        self.dialogue = BarChart("dialogueShareChart", body)
        self.dialogue.setAccessibleName("Dialogue share per character")
        layout.addWidget(self.dialogue)

        layout.addWidget(self._heading("Who appears where", body))
        self.presence = Presence(body)
        layout.addWidget(self.presence)

        layout.addWidget(self._heading("Scenes per location", body))
        self.locations = BarChart("locationsChart", body)
        self.locations.setAccessibleName("Scenes per location")
        layout.addWidget(self.locations)

        layout.addWidget(self._heading("Characters", body))
        self.characters = QTreeWidget(body)
        self.characters.setObjectName("charactersTable")
        self.characters.setAccessibleName("Characters")
        self.characters.setRootIsDecorated(False)
        self.characters.setHeaderLabels(["Character", "Speeches", "Words", "Scenes", "First"])
        self.characters.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3, 4):
            self.characters.header().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        self.characters.setMinimumHeight(40 * UNIT)
        self.characters.itemActivated.connect(self._character_chosen)
        self.characters.itemClicked.connect(self._character_chosen)
        layout.addWidget(self.characters)
        layout.addStretch(1)
        self.setWidget(body)
        self._first_scene: dict[str, int] = {}

        for chart in (self.dialogue, self.locations, self.presence):
            chart.scene_clicked.connect(self.scene_clicked)

    @staticmethod
    def _heading(text: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        font = label.font()
        font.setWeight(font.Weight.DemiBold)
        label.setFont(font)
        return label

    def set_colours(self, colours: Colours) -> None:
        """Charts follow the scheme."""
        self.dialogue.set_colours(colours)
        self.locations.set_colours(colours)
        self.presence.set_colours(colours)

    def show_stats(self, stats: ScriptStats) -> None:
        """Fill every figure and chart from ``stats``."""
        f = self.figures
        f["length"].setText(f"{stats.page_count} pages ({stats.length or '0'} by scene eighths)")
        f["scenes"].setText(str(stats.scene_count))
        f["runtime"].setText(
            f"{stats.runtime_minutes_page_rule:.0f} min by pages, "
            f"{stats.runtime_minutes_timing_model:.0f} min by timing"
        )
        f["words"].setText(f"{stats.dialogue_words:,} dialogue, {stats.action_words:,} action")
        f["int_ext"].setText(
            ", ".join(f"{k} {v.scenes}" for k, v in stats.int_ext.items() if v.scenes) or "—"
        )
        f["day_night"].setText(
            ", ".join(f"{k} {v.scenes}" for k, v in stats.day_night.items() if v.scenes) or "—"
        )
        index_of = {scene.number: i for i, scene in enumerate(stats.scenes)}
        total_words = sum(c.words for c in stats.characters) or 1
        speakers = sorted(stats.characters, key=lambda c: -c.words)[:TOP_CHARACTERS]
        self.dialogue.set_bars(
            tuple(
                Bar(
                    c.name,
                    c.words,
                    f"{100 * c.words / total_words:.0f}%",
                    index_of.get(c.first_scene or "", -1),
                )
                for c in speakers
            )
        )
        places = sorted(stats.locations, key=lambda loc: -loc.scene_count)[:TOP_CHARACTERS]
        self.locations.set_bars(
            tuple(
                Bar(
                    loc.name,
                    loc.scene_count,
                    f"{loc.scene_count} ({format_eighths(loc.eighths)} pp)",
                    index_of.get(loc.scenes[0], -1) if loc.scenes else -1,
                )
                for loc in places
            )
        )
        self.presence.set_rows(
            tuple(
                (c.name, frozenset(index_of[s] for s in c.scenes if s in index_of))
                for c in speakers
            ),
            stats.scene_count,
        )
        self.characters.clear()
        self._first_scene = {}
        for c in sorted(stats.characters, key=lambda c: (-c.speeches, c.name)):
            first = f"sc. {c.first_scene}, p. {c.first_page}" if c.first_scene else "—"
            item = QTreeWidgetItem(
                [c.name, str(c.speeches), f"{c.words:,}", str(c.scene_count), first]
            )
            for column in (1, 2, 3):
                item.setTextAlignment(
                    column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
            self.characters.addTopLevelItem(item)
            self._first_scene[c.name] = index_of.get(c.first_scene or "", -1)

    def _character_chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        scene = self._first_scene.get(item.text(0), -1)
        if scene >= 0:
            self.scene_clicked.emit(scene)
