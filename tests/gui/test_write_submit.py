"""Submitting from the Write room: offline into the outbox, then to the server on the next
sync; My scripts says where each script stands and opens it to revise."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from tests.sync_server.conftest import PASSWORD
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.gui.desk import DeskController
from vividverse_desktop.gui.dialogs.sign_in import SignInRequest
from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.gui.rooms.write.room import WriteRoom
from vividverse_desktop.media import embedded_server
from vividverse_desktop.media.embedded_server import EmbeddedServer

SCRIPT = "Title: Kettle Song\n\nINT. LAB - NIGHT\n\nA kettle boils.\n\nMIRA\nTea?\n"


def _rows(room: WriteRoom) -> list[tuple[str, str]]:
    found = room.my_scripts.list
    return [
        (found.topLevelItem(i).text(0), found.topLevelItem(i).text(1))
        for i in range(found.topLevelItemCount())
    ]


def test_submit_offline_then_online_then_revise(
    qtbot: QtBot,
    desk: DeskController,
    window: MainWindow,
    team: EmbeddedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request = SignInRequest(
        "register", server_url=team.url, username="wren", password=PASSWORD, role=Role.WRITER
    )
    with qtbot.waitSignal(desk.sync_finished, timeout=20_000):
        desk._open(request)
    room = window.pages["write"]
    assert isinstance(room, WriteRoom)
    assert room.session is desk.session
    assert room.submit_button.isEnabled()
    assert not room.my_scripts.empty.isHidden()  # "Nothing submitted yet"

    port = team.port
    team.stop()  # the network plug is pulled
    monkeypatch.setattr(embedded_server, "free_port", lambda host="127.0.0.1": port)
    room.load_text(SCRIPT, path=None)
    room.actions_by_name["actionWriteSubmit"].trigger()
    assert wait_until(lambda: _rows(room) == [("Kettle Song", "Being scored · waiting to send")])
    assert "outbox" in room.state.text()
    with qtbot.waitSignal(desk.sync_finished, timeout=30_000) as offline:
        window.actions["actionSyncNow"].trigger()
    assert offline.args[0].status.online is False
    assert _rows(room) == [("Kettle Song", "Being scored · waiting to send")]

    team.start()  # the plug is back, on the same address
    with qtbot.waitSignal(desk.sync_finished, timeout=30_000) as online:
        window.actions["actionSyncNow"].trigger()
    assert online.args[0].status.online is True
    assert wait_until(lambda: _rows(room) == [("Kettle Song", "Being scored")])

    room.open_submitted(room.my_scripts.scripts[0])
    assert wait_until(lambda: room.editor.toPlainText() == SCRIPT)
    assert room.submit_button.text() == "Submit new version"
    room.editor.moveCursor(room.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(room.editor, "Yes.")
    room.actions_by_name["actionWriteSubmit"].trigger()
    assert wait_until(lambda: "new version" in room.state.text())
    assert wait_until(lambda: room.my_scripts.scripts[0].versions == 2)
