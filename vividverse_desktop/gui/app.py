"""The desktop application's entry point."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from vividverse_desktop import __version__
from vividverse_desktop.gui.main_window import MainWindow


def main(argv: list[str] | None = None) -> int:
    """Start the app. ``--smoke`` shows the main window and quits after a moment."""
    parser = argparse.ArgumentParser(prog="vividverse", description="Vividverse desktop studio")
    parser.add_argument("--smoke", action="store_true", help="start, show the window, quit")
    parser.add_argument("--version", action="version", version=f"vividverse {__version__}")
    args, qt_args = parser.parse_known_args(sys.argv[1:] if argv is None else argv)

    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setApplicationName("Vividverse")
    app.setOrganizationName("Vividverse")
    app.setApplicationVersion(__version__)
    window = MainWindow()
    window.show()
    if args.smoke:
        QTimer.singleShot(1500, app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
