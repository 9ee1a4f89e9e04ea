"""The desktop app starts and shows its main window."""

from __future__ import annotations

import subprocess
import sys

from pytestqt.qtbot import QtBot

from vividverse_desktop.gui.main_window import MainWindow


def test_main_window_shows(qtbot: QtBot) -> None:
    """The main window opens with the product's title."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "Vividverse"


def test_app_entry_point_smoke_run_exits_cleanly() -> None:
    """`vividverse --smoke` (what the run command does without a display) exits 0."""
    result = subprocess.run(
        [sys.executable, "-m", "vividverse_desktop.gui.app", "--smoke"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
