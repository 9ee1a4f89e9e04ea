"""Fixtures for driving the shell: a temporary settings file, a qasync loop, a task runner."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import ThemeController


def wait_until(predicate: Callable[[], bool], timeout_ms: int = 5000) -> bool:
    """Run a QEventLoop until ``predicate()`` holds (checked every 10 ms) or time is up."""
    if predicate():
        return True
    loop = QEventLoop()
    tick = QTimer()
    tick.setInterval(10)
    tick.timeout.connect(lambda: loop.quit() if predicate() else None)
    QTimer.singleShot(timeout_ms, loop.quit)
    tick.start()
    loop.exec()
    tick.stop()
    return predicate()


@pytest.fixture
def prefs(tmp_path: Path) -> Preferences:
    """Settings in a temporary file, never the user's."""
    return Preferences(tmp_path / "settings.ini")


@pytest.fixture
def aloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """qasync's asyncio loop inside the Qt loop that pytest-qt runs while waiting."""
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    # pytest-qt's waits run Qt's loop; asyncio must see this loop as the running one.
    asyncio.events._set_running_loop(loop)
    yield loop
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    wait_until(lambda: all(task.done() for task in pending), 2000)
    asyncio.events._set_running_loop(None)
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[TaskRunner]:
    """A task runner, shut down after the test."""
    tasks = TaskRunner(workers=2)
    yield tasks
    assert tasks.shutdown(timeout=10)


@pytest.fixture
def window(qtbot: QtBot, prefs: Preferences, qapp: QApplication) -> Iterator[MainWindow]:
    """A shown main window over temporary settings."""
    theme = ThemeController(qapp, prefs.theme, prefs.scale)
    win = MainWindow(preferences=prefs, theme=theme, hub=ChangeHub())
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitExposed(win)
    yield win
    win.runner.shutdown()
    theme.set_choice("light")
    theme.set_scale(1.0)
    theme.deleteLater()
