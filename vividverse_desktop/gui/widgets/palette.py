"""The command palette (Ctrl+K): type part of an action's name, Enter runs it."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.gui.theme import UNIT


def plain(text: str) -> str:
    """An action's text without mnemonics and trailing dots."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…").strip()


def shortcut_text(action: QAction) -> str:
    """The action's shortcuts as the platform writes them ('' when it has none)."""
    fmt = QKeySequence.SequenceFormat.NativeText
    return ", ".join(s.toString(fmt) for s in action.shortcuts() if not s.isEmpty())


def match_score(query: str, name: str) -> int | None:
    """How well ``query`` finds ``name`` (higher is better), or None when it does not.

    Every word of the query must appear in the name, as a substring or else as letters
    in order; a match at the start of the name or of a word ranks above one inside.
    """
    name_l = name.lower()
    words = query.lower().split()
    if not words:
        return 0
    score = 0
    for word in words:
        at = name_l.find(word)
        if at == 0:
            score += 30
        elif at > 0:
            score += 20 if not name_l[at - 1].isalnum() else 10
        elif _in_order(word, name_l):
            score += 1
        else:
            return None
    return score


def _in_order(letters: str, text: str) -> bool:
    it = iter(text)
    return all(ch in it for ch in letters)


def searchable(actions: Iterable[QAction]) -> list[QAction]:
    """Actions a person can run by name: named, enabled, visible, not submenus."""
    seen: set[str] = set()
    found = []
    for action in actions:
        name = plain(action.text())
        if (
            not name
            or action.isSeparator()
            or action.menu() is not None
            or not action.isEnabled()
            or not action.isVisible()
            or name in seen
        ):
            continue
        seen.add(name)
        found.append(action)
    return found


class CommandPalette(QDialog):
    """A search field over every action of a window; Enter triggers the top match."""

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commandPalette")
        self.setAccessibleName("Command palette")
        self.setWindowTitle("Command palette")
        self.setModal(True)
        self._actions = searchable(actions)
        self.resize(150 * UNIT, 100 * UNIT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(3 * UNIT, 3 * UNIT, 3 * UNIT, 3 * UNIT)
        layout.setSpacing(2 * UNIT)
        self.query = QLineEdit(self)
        self.query.setObjectName("paletteQuery")
        self.query.setAccessibleName("Command to find")
        self.query.setPlaceholderText("Type a command: open, sync, theme, about…")
        self.query.setClearButtonEnabled(True)
        self.results = QTreeWidget(self)
        self.results.setObjectName("paletteResults")
        self.results.setAccessibleName("Matching commands")
        self.results.setColumnCount(2)
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.setAllColumnsShowFocus(True)
        layout.addWidget(self.query)
        layout.addWidget(self.results)
        self.query.textChanged.connect(self._filter)
        self.query.installEventFilter(self)
        self.results.itemActivated.connect(self._run)
        self._filter("")

    def matches(self) -> list[QAction]:
        """The actions listed now, best first."""
        return [
            self.results.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
            for i in range(self.results.topLevelItemCount())
        ]

    def _filter(self, text: str) -> None:
        scored = []
        for order, action in enumerate(self._actions):
            score = match_score(text, plain(action.text()))
            if score is not None:
                scored.append((-score, order, action))
        self.results.clear()
        for _, _, action in sorted(scored, key=lambda s: (s[0], s[1])):
            item = QTreeWidgetItem([plain(action.text()), shortcut_text(action)])
            item.setData(0, Qt.ItemDataRole.UserRole, action)
            item.setToolTip(0, action.toolTip())
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.results.addTopLevelItem(item)
        self.results.resizeColumnToContents(1)
        self.results.header().setStretchLastSection(False)
        self.results.header().setSectionResizeMode(0, self.results.header().ResizeMode.Stretch)
        if self.results.topLevelItemCount():
            self.results.setCurrentItem(self.results.topLevelItem(0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.query and isinstance(event, QKeyEvent):
            if event.type() != QEvent.Type.KeyPress:
                return super().eventFilter(watched, event)
            step = {
                Qt.Key.Key_Down: 1,
                Qt.Key.Key_Up: -1,
                Qt.Key.Key_PageDown: 8,
                Qt.Key.Key_PageUp: -8,
            }.get(Qt.Key(event.key()))
            count = self.results.topLevelItemCount()
            if step is not None and count:
                row = self.results.indexOfTopLevelItem(self.results.currentItem())
                row = max(0, min(count - 1, row + step))
                self.results.setCurrentItem(self.results.topLevelItem(row))
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                item = self.results.currentItem()
                if item is not None:
                    self._run(item)
                return True
        return super().eventFilter(watched, event)

    def _run(self, item: QTreeWidgetItem) -> None:
        action = item.data(0, Qt.ItemDataRole.UserRole)
        self.accept()
        action.trigger()
