"""Outbox and conflicts: what waits to be sent, what the server refused and why, and each
conflict with both versions, keep mine or keep theirs.

The dialog reads and decides through studio.outbox on the task runner's database lane,
and refreshes from the change hub (a sync settling ops closes nothing by surprise: the
lists simply change).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.core.changes import Changes, Subject
from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import UNIT
from vividverse_desktop.studio import outbox
from vividverse_desktop.studio.session import Session

_STATE_WORDS = {
    outbox.State.WAITING: "Waiting",
    outbox.State.REFUSED: "Refused",
    outbox.State.CONFLICT: "Conflict",
}


def _named(widget: QWidget, name: str, accessible: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


def _value(value: Any) -> str:
    if value is None:
        return "—"
    text = str(value)
    return text if len(text) <= 400 else text[:400] + "…"


class OutboxDialog(QDialog):
    """Two tabs: the outbox (send again / discard) and the conflicts (keep mine / theirs)."""

    decided = Signal(object)  # Changes: what a decision changed (also published to the hub)

    def __init__(
        self, *, session: Session, runner: TaskRunner, hub: ChangeHub, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.hub = hub
        _named(self, "outboxDialog", "Outbox and conflicts")
        self.setWindowTitle("Outbox and conflicts — Vividverse")
        self.resize(220 * UNIT, 130 * UNIT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4 * UNIT, 4 * UNIT, 4 * UNIT, 4 * UNIT)
        self.tabs = QTabWidget(self)
        _named(self.tabs, "outboxTabs", "Outbox and conflicts")
        layout.addWidget(self.tabs)

        # -- the outbox ----------------------------------------------------------------
        page = QWidget(self.tabs)
        column = QVBoxLayout(page)
        self.summary = QLabel("", page)
        self.summary.setObjectName("outboxSummary")
        self.summary.setWordWrap(True)
        column.addWidget(self.summary)
        self.table = QTableWidget(0, 4, page)
        _named(self.table, "outboxTable", "Changes waiting to be sent")
        self.table.setHorizontalHeaderLabels(["What", "Made", "State", "Server says"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        column.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.send_again_button = QPushButton("Send again", page)
        _named(self.send_again_button, "sendAgain", "Send the refused change again")
        self.send_again_button.setToolTip(
            "Put a refused change back in line (e.g. once your role is back)"
        )
        self.send_again_button.clicked.connect(self._send_again)
        self.discard_button = QPushButton("Discard…", page)
        _named(self.discard_button, "discardChange", "Discard the change")
        self.discard_button.setToolTip("Drop the change and undo it on this computer")
        self.discard_button.clicked.connect(self._discard)
        buttons.addWidget(self.send_again_button)
        buttons.addWidget(self.discard_button)
        column.addLayout(buttons)
        self.tabs.addTab(page, "Outbox")

        # -- the conflicts ---------------------------------------------------------------
        page = QWidget(self.tabs)
        column = QVBoxLayout(page)
        self.conflict_table = QTableWidget(0, 2, page)
        _named(self.conflict_table, "conflictTable", "Conflicts to decide")
        self.conflict_table.setHorizontalHeaderLabels(["What", "Why"])
        self.conflict_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.conflict_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.conflict_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.conflict_table.verticalHeader().setVisible(False)
        self.conflict_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )
        self.conflict_table.itemSelectionChanged.connect(self._show_conflict)
        sides = QSplitter(Qt.Orientation.Horizontal, page)
        self.mine_view = QTextBrowser(sides)
        _named(self.mine_view, "conflictMine", "My version")
        self.theirs_view = QTextBrowser(sides)
        _named(self.theirs_view, "conflictTheirs", "The server's version")
        splitter = QSplitter(Qt.Orientation.Vertical, page)
        splitter.addWidget(self.conflict_table)
        splitter.addWidget(sides)
        column.addWidget(splitter, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.keep_theirs_button = QPushButton("Keep theirs", page)
        _named(self.keep_theirs_button, "keepTheirs", "Keep the server's version")
        self.keep_mine_button = QPushButton("Keep mine", page)
        _named(self.keep_mine_button, "keepMine", "Keep my version and send it again")
        self.keep_theirs_button.clicked.connect(self._keep_theirs)
        self.keep_mine_button.clicked.connect(self._keep_mine)
        buttons.addWidget(self.keep_theirs_button)
        buttons.addWidget(self.keep_mine_button)
        column.addLayout(buttons)
        self.tabs.addTab(page, "Conflicts")

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("outboxError")
        self.error_label.setProperty("role", "error")
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)

        self._items: tuple[outbox.Item, ...] = ()
        self._conflicts: tuple[outbox.ConflictView, ...] = ()
        self._unsubscribe = [
            hub.subscribe(subject, lambda _ids: self.refresh())
            for subject in (Subject.OUTBOX, Subject.CONFLICTS)
        ]
        self.finished.connect(self._stop_listening)
        self.refresh()

    # -- reading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the outbox and the conflicts again (off the GUI thread)."""
        store = self.session.store
        self.runner.run_db(
            lambda: (outbox.items(store=store), outbox.conflicts(store=store)),
            on_done=self._show,
            on_error=self._failed,
            owner=self,
        )

    def _show(self, read: tuple[tuple[outbox.Item, ...], tuple[outbox.ConflictView, ...]]) -> None:
        chosen = self._selected()
        self._items, self._conflicts = read
        self.table.setRowCount(len(self._items))
        for row, item in enumerate(self._items):
            cells = (
                item.what,
                item.made_at.astimezone().strftime("%d %b %H:%M"),
                _STATE_WORDS[item.state],
                item.message,
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        if chosen is not None:
            for row, item in enumerate(self._items):
                if item.op_id == chosen.op_id:
                    self.table.selectRow(row)
        waiting = sum(1 for i in self._items if i.state is outbox.State.WAITING)
        refused = sum(1 for i in self._items if i.state is outbox.State.REFUSED)
        if not self._items:
            self.summary.setText("Nothing waits: everything you did is on the server.")
        else:
            self.summary.setText(
                f"{waiting} waiting for the next sync, {refused} refused, "
                f"{len(self._conflicts)} in conflict. Nothing here is lost until you discard it."
            )
        self.conflict_table.setRowCount(len(self._conflicts))
        for row, view in enumerate(self._conflicts):
            self.conflict_table.setItem(row, 0, QTableWidgetItem(view.what))
            self.conflict_table.setItem(row, 1, QTableWidgetItem(view.reason))
        self.tabs.setTabText(
            1, f"Conflicts ({len(self._conflicts)})" if self._conflicts else "Conflicts"
        )
        if self._conflicts and self._selected_conflict() is None:
            self.conflict_table.selectRow(0)
        self._selection_changed()
        self._show_conflict()

    def _failed(self, error: BaseException) -> None:
        self.error_label.setText(str(error))
        self.error_label.setVisible(True)

    def _selected(self) -> outbox.Item | None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        return self._items[row] if 0 <= row < len(self._items) else None

    def _selection_changed(self) -> None:
        item = self._selected()
        self.discard_button.setEnabled(item is not None)
        self.send_again_button.setEnabled(item is not None and item.state is outbox.State.REFUSED)

    def _selected_conflict(self) -> outbox.ConflictView | None:
        rows = self.conflict_table.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        return self._conflicts[row] if 0 <= row < len(self._conflicts) else None

    def _show_conflict(self) -> None:
        view = self._selected_conflict()
        self.keep_mine_button.setEnabled(view is not None)
        self.keep_theirs_button.setEnabled(view is not None)
        if view is None:
            self.mine_view.setHtml("<p>No conflicts.</p>")
            self.theirs_view.clear()
            return
        self.mine_view.setHtml(_side("Mine", view.mine, view.differing))
        self.theirs_view.setHtml(_side("The server's", view.theirs or {}, view.differing))

    # -- deciding --------------------------------------------------------------------------

    def _decide(self, work: Any) -> None:
        self.error_label.setVisible(False)
        self.runner.run_db(work, on_done=self._decided, on_error=self._failed, owner=self)

    def _decided(self, changes: Changes) -> None:
        self.hub.publish(changes)
        self.decided.emit(changes)
        self.refresh()

    def _send_again(self) -> None:
        item = self._selected()
        if item is not None:
            store = self.session.store
            self._decide(lambda: outbox.send_again(store=store, op_ids=[item.op_id]))

    def _discard(self) -> None:
        item = self._selected()
        if item is None:
            return
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self,
            "Discard this change?",
            f"{item.what} will be dropped and undone on this computer. This cannot be undone.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Discard:
            store = self.session.store
            self._decide(lambda: outbox.discard(store=store, op_id=item.op_id))

    def _keep_mine(self) -> None:
        view = self._selected_conflict()
        if view is not None:
            store, user_id = self.session.store, self.session.user_id
            self._decide(lambda: outbox.keep_mine(store=store, op_id=view.op_id, user_id=user_id))

    def _keep_theirs(self) -> None:
        view = self._selected_conflict()
        if view is not None:
            store = self.session.store
            self._decide(lambda: outbox.keep_theirs(store=store, op_id=view.op_id))

    def _stop_listening(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []


def _side(title: str, fields: Any, differing: tuple[str, ...]) -> str:
    rows = []
    for key in sorted(fields, key=lambda k: (k not in differing, k)):
        mark = "<b>" if key in differing else ""
        end = "</b>" if key in differing else ""
        value = _value(fields[key]).replace("&", "&amp;").replace("<", "&lt;")
        rows.append(f"<tr><td>{mark}{key}{end}</td><td>{mark}{value}{end}</td></tr>")
    return f"<h3>{title}</h3><table cellpadding='4'>{''.join(rows)}</table>"
