"""Find and replace under the editor: plain or regular expression, whole word, match
case, in the selection; replace all is one undo step."""

from __future__ import annotations

import re

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from vividverse_desktop.gui.theme import UNIT


class FindBar(QWidget):
    """Find / replace for one QPlainTextEdit."""

    closed = Signal()

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.editor = editor
        row = QHBoxLayout(self)
        row.setContentsMargins(2 * UNIT, UNIT, 2 * UNIT, UNIT)
        row.setSpacing(2 * UNIT)
        self.find_field = QLineEdit(self)
        self.find_field.setObjectName("findField")
        self.find_field.setAccessibleName("Find")
        self.find_field.setPlaceholderText("Find")
        self.find_field.setClearButtonEnabled(True)
        self.replace_field = QLineEdit(self)
        self.replace_field.setObjectName("replaceField")
        self.replace_field.setAccessibleName("Replace with")
        self.replace_field.setPlaceholderText("Replace with")
        self.regex = QCheckBox("Regex", self)
        self.regex.setObjectName("findRegex")
        self.regex.setToolTip("Treat the text as a regular expression")
        self.whole = QCheckBox("Whole word", self)
        self.whole.setObjectName("findWholeWord")
        self.case = QCheckBox("Match case", self)
        self.case.setObjectName("findCase")
        self.selection_only = QCheckBox("In selection", self)
        self.selection_only.setObjectName("findInSelection")
        self.selection_only.setToolTip("Replace all only inside the selected text")
        self.status = QLabel(self)
        self.status.setObjectName("findStatus")
        self.status.setProperty("role", "muted")
        previous = QPushButton("Previous", self)
        previous.setObjectName("findPrevious")
        previous.setToolTip("Find previous (Shift+F3)")
        following = QPushButton("Next", self)
        following.setObjectName("findNext")
        following.setToolTip("Find next (F3)")
        replace = QPushButton("Replace", self)
        replace.setObjectName("replaceOne")
        replace_all = QPushButton("Replace all", self)
        replace_all.setObjectName("replaceAll")
        close = QPushButton("Done", self)
        close.setObjectName("findDone")
        close.setToolTip("Close find and replace (Esc)")
        for widget in (
            self.find_field,
            self.replace_field,
            self.regex,
            self.whole,
            self.case,
            self.selection_only,
            previous,
            following,
            replace,
            replace_all,
            self.status,
            close,
        ):
            if not widget.accessibleName():
                widget.setAccessibleName(getattr(widget, "text", lambda: "")() or "Find status")
            row.addWidget(widget)
        row.setStretch(0, 3)
        row.setStretch(1, 3)
        self.find_field.returnPressed.connect(self.find_next)
        self.replace_field.returnPressed.connect(self.replace_one)
        previous.clicked.connect(self.find_previous)
        following.clicked.connect(self.find_next)
        replace.clicked.connect(self.replace_one)
        replace_all.clicked.connect(self.replace_all)
        close.clicked.connect(self.close_bar)

    def open_bar(self, *, replace: bool = False) -> None:
        """Show the bar with the selection (one line of it) as the text to find."""
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_field.setText(selected)
        self.show()
        (self.replace_field if replace and self.find_field.text() else self.find_field).setFocus()
        self.find_field.selectAll()

    def close_bar(self) -> None:
        """Hide the bar and give the editor back the keyboard."""
        self.hide()
        self.editor.setFocus()
        self.closed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    def pattern(self) -> QRegularExpression | None:
        """The search as a regular expression, or None (with the reason shown) if invalid."""
        text = self.find_field.text()
        if not text:
            return None
        source = text if self.regex.isChecked() else re.escape(text)
        if self.whole.isChecked():
            source = rf"\b(?:{source})\b"
        expression = QRegularExpression(source)
        if not self.case.isChecked():
            expression.setPatternOptions(QRegularExpression.PatternOption.CaseInsensitiveOption)
        if not expression.isValid():
            self.status.setText(f"Not a valid expression: {expression.errorString()}")
            return None
        return expression

    def find_next(self, *, backward: bool = False) -> bool:
        """Select the next match (wrapping at the end); whether one was found."""
        expression = self.pattern()
        if expression is None:
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        document = self.editor.document()
        found = document.find(expression, self.editor.textCursor(), flags)
        if found.isNull():
            start = QTextCursor(document)
            if backward:
                start.movePosition(QTextCursor.MoveOperation.End)
            found = document.find(expression, start, flags)
        if found.isNull():
            self.status.setText("Not found")
            return False
        self.status.setText("")
        self.editor.setTextCursor(found)
        self.editor.ensureCursorVisible()
        return True

    def find_previous(self) -> bool:
        """Select the previous match."""
        return self.find_next(backward=True)

    def _replacement(self, matched: str) -> str:
        if not self.regex.isChecked():
            return self.replace_field.text()
        flags = 0 if self.case.isChecked() else re.IGNORECASE
        source = self.find_field.text()
        if self.whole.isChecked():
            source = rf"\b(?:{source})\b"
        try:
            return re.sub(source, self.replace_field.text(), matched, count=1, flags=flags)
        except re.error:
            return self.replace_field.text()

    def replace_one(self) -> None:
        """Replace the selected match and find the next."""
        cursor = self.editor.textCursor()
        expression = self.pattern()
        if expression is None:
            return
        if cursor.hasSelection() and expression.match(cursor.selectedText()).hasMatch():
            cursor.insertText(self._replacement(cursor.selectedText()))
        self.find_next()

    def replace_all(self) -> int:
        """Replace every match (in the selection when asked) as one undo step; the count."""
        expression = self.pattern()
        if expression is None:
            return 0
        document = self.editor.document()
        current = self.editor.textCursor()
        limit_start, limit_end = 0, document.characterCount() - 1
        if self.selection_only.isChecked() and current.hasSelection():
            limit_start, limit_end = current.selectionStart(), current.selectionEnd()
        end_marker = QTextCursor(document)
        end_marker.setPosition(limit_end)
        cursor = QTextCursor(document)
        cursor.setPosition(limit_start)
        count = 0
        edit = QTextCursor(document)
        edit.beginEditBlock()
        while True:
            found = document.find(expression, cursor)
            if (
                found.isNull()
                or found.selectionEnd() > end_marker.position()
                or not found.hasSelection()
            ):
                break
            found.insertText(self._replacement(found.selectedText()))
            cursor = found
            count += 1
        edit.endEditBlock()
        self.status.setText(f"{count} replaced" if count else "Not found")
        return count
