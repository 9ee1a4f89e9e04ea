"""The script beside the film: the text of the scene on screen, laid out as a script,
with "Open in script" (the Write room, at that scene) and "Choose script…" for a film
whose script was not found by itself (``studio.film_script``).

The pane follows the playhead: the room tells it the chapter shown, and choosing a note
(which seeks to the note's frame) shows the note's scene.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.gui.fonts import script_font
from vividverse_desktop.gui.theme import UNIT, Colours
from vividverse_desktop.studio.film_script import FilmScene, FilmScript

NO_FILM = "Open a film to read its script here, scene by scene, as it plays."
LOOKING = "Looking for the film's script…"
NOT_FOUND = (
    "This film's script is not on this computer. Choose the script it was rendered from "
    "to read each scene beside the film."
)
NO_CHAPTERS = "This film has no chapters, so its scenes cannot be told apart."

# Indents in characters, as on a script page (action at the margin).
_INDENT = {"character": 20, "parenthetical": 15, "dialogue": 10, "lyrics": 10}


def scene_html(scene: FilmScene, colours: Colours | None = None, *, source: str = "") -> str:
    """``scene`` as HTML in the script font, without its Fountain markup: headings bold,
    speech indented, transitions to the right, emphasis shown, notes muted; ``source``
    (where the script was found) above it."""
    muted = colours.muted if colours is not None else "#555b65"
    char = QFontMetrics(script_font(11)).horizontalAdvance("M")
    rows: list[str] = []
    if source:
        rows.append(f'<p style="margin:0 0 6px 0; color:{muted};">{html.escape(source)}</p>')
    lines = scene.text.split("\n")
    for index, (text, kind) in enumerate(zip(lines, scene.kinds, strict=False)):
        marks = scene.ranges[index] if index < len(scene.ranges) else ()
        if kind == "boneyard":
            continue
        body = _styled(text, marks, muted) or "&nbsp;"
        style = f"margin:0; white-space:pre-wrap; margin-left:{_INDENT.get(kind, 0) * char}px;"
        if kind == "scene_heading":
            body = f"<b>{body}</b>"
        elif kind == "transition":
            style += " text-align:right;"
        elif kind == "centered":
            style += " text-align:center;"
        elif kind in ("note", "synopsis", "section"):
            style += f" color:{muted}; font-style:italic;"
        rows.append(f'<p style="{style}">{body}</p>')
    return "".join(rows)


_TAGS = {"bold": "b", "italic": "i", "underline": "u"}
_HIDDEN = frozenset({"marker", "scene_number", "boneyard"})


def _styled(text: str, marks: tuple[tuple[int, int, str], ...], muted: str) -> str:
    """One line as HTML: markup characters dropped, emphasis as tags, notes muted."""
    if not marks:
        return html.escape(text.rstrip())
    styles: list[set[str]] = [set() for _ in text]
    for start, end, style in marks:
        for column in range(max(0, start), min(end, len(text))):
            styles[column].add(style)
    out: list[str] = []
    shown: tuple[str, ...] = ()
    for char, held in zip(text, styles, strict=True):
        if held & _HIDDEN:
            continue
        wanted = tuple(sorted(held - _HIDDEN))
        if wanted != shown:
            out.append(_close(shown))
            out.append(_open(wanted, muted))
            shown = wanted
        out.append(html.escape(char))
    out.append(_close(shown))
    return "".join(out).rstrip()


def _open(styles: tuple[str, ...], muted: str) -> str:
    return "".join(
        f'<span style="color:{muted}">' if s == "note" else f"<{_TAGS[s]}>"
        for s in styles
        if s == "note" or s in _TAGS
    )


def _close(styles: tuple[str, ...]) -> str:
    return "".join(
        "</span>" if s == "note" else f"</{_TAGS[s]}>"
        for s in reversed(styles)
        if s == "note" or s in _TAGS
    )


class ScriptPane(QWidget):
    """The scene on screen, read from the film's script."""

    open_requested = Signal(object, int)  # ScriptSource, 0-based line
    choose_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screeningScript")
        self.setAccessibleName("The script of the scene on screen")
        self.script: FilmScript | None = None
        self.chapter = -1
        self.colours: Colours | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, UNIT, 0, 0)
        layout.setSpacing(UNIT)
        self.heading = QLabel(self)
        self.heading.setObjectName("screeningScriptHeading")
        self.heading.setMinimumWidth(UNIT)
        self.heading.setWordWrap(True)  # a long heading takes a second line, never cut
        font = self.heading.font()
        font.setWeight(font.Weight.DemiBold)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.source = ""  # where the script was found, said above the scene
        self.text = QTextBrowser(self)
        self.text.setFont(script_font(11))
        self.text.setMinimumHeight(6 * UNIT)
        self.text.setObjectName("screeningScriptText")
        self.text.setAccessibleName("Scene text")
        self.text.setOpenLinks(False)
        self.text.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout.addWidget(self.text, 1)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open in script", self)
        self.open_button.setObjectName("screeningOpenInScript")
        self.open_button.setAccessibleName("Open the scene on screen in the Write room")
        self.open_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.open_button.clicked.connect(self.open_scene)
        buttons.addWidget(self.open_button)
        self.choose_button = QPushButton("Choose script…", self)
        self.choose_button.setObjectName("screeningChooseScript")
        self.choose_button.setAccessibleName("Choose the film's script file")
        self.choose_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.choose_button.setToolTip("Read the scenes from a script file you choose")
        self.choose_button.clicked.connect(self.choose_requested)
        buttons.addWidget(self.choose_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.say(NO_FILM)

    def set_open_tip(self, tip: str) -> None:
        """The Open button's tooltip (the room's action, with its shortcut)."""
        self.open_button.setToolTip(tip)

    def apply_colours(self, colours: Colours) -> None:
        """Redraw in the scheme's colours."""
        self.colours = colours
        self.show_chapter(self.chapter, force=True)

    def say(self, text: str, *, can_choose: bool = False) -> None:
        """No scene to show: say why."""
        self.script = None if text in (NO_FILM, LOOKING) else self.script
        self.heading.setText("Script")
        self.source = ""
        self.text.setPlainText(text)
        self.open_button.setEnabled(False)
        self.choose_button.setVisible(can_choose)

    def set_script(self, script: FilmScript | None, *, chapters: int) -> None:
        """The film's script, paired with its chapters (None: none was found)."""
        self.script = script
        if not chapters:
            self.say(NO_CHAPTERS, can_choose=False)
            return
        if script is None:
            self.say(NOT_FOUND, can_choose=True)
            return
        self.choose_button.setVisible(True)
        self.show_chapter(self.chapter, force=True)

    def show_chapter(self, chapter: int, *, force: bool = False) -> None:
        """Show the scene of chapter ``chapter`` (0-based; -1: none)."""
        if chapter == self.chapter and not force:
            return
        self.chapter = chapter
        script = self.script
        if script is None:
            return
        self.source = f"From {script.source.label}"
        scene = script.scene_of(chapter)
        if scene is None:
            self.heading.setText("Script")
            self.text.setPlainText(
                "This part of the film names no scene of this script (the script may have "
                "changed since the render)."
                if chapter >= 0
                else "Play or step the film to read its scenes here."
            )
            self.open_button.setEnabled(False)
            return
        number = f"Scene {scene.number}: " if scene.number else ""
        self.heading.setText(f"{number}{scene.heading}")
        self.heading.setToolTip(self.heading.text())
        self.text.setHtml(scene_html(scene, self.colours, source=self.source))
        self.open_button.setEnabled(True)

    def current_scene(self) -> FilmScene | None:
        """The scene shown, if any."""
        return self.script.scene_of(self.chapter) if self.script is not None else None

    def open_scene(self) -> None:
        """Ask for the script to be opened at the scene shown."""
        scene = self.current_scene()
        if self.script is not None and scene is not None:
            self.open_requested.emit(self.script.source, scene.line)
