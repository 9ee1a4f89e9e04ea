"""Settings > Provider keys: a person picks a provider, pastes a key, keeps it in the
keyring (an in-memory one here), sees where it comes from, and removes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from tests.sync.memory_keyring import MemoryKeyring
from tests.sync.memory_keyring import installed as memory_keyring_installed
from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.gui.widgets.key_editor import KeyEditor
from vividverse_desktop.providers.keys import KEYRING_SERVICE, env_var


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    with memory_keyring_installed() as backend:
        yield backend


def _row(editor: KeyEditor, name: str) -> int:
    for row in range(editor.table.rowCount()):
        if editor.table.item(row, 0).text() == name:
            return row
    raise AssertionError(f"{name} not listed")


def test_a_key_is_kept_and_removed_from_the_settings_page(
    qtbot: QtBot, window: MainWindow, memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(env_var("luma"), raising=False)
    dialog = window.open_settings()
    editor = dialog.key_editor
    assert isinstance(editor, KeyEditor)
    assert wait_until(lambda: editor.table.rowCount() > 0, 10_000)
    row = _row(editor, "luma")
    assert editor.table.item(row, 2).text().startswith("Missing")
    rect = editor.table.visualItemRect(editor.table.item(row, 0))
    qtbot.mouseClick(editor.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editor.save_button.isEnabled()
    assert not editor.remove_button.isEnabled()
    qtbot.keyClicks(editor.key_field, "lk-secret")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: "kept in the keyring" in editor.message.text(), 10_000)
    assert memory.secrets[(KEYRING_SERVICE, "luma")] == "lk-secret"
    assert editor.key_field.text() == ""
    assert wait_until(
        lambda: editor.table.item(_row(editor, "luma"), 2).text() == "Kept in the keyring", 10_000
    )
    assert wait_until(editor.remove_button.isEnabled, 5000)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: (KEYRING_SERVICE, "luma") not in memory.secrets, 10_000)
    dialog.close()


def test_test_key_asks_the_provider_and_says_what_it_answered(
    qtbot: QtBot, window: MainWindow, memory: MemoryKeyring, tmp_path: Path
) -> None:
    from tests.providers.cloud.fake import FakeService
    from tests.providers.cloud.media import make_media
    from tests.providers.cloud.openai_fake import serve_openai

    service = FakeService().start()
    try:
        serve_openai(service, make_media(tmp_path), "sk-right")
        dialog = window.open_settings()
        editor = dialog.key_editor
        assert isinstance(editor, KeyEditor)
        editor.service_urls["openai-images"] = service.url
        assert wait_until(lambda: editor.table.rowCount() > 0, 10_000)
        editor.table.selectRow(_row(editor, "openai-images"))
        qtbot.keyClicks(editor.key_field, "sk-wrong")
        qtbot.mouseClick(editor.test_button, Qt.MouseButton.LeftButton)
        assert wait_until(lambda: "refused this key" in editor.message.text(), 10_000)
        editor.key_field.setText("sk-right")
        qtbot.mouseClick(editor.test_button, Qt.MouseButton.LeftButton)
        assert wait_until(lambda: "accepted the key" in editor.message.text(), 10_000)
        assert editor.key_field.text() == "sk-right"  # testing keeps nothing
        assert (KEYRING_SERVICE, "openai-images") not in memory.secrets
        dialog.close()
    finally:
        service.stop()
