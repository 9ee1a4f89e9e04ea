"""`bootstrap.py screenshots` renders every room in light and dark at both sizes, of the
app in a live session."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from vividverse_desktop.gui.rooms import ROOMS
from vividverse_desktop.gui.screenshots import ACCOUNT_KEY, SCHEMES, SIZES, SYNC_STATUS_KEY


def _minutes(start: datetime, end: datetime) -> set[str]:
    """Every HH:MM from ``start`` to ``end``, as the status bar writes a sync time."""
    minute, shown = start.replace(second=0, microsecond=0), set()
    while minute <= end:
        shown.add(f"{minute:%H:%M}")
        minute += timedelta(minutes=1)
    return shown


@pytest.mark.slow
def test_screenshots_of_every_room_and_dialog(tmp_path: Path) -> None:
    """A PNG per room, scheme and size, at that size; the dialogs and the compare views
    too; light and dark differ. The window is the app in a live session: this computer's
    studio signed in, its status bar online, synced during the run, nothing waiting; and
    the session closes cleanly (no thread left running)."""
    start = datetime.now()
    result = subprocess.run(
        [sys.executable, "-m", "vividverse_desktop.gui.screenshots", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    end = datetime.now()
    assert result.returncode == 0, result.stderr
    assert "QThread: Destroyed while thread" not in result.stderr  # a thread left running
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
    during_the_run = _minutes(start, end)
    rooms = [f"{r.key}-{scheme}-{w}x{h}.png" for r in ROOMS for scheme in SCHEMES for w, h in SIZES]
    for name in ("main-window.png", *rooms):
        image = QImage(str(tmp_path / name))  # what the status bar and account menu said
        status, account = image.text(SYNC_STATUS_KEY), image.text(ACCOUNT_KEY)
        synced = re.fullmatch(r"Online · synced (\d\d:\d\d)", status)
        assert synced is not None, f"{name}: {status!r}"
        assert synced.group(1) in during_the_run, f"{name}: {status!r}"
        assert account == "Studio owner · This computer", f"{name}: {account!r}"
