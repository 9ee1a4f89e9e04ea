"""Nothing a writer types is lost: autosave survives kill -9, a file changed by another
program is noticed, and a save never overwrites that change unasked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.rooms.write.room import WriteRoom
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import LIGHT

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from PySide6.QtCore import QEventLoop, QTimer
    app = QApplication([])
    from vividverse_desktop.gui.preferences import Preferences
    from vividverse_desktop.gui.rooms.write.room import WriteRoom
    from vividverse_desktop.gui.tasks import TaskRunner
    from vividverse_desktop.gui.theme import LIGHT
    drafts = Path(sys.argv[1])
    room = WriteRoom(TaskRunner(), Preferences(drafts.parent / "child.ini"), LIGHT, drafts=drafts)
    room.show()
    room.load_text("INT. ATTIC - NIGHT\\n\\n", path=None)
    room.editor.moveCursor(room.editor.textCursor().MoveOperation.End)
    room.editor.insertPlainText("Dust everywhere. Nobody saved this.")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not list(drafts.glob("*.draft.json")):
        loop = QEventLoop(); timer = QTimer(); timer.setSingleShot(True)
        timer.timeout.connect(loop.quit); timer.start(50); loop.exec()
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_unsaved_text_survives_kill_9_and_is_offered_back(
    qtbot: QtBot, runner: TaskRunner, prefs: Preferences, tmp_path: Path
) -> None:
    drafts = tmp_path / "drafts"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(drafts)], env=env, timeout=60, check=False
    )
    assert child.returncode == -signal.SIGKILL
    room = WriteRoom(runner, prefs, LIGHT, drafts=drafts, restore=True)
    qtbot.addWidget(room)
    room.show()
    assert wait_until(lambda: not room.banner.isHidden(), 10_000)
    assert "untitled script" in room.banner.message.text()
    room.banner.buttons[0].click()  # restore it
    assert room.editor.toPlainText() == "INT. ATTIC - NIGHT\n\nDust everywhere. Nobody saved this."
    assert room.has_changes()


def test_another_programs_change_reloads_a_clean_file_and_asks_about_a_dirty_one(
    qtbot: QtBot, runner: TaskRunner, prefs: Preferences, tmp_path: Path
) -> None:
    script = tmp_path / "pilot.fountain"
    script.write_text("INT. A - DAY\n\nOne.\n", encoding="utf-8")
    room = WriteRoom(runner, prefs, LIGHT, drafts=tmp_path / "drafts")
    qtbot.addWidget(room)
    room.show()
    room.open_file(script)
    assert wait_until(lambda: room.known is not None)
    script.write_text("INT. A - DAY\n\nTwo, from elsewhere.\n", encoding="utf-8")
    assert wait_until(lambda: "Two, from elsewhere." in room.editor.toPlainText(), 10_000)
    assert "another program" in room.state.text()

    assert wait_until(lambda: room.known is not None)
    room.editor.moveCursor(room.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(room.editor, "Mine.")
    script.write_text("INT. A - DAY\n\nThree, theirs.\n", encoding="utf-8")
    assert wait_until(lambda: not room.banner.isHidden(), 10_000)
    assert "changed by another program" in room.banner.message.text()
    room.banner.buttons[0].click()  # keep mine
    assert wait_until(lambda: room.known is not None)
    room.save()
    assert wait_until(lambda: not room.has_changes())
    assert script.read_text(encoding="utf-8").endswith("Mine.")


def test_a_save_never_overwrites_a_change_it_did_not_see(
    qtbot: QtBot, runner: TaskRunner, prefs: Preferences, tmp_path: Path
) -> None:
    script = tmp_path / "pilot.fountain"
    script.write_text("INT. A - DAY\n\nOne.\n", encoding="utf-8")
    room = WriteRoom(runner, prefs, LIGHT)
    qtbot.addWidget(room)
    room.safe.watch.stop()  # the change lands between two checks
    room.open_file(script)
    assert wait_until(lambda: room.known is not None)
    script.write_text("INT. A - DAY\n\nTheirs.\n", encoding="utf-8")
    qtbot.keyClicks(room.editor, "X")
    room.save()
    assert wait_until(lambda: not room.banner.isHidden())
    assert script.read_text(encoding="utf-8") == "INT. A - DAY\n\nTheirs.\n"
    room.banner.buttons[0].click()  # save anyway
    assert wait_until(lambda: not room.has_changes())
    assert script.read_text(encoding="utf-8").startswith("XINT. A")
