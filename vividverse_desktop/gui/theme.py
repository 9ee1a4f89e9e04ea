"""Fusion with two palettes built from one small set of named colours (UI.md, Look).

The scheme follows the system's (``QStyleHints.colorScheme()``) unless the user forces
light or dark. Every colour the shell draws with comes from :class:`Colours`: widgets ask
:attr:`ThemeController.colours` instead of writing hex values of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

CHOICES = ("system", "light", "dark")
SCALES = (0.9, 1.0, 1.1, 1.25, 1.5)
UNIT = 4  # px: the one spacing unit; margins are 2-4 units


@dataclass(frozen=True, slots=True)
class Colours:
    """The named colours of one scheme (text colours keep >= 4.5:1 on their backgrounds)."""

    window: str
    surface: str  # text fields, lists, pages
    sidebar: str
    text: str
    muted: str  # secondary text
    border: str
    accent: str  # selection, primary buttons, links
    on_accent: str
    success: str
    warning: str
    danger: str


LIGHT = Colours(
    window="#f5f5f3",
    surface="#ffffff",
    sidebar="#e9ebee",
    text="#1c1e22",
    muted="#555b65",
    border="#cfd3d9",
    accent="#2d5bc8",
    on_accent="#ffffff",
    success="#1d6f38",
    warning="#855400",
    danger="#b0261d",
)

DARK = Colours(
    window="#1f2125",
    surface="#272a2f",
    sidebar="#18191c",
    text="#e6e7e9",
    muted="#a3a8b1",
    border="#3b3f46",
    accent="#7aa2ff",
    on_accent="#0b1020",
    success="#63cf86",
    warning="#f0b44c",
    danger="#ff8078",
)


def system_scheme() -> str:
    """'dark' or 'light' as the system says (light when it says nothing)."""
    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def resolve(choice: str, system: Callable[[], str] = system_scheme) -> str:
    """The scheme a choice ('system', 'light', 'dark') means now."""
    return system() if choice not in ("light", "dark") else choice


def palette(colours: Colours) -> QPalette:
    """A QPalette for the Fusion style from the named colours."""
    group = QPalette.ColorGroup
    role = QPalette.ColorRole
    pal = QPalette()
    c = {name: QColor(getattr(colours, name)) for name in Colours.__slots__}
    for r, name in (
        (role.Window, "window"),
        (role.WindowText, "text"),
        (role.Base, "surface"),
        (role.AlternateBase, "window"),
        (role.Text, "text"),
        (role.Button, "surface"),
        (role.ButtonText, "text"),
        (role.ToolTipBase, "surface"),
        (role.ToolTipText, "text"),
        (role.PlaceholderText, "muted"),
        (role.Highlight, "accent"),
        (role.HighlightedText, "on_accent"),
        (role.Link, "accent"),
        (role.LinkVisited, "accent"),
        (role.BrightText, "danger"),
        (role.Light, "surface"),
        (role.Midlight, "border"),
        (role.Mid, "border"),
        (role.Dark, "border"),
        (role.Shadow, "sidebar"),
        (role.Accent, "accent"),
    ):
        pal.setColor(r, c[name])
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(group.Disabled, r, c["muted"])
    return pal


def stylesheet(colours: Colours) -> str:
    """The little the palette cannot say: the sidebar, empty states, the status bar."""
    u = UNIT
    return f"""
QListWidget#roomSidebar {{
    background: {colours.sidebar}; border: none; border-right: 1px solid {colours.border};
    padding: {2 * u}px {u}px; outline: 0;
}}
QListWidget#roomSidebar::item {{
    padding: {2 * u}px {3 * u}px; margin: {u // 2}px 0; border-radius: {u + 2}px;
    color: {colours.text};
}}
QListWidget#roomSidebar::item:hover {{ background: {colours.border}; }}
QListWidget#roomSidebar::item:selected {{
    background: {colours.accent}; color: {colours.on_accent};
}}
QLabel[role="title"] {{ font-size: 20pt; font-weight: 600; }}
QLabel[role="muted"] {{ color: {colours.muted}; }}
QLabel[role="error"] {{ color: {colours.danger}; }}
QFrame[role="card"] {{
    background: {colours.surface}; border: 1px solid {colours.border}; border-radius: {2 * u}px;
}}
QStatusBar {{ border-top: 1px solid {colours.border}; }}
QStatusBar QLabel {{ padding: 0 {2 * u}px; }}
QTreeWidget#paletteResults::item {{ padding: {UNIT + 2}px {UNIT}px; }}
QLineEdit#paletteQuery {{
    padding: {2 * u}px; font-size: 13pt; border: 1px solid {colours.border};
    border-radius: {u + 2}px; background: {colours.surface};
}}
"""


class ThemeController(QObject):
    """Applies the chosen scheme and interface scale; ``changed(scheme)`` after each change."""

    changed = Signal(str)

    def __init__(
        self,
        app: QApplication,
        choice: str = "system",
        scale: float = 1.0,
        *,
        system: Callable[[], str] = system_scheme,
    ) -> None:
        super().__init__(app)
        self._system = system
        self.setObjectName("theme")
        self._app = app
        self._choice = choice if choice in CHOICES else "system"
        self._scale = scale
        # The system's size, kept on the app so a second controller does not scale twice.
        base = app.property("vividverseBaseFontSize")
        if not base:
            base = app.font().pointSizeF() if app.font().pointSizeF() > 0 else 10.0
            app.setProperty("vividverseBaseFontSize", base)
        self._base_point_size = float(base)
        self.scheme = ""
        app.setStyle("Fusion")
        app.styleHints().colorSchemeChanged.connect(self._system_changed)
        self._apply()

    @property
    def choice(self) -> str:
        """'system', 'light' or 'dark'."""
        return self._choice

    @property
    def scale(self) -> float:
        """The interface scale (1.0 is the system's font size)."""
        return self._scale

    @property
    def colours(self) -> Colours:
        """The named colours of the scheme in use."""
        return DARK if self.scheme == "dark" else LIGHT

    def set_choice(self, choice: str) -> None:
        """Follow the system ('system') or force 'light' or 'dark'."""
        if choice not in CHOICES:
            raise ValueError(f"theme must be one of {', '.join(CHOICES)}")
        self._choice = choice
        self._apply()

    def set_scale(self, scale: float) -> None:
        """Scale the interface font (and with it every layout) by ``scale``."""
        self._scale = max(0.5, min(3.0, scale))
        self._apply()

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._choice == "system":
            self._apply()

    def _apply(self) -> None:
        self.scheme = resolve(self._choice, self._system)
        colours = self.colours
        self._app.setPalette(palette(colours))
        font = QFont(self._app.font())
        font.setPointSizeF(self._base_point_size * self._scale)
        self._app.setFont(font)
        self._app.setStyleSheet(stylesheet(colours))
        self.changed.emit(self.scheme)


def colours_in_use(widget: QWidget | None = None) -> Colours:
    """The named colours of the scheme the application (or ``widget``) is painted in."""
    pal = widget.palette() if widget is not None else QApplication.palette()
    return DARK if pal.color(QPalette.ColorRole.Window).lightness() < 128 else LIGHT
