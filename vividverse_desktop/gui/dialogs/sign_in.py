"""Sign in: this computer (the default: a studio of one, no password), a team server with
username and password, creating a writer or validator account, or a remembered account.

The dialog only collects what the person chose and shows progress and errors; the desk
controller does the work (through studio/ on the task runner) and answers with
:meth:`SignInDialog.show_error` or by closing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.core.workflow import Role
from vividverse_desktop.gui.theme import UNIT
from vividverse_desktop.studio.session import Account

DEFAULT_SERVER = "http://127.0.0.1:8765"


@dataclass(frozen=True, slots=True)
class SignInRequest:
    """What the person asked for: ``mode`` is 'this-computer', 'sign-in', 'register' or
    'remembered' (then ``account`` is set)."""

    mode: str
    server_url: str = ""
    username: str = ""
    password: str = ""
    role: Role = Role.WRITER
    account: Account | None = None


def _named(widget: QWidget, name: str, accessible: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


class SignInDialog(QDialog):
    """Where a session starts. Emits :attr:`submitted`; Escape or Quit rejects it."""

    submitted = Signal(object)  # SignInRequest

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        remembered: tuple[Account, ...] = (),
        server_url: str = "",
        message: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setAccessibleName("Sign in")
        self.setWindowTitle("Sign in — Vividverse")
        self.setModal(True)
        self.setMinimumWidth(120 * UNIT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6 * UNIT, 6 * UNIT, 6 * UNIT, 6 * UNIT)
        layout.setSpacing(3 * UNIT)

        heading = QLabel("Where do you work today?", self)
        heading.setObjectName("signInHeading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)

        self.remembered_list = QListWidget(self)
        _named(self.remembered_list, "rememberedAccounts", "Accounts used here before")
        for account in remembered:
            item = QListWidgetItem(account.label, self.remembered_list)
            item.setData(Qt.ItemDataRole.UserRole, account)
            roles = ", ".join(sorted(role.value for role in account.roles))
            item.setToolTip(
                f"{account.username} on {account.server_url}" + (f" ({roles})" if roles else "")
            )
        self.remembered_list.setVisible(bool(remembered))
        rows = max(1, min(len(remembered), 4))
        row_height = self.remembered_list.sizeHintForRow(0) if remembered else 6 * UNIT
        self.remembered_list.setFixedHeight(
            rows * row_height + 2 * self.remembered_list.frameWidth() + 2 * UNIT
        )
        self.remembered_list.itemActivated.connect(self._remembered_chosen)
        if remembered:
            caption = QLabel("Continue as", self)
            layout.addWidget(caption)
            layout.addWidget(self.remembered_list)

        self.choice = QButtonGroup(self)
        self.local_button = QRadioButton("This computer", self)
        _named(self.local_button, "modeThisComputer", "Work on this computer")
        self.server_button = QRadioButton("A team server", self)
        _named(self.server_button, "modeServer", "Work with a team server")
        self.choice.addButton(self.local_button)
        self.choice.addButton(self.server_button)
        layout.addWidget(self.local_button)
        local_note = QLabel(
            "A studio of one: every room, no password, everything kept on this computer.",
            self,
        )
        local_note.setWordWrap(True)
        local_note.setIndent(6 * UNIT)
        local_note.setObjectName("localNote")
        local_note.setProperty("role", "muted")
        layout.addWidget(local_note)
        layout.addWidget(self.server_button)

        self.server_form = QFrame(self)
        self.server_form.setObjectName("serverForm")
        form = QFormLayout(self.server_form)
        form.setContentsMargins(6 * UNIT, 0, 0, 0)
        form.setSpacing(2 * UNIT)
        self.server_field = QLineEdit(server_url or DEFAULT_SERVER, self.server_form)
        _named(self.server_field, "serverUrl", "Server address")
        self.server_field.setPlaceholderText(DEFAULT_SERVER)
        self.username_field = QLineEdit(self.server_form)
        _named(self.username_field, "username", "Username")
        self.password_field = QLineEdit(self.server_form)
        _named(self.password_field, "password", "Password")
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_account = QRadioButton("Create an account as", self.server_form)
        _named(self.new_account, "createAccount", "Create an account")
        self.existing_account = QRadioButton("I have an account", self.server_form)
        _named(self.existing_account, "existingAccount", "Sign in with an existing account")
        self.existing_account.setChecked(True)
        self.role_choice = QComboBox(self.server_form)
        _named(self.role_choice, "registerRole", "Role of the new account")
        self.role_choice.addItem("Writer", Role.WRITER.value)
        self.role_choice.addItem("Validator", Role.VALIDATOR.value)
        self.role_choice.setEnabled(False)
        account_row = QHBoxLayout()
        account_row.addWidget(self.existing_account)
        account_row.addWidget(self.new_account)
        account_row.addWidget(self.role_choice)
        account_row.addStretch(1)
        form.addRow("Server", self.server_field)
        form.addRow("Username", self.username_field)
        form.addRow("Password", self.password_field)
        form.addRow("", account_row)
        layout.addWidget(self.server_form)

        self.error_label = QLabel(message, self)
        self.error_label.setObjectName("signInError")
        self.error_label.setAccessibleName("Sign-in problem")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(bool(message))
        self.error_label.setProperty("role", "error")
        layout.addWidget(self.error_label)

        buttons = QHBoxLayout()
        self.busy_label = QLabel("", self)
        self.busy_label.setObjectName("signInBusy")
        buttons.addWidget(self.busy_label, 1)
        self.quit_button = QPushButton("Quit", self)
        _named(self.quit_button, "signInQuit", "Quit Vividverse")
        self.quit_button.clicked.connect(self.reject)
        self.continue_button = QPushButton("Continue", self)
        _named(self.continue_button, "signInContinue", "Continue")
        self.continue_button.setDefault(True)
        self.continue_button.clicked.connect(self._submit)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.continue_button)
        layout.addLayout(buttons)

        self.local_button.toggled.connect(self._mode_changed)
        self.new_account.toggled.connect(self._account_mode_changed)
        self.local_button.setChecked(True)
        self._mode_changed(True)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self._submit)

    # -- what the controller calls -------------------------------------------------------

    def set_busy(self, text: str) -> None:
        """Show work in progress (and stop a second submit) or, with '', end it."""
        self.busy_label.setText(text)
        self.continue_button.setEnabled(not text)
        for widget in (
            self.local_button,
            self.server_button,
            self.server_form,
            self.remembered_list,
        ):
            widget.setEnabled(not text)
        if not text:
            self._mode_changed(self.local_button.isChecked())

    def show_error(self, message: str) -> None:
        """Show why it did not work, under the fields, and let the person try again."""
        self.set_busy("")
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        if self.server_button.isChecked():
            (self.password_field if "password" in message.lower() else self.server_field).setFocus()

    def choose_server(self, server_url: str = "", username: str = "") -> None:
        """Preselect the team-server form (e.g. a remembered account needing its password)."""
        self.server_button.setChecked(True)
        if server_url:
            self.server_field.setText(server_url)
        if username:
            self.username_field.setText(username)
            self.password_field.setFocus()

    # -- inside ----------------------------------------------------------------------------

    def _mode_changed(self, local: bool) -> None:
        self.server_form.setEnabled(not local)
        if not local:
            (self.username_field if self.server_field.text() else self.server_field).setFocus()

    def _account_mode_changed(self, creating: bool) -> None:
        self.role_choice.setEnabled(creating)
        self.continue_button.setText("Create account" if creating else "Continue")

    def _remembered_chosen(self, item: QListWidgetItem) -> None:
        account = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(account, Account):
            self.error_label.setVisible(False)
            self.submitted.emit(SignInRequest("remembered", account=account))

    def _submit(self) -> None:
        if not self.continue_button.isEnabled():
            return
        self.error_label.setVisible(False)
        if self.local_button.isChecked():
            self.submitted.emit(SignInRequest("this-computer"))
            return
        mode = "register" if self.new_account.isChecked() else "sign-in"
        role = Role(str(self.role_choice.currentData() or Role.WRITER.value))
        self.submitted.emit(
            SignInRequest(
                mode,
                server_url=self.server_field.text().strip(),
                username=self.username_field.text().strip(),
                password=self.password_field.text(),
                role=role,
            )
        )
