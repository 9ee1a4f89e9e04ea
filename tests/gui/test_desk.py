"""The desk as a person meets it: the first run opens this computer's studio (a real
embedded server as a child process), rooms follow the roles, sync runs in the background
and on Ctrl+Shift+S, a team server is reached through the sign-in dialog (wrong password
explained, a validator account created), sign-out returns to the dialog, and a write by
another process (the CLI) is noticed."""

from __future__ import annotations

import keyring
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from tests.sync_server.conftest import PASSWORD
from vividverse_desktop.core.changes import Changes, Subject
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.gui.desk import DeskController
from vividverse_desktop.gui.dialogs.sign_in import SignInRequest
from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.media.embedded_server import EmbeddedServer
from vividverse_desktop.store import LocalStore
from vividverse_desktop.studio import scripts, this_computer

START_MS = 40_000  # a cold start of the embedded server on a busy 2-core machine


def _visible_rooms(window: MainWindow) -> list[str]:
    return [
        window.sidebar.item(row).text()
        for row in range(window.sidebar.count())
        if not window.sidebar.item(row).isHidden()
    ]


def test_first_run_opens_this_computers_studio_with_every_room_and_syncs(
    qtbot: QtBot, desk: DeskController, window: MainWindow
) -> None:
    """No dialog: the owner holds every role, the samples arrive, the status says Online."""
    published: list[Changes] = []
    window.hub.changed.connect(published.append)
    with qtbot.waitSignal(desk.sync_finished, timeout=START_MS) as synced:
        desk.start()
    assert desk.dialog is None
    assert _visible_rooms(window) == [
        "Write", "Review", "Scores", "Render", "Screening Room", "Admin"
    ]  # fmt: skip
    assert "This computer" in window.account_button.text()
    assert synced.args[0].status.online is True
    assert "Online" in window.sync_status.text()
    pulled = [c for c in published if Subject.SCRIPTS in c and "*" not in c.ids(Subject.SCRIPTS)]
    samples = len(this_computer.sample_scripts())  # one per sample, the feature too
    assert len(pulled[-1].ids(Subject.SCRIPTS)) == samples == 4
    assert desk.session is not None
    assert len(desk.session.store.scripts()) == samples


