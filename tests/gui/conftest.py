"""Fixtures for driving the shell: a temporary settings file, a qasync loop, a task runner."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.sync.memory_keyring import installed as memory_keyring_installed
from tests.sync_server.conftest import PASSWORD
from vividverse_desktop.gui.collector import thaw
from vividverse_desktop.gui.desk import DeskController
from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import ThemeController
from vividverse_desktop.media.embedded_server import EmbeddedServer

TEAM_SECRET = "team-secret-for-tests-" + "x" * 40  # kept across a restart of the server


def wait_until(predicate: Callable[[], bool], timeout_ms: int = 5000) -> bool:
    """Run a QEventLoop until ``predicate()`` holds (checked every 10 ms) or time is up.

    Both timers are stopped before returning: a single-shot ``QTimer.singleShot(ms,
    loop.quit)`` would outlive the loop and fire into a freed object long after (a
    segfault in whichever test is running then).
    """
    if predicate():
        return True
    loop = QEventLoop()
    tick = QTimer()
    tick.setInterval(10)
    tick.timeout.connect(lambda: loop.quit() if predicate() else None)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    tick.start()
    deadline.start(timeout_ms)
    try:
        loop.exec()
    finally:
        tick.stop()
        deadline.stop()
    return predicate()


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Drafts, stores and accounts of GUI tests live in the test's folder."""
    monkeypatch.setenv("VIVIDVERSE_DATA_DIR", str(tmp_path / "user-data"))


@pytest.fixture(autouse=True)
def _thaw_after() -> Iterator[None]:
    """What a test's desk froze is given back to the collector before the next test."""
    yield
    thaw()


@pytest.fixture
def prefs(tmp_path: Path) -> Preferences:
    """Settings in a temporary file, never the user's."""
    return Preferences(tmp_path / "settings.ini")


_CLOSED_LOOPS: list[asyncio.AbstractEventLoop] = []


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
    # qasync's close() only flags its timer object as stopped: the Qt timers of pending
    # call_later handles (httpx timeouts...) stay registered. Kill them here, on the GUI
    # thread, and keep the loop alive: collected on a task runner's thread, its timer
    # object would leave Qt timers firing into freed memory (a segfault tests later).
    timer = loop._timer  # type: ignore[attr-defined]
    for timer_id in list(timer._SimpleTimer__callbacks):
        timer.killTimer(timer_id)
    _CLOSED_LOOPS.append(loop)


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


@pytest.fixture(autouse=True)
def _memory_keyring() -> Iterator[None]:
    with memory_keyring_installed():
        yield


@pytest.fixture
def desk(
    qtbot: QtBot,
    tmp_path: Path,
    window: MainWindow,
    runner: TaskRunner,
    aloop: asyncio.AbstractEventLoop,
) -> Iterator[DeskController]:
    hub = window.hub
    controller = DeskController(
        window=window, runner=runner, hub=hub, root=tmp_path / "data", watch_every_ms=100
    )
    yield controller
    if controller.dialog is not None:
        controller.dialog.submitted.disconnect()
        controller.dialog.rejected.disconnect()
        controller.dialog.reject()
        controller.dialog.deleteLater()
        controller.dialog = None
    closing = controller.close()
    if closing is not None:
        assert wait_until(lambda: closing.is_finished, 20_000)
    assert wait_until(lambda: not runner.pending, 20_000)


@pytest.fixture
def team(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """A real sync server as a team would run it, on 127.0.0.1."""
    server = EmbeddedServer(
        tmp_path / "team",
        secret=TEAM_SECRET,
        settings={
            "VIVIDVERSE_ADMIN_USERNAME": "boss",
            "VIVIDVERSE_ADMIN_PASSWORD": PASSWORD,
            "VIVIDVERSE_BCRYPT_ROUNDS": "4",
        },
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def team_server(team: EmbeddedServer) -> str:
    return team.url
