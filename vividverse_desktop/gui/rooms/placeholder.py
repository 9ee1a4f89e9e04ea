"""A room whose own issue has not landed: it says what will be here and offers the first step."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.gui.icons import icon
from vividverse_desktop.gui.rooms import RoomInfo
from vividverse_desktop.gui.theme import UNIT, Colours


class PlaceholderRoom(QWidget):
    """The empty state of one room: what goes here, and its first action."""

    def __init__(self, room: RoomInfo, action: QAction | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.room = room
        self.opened: Path | None = None
        self.setObjectName(f"room_{room.key}")
        self.setAccessibleName(f"{room.title} room")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6 * UNIT, 4 * UNIT, 6 * UNIT, 4 * UNIT)
        outer.setSpacing(UNIT)

        title = QLabel(room.title, self)
        title.setProperty("role", "title")
        title.setObjectName(f"{room.key}Title")
        outer.addWidget(title)
        outer.addStretch(1)

        card = QFrame(self)
        card.setProperty("role", "card")
        card.setObjectName(f"{room.key}EmptyState")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(8 * UNIT, 8 * UNIT, 8 * UNIT, 8 * UNIT)
        inner.setSpacing(3 * UNIT)

        self._glyph = QLabel(card)
        self._glyph.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        inner.addWidget(self._glyph)

        headline = QLabel(room.empty, card)
        headline.setObjectName(f"{room.key}EmptyHeadline")
        headline.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        headline.setWordWrap(True)
        font = headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setWeight(font.Weight.DemiBold)
        headline.setFont(font)
        inner.addWidget(headline)

        purpose = QLabel(room.purpose, card)
        purpose.setProperty("role", "muted")
        purpose.setWordWrap(True)
        purpose.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        inner.addWidget(purpose)

        self._opened_label = QLabel(card)
        self._opened_label.setObjectName(f"{room.key}OpenedFile")
        self._opened_label.setWordWrap(True)
        self._opened_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._opened_label.hide()
        inner.addWidget(self._opened_label)

        self.first_action = QPushButton(card)
        self.first_action.setObjectName(f"{room.key}FirstAction")
        self.first_action.setDefault(True)
        self.first_action.setMinimumHeight(9 * UNIT)
        if action is not None:
            shortcut = action.shortcut().toString(action.shortcut().SequenceFormat.NativeText)
            label = room.action_label
            self.first_action.setText(label)
            self.first_action.setToolTip(f"{label} ({shortcut})" if shortcut else label)
            self.first_action.setAccessibleName(label)
            self.first_action.clicked.connect(action.trigger)
        else:
            self.first_action.hide()
        inner.addWidget(self.first_action, 0, Qt.AlignmentFlag.AlignHCenter)

        note = QLabel("This room is being built; its own release brings it to life.", card)
        note.setProperty("role", "muted")
        note.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        note.setWordWrap(True)
        inner.addWidget(note)

        # Centred by stretches, not by alignment: an aligned item gets its size hint and
        # its wrapped labels lose their height-for-width.
        card.setMaximumWidth(max(130 * UNIT, card.fontMetrics().averageCharWidth() * 64))
        card.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 100)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def open_file(self, path: Path) -> None:
        """Show that ``path`` was routed here (the real room opens it)."""
        self.opened = path
        self._opened_label.setText(
            f"Opened {path.name}. The {self.room.title} room will show it here once it is built."
        )
        self._opened_label.show()

    def apply_colours(self, colours: Colours) -> None:
        """Redraw the glyph in the scheme's colours."""
        self._glyph.setPixmap(
            icon(self.room.icon, colours, colour=colours.muted).pixmap(QSize(56, 56))
        )
