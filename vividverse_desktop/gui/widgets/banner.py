"""A bar above a room's work that asks one question: a message and up to two answers.

For what the person must decide but not this instant (unsaved text recovered, a file
changed by another program); a modal dialog is kept for what must be decided now.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from vividverse_desktop.gui.theme import UNIT


class Banner(QFrame):
    """Hidden until :meth:`ask`; hides itself when an answer is chosen."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("role", "card")
        self.setAccessibleName("Notice")
        row = QHBoxLayout(self)
        row.setContentsMargins(4 * UNIT, 2 * UNIT, 4 * UNIT, 2 * UNIT)
        row.setSpacing(3 * UNIT)
        self.message = QLabel("", self)
        self.message.setObjectName(f"{name}Message")
        self.message.setWordWrap(True)
        row.addWidget(self.message, 1)
        self.buttons: list[QPushButton] = []
        for index in range(2):
            button = QPushButton(self)
            button.setObjectName(f"{name}Answer{index + 1}")
            button.setAccessibleName(f"Answer {index + 1}")
            button.hide()
            row.addWidget(button)
            self.buttons.append(button)
        self._answers: list[Callable[[], None]] = []
        self.sticky = False
        for index, button in enumerate(self.buttons):
            button.clicked.connect(lambda _=False, i=index: self._answer(i))
        self.hide()

    def ask(
        self, message: str, *answers: tuple[str, Callable[[], None]], sticky: bool = False
    ) -> None:
        """Show ``message`` with buttons ``(label, action)``; the first is the default.

        A ``sticky`` question outlives :meth:`dismiss` (it is not about what is shown).
        """
        self.sticky = sticky
        self.message.setText(message)
        self.setAccessibleName(message)
        self._answers = [action for _, action in answers]
        for index, button in enumerate(self.buttons):
            if index < len(answers):
                label = answers[index][0]
                button.setText(label)
                button.setAccessibleName(label)
                button.setDefault(index == 0)
                button.show()
            else:
                button.hide()
        self.show()

    def dismiss(self) -> None:
        """Hide a question about what was shown (the document changed); keep a sticky one."""
        if not self.sticky:
            self.hide()

    def _answer(self, index: int) -> None:
        self.hide()
        if index < len(self._answers):
            self._answers[index]()
