"""The drawing tools under the picture: Draw (D; pauses the film), pen, arrow, box, text,
undo and clear; Escape leaves drawing mode. What is drawn goes with the next note added."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from vividverse_desktop.core.wire.drawing import ShapeKind
from vividverse_desktop.gui.icons import icon
from vividverse_desktop.gui.rooms.screening.drawing import DrawingOverlay
from vividverse_desktop.gui.theme import LIGHT, UNIT, Colours

TOOLS = (
    (ShapeKind.PEN, "Pen", "mdi6.pencil", "Pen: draw freehand"),
    (ShapeKind.ARROW, "Arrow", "mdi6.arrow-top-right", "Arrow: drag from its tail to its head"),
    (ShapeKind.BOX, "Box", "mdi6.rectangle-outline", "Box: drag around something"),
    (ShapeKind.TEXT, "Text", "mdi6.format-text", "Text: click where it goes, type, press Enter"),
)


def _checkable_icon(glyph: str, colours: Colours) -> QIcon:
    """A glyph in the text colour, and in the accent's text colour when checked."""
    import qtawesome

    return qtawesome.icon(
        glyph,
        color=colours.text,
        color_active=colours.text,
        color_disabled=colours.muted,
        color_on=colours.on_accent,
        color_on_active=colours.on_accent,
    )


class DrawBar(QWidget):
    """Buttons that drive a :class:`DrawingOverlay`."""

    def __init__(self, overlay: DrawingOverlay, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screeningDrawTools")
        self.overlay = overlay
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(UNIT)
        self.draw_button = QToolButton(self)
        self.draw_button.setObjectName("screeningDraw")
        self.draw_button.setText("Draw")
        self.draw_button.setCheckable(True)
        self.draw_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._draw_glyph = "mdi6.draw"
        self.draw_button.setAccessibleName("Draw on the frame")
        self.draw_button.setToolTip(
            "Draw on the paused frame (D); the drawing goes with the next note (Esc stops)"
        )
        self.draw_button.toggled.connect(self._toggled)
        row.addWidget(self.draw_button)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.tool_buttons: dict[ShapeKind, QToolButton] = {}
        self._glyphs: list[tuple[QToolButton, str]] = []
        for kind, text, glyph, tip in TOOLS:
            button = QToolButton(self)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            self._glyphs.append((button, glyph))
            button.setObjectName(f"screeningDraw{text}")
            button.setText(text)
            button.setCheckable(True)
            button.setAccessibleName(f"{text} tool")
            button.setToolTip(tip)
            self.group.addButton(button)
            self.tool_buttons[kind] = button
            row.addWidget(button)
        self.tool_buttons[ShapeKind.BOX].setChecked(True)
        self.group.buttonToggled.connect(lambda *_: self._apply())
        self.undo_button = QToolButton(self)
        self.undo_button.setObjectName("screeningDrawUndo")
        self.undo_button.setText("Undo")
        self._glyphs.append((self.undo_button, "mdi6.undo"))
        self.undo_button.setToolTip("Take back the last shape")
        self.undo_button.setAccessibleName("Take back the last shape drawn")
        self.undo_button.clicked.connect(overlay.undo)
        row.addWidget(self.undo_button)
        self.clear_button = QToolButton(self)
        self.clear_button.setObjectName("screeningDrawClear")
        self.clear_button.setText("Clear")
        self._glyphs.append((self.clear_button, "mdi6.eraser"))
        self.clear_button.setToolTip("Remove the drawing not yet added to a note")
        self.clear_button.setAccessibleName("Remove the drawing not yet added to a note")
        self.clear_button.clicked.connect(overlay.clear_draft)
        row.addWidget(self.clear_button)
        self.state = QLabel(self)
        self.state.setObjectName("screeningDrawState")
        self.state.setProperty("role", "muted")
        # The window may be narrow: the state gives way rather than widen the stage.
        self.state.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.state.setMinimumWidth(0)
        row.addWidget(self.state, 1)
        overlay.draft_changed.connect(self._show)
        overlay.player.installEventFilter(self)
        self.apply_colours(LIGHT)
        self._show()

    def apply_colours(self, colours: Colours) -> None:
        """Glyphs in the scheme's colours; checked tools in the accent colour, so the tool
        in use shows in both schemes."""
        self.draw_button.setIcon(_checkable_icon(self._draw_glyph, colours))
        for button, glyph in self._glyphs:
            checkable = button.isCheckable()
            button.setIcon(_checkable_icon(glyph, colours) if checkable else icon(glyph, colours))
        self.setStyleSheet(
            f"QToolButton:checked {{ background: {colours.accent}; color: {colours.on_accent};"
            f" border: 1px solid {colours.accent}; border-radius: 3px; }}"
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.overlay.player and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if plain and event.key() == Qt.Key.Key_D:
                self.draw_button.toggle()
                return True
            if event.key() == Qt.Key.Key_Escape and self.draw_button.isChecked():
                self.stop()
                return True
        return False

    @property
    def tool(self) -> ShapeKind:
        """The tool chosen."""
        return next(k for k, b in self.tool_buttons.items() if b.isChecked())

    def choose(self, tool: ShapeKind) -> None:
        """Draw with ``tool`` (turning drawing mode on)."""
        self.tool_buttons[tool].setChecked(True)
        self.draw_button.setChecked(True)

    def stop(self) -> None:
        """Leave drawing mode."""
        self.draw_button.setChecked(False)

    def _toggled(self, on: bool) -> None:
        if on:
            self.overlay.player.pause()
        self._apply()

    def _apply(self) -> None:
        self.overlay.set_tool(self.tool if self.draw_button.isChecked() else None)
        self._show()

    def _show(self) -> None:
        count = len(self.overlay.draft)
        self.undo_button.setEnabled(count > 0)
        self.clear_button.setEnabled(count > 0)
        if count:
            shapes = f"{count} shape{'s' if count != 1 else ''}"
            self.state.setText(f"{shapes} drawn: added with the next note")
        elif self.draw_button.isChecked():
            self.state.setText("Drag on the picture to draw")
        else:
            self.state.setText("")