def test_ctrl_shift_s_syncs(qtbot: QtBot, desk: DeskController, window: MainWindow) -> None:
    """The shortcut runs a sync: its outcome arrives and the status says Online."""
    desk.start()
    assert wait_until(lambda: desk.session is not None, START_MS)
    assert desk.session is not None
    with qtbot.waitSignal(desk.sync_finished, timeout=20_000):
        pass  # the first sync after opening
    with qtbot.waitSignal(desk.sync_finished, timeout=20_000):
        qtbot.keyClick(
            window,
            Qt.Key.Key_S,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert "Online" in window.sync_status.text()


def test_a_write_by_another_process_is_noticed(
    qtbot: QtBot, desk: DeskController, window: MainWindow
) -> None:
    """A script submitted through another connection to the same store file (as the CLI
    would) is published to the hub."""
    with qtbot.waitSignal(desk.sync_finished, timeout=START_MS):
        desk.start()
    assert desk.session is not None
    seen: list[Changes] = []
    window.hub.changed.connect(seen.append)
    other = LocalStore.open(desk.session.store.path)
    try:
        scripts.submit_script(
            store=other,
            user_id=desk.session.user_id,
            title="From the terminal",
            fountain_text="INT. SHED - DAY\n\nA hammer.\n",
        )
    finally:
        other.close()
    assert wait_until(lambda: any("*" in c.ids(Subject.SCRIPTS) for c in seen), 5000)
    assert wait_until(
        lambda: "1 waiting" in window.sync_status.text() or "Online" in window.sync_status.text(),
        5000,
    )


def test_the_outbox_lists_a_waiting_change_and_discards_it(
    qtbot: QtBot, desk: DeskController, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+Shift+O opens the outbox; a change made by the CLI shows as waiting with its
    title; Discard (confirmed) drops it and undoes it here."""
    with qtbot.waitSignal(desk.sync_finished, timeout=START_MS):
        desk.start()
    assert desk.session is not None
    other = LocalStore.open(desk.session.store.path)
    try:
        done = scripts.submit_script(
            store=other,
            user_id=desk.session.user_id,
            title="From the terminal",
            fountain_text="INT. SHED - DAY\n\nA hammer.\n",
        )
    finally:
        other.close()
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_O, keys)
    dialog = desk.outbox_dialog
    assert dialog is not None
    assert wait_until(lambda: dialog.table.rowCount() == 1, 5000)
    assert dialog.table.item(0, 0).text() == "Submit ‘From the terminal’"
    assert dialog.table.item(0, 2).text() == "Waiting"
    assert not dialog.send_again_button.isEnabled()
    cell = dialog.table.visualItemRect(dialog.table.item(0, 0)).center()
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert dialog.discard_button.isEnabled()
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(
        QMessageBox, "question", lambda *_args, **_kw: QMessageBox.StandardButton.Discard
    )
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: dialog.table.rowCount() == 0, 5000)
    assert "Nothing waits" in dialog.summary.text()
    assert desk.session.store.script(done.script_id) is None


def test_a_team_server_through_the_dialog(
    qtbot: QtBot, desk: DeskController, window: MainWindow, team_server: str
) -> None:
    """A wrong password is explained under the fields; creating a validator account opens
    the validator's rooms only; signing out brings the dialog back."""
    desk.ask()
    assert wait_until(lambda: desk.dialog is not None and desk.dialog.isVisible(), 5000)
    dialog = desk.dialog
    assert dialog is not None
    dialog.server_button.setChecked(True)
    dialog.server_field.setText(team_server)
    dialog.username_field.setText("boss")
    dialog.password_field.setText("not-the-password")
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    assert wait_until(dialog.error_label.isVisible, 20_000)
    assert "Wrong username or password" in dialog.error_label.text()
    assert desk.session is None

    dialog.new_account.setChecked(True)
    dialog.role_choice.setCurrentIndex(dialog.role_choice.findText("Validator"))
    dialog.username_field.setText("vera")
    dialog.password_field.setText(PASSWORD)
    assert dialog.continue_button.text() == "Create account"
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: desk.session is not None, 20_000)
    assert desk.dialog is None
    assert _visible_rooms(window) == ["Review"]
    assert "vera" in window.account_button.text()

    window.actions["actionSignOut"].trigger()
    assert wait_until(lambda: desk.dialog is not None and desk.dialog.isVisible(), 20_000)
    assert desk.session is None
    assert desk.dialog is not None
    assert desk.dialog.remembered_list.count() == 1
    assert keyring.get_keyring() is not None


def test_a_refused_change_waits_in_the_outbox_and_offline_loses_nothing(
    qtbot: QtBot, desk: DeskController, window: MainWindow, team: EmbeddedServer
) -> None:
    """A validator's desk holds a submission the server refuses (validators do not submit):
    the status says refused, the outbox shows it with the server's reason and offers to send
    it again. The server stops: the next sync says Offline and the change is still there."""
    request = SignInRequest(
        "register", server_url=team.url, username="vera", password=PASSWORD, role=Role.VALIDATOR
    )
    with qtbot.waitSignal(desk.sync_finished, timeout=20_000):
        desk._open(request)
    assert desk.session is not None
    scripts.submit_script(
        store=desk.session.store,
        user_id=desk.session.user_id,
        title="Not mine to submit",
        fountain_text="INT. SHED - DAY\n\nA hammer.\n",
    )
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    with qtbot.waitSignal(desk.sync_finished, timeout=20_000) as synced:
        qtbot.keyClick(window, Qt.Key.Key_S, keys)
    assert synced.args[0].report.forbidden == 1
    assert "1 refused" in window.sync_status.text()
    qtbot.mouseClick(window.sync_status, Qt.MouseButton.LeftButton)
    dialog = desk.outbox_dialog
    assert dialog is not None
    assert wait_until(lambda: dialog.table.rowCount() == 1, 5000)
    assert dialog.table.item(0, 2).text() == "Refused"
    assert dialog.table.item(0, 3).text()  # the server's reason
    cell = dialog.table.visualItemRect(dialog.table.item(0, 0)).center()
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert dialog.send_again_button.isEnabled()
    dialog.close()

    team.stop()
    failures: list[str] = []
    desk.sync_failed.connect(failures.append)
    # The menu's Sync now (the key above is its shortcut; offscreen, focus does not come
    # back to the window after a dialog, so a key press would go nowhere).
    with qtbot.waitSignal(desk.sync_finished, timeout=30_000) as offline:
        window.actions["actionSyncNow"].trigger()
    assert not failures
    assert offline.args[0].status.online is False
    assert wait_until(lambda: "Offline" in window.sync_status.text(), 5000)
    assert len(desk.session.store.outbox()) == 1
