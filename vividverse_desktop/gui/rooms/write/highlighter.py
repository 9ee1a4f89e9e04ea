"""Colours for Fountain source, from the parser's reading of the script (core.source_map).

Every block (line) carries its kind as the block's user state and the ranges to colour
as user data. A new reading from the worker is applied in slices, the visible lines
first, so a 120-page script never stalls the window. Between two readings, the line
being typed is classified by ``core.screenplay.source_map.guess_kind`` from its text
and the line above: the next reading corrects it where the whole script says otherwise.

Misspelt words (``studio.spelling``) are kept per block too and drawn over the colours
with the platform's spell-check underline; a check is applied like a reading, only the
lines whose misspellings changed are redrawn. On a line being typed a misspelling is
drawn while its word still stands where the check found it (or elsewhere in the line,
whole); a word being changed loses its underline until the next check.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextBlock,
    QTextBlockUserData,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)

from vividverse_desktop.core.screenplay.emphasis import MARKER, marked_ranges
from vividverse_desktop.core.screenplay.model import ElementKind
from vividverse_desktop.core.screenplay.source_map import (
    BLANK,
    BONEYARD,
    SCENE_NUMBER,
    TITLE_KEY,
    TITLE_PAGE,
    SourceMap,
    guess_kind,
)
from vividverse_desktop.gui.theme import Colours

KINDS: tuple[str, ...] = (
    BLANK,
    TITLE_PAGE,
    BONEYARD,
    *(kind.value for kind in ElementKind),
)
CODE = {kind: code for code, kind in enumerate(KINDS)}
SLICE = 400  # blocks re-coloured per turn of the event loop


Misspelt = tuple[tuple[int, int, str], ...]  # (start, end, word) of one line


class LineData(QTextBlockUserData):
    """What the last reading said about one line: its ranges, and a kind the writer
    asked for (Tab, Enter) that wins until the parser agrees or the cursor leaves;
    and what the last spell check found in it."""

    def __init__(
        self,
        ranges: tuple[tuple[int, int, str], ...] = (),
        intent: str = "",
        misspelt: Misspelt = (),
    ) -> None:
        super().__init__()
        self.ranges = ranges
        self.intent = intent
        self.misspelt = misspelt


def misspelt_in(block: QTextBlock) -> list[tuple[int, int, str]]:
    """The misspelt words of ``block`` where they stand in its text now."""
    data = block.userData()
    if not isinstance(data, LineData) or not data.misspelt:
        return []
    return placed(block.text(), data.misspelt)


def placed(text: str, misspelt: Misspelt) -> list[tuple[int, int, str]]:
    """Each misspelt word where it stands whole in ``text``: where it was found, else its
    first whole occurrence in the line; a word no longer there is left out."""
    out = []
    for start, end, word in misspelt:
        at = start
        if text[start:end] != word or not _whole(text, start, end):
            at = _find_whole(text, word)
            if at < 0:
                continue
        out.append((at, at + len(word), word))
    return out


def _whole(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())


def _find_whole(text: str, word: str) -> int:
    at = text.find(word)
    while at >= 0 and not _whole(text, at, at + len(word)):
        at = text.find(word, at + 1)
    return at


def kind_of(block: QTextBlock) -> str:
    """The kind a block shows (its intent, else its last reading)."""
    data = block.userData()
    if isinstance(data, LineData) and data.intent:
        return data.intent
    state = block.userState()
    return KINDS[state] if 0 <= state < len(KINDS) else BLANK


def set_intent(block: QTextBlock, kind: str) -> None:
    """Make ``block`` show as ``kind`` until the parser agrees or the writer moves on."""
    data = block.userData()
    if isinstance(data, LineData):
        data.intent = kind
    else:
        block.setUserData(LineData((), kind))


class FountainHighlighter(QSyntaxHighlighter):
    """Colours a QTextDocument of Fountain from the readings it is given."""

    def __init__(self, document: QTextDocument, colours: Colours) -> None:
        super().__init__(document)
        self._applying = False
        self._pending: list[int] = []
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)
        self.formats: dict[str, QTextCharFormat] = {}
        self.styles: dict[str, QTextCharFormat] = {}
        self.misspelt_colour = QColor(colours.danger)
        self.spelling = True  # draw misspellings (False: the check is off)
        self._spelt: list[QTextCursor] = []  # on each line the last check marked
        self.set_colours(colours)

    # -- colours -------------------------------------------------------------------

    def set_colours(self, colours: Colours) -> None:
        """Build the formats of one scheme and re-colour everything."""

        def fmt(
            colour: str, *, bold: bool = False, italic: bool = False, strike: bool = False
        ) -> QTextCharFormat:
            made = QTextCharFormat()
            made.setForeground(QColor(colour))
            if bold:
                made.setFontWeight(QFont.Weight.Bold)
            made.setFontItalic(italic)
            made.setFontStrikeOut(strike)
            return made

        c = colours
        self.misspelt_colour = QColor(c.danger)
        self.formats = {
            ElementKind.SCENE_HEADING.value: fmt(c.accent, bold=True),
            ElementKind.CHARACTER.value: fmt(c.text, bold=True),
            ElementKind.PARENTHETICAL.value: fmt(c.muted, italic=True),
            ElementKind.DIALOGUE.value: fmt(c.text),
            ElementKind.TRANSITION.value: fmt(c.muted, bold=True),
            ElementKind.CENTERED.value: fmt(c.text),
            ElementKind.LYRICS.value: fmt(c.text, italic=True),
            ElementKind.SECTION.value: fmt(c.success, bold=True),
            ElementKind.SYNOPSIS.value: fmt(c.success, italic=True),
            ElementKind.NOTE.value: fmt(c.warning),
            ElementKind.PAGE_BREAK.value: fmt(c.muted),
            TITLE_PAGE: fmt(c.muted),
            BONEYARD: fmt(c.muted, italic=True, strike=True),
        }
        italic = QTextCharFormat()
        italic.setFontItalic(True)
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        underline = QTextCharFormat()
        underline.setFontUnderline(True)
        self.styles = {
            "italic": italic,
            "bold": bold,
            "underline": underline,
            "note": fmt(c.warning),
            BONEYARD: fmt(c.muted, italic=True, strike=True),
            MARKER: fmt(c.muted),
            TITLE_KEY: fmt(c.muted, bold=True),
            SCENE_NUMBER: fmt(c.muted),
        }
        self._applying = True
        try:
            self.rehighlight()
        finally:
            self._applying = False

    # -- readings ------------------------------------------------------------------

    def apply(self, reading: SourceMap) -> None:
        """Take a reading of the document's current text: re-colour the lines it changes,
        those on screen first (``first_visible``), the rest in slices."""
        document = self.document()
        if document is None:
            return
        changed: list[int] = []
        block = document.firstBlock()
        number = 0
        kinds = reading.kinds
        ranges = reading.ranges
        while block.isValid():
            kind = kinds[number] if number < len(kinds) else BLANK
            code = CODE.get(kind, 0)
            found = ranges.get(number, ())
            data = block.userData()
            if isinstance(data, LineData):
                if data.intent and (data.intent == kind or not block.text().strip()):
                    data.intent = "" if data.intent == kind else data.intent
                if block.userState() != code or data.ranges != found:
                    data.ranges = found
                    block.setUserState(code)
                    changed.append(number)
            elif block.userState() != code or found:
                block.setUserData(LineData(found))
                block.setUserState(code)
                changed.append(number)
            block = block.next()
            number += 1
        self.queue(changed)

    def apply_spelling(self, lines: dict[int, Misspelt]) -> None:
        """Take a spell check of the document's current text (misspelt words by line;
        empty to clear them all): redraw the lines whose misspellings changed, in slices.

        Only the lines of this check and of the last one are visited: a text cursor
        kept on each line of the last check says where that line is now.
        """
        document = self.document()
        if document is None:
            return
        numbers = {cursor.blockNumber() for cursor in self._spelt}
        numbers.update(lines)
        changed: list[int] = []
        for number in sorted(numbers):
            block = document.findBlockByNumber(number)
            if not block.isValid():
                continue
            found = lines.get(number, ())
            data = block.userData()
            if isinstance(data, LineData):
                if data.misspelt != found:
                    data.misspelt = found
                    changed.append(number)
            elif found:
                block.setUserData(LineData((), "", found))
                changed.append(number)
        self._spelt = [QTextCursor(document.findBlockByNumber(number)) for number in lines]
        self.queue(changed)

    def redraw(self, block: QTextBlock) -> None:
        """Draw ``block`` again from its last reading (its text has not changed since)."""
        self._applying = True
        try:
            self.rehighlightBlock(block)
        finally:
            self._applying = False

    def queue(self, numbers: Iterable[int], *, first: int = 0) -> None:
        """Re-colour these block numbers soon, starting from ``first``."""
        pending = sorted(set(self._pending).union(numbers))
        if first:
            pending.sort(key=lambda n: (n < first, n))
        self._pending = pending
        if self._pending:
            self._slice()
            if self._pending:
                self._timer.start()

    def prioritise(self, first: int) -> None:
        """Re-colour from block ``first`` on before the rest (the lines on screen)."""
        if self._pending:
            self._pending.sort(key=lambda n: (n < first, n))

    @property
    def drawing(self) -> bool:
        """Whether lines are being redrawn from a reading or a check right now: Qt reports
        each redrawn line as a change of the document's contents, which is not an edit."""
        return self._applying

    @property
    def busy(self) -> bool:
        """Whether a reading is still being applied."""
        return bool(self._pending)

    def _slice(self) -> None:
        document = self.document()
        batch, self._pending = self._pending[:SLICE], self._pending[SLICE:]
        if document is not None:
            self._applying = True
            try:
                for number in batch:
                    block = document.findBlockByNumber(number)
                    if block.isValid():
                        self.rehighlightBlock(block)
            finally:
                self._applying = False
        if not self._pending:
            self._timer.stop()

    # -- QSyntaxHighlighter --------------------------------------------------------

    def highlightBlock(self, text: str) -> None:
        block = self.currentBlock()
        data = block.userData()
        stored = block.userState()
        if self._applying:
            kind = kind_of(block)
            found = data.ranges if isinstance(data, LineData) else ()
        else:
            kind = self._typed_kind(block, text, data)
            found = marked_ranges(text) if text else ()
            if kind == BONEYARD:
                found = ((0, len(text), BONEYARD),)
        if text:
            base = self.formats.get(kind)
            if base is not None:
                self.setFormat(0, len(text), base)
            for start, end, style in found:
                extra = self.styles.get(style)
                if extra is None:
                    continue
                if style in ("italic", "bold", "underline") and base is not None:
                    merged = QTextCharFormat(base)
                    merged.merge(extra)
                    self.setFormat(start, end - start, merged)
                else:
                    self.setFormat(start, end - start, extra)
            if self.spelling and isinstance(data, LineData) and data.misspelt:
                self._underline(placed(text, data.misspelt))
        code = CODE.get(kind, 0) if not (isinstance(data, LineData) and data.intent) else stored
        self.setCurrentBlockState(code if code >= 0 else stored)

    def _underline(self, words: list[tuple[int, int, str]]) -> None:
        """Add the spell-check underline to the formats already set on ``words``."""
        wavy = QTextCharFormat.UnderlineStyle.SpellCheckUnderline
        for start, end, _word in words:
            for position in range(start, end):
                merged = self.format(position)
                merged.setUnderlineStyle(wavy)
                merged.setUnderlineColor(self.misspelt_colour)
                self.setFormat(position, 1, merged)

    def _typed_kind(self, block: QTextBlock, text: str, data: object) -> str:
        """The kind of a line the writer just changed (see the module docstring)."""
        if isinstance(data, LineData) and data.intent:
            return data.intent
        previous = block.previous()
        above = kind_of(previous) if previous.isValid() and previous.text().strip() else BLANK
        following = block.next()
        next_blank = not following.isValid() or not following.text().strip()
        return guess_kind(text, previous=above, next_blank=next_blank)
