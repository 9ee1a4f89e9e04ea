"""Help > Keyboard shortcuts: every action with a shortcut, grouped by its menu."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.gui.theme import UNIT
from vividverse_desktop.gui.widgets.palette import plain, searchable, shortcut_text


def menu_of(action: QAction) -> str:
    """The title of the first menu holding ``action`` ('Other' when none does)."""
    for owner in action.associatedObjects():
        if isinstance(owner, QMenu) and owner.title():
            return plain(owner.title())
    return "Other"


def shortcut_table(actions: Iterable[QAction]) -> list[tuple[str, str, str]]:
    """(menu, action, shortcut) for every action that has a shortcut."""
    return [
        (menu_of(a), plain(a.text()), shortcut_text(a))
        for a in searchable(actions)
        if shortcut_text(a)
    ]


class ShortcutsDialog(QDialog):
    """A searchable list of the window's keyboard shortcuts."""

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setAccessibleName("Keyboard shortcuts")
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(130 * UNIT, 130 * UNIT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4 * UNIT, 4 * UNIT, 4 * UNIT, 4 * UNIT)
        layout.setSpacing(2 * UNIT)
        self.search = QLineEdit(self)
        self.search.setObjectName("shortcutsSearch")
        self.search.setAccessibleName("Find a shortcut")
        self.search.setPlaceholderText("Find an action or a key")
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("shortcutsTable")
        self.tree.setAccessibleName("Actions and their shortcuts")
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.rows = shortcut_table(actions)
        groups: dict[str, QTreeWidgetItem] = {}
        for menu, name, keys in self.rows:
            group = groups.get(menu)
            if group is None:
                group = groups[menu] = QTreeWidgetItem(self.tree, [menu, ""])
                group.setFirstColumnSpanned(True)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
            QTreeWidgetItem(group, [name, keys])
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("shortcutsButtons")
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.setObjectName("shortcutsClose")
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self._filter)

    def _filter(self, text: str) -> None:
        needle = text.lower().strip()
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            shown = 0
            for i in range(group.childCount()):
                child = group.child(i)
                hit = not needle or needle in f"{child.text(0)} {child.text(1)}".lower()
                child.setHidden(not hit)
                shown += hit
            group.setHidden(shown == 0)
