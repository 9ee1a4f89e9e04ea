"""Spell checking in the Write room: after each reading, a check on a worker; its
misspelt words underlined; suggestions, "Add to dictionary" and "Ignore" on a right
click, and F7 to go to the next misspelling.

The check (``studio.spelling.check``) takes the reading's text and parse, so it never
disagrees with the colours; it starts once that reading is coloured, and its result
is applied only while the text is still the one checked. A word the cursor stands at
the end of (the writer paused inside it) is not underlined until the cursor leaves
it. Suggestions are found on a worker too (a long word can take half a second) and
fill the open menu when they arrive.

Typing comes first: while keys arrive (and for ``QUIET_MS`` after the last), a running
check waits between stretches of lines, so the GUI thread does not queue for the
interpreter lock behind it on every call into Qt (bench/write).

The personal dictionary is one file for every script; "Ignore" keeps a word for this
script only (in a file named by the document's key, once the script has a file).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QTextBlock, QTextCursor
from PySide6.QtWidgets import QMenu

from vividverse_desktop.gui.rooms.write.highlighter import LineData, misspelt_in
from vividverse_desktop.studio import spelling, writing

if TYPE_CHECKING:
    from vividverse_desktop.gui.rooms.write.room import WriteRoom

LOOKING = "Looking for suggestions…"
COLOURS_FIRST_MS = 40  # while a reading is still being coloured, the check waits this long
NONE_FOUND = "No suggestions"
QUIET_MS = 150  # a check goes on once no key has come for this long
LONGEST_WAIT_S = 0.5  # ... or after this long in one wait, however fast the typing


class Proofreader(QObject):
    """The room's spell checking: checks, underlines, the spelling menu, the word lists."""

    checked = Signal(object)  # studio.spelling.SpellCheck, once drawn

    def __init__(self, room: WriteRoom, root: Path | None) -> None:
        super().__init__(room)
        self.room = room
        self.root = root  # the data root the word lists live under (None: memory only)
        self.enabled = room.preferences.spell_check
        self.personal: frozenset[str] | None = None if root else frozenset()
        self.ignored: set[str] = set()
        self.result: spelling.SpellCheck | None = None
        self._latest: tuple[writing.DraftAnalysis, int] | None = None  # reading, revision
        self._running = False
        self._again = False
        self._held: tuple[int, tuple[int, int, str]] | None = None  # (line, word) unmarked
        self._suggested: dict[str, tuple[str, ...]] = {}
        self._wait = QTimer(self)
        self._wait.setSingleShot(True)
        self._wait.setInterval(COLOURS_FIRST_MS)
        self._wait.timeout.connect(self._start)
        self._quiet = threading.Event()  # set: no key for QUIET_MS (read by the check's thread)
        self._quiet.set()
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(QUIET_MS)
        self._settle.timeout.connect(self._quiet.set)
        room.editor.highlighter.spelling = self.enabled
        room.editor.cursorPositionChanged.connect(self._cursor_moved)
        if self.enabled:  # the word list loads with the room, not at the first check
            room.runner.run_work(spelling.dictionary, self.wait_for_quiet, owner=self)
        if root is not None:
            room.runner.run_work(
                spelling.read_words,
                spelling.personal_dictionary(root),
                owner=self,
                on_done=self._personal_read,
                on_error=lambda error: self._personal_read(frozenset(), error),
            )

    def _personal_read(self, words: frozenset[str], error: BaseException | None = None) -> None:
        self.personal = words | (self.personal or frozenset())
        if error is not None:
            self.room.state.setText(f"The personal dictionary could not be read: {error}")
        self._start()

    # -- checking ------------------------------------------------------------------

    def typed(self) -> None:
        """A key changed the text: a running check holds back until typing pauses."""
        self._quiet.clear()
        self._settle.start()

    def wait_for_quiet(self) -> None:
        """Called by the check between stretches of lines, on its worker thread."""
        self._quiet.wait(LONGEST_WAIT_S)

    def read(self, analysis: writing.DraftAnalysis, revision: int) -> None:
        """Check ``analysis`` (the reading just applied, of the text after ``revision``
        edits, ``WriteRoom.edits``) on a worker."""
        self._latest = (analysis, revision)
        self._start()

    def _start(self) -> None:
        if (
            not self.enabled
            or self.personal is None
            or self._latest is None
            or self.room.runner.closed
        ):
            return
        if self._running:
            self._again = True
            return
        if self.room.editor.highlighter.busy:
            self._wait.start()  # the colours first: the check competes with them for Python
            return
        analysis, revision = self._latest
        self._running = True
        self.room.runner.run_work(
            spelling.check,
            source=analysis.source,
            text=analysis.text,
            names=analysis.characters + analysis.locations,
            accepted=self.personal | self.ignored,
            pause=self.wait_for_quiet,
            owner=self,
            on_done=lambda result: self._checked(result, revision),
            on_error=self._failed,
            on_cancelled=self._failed,
        )

    def _failed(self, error: BaseException | None = None) -> None:
        self._running = False
        if error is not None:
            self.room.state.setText(f"Spell checking stopped: {error}")
        elif self._again:  # cancelled: a newer reading still wants its check
            self._again = False
            self._start()

    def _checked(self, result: spelling.SpellCheck, revision: int) -> None:
        self._running = False
        again, self._again = self._again, False
        if self.enabled and self.room.edits == revision:
            self._draw(result)
        if again:
            self._start()

    def _draw(self, result: spelling.SpellCheck) -> None:
        editor = self.room.editor
        self.result = result
        lines = result.lines
        cursor = editor.textCursor()
        line, column = cursor.blockNumber(), cursor.positionInBlock()
        self._held = None
        at = result.at(line, column)
        if at is not None and at[1] == column and not cursor.hasSelection():
            lines = dict(lines)
            lines[line] = tuple(found for found in lines[line] if found != at)
            self._held = (line, at)
        editor.highlighter.apply_spelling(lines)
        editor.highlighter.prioritise(editor.first_visible_line())
        self.checked.emit(result)

    def _cursor_moved(self) -> None:
        """Underline the word the writer paused in, once the cursor leaves it."""
        if self._held is None:
            return
        line, found = self._held
        cursor = self.room.editor.textCursor()
        if cursor.blockNumber() == line and found[0] <= cursor.positionInBlock() <= found[1]:
            return
        self._held = None
        latest = self._latest
        if latest is None or latest[1] != self.room.edits:
            return  # the text changed: the next check decides
        block = self.room.editor.document().findBlockByNumber(line)
        data = block.userData()
        if isinstance(data, LineData) and found not in data.misspelt:
            data.misspelt = (*data.misspelt, found)
            self.room.editor.highlighter.redraw(block)

    # -- on and off ----------------------------------------------------------------

    def set_enabled(self, on: bool) -> None:
        """Turn spell checking on or off (remembered in the preferences)."""
        self.enabled = on
        self.room.preferences.spell_check = on
        highlighter = self.room.editor.highlighter
        highlighter.spelling = on
        self._held = None
        if not on:
            self.result = None
            highlighter.apply_spelling({})
            return
        latest = self._latest
        if latest is not None and latest[1] == self.room.edits:
            self._start()
        else:
            self.room.read_now()

    # -- the writer's words --------------------------------------------------------

    def add_to_dictionary(self, word: str) -> None:
        """Accept ``word`` in every script from now on."""
        self.personal = (self.personal or frozenset()) | {word}
        if self.root is not None:
            self.room.runner.run_work(
                spelling.add_words,
                spelling.personal_dictionary(self.root),
                [word],
                owner=self,
                on_error=lambda error: self.room.state.setText(
                    f"{word!r} was not kept in the dictionary: {error}"
                ),
            )
        self._start()

    def ignore(self, word: str) -> None:
        """Accept ``word`` in this script."""
        self.ignored.add(word)
        self._keep_ignored(self.room.document_key, [word])
        self._start()

    def _keep_ignored(self, key: str, words: list[str]) -> None:
        if self.root is None or self.room.path is None or not words:
            return
        self.room.runner.run_work(
            spelling.add_words, spelling.ignore_list(self.root, key), words, owner=self
        )

    def document_opened(self) -> None:
        """A new document is in the editor: read its ignore list (if it has a file)."""
        self.ignored = set()
        self.result = None
        self._held = None
        if self.root is None or self.room.path is None:
            return
        key = self.room.document_key

        def read(words: frozenset[str]) -> None:
            if key == self.room.document_key and words - self.ignored:
                self.ignored |= words
                self._start()

        self.room.runner.run_work(
            spelling.read_words,
            spelling.ignore_list(self.root, key),
            owner=self,
            on_done=read,
        )

    def document_renamed(self) -> None:
        """The script was saved under a new name: its ignore list goes with it."""
        self._keep_ignored(self.room.document_key, sorted(self.ignored))

    # -- the menu ------------------------------------------------------------------

    def fill_menu(self, menu: QMenu, cursor: QTextCursor) -> bool:
        """Put the spelling of the misspelt word at ``cursor`` at the top of ``menu``;
        whether there was one."""
        if not self.enabled:
            return False
        block = cursor.block()
        column = cursor.positionInBlock()
        found = next((f for f in misspelt_in(block) if f[0] <= column <= f[1]), None)
        if found is None:
            return False
        start, _end, word = found
        first = menu.actions()[0] if menu.actions() else None
        heading = QAction(f"“{word}”", menu)
        heading.setEnabled(False)
        looking = QAction(LOOKING, menu)
        looking.setObjectName("spellingLooking")
        looking.setEnabled(False)
        added = QAction("Add to dictionary", menu)
        added.setObjectName("spellingAdd")
        added.setStatusTip(f"Accept {word!r} in every script")
        added.triggered.connect(lambda: self.add_to_dictionary(word))
        ignored = QAction("Ignore", menu)
        ignored.setObjectName("spellingIgnore")
        ignored.setStatusTip(f"Accept {word!r} in this script")
        ignored.triggered.connect(lambda: self.ignore(word))
        for action in (heading, looking):
            menu.insertAction(first, action)  # type: ignore[arg-type]
        menu.insertSeparator(first)  # type: ignore[arg-type]
        for action in (added, ignored):
            menu.insertAction(first, action)  # type: ignore[arg-type]
        if first is not None:
            menu.insertSeparator(first)
        number = block.blockNumber()

        def offer(choices: tuple[str, ...]) -> None:
            self._suggested[word] = choices
            for choice in choices:
                action = QAction(choice, menu)
                action.setObjectName("spellingSuggestion")
                action.setStatusTip(f"Replace {word!r} with {choice!r}")
                action.triggered.connect(
                    lambda _=False, c=choice: self.replace(number, start, word, c)
                )
                menu.insertAction(looking, action)
            if choices:
                menu.removeAction(looking)
            else:
                looking.setText(NONE_FOUND)

        known = self._suggested.get(word)
        if known is not None:
            offer(known)
        else:
            self.room.runner.run_work(spelling.suggestions, word, owner=menu, on_done=offer)
        return True

    def replace(self, line: int, start: int, word: str, choice: str) -> None:
        """Put ``choice`` where ``word`` stands in ``line`` (one undo step)."""
        block = self.room.editor.document().findBlockByNumber(line)
        found = _word_near(block, start, word)
        if found is None:
            return
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + found)
        cursor.setPosition(block.position() + found + len(word), QTextCursor.MoveMode.KeepAnchor)
        cursor.beginEditBlock()
        cursor.insertText(choice)
        cursor.endEditBlock()
        self.room.editor.setTextCursor(cursor)

    def next_misspelling(self) -> bool:
        """Select the next misspelt word after the cursor (wrapping round) and open its
        menu; whether there was one."""
        editor = self.room.editor
        if not self.enabled:
            self.room.state.setText("Spell checking is off (Shift+F7 turns it on).")
            return False
        cursor = editor.textCursor()
        position = max(cursor.position(), cursor.anchor())
        block = editor.document().findBlock(position)
        column = position - block.position()
        for _ in range(editor.document().blockCount() + 1):
            for start, end, _word in misspelt_in(block):
                if start >= column:
                    chosen = QTextCursor(block)
                    chosen.setPosition(block.position() + start)
                    chosen.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
                    editor.setTextCursor(chosen)
                    editor.open_menu_at_cursor()
                    return True
            block = block.next()
            if not block.isValid():
                block = editor.document().firstBlock()
            column = 0
        self.room.state.setText("No misspelt words.")
        return False


def _word_near(block: QTextBlock, start: int, word: str) -> int | None:
    """Where ``word`` stands in ``block``: at ``start`` if still there, else its place
    among the block's misspelt words."""
    if block.text()[start : start + len(word)] == word:
        return start
    return next((s for s, _e, w in misspelt_in(block) if w == word), None)
