"""My scripts: what the writer submitted, where each stands, and its versions."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.gui.theme import UNIT, Colours
from vividverse_desktop.studio.writing import MyScript

STATUS_WORDS = {
    "Draft": "Draft",
    "PendingValidation": "Being scored",
    "Validated": "Scored",
    "Selected": "Selected for production",
    "Generating": "In production",
    "Completed": "Film finished",
    "Rejected": "Not selected",
    "Failed": "Production failed",
}


class MyScripts(QWidget):
    """The list of the writer's scripts; activating one opens its latest version."""

    script_chosen = Signal(object)  # the MyScript
    compare_chosen = Signal(str)  # the script id whose versions to compare

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("myScripts")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(UNIT)
        self.empty = QLabel(
            "Nothing submitted yet. Write or open a script, then Submit (Ctrl+Return): it "
            "waits in the outbox when offline and is sent on the next sync.",
            self,
        )
        self.empty.setObjectName("myScriptsEmpty")
        self.empty.setWordWrap(True)
        self.empty.setProperty("role", "muted")
        self.empty.setContentsMargins(2 * UNIT, 2 * UNIT, 2 * UNIT, 2 * UNIT)
        self.list = QTreeWidget(self)
        self.list.setObjectName("myScriptsList")
        self.list.setAccessibleName("My scripts")
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(["Title", "Status", "Ver.", "Score"])
        header = self.list.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.list.itemActivated.connect(self._chosen)
        self.list.itemDoubleClicked.connect(self._chosen)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        self.scripts: tuple[MyScript, ...] = ()
        self._warning = QColor("#855400")
        self._danger = QColor("#b0261d")
        self.show_scripts(())

    def set_colours(self, colours: Colours) -> None:
        """Waiting and refused rows in the scheme's colours."""
        self._warning = QColor(colours.warning)
        self._danger = QColor(colours.danger)
        self.show_scripts(self.scripts)

    def show_scripts(self, scripts: tuple[MyScript, ...]) -> None:
        """Fill the list."""
        self.scripts = scripts
        self.list.clear()
        for script in scripts:
            status = STATUS_WORDS.get(script.status, script.status)
            if script.refused:
                status = "Refused"
            elif script.waiting:
                status = f"{status} · waiting to send"
            score = f"{script.mean:.1f} ({script.scores})" if script.mean is not None else "—"
            item = QTreeWidgetItem([script.title, status, str(script.versions), score])
            item.setData(0, Qt.ItemDataRole.UserRole, script.id)
            tip = f"{script.title}: {status}"
            if script.refused:
                tip += f"\nThe server refused it: {script.refused}"
                item.setForeground(1, QBrush(self._danger))
            elif script.waiting:
                item.setForeground(1, QBrush(self._warning))
            item.setToolTip(0, tip)
            item.setToolTip(1, tip)
            self.list.addTopLevelItem(item)
        self.empty.setVisible(not scripts)

    def _chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        wanted = item.data(0, Qt.ItemDataRole.UserRole)
        for script in self.scripts:
            if script.id == wanted:
                self.script_chosen.emit(script)

    def menu_for(self, item: QTreeWidgetItem) -> QMenu:
        """The context menu of one row: open it, or compare its versions (two or more)."""
        script_id = item.data(0, Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        menu.setObjectName("myScriptsMenu")
        menu.addAction("Open the latest version", lambda: self._chosen(item))
        compare = menu.addAction("Compare versions…", lambda: self.compare_chosen.emit(script_id))
        compare.setObjectName("myScriptsCompare")
        versions = next((s.versions for s in self.scripts if s.id == script_id), 0)
        compare.setEnabled(versions > 1)
        return menu

    def _menu(self, point: QPoint) -> None:
        item = self.list.itemAt(point) or self.list.currentItem()
        if item is not None:
            menu = self.menu_for(item)
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(self.list.viewport().mapToGlobal(point))
