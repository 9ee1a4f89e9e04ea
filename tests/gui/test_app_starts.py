"""The desktop app starts and shows its main window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.gui.preferences import Preferences


def test_main_window_shows(qtbot: QtBot, prefs: Preferences) -> None:
    """The main window opens with the product's name in its title."""
    window = MainWindow(preferences=prefs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle().endswith("Vividverse")


def _smoke(tmp_path: Path, *args: str) -> Preferences:
    settings = tmp_path / "settings.ini"
    result = subprocess.run(
        [sys.executable, "-m", "vividverse_desktop.gui.app", "--smoke", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "VIVIDVERSE_SETTINGS": str(settings), "XDG_DATA_HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    return Preferences(settings)


def test_app_entry_point_smoke_run_exits_cleanly(tmp_path: Path) -> None:
    """`vividverse --smoke` (what the run command does without a display) exits 0."""
    assert _smoke(tmp_path).last_room == "write"


@pytest.mark.parametrize(
    ("name", "room"),
    [("pilot.fountain", "write"), ("cut.mp4", "screening")],
)
def test_a_file_on_the_command_line_opens_in_its_room(tmp_path: Path, name: str, room: str) -> None:
    """`vividverse FILE` opens a script in Write and a film in the Screening Room."""
    path = tmp_path / name
    path.write_bytes(b"")
    prefs = _smoke(tmp_path, str(path))
    assert prefs.last_room == room
    assert prefs.recent_files == [str(path)]
