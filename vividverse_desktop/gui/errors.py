"""Unexpected exceptions: written to a log file in the data directory, shown as one line.

Never a traceback dialog, never a dead window: the line says what failed, "Details"
shows where the log is and its last lines.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger("vividverse")


def default_log_path() -> Path:
    """vividverse.log in the application's data directory."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".local" / "share" / "vividverse") / "vividverse.log"


def start_log(path: Path) -> logging.Handler:
    """Send warnings and errors of the app to ``path`` (rotated at 1 MB, 3 kept)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.WARNING or root.level == logging.NOTSET:
        root.setLevel(logging.WARNING)
    return handler


def one_line(error: BaseException) -> str:
    """What failed, in one line a person can read."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def details(error: BaseException) -> str:
    """The traceback of ``error`` (for the log and the Details view)."""
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


def install_excepthook(show) -> None:
    """Log uncaught exceptions on the GUI thread and call ``show(error)`` instead of dying."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.error("unexpected error", exc_info=(kind, error, tb))
        show(error)

    sys.excepthook = hook


def details_box(parent: QWidget, error: BaseException, log_path: object | None) -> QMessageBox:
    """The "What went wrong" box: the error in a line, where the log is, the traceback."""
    box = QMessageBox(parent)
    box.setObjectName("errorDetails")
    box.setAccessibleName("Error details")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("What went wrong")
    box.setText(one_line(error))
    where = f"The log is {log_path}." if log_path else ""
    box.setInformativeText(f"Nothing you saved is lost. {where}")
    box.setDetailedText(details(error))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box
