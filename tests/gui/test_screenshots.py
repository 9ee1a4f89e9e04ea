"""`bootstrap.py screenshots` renders every room in light and dark at both sizes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from vividverse_desktop.gui.rooms import ROOMS
from vividverse_desktop.gui.screenshots import SCHEMES, SIZES


@pytest.mark.slow
def test_screenshots_of_every_room_and_dialog(tmp_path: Path) -> None:
    """A PNG per room, scheme and size, at that size; the dialogs and the compare views
    too; light and dark differ."""
    result = subprocess.run(
        [sys.executable, "-m", "vividverse_desktop.gui.screenshots", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    for room in ROOMS:
        for scheme in SCHEMES:
            for width, height in SIZES:
                image = QImage(str(tmp_path / f"{room.key}-{scheme}-{width}x{height}.png"))
                assert (image.width(), image.height()) == (width, height)
    for dialog in ("about", "settings", "shortcuts", "palette", "compare", "import-review"):
        for scheme in SCHEMES:
            assert not QImage(str(tmp_path / f"dialog-{dialog}-{scheme}.png")).isNull()
    for view in ("screening-compare", "screening-compare-wipe"):
        for scheme in SCHEMES:
            image = QImage(str(tmp_path / f"{view}-{scheme}.png"))
            assert (image.width(), image.height()) == SIZES[0]
    light = QImage(str(tmp_path / "write-light-1366x768.png"))
    dark = QImage(str(tmp_path / "write-dark-1366x768.png"))
    assert light.pixelColor(700, 700).lightness() > dark.pixelColor(700, 700).lightness()
    assert (tmp_path / "main-window.png").is_file()
