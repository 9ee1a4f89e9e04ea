"""The Settings page for provider API keys: which providers need one, where each key
comes from, and a field to keep a key in the OS keyring or remove it. Keyring calls run
on the task runner's work pool (they are D-Bus round trips), never on the GUI thread."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import UNIT
from vividverse_desktop.studio import keys

_SOURCE_WORDS = {"keyring": "Kept in the keyring", "environment": "From the environment"}


class KeyEditor(QWidget):
    """A table of keyed providers with Save and Remove for the selected one."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("keyEditor")
        self.setAccessibleName("Provider API keys")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4 * UNIT, 4 * UNIT, 4 * UNIT, 4 * UNIT)
        intro = QLabel(
            "The keyless providers (storyboard cards, espeak-ng voices) need nothing. Cloud "
            "providers need your own API key, kept in this computer's keyring, never in a file.",
            self,
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        layout.addWidget(intro)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("keyTable")
        self.table.setAccessibleName("Providers that need a key")
        self.table.setHorizontalHeaderLabels(["Provider", "Makes", "Key"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected_changed)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.key_field = QLineEdit(self)
        self.key_field.setObjectName("keyField")
        self.key_field.setAccessibleName("API key")
        self.key_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_field.setPlaceholderText("Paste the key for the selected provider")
        self.key_field.returnPressed.connect(self._save)
        self.save_button = QPushButton("Keep key", self)
        self.save_button.setObjectName("keySave")
        self.save_button.setAccessibleName("Keep the key in the keyring")
        self.save_button.clicked.connect(self._save)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("keyRemove")
        self.remove_button.setAccessibleName("Remove the key from the keyring")
        self.remove_button.clicked.connect(self._remove)
        self.test_button = QPushButton("Test key", self)
        self.test_button.setObjectName("keyTest")
        self.test_button.setAccessibleName("Test the key with the provider")
        self.test_button.setToolTip(
            "Ask the provider whether the pasted (or kept) key works; costs nothing"
        )
        self.test_button.clicked.connect(self._test)
        row.addWidget(self.key_field, 1)
        row.addWidget(self.test_button)
        row.addWidget(self.save_button)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        self.message = QLabel("", self)
        self.message.setObjectName("keyMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self._statuses: tuple[keys.KeyStatus, ...] = ()
        self.service_urls: dict[str, str] = {}  # provider -> another address (a gateway)
        self._selected_changed()
        self.refresh()

    def refresh(self) -> None:
        """Read the providers and where their keys come from (off the GUI thread)."""
        self.runner.run_work(keys.statuses, on_done=self._show, on_error=self._failed, owner=self)

    def _show(self, statuses: tuple[keys.KeyStatus, ...]) -> None:
        chosen = self._chosen()
        self._statuses = statuses
        self.table.setRowCount(len(statuses))
        for row, status in enumerate(statuses):
            where = _SOURCE_WORDS.get(status.source or "", f"Missing (or set {status.env_var})")
            for column, text in enumerate((status.provider, status.modality, where)):
                self.table.setItem(row, column, QTableWidgetItem(text))
            if chosen is not None and status.provider == chosen.provider:
                self.table.selectRow(row)
        if not statuses:
            self.message.setText("No installed provider needs a key.")
        self._selected_changed()

    def _chosen(self) -> keys.KeyStatus | None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        return self._statuses[row] if 0 <= row < len(self._statuses) else None

    def _selected_changed(self) -> None:
        chosen = self._chosen()
        self.key_field.setEnabled(chosen is not None)
        self.save_button.setEnabled(chosen is not None)
        self.test_button.setEnabled(chosen is not None)
        self.remove_button.setEnabled(chosen is not None and chosen.source == "keyring")

    def _failed(self, error: BaseException) -> None:
        self.message.setProperty("role", "error")
        self.message.setText(str(error))
        self.style().polish(self.message)

    def _done(self, text: str) -> None:
        self.message.setProperty("role", "muted")
        self.message.setText(text)
        self.style().polish(self.message)
        self.refresh()

    def _save(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        key = self.key_field.text()
        self.key_field.clear()
        self.runner.run_work(
            lambda: keys.save_key(provider=chosen.provider, key=key),
            on_done=lambda _none: self._done(f"The {chosen.provider} key is kept in the keyring."),
            on_error=self._failed,
            owner=self,
        )

    def _test(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        key = self.key_field.text()
        self.message.setProperty("role", "muted")
        self.message.setText(f"Asking {chosen.provider}…")
        self.runner.run_work(
            keys.check_key,
            provider=chosen.provider,
            key=key,
            base_url=self.service_urls.get(chosen.provider),
            on_done=self._said,
            on_error=self._failed,
            owner=self,
        )

    def _said(self, text: str) -> None:
        self.message.setProperty("role", "muted")
        self.message.setText(f"{text[0].upper()}{text[1:]}.")
        self.style().polish(self.message)

    def _remove(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        self.runner.run_work(
            lambda: keys.remove_key(provider=chosen.provider),
            on_done=lambda _none: self._done(f"The {chosen.provider} key was removed."),
            on_error=self._failed,
            owner=self,
        )
