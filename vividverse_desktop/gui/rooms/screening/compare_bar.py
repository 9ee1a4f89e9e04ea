"""The bar over the pictures while comparing: which film is A and which is B (title, script
version and date, or the file and when it was written), side by side or wipe, the choice
of B, the frame each shows, and what differs between them (rate, length, size).

Its buttons never take the keyboard: the player keeps it, so the review keys keep working.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.gui.icons import icon
from vividverse_desktop.gui.rooms.screening.transport import timecode_font
from vividverse_desktop.gui.theme import LIGHT, UNIT, Colours
from vividverse_desktop.studio.film_compare import Render

OPEN_FILE = "open"
"""The B choice that asks for a film file."""
COMPACT_BELOW = 160 * UNIT
"""Narrower than this, the layout buttons show their icons only."""


class ElidedLabel(QLabel):
    """A label that shortens its text with '…' rather than widen its row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(12 * UNIT)

    def set_full_text(self, text: str) -> None:
        """Show ``text``, shortened to the width; the whole of it in the tooltip."""
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        """The text before shortening."""
        return self._full

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + 2
        return QSize(width + margins.right(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        self.setText(metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, self.width()))


class CompareBar(QWidget):
    """A and B, the layout, the choice of B, and the differences."""

    wipe_chosen = Signal(bool)  # True: wipe; False: side by side
    b_chosen = Signal(str)  # "movie:<id>", "file:<path>" or OPEN_FILE
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screeningCompareBar")
        self.setAccessibleName("Comparing two films")
        self.colours = LIGHT
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(UNIT)
        row = QHBoxLayout()
        row.setSpacing(UNIT)
        column.addLayout(row)
        self._glyphs: list[tuple[QToolButton, str]] = []

        self.a_tag = self._tag("A", row)
        self.a_label = ElidedLabel(self)
        self.a_label.setObjectName("screeningCompareA")
        self.a_label.setAccessibleName("Film A (the film the notes go on)")
        row.addWidget(self.a_label, 1)
        row.addSpacing(2 * UNIT)
        self.b_tag = self._tag("B", row)
        self.b_choice = QComboBox(self)
        self.b_choice.setObjectName("screeningCompareB")
        self.b_choice.setAccessibleName("Film B: another render of this script, or a file")
        self.b_choice.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.b_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.b_choice.setMinimumContentsLength(6)
        self.b_choice.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.b_choice.activated.connect(self._activated)
        row.addWidget(self.b_choice, 1)

        facts = QHBoxLayout()
        facts.setSpacing(2 * UNIT)
        column.addLayout(facts)
        self.frames = ElidedLabel(self)
        self.frames.setObjectName("screeningCompareFrames")
        self.frames.setAccessibleName("The frame number each film shows")
        self.frames.setFont(timecode_font(self.font()))
        self.frames.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        facts.addWidget(self.frames)
        self.differences = QLabel(self)
        self.differences.setObjectName("screeningCompareDifferences")
        self.differences.setWordWrap(True)
        self.differences.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        facts.addWidget(self.differences, 1)
        self.layout_group = QButtonGroup(self)
        self.layout_group.setExclusive(True)
        self.side_button = self._button(
            "screeningCompareSide",
            "Side by side",
            "mdi6.view-split-vertical",
            "A and B side by side (W switches to the wipe)",
            facts,
        )
        self.wipe_button = self._button(
            "screeningCompareWipe",
            "Wipe",
            "mdi6.compare",
            "One frame: A left of a divider, B right of it; drag the divider or use "
            "Alt+Left and Alt+Right (W switches)",
            facts,
        )
        for button in (self.side_button, self.wipe_button):
            button.setCheckable(True)
            self.layout_group.addButton(button)
        self.side_button.setChecked(True)
        self.wipe_button.toggled.connect(self.wipe_chosen.emit)
        self.close_button = self._button(
            "screeningCompareClose", "Stop comparing", "mdi6.close", "Stop comparing (C)", facts
        )
        self.close_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.close_button.clicked.connect(self.close_requested.emit)
        self.set_choices((), "", None)
        self.apply_colours(LIGHT)

    def _tag(self, letter: str, row: QHBoxLayout) -> QLabel:
        tag = QLabel(letter, self)
        tag.setObjectName(f"screeningCompareTag{letter}")
        tag.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tag.setFixedWidth(6 * UNIT)
        row.addWidget(tag)
        return tag

    def _button(self, name: str, text: str, glyph: str, tip: str, row: QHBoxLayout):
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(text)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setMinimumWidth(7 * UNIT)  # the bar may be narrow: its words go (resizeEvent)
        self._glyphs.append((button, glyph))
        row.addWidget(button)
        return button

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        style = (
            Qt.ToolButtonStyle.ToolButtonIconOnly
            if self.width() < COMPACT_BELOW
            else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
        for button in (self.side_button, self.wipe_button):
            if button.toolButtonStyle() != style:
                button.setToolButtonStyle(style)

    # -- what is shown -----------------------------------------------------------------------

    def set_a(self, label: str) -> None:
        """Say which film A is."""
        self.a_label.set_full_text(label)

    def set_choices(
        self, renders: tuple[Render, ...], a_movie_id: str, b: tuple[str, str] | None
    ) -> None:
        """Offer the renders (all but A's own), the file B when it is one, and 'Open a
        film file…'; ``b`` is the choice made (its key and label), None before one is."""
        box = self.b_choice
        box.blockSignals(True)
        box.clear()
        box.addItem("Choose film B…", "")
        for render in renders:
            if render.movie_id == a_movie_id:
                continue
            key = f"movie:{render.movie_id}"
            text = render.label if render.has_film else f"{render.label} (no film uploaded)"
            box.addItem(text, key)
            box.setItemData(
                box.count() - 1, f"{render.label}, {render.status}", Qt.ItemDataRole.ToolTipRole
            )
        if b is not None and box.findData(b[0]) < 0:
            box.addItem(b[1], b[0])
        box.addItem("Open a film file…", OPEN_FILE)
        box.setCurrentIndex(max(0, box.findData(b[0])) if b is not None else 0)
        box.blockSignals(False)
        self.b_choice.setToolTip(b[1] if b is not None else "Film B: another render, or a file")

    def show_frames(self, a: int | None, b: int | None, *, b_holds: bool = False) -> None:
        """The frame each film shows (None: none yet)."""

        def text(frame: int | None) -> str:
            return "–" if frame is None or frame < 0 else str(frame)

        held = " (its last)" if b_holds else ""
        self.frames.set_full_text(f"A frame {text(a)} · B frame {text(b)}{held}")

    def show_differences(self, sentences: tuple[str, ...], *, same: str = "") -> None:
        """What differs between A and B (a warning colour and the words), or ``same``."""
        if sentences:
            self.differences.setText(" ".join(sentences))
            self.differences.setStyleSheet(f"color: {self.colours.warning}")
        else:
            self.differences.setText(same)
            self.differences.setStyleSheet(f"color: {self.colours.muted}")
        self.differences.setToolTip(self.differences.text())

    def set_wipe(self, wipe: bool) -> None:
        """Check the layout shown."""
        (self.wipe_button if wipe else self.side_button).setChecked(True)

    def apply_colours(self, colours: Colours) -> None:
        """Redraw in the scheme's colours."""
        warned = self.differences.styleSheet().startswith(f"color: {self.colours.warning}")
        self.colours = colours
        for button, glyph in self._glyphs:
            button.setIcon(icon(glyph, colours))
        for tag in (self.a_tag, self.b_tag):
            tag.setStyleSheet(
                f"background: {colours.accent}; color: {colours.on_accent};"
                " border-radius: 3px; font-weight: bold;"
            )
        self.differences.setStyleSheet(f"color: {colours.warning if warned else colours.muted}")

    def _activated(self, index: int) -> None:
        key = self.b_choice.itemData(index) or ""
        if key:
            self.b_chosen.emit(key)

    @staticmethod
    def file_key(path: Path) -> str:
        """The choice key of a film file."""
        return f"file:{path}"
