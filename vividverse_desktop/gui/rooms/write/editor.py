"""The Fountain editor: Courier Prime on a quiet page, element flow, autocomplete.

Element flow (``core.screenplay.flow``): Enter after a heading gives action, Tab on an
empty line makes a cue, Enter after a cue gives dialogue, "(" on an empty dialogue line
opens a parenthetical, Tab on a written line cycles its element. Underneath it is plain
Fountain: the editor only types what a writer would have typed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QCompleter, QMenu, QPlainTextEdit, QWidget

from vividverse_desktop.core.screenplay.flow import (
    CHARACTER,
    DIALOGUE,
    PARENTHETICAL,
    UPPER_CASE,
    after_enter,
    next_kind,
    retyped,
)
from vividverse_desktop.core.screenplay.source_map import BLANK
from vividverse_desktop.gui.fonts import script_font
from vividverse_desktop.gui.rooms.write.highlighter import (
    FountainHighlighter,
    LineData,
    kind_of,
    set_intent,
)
from vividverse_desktop.gui.theme import UNIT, Colours

COLUMN_CHARS = 70
ZOOM_STEPS = (9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 16.0, 18.0, 20.0, 24.0)
_COMPLETING = frozenset({CHARACTER, "scene_heading", "transition"})
_EMPHASIS = {"bold": "**", "italic": "*", "underline": "_"}

Completions = Callable[[str, str, int], tuple[str, ...]]
MenuExtras = Callable[[QMenu, QTextCursor], bool]


class ScriptEditor(QPlainTextEdit):
    """A QPlainTextEdit that writes Fountain the way screenwriting editors flow."""

    element_changed = Signal(str)  # the kind of the line under the cursor
    zoom_changed = Signal(float)

    def __init__(self, colours: Colours, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scriptEditor")
        self.setAccessibleName("Script editor")
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTabChangesFocus(False)
        self.setCenterOnScroll(False)
        self._point_size = 12.0
        self.setFont(script_font(self._point_size))
        self.document().setDocumentMargin(6 * UNIT)
        self.highlighter = FountainHighlighter(self.document(), colours)
        self.completions: Completions | None = None
        self.menu_extras: MenuExtras | None = None  # adds to the menu of a right click
        self._completer = QCompleter(self)
        self._completer.setWidget(self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setModel(QStringListModel(self._completer))
        self._completer.activated.connect(self._complete)
        self._completer.popup().setObjectName("completionPopup")
        self._completer.popup().setAccessibleName("Suggestions")
        self._last_kind = ""
        self.cursorPositionChanged.connect(self._cursor_moved)

    # -- what the cursor is on -----------------------------------------------------

    def current_kind(self) -> str:
        """The element kind of the line under the cursor."""
        return kind_of(self.textCursor().block())

    def current_line(self) -> int:
        """0-based line (block) number of the cursor."""
        return self.textCursor().blockNumber()

    def go_to_line(self, line: int, *, top: bool = True) -> None:
        """Put the cursor at the start of 0-based ``line`` and show it near the top."""
        block = self.document().findBlockByNumber(max(0, line))
        if not block.isValid():
            block = self.document().lastBlock()
        cursor = QTextCursor(block)
        self.setTextCursor(cursor)
        if top:
            self.verticalScrollBar().setValue(max(0, block.blockNumber() - 2))
        self.ensureCursorVisible()
        self.setFocus()

    def first_visible_line(self) -> int:
        """The 0-based number of the first line on screen."""
        return self.firstVisibleBlock().blockNumber()

    def _cursor_moved(self) -> None:
        block = self.textCursor().block()
        self._clear_intents(keep=block)
        kind = kind_of(block)
        if kind != self._last_kind:
            self._last_kind = kind
            self.element_changed.emit(kind)

    def _clear_intents(self, keep: object) -> None:
        """A kind asked for by Tab or Enter lasts while the cursor stays on its line."""
        for block in (self.textCursor().block().previous(), self.textCursor().block().next()):
            data = block.userData() if block.isValid() else None
            if isinstance(data, LineData) and data.intent and block != keep:
                if block.text().strip():
                    continue  # a written cue keeps its intent until the parser agrees
                data.intent = ""
                self.highlighter.rehighlightBlock(block)

    # -- the context menu -----------------------------------------------------------

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self._open_menu(self.cursorForPosition(event.pos()), event.globalPos())

    def open_menu_at_cursor(self) -> QMenu:
        """Open the context menu for the text at the cursor, below it."""
        cursor = self.textCursor()
        rect = self.cursorRect(cursor)
        return self._open_menu(cursor, self.viewport().mapToGlobal(rect.bottomLeft()))

    def _open_menu(self, cursor: QTextCursor, where) -> QMenu:
        menu = self.createStandardContextMenu()
        menu.setObjectName("editorContextMenu")
        menu.setAccessibleName("Editor menu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if self.menu_extras is not None:
            self.menu_extras(menu, cursor)
        menu.popup(where)
        return menu

    # -- the text column -----------------------------------------------------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._centre_column()

    def _centre_column(self) -> None:
        """Keep the text in a column about as wide as a page's (70 characters), centred."""
        column = self.fontMetrics().horizontalAdvance("M") * COLUMN_CHARS
        column += 2 * int(self.document().documentMargin())
        spare = self.width() - self.verticalScrollBar().sizeHint().width() - 4 - column
        left = max(0, spare // 2)
        if self.viewportMargins().left() != left:
            self.setViewportMargins(left, 0, left, 0)
            # While another room shows, the viewport gets no resize event for new margins
            # and the lines would keep the old width (clipped at the edge): lay out again.
            mode = self.lineWrapMode()
            self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            self.setLineWrapMode(mode)

    # -- zoom ----------------------------------------------------------------------

    @property
    def point_size(self) -> float:
        """The script's type size."""
        return self._point_size

    def set_point_size(self, size: float) -> None:
        """Show the script at ``size`` points (9-24)."""
        self._point_size = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], size))
        self.setFont(script_font(self._point_size))
        self._centre_column()
        self.zoom_changed.emit(self._point_size)

    def zoom(self, steps: int) -> None:
        """Zoom in (positive) or out by whole steps; 0 resets to 12 pt."""
        if steps == 0:
            self.set_point_size(12.0)
            return
        index = min(range(len(ZOOM_STEPS)), key=lambda i: abs(ZOOM_STEPS[i] - self._point_size))
        index = max(0, min(len(ZOOM_STEPS) - 1, index + steps))
        self.set_point_size(ZOOM_STEPS[index])

    # -- emphasis ------------------------------------------------------------------

    def emphasise(self, style: str) -> None:
        """Wrap the selection in the style's markers, or unwrap it if already wrapped;
        with no selection, type the pair and put the cursor between."""
        marker = _EMPHASIS[style]
        cursor = self.textCursor()
        cursor.beginEditBlock()
        if cursor.hasSelection():
            text = cursor.selectedText()
            if len(text) > 2 * len(marker) and text.startswith(marker) and text.endswith(marker):
                replaced = text[len(marker) : -len(marker)]
            else:
                replaced = f"{marker}{text}{marker}"
            start = cursor.selectionStart()
            cursor.insertText(replaced)
            cursor.setPosition(start)
            cursor.setPosition(start + len(replaced), QTextCursor.MoveMode.KeepAnchor)
        else:
            cursor.insertText(marker * 2)
            cursor.movePosition(QTextCursor.MoveOperation.Left, n=len(marker))
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    # -- keys ----------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self._completer.popup()
        key = event.key()
        if popup.isVisible() and key in (
            Qt.Key.Key_Enter,
            Qt.Key.Key_Return,
            Qt.Key.Key_Escape,
            Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            if key in (Qt.Key.Key_Tab,) and popup.currentIndex().isValid():
                self._complete(popup.currentIndex().data())
                popup.hide()
                return
            event.ignore()
            return
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain = modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
        if (
            key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and modifiers == Qt.KeyboardModifier.NoModifier
        ):
            if self._enter():
                return
        elif key == Qt.Key.Key_Tab and modifiers == Qt.KeyboardModifier.NoModifier:
            self._tab()
            return
        elif self._typed_specially(event.text(), plain=plain):
            return
        super().keyPressEvent(event)
        if (plain and event.text() and event.text().isprintable()) or key == Qt.Key.Key_Backspace:
            self._suggest()

    def _typed_specially(self, text: str, *, plain: bool) -> bool:
        """Type "(" as a parenthetical, or capitals on a cue; whether it was handled."""
        if text == "(" and self._open_parenthetical():
            return True
        return plain and bool(text) and text.isprintable() and self._capitals(text)

    def _enter(self) -> bool:
        cursor = self.textCursor()
        block = cursor.block()
        text = block.text()
        if cursor.hasSelection() or cursor.positionInBlock() != len(text) or not text.strip():
            return False
        kind = kind_of(block)
        if kind in (BLANK, "title_page", "boneyard"):
            return False
        typed, following = after_enter(kind)
        cursor.beginEditBlock()
        if kind in UPPER_CASE and text != text.upper() and "[[" not in text:
            cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
            cursor.movePosition(
                QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor
            )
            cursor.insertText(text.upper())
        cursor.insertText(typed)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        if following in UPPER_CASE or following in (DIALOGUE, PARENTHETICAL):
            set_intent(cursor.block(), following)
            self.highlighter.rehighlightBlock(cursor.block())
        self._cursor_moved()
        return True

    def _tab(self) -> None:
        cursor = self.textCursor()
        block = cursor.block()
        text = block.text()
        above = block.previous()
        above_kind = kind_of(above) if above.isValid() and above.text().strip() else BLANK
        if not text.strip():
            context = above_kind if above_kind in (CHARACTER, DIALOGUE, PARENTHETICAL) else ""
            kind = next_kind(DIALOGUE if context else "", empty=True)
            if kind == PARENTHETICAL:
                cursor.insertText("()")
                cursor.movePosition(QTextCursor.MoveOperation.Left)
                self.setTextCursor(cursor)
            set_intent(block, kind)
        else:
            kind = next_kind(kind_of(block), empty=False)
            cursor.beginEditBlock()
            cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
            cursor.movePosition(
                QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor
            )
            cursor.insertText(retyped(text, kind))
            cursor.endEditBlock()
            self.setTextCursor(cursor)
            set_intent(cursor.block(), kind)
        self.highlighter.rehighlightBlock(block)
        self._last_kind = ""
        self._cursor_moved()

    def _open_parenthetical(self) -> bool:
        cursor = self.textCursor()
        block = cursor.block()
        if block.text().strip() or kind_of(block) not in (DIALOGUE, PARENTHETICAL):
            above = block.previous()
            if block.text().strip() or not above.isValid() or kind_of(above) != CHARACTER:
                return False
        cursor.insertText("()")
        cursor.movePosition(QTextCursor.MoveOperation.Left)
        self.setTextCursor(cursor)
        set_intent(cursor.block(), PARENTHETICAL)
        self.highlighter.rehighlightBlock(cursor.block())
        return True

    def _capitals(self, text: str) -> bool:
        """Type capitals on a cue, heading or transition line."""
        if text == text.upper() or self.current_kind() not in UPPER_CASE:
            return False
        self.textCursor().insertText(text.upper())
        self._suggest()
        return True

    # -- autocomplete --------------------------------------------------------------

    def _suggest(self) -> None:
        popup = self._completer.popup()
        kind = self.current_kind()
        cursor = self.textCursor()
        text = cursor.block().text()
        if (
            self.completions is None
            or kind not in _COMPLETING
            or cursor.positionInBlock() != len(text)
            or not text.strip()
        ):
            popup.hide()
            return
        found = self.completions(kind, text.lstrip("@.>").lstrip(), cursor.blockNumber())
        if not found:
            popup.hide()
            return
        model = self._completer.model()
        assert isinstance(model, QStringListModel)
        model.setStringList(list(found[:12]))
        self._completer.setCompletionPrefix("")
        rect = self.cursorRect()
        rect.setWidth(max(40 * UNIT, popup.sizeHintForColumn(0) + 6 * UNIT))
        self._completer.complete(rect)
        popup.setCurrentIndex(self._completer.completionModel().index(0, 0))

    def _complete(self, chosen: str) -> None:
        cursor = self.textCursor()
        cursor.beginEditBlock()
        text = cursor.block().text()
        mark = text[: len(text) - len(text.lstrip("@.>"))]
        cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(mark + chosen)
        cursor.endEditBlock()
        self.setTextCursor(cursor)


def shortcut_text(sequence: QKeySequence.StandardKey | str) -> str:
    """A key sequence as the platform writes it."""
    return QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)
