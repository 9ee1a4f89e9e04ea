"""A short, dismissible tour of the rooms: a banner above the room that walks the sidebar
one room at a time (Next / Back / Done, Escape closes it). Shown once on a first run;
Help > Tour of the rooms shows it again."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.rooms import RoomInfo
from vividverse_desktop.gui.theme import UNIT

SEEN_KEY = "help/tour_seen"


class TourBanner(QFrame):
    """Steps through ``rooms``, asking ``show_room`` to switch the window to each."""

    finished = Signal()

    def __init__(
        self,
        show_room: Callable[[str], None],
        preferences: Preferences,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.preferences = preferences
        self.setObjectName("tourBanner")
        self.setAccessibleName("Tour of the rooms")
        self.setProperty("role", "card")
        self._show_room = show_room
        self._rooms: Sequence[RoomInfo] = ()
        self._step = 0
        outer = QHBoxLayout(self)
        outer.setContentsMargins(4 * UNIT, 3 * UNIT, 4 * UNIT, 3 * UNIT)
        words = QVBoxLayout()
        self.title = QLabel("", self)
        self.title.setObjectName("tourTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.body = QLabel("", self)
        self.body.setObjectName("tourBody")
        self.body.setWordWrap(True)
        words.addWidget(self.title)
        words.addWidget(self.body)
        outer.addLayout(words, 1)
        self.back_button = QPushButton("Back", self)
        self.back_button.setObjectName("tourBack")
        self.back_button.setAccessibleName("Previous room")
        self.next_button = QPushButton("Next", self)
        self.next_button.setObjectName("tourNext")
        self.next_button.setAccessibleName("Next room")
        self.next_button.setDefault(True)
        self.done_button = QPushButton("Done", self)
        self.done_button.setObjectName("tourDone")
        self.done_button.setAccessibleName("End the tour")
        self.done_button.setToolTip("End the tour (Esc)")
        for button in (self.back_button, self.next_button, self.done_button):
            outer.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.back_button.clicked.connect(lambda: self._go(self._step - 1))
        self.next_button.clicked.connect(lambda: self._go(self._step + 1))
        self.done_button.clicked.connect(self.end)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.end)
        self.hide()

    def offer(self, rooms: Sequence[RoomInfo], *, at: str, first_run_only: bool) -> bool:
        """Start the tour unless ``first_run_only`` and it was seen; whether it started."""
        if first_run_only and self.preferences.get(SEEN_KEY, False) in (True, "true"):
            return False
        self.start(rooms, at=at)
        return True

    def start(self, rooms: Sequence[RoomInfo], *, at: str = "") -> None:
        """Show the tour of ``rooms`` (the rooms this account sees), from the room ``at``
        when it is one of them (the room already shown stays), else from the first."""
        self._rooms = tuple(rooms)
        if not self._rooms:
            return
        keys = [room.key for room in self._rooms]
        self.show()
        self._go(keys.index(at) if at in keys else 0)
        self.next_button.setFocus()

    def end(self) -> None:
        """Close the tour (it can be shown again from the Help menu)."""
        if self.isVisible():
            self.hide()
            self.preferences.set(SEEN_KEY, True)
            self.finished.emit()

    @property
    def step(self) -> int:
        """The room shown now, counted from 0."""
        return self._step

    def _go(self, step: int) -> None:
        if step >= len(self._rooms):
            self.end()
            return
        self._step = max(0, step)
        room = self._rooms[self._step]
        self._show_room(room.key)
        self.title.setText(f"{room.title}  ·  {self._step + 1} of {len(self._rooms)}")
        self.body.setText(room.purpose)
        self.back_button.setEnabled(self._step > 0)
        last = self._step == len(self._rooms) - 1
        self.next_button.setText("Finish" if last else "Next")
