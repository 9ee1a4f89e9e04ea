"""The desktop application's entry point: QApplication, the qasync loop, the shell.

``vividverse [FILE]`` opens the window (and FILE in the room that reads it);
``--smoke`` shows the window and quits after a moment (the bootstrap's check
where there is no display).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from vividverse_desktop import __version__
from vividverse_desktop.gui.errors import default_log_path, install_excepthook, start_log
from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import ThemeController

if TYPE_CHECKING:
    from vividverse_desktop.gui.desk import DeskController

SMOKE_MS = 8000


@dataclass
class Shell:
    """What a running app holds: the session wires itself to these."""

    app: QApplication
    preferences: Preferences
    theme: ThemeController
    runner: TaskRunner
    hub: ChangeHub
    window: MainWindow


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Our options and the rest (which Qt reads)."""
    parser = argparse.ArgumentParser(prog="vividverse", description="Vividverse desktop studio")
    parser.add_argument("file", nargs="?", help="a script (.fountain .fdx .pdf .txt) or a film")
    parser.add_argument("--smoke", action="store_true", help="start, show the window, quit")
    parser.add_argument("--version", action="version", version=f"vividverse {__version__}")
    return parser.parse_known_args(argv)


def application(qt_args: list[str] | None = None) -> QApplication:
    """The process's QApplication, created once with the app's names."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([sys.argv[0], *(qt_args or [])])
    app.setApplicationName("Vividverse")
    app.setOrganizationName("Vividverse")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("vividverse")
    return app


def build_shell(app: QApplication, preferences: Preferences | None = None) -> Shell:
    """Theme, task runner, change hub and main window, wired together (not shown yet)."""
    prefs = preferences or Preferences()
    theme = ThemeController(app, prefs.theme, prefs.scale)
    runner = TaskRunner(app)
    hub = ChangeHub(app)
    window = MainWindow(preferences=prefs, theme=theme, runner=runner, hub=hub, lazy_rooms=True)
    app.aboutToQuit.connect(runner.shutdown)
    return Shell(app, prefs, theme, runner, hub, window)


def watch_errors(shell: Shell, log_path: Path | None = None) -> Path:
    """Log to a file in the data directory; uncaught exceptions become one status line."""
    path = log_path or default_log_path()
    start_log(path)
    shell.window.log_path = path
    install_excepthook(shell.window.show_error)
    return path


def _import_session_libraries() -> None:
    """Import what the desk needs (no Qt work), off the GUI thread."""
    import vividverse_desktop.studio.outbox
    import vividverse_desktop.studio.session
    import vividverse_desktop.studio.this_computer  # noqa: F401


def open_desk(shell: Shell) -> DeskController:
    """Open the session at the last account used here (this computer on a first run), as
    the app does once its window shows; it closes at once when the app quits. Needs the
    qasync loop running."""
    from vividverse_desktop.gui.desk import DeskController

    desk = DeskController(window=shell.window, runner=shell.runner, hub=shell.hub)
    shell.app.aboutToQuit.connect(desk.close_now)
    desk.start()
    return desk


def main(argv: list[str] | None = None) -> int:
    """Start the app and run until the window closes."""
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    app = application(qt_args)
    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    shell = build_shell(app)
    watch_errors(shell)
    shell.window.show()
    if args.file:
        shell.window.open_file(args.file)
    if args.smoke:
        # Long enough to start this computer's server and sign in, which the check covers.
        QTimer.singleShot(SMOKE_MS, shell.window.close)
    desks: list[DeskController] = []
    # The window shows first; the session's libraries (SQLAlchemy, httpx, keyring: about a
    # second of imports) load on a worker thread, then the desk opens.
    shell.runner.run_work(
        _import_session_libraries, on_done=lambda _imported: desks.append(open_desk(shell))
    )
    app.setQuitOnLastWindowClosed(True)
    with loop:
        code = loop.run_forever()
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
