"""A line under a panel that says what just happened or what to do first ("Write the reply
first.", "Not saved: ..."); hidden while it has nothing to say."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from vividverse_desktop.studio.errors import StudioError


class MessageLine(QLabel):
    """Word-wrapped, hidden until :meth:`say` has something to say."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.hide()

    def say(self, text: str) -> None:
        """Show ``text`` (empty: hide the line)."""
        self.setText(text)
        self.setVisible(bool(text))

    def say_failed(self, error: BaseException, unexpected: str) -> None:
        """Say why something failed: a studio error's own message, else
        ``"{unexpected}: {error}"``."""
        self.say(error.message if isinstance(error, StudioError) else f"{unexpected}: {error}")
