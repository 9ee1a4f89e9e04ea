"""Settings: appearance, server, FFmpeg and render defaults, and (wired by the session) API keys.

Everything but the keys is stored in :class:`Preferences`. Provider API keys belong in
the keyring, through studio/: the caller passes a ``key_editor`` widget for that tab;
without one the tab says where the keys will be kept.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.gui.preferences import RENDER_DEFAULTS, Preferences
from vividverse_desktop.gui.theme import CHOICES, SCALES, UNIT, ThemeController

_THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


def _named(widget: QWidget, name: str, accessible: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


def _form_page(parent: QWidget) -> tuple[QWidget, QFormLayout]:
    page = QWidget(parent)
    form = QFormLayout(page)
    form.setContentsMargins(4 * UNIT, 4 * UNIT, 4 * UNIT, 4 * UNIT)
    form.setSpacing(3 * UNIT)
    return page, form


def _add_hint(form: QFormLayout, text: str) -> None:
    """A muted, wrapped line of explanation under the form's fields."""
    hint = QLabel(text, form.parentWidget())
    hint.setProperty("role", "muted")
    hint.setWordWrap(True)
    form.addRow("", hint)


def ffmpeg_problem(path: str) -> str:
    """Why ``path`` cannot be the FFmpeg to use ('' when it can, or when it is empty)."""
    if not path.strip():
        return ""
    candidate = Path(path).expanduser()
    if not candidate.is_file():
        return "No file there. Leave the field empty to use the FFmpeg that ships with Vividverse."
    if not os.access(candidate, os.X_OK):
        return "That file is not executable. Choose the ffmpeg program itself."
    return ""


class SettingsDialog(QDialog):
    """Edits the preferences; ``saved`` after they were written and applied."""

    saved = Signal()

    def __init__(
        self,
        preferences: Preferences,
        theme: ThemeController,
        *,
        key_editor: QWidget | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setAccessibleName("Settings")
        self.setWindowTitle("Settings")
        self.resize(150 * UNIT, 110 * UNIT)
        self._prefs = preferences
        self._theme = theme
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsTabs")
        self.tabs.setAccessibleName("Settings sections")

        page, form = _form_page(self)
        self.theme_box = _named(QComboBox(page), "settingsTheme", "Theme")
        for choice in CHOICES:
            self.theme_box.addItem(_THEME_LABELS[choice], choice)
        self.theme_box.setCurrentIndex(CHOICES.index(preferences.theme))
        self.scale_box = _named(QComboBox(page), "settingsScale", "Interface scale")
        for scale in SCALES:
            self.scale_box.addItem(f"{scale:.0%}", scale)
        nearest = min(SCALES, key=lambda s: abs(s - preferences.scale))
        self.scale_box.setCurrentIndex(SCALES.index(nearest))
        form.addRow("&Theme", self.theme_box)
        form.addRow("Interface &scale", self.scale_box)
        _add_hint(
            form,
            "Text and everything laid out around it grow with the scale. 'Follow the system' "
            "switches between light and dark when your desktop does.",
        )
        self.tabs.addTab(page, "Appearance")

        page, form = _form_page(self)
        self.server_url = _named(
            QLineEdit(preferences.server_url, page), "settingsServerUrl", "Team server address"
        )
        self.server_url.setPlaceholderText("https://sync.example.studio (empty: this computer)")
        form.addRow("Team &server", self.server_url)
        _add_hint(
            form,
            "Where your account lives. Leave it empty to work on this computer only; "
            "you can sign in to a team server at any time.",
        )
        self.tabs.addTab(page, "Server")

        page, form = _form_page(self)
        self.ffmpeg_path = _named(
            QLineEdit(preferences.ffmpeg_path, page), "settingsFfmpegPath", "FFmpeg program"
        )
        self.ffmpeg_path.setPlaceholderText("empty: the FFmpeg that ships with Vividverse")
        browse = _named(QPushButton("Browse…", page), "settingsFfmpegBrowse", "Choose FFmpeg")
        browse.setToolTip("Choose an ffmpeg program")
        browse.clicked.connect(self._browse_ffmpeg)
        row = QHBoxLayout()
        row.addWidget(self.ffmpeg_path, 1)
        row.addWidget(browse)
        self.ffmpeg_error = QLabel(page)
        self.ffmpeg_error.setObjectName("settingsFfmpegError")
        self.ffmpeg_error.setWordWrap(True)
        self.ffmpeg_error.setStyleSheet(f"color: {theme.colours.danger}")
        self.ffmpeg_error.hide()
        form.addRow("&FFmpeg", row)
        form.addRow("", self.ffmpeg_error)
        self.render_fields: dict[str, QLineEdit] = {}
        for key, label, default in RENDER_DEFAULTS:
            name = "settings" + "".join(p.title() for p in key.split("/")[1].split("_"))
            field = _named(QLineEdit(str(preferences.get(key, default)), page), name, label)
            self.render_fields[key] = field
            form.addRow(label, field)
        _add_hint(form, "Defaults for new renders; the Render room lets you change them per film.")
        self.tabs.addTab(page, "Rendering")

        if key_editor is None:
            key_editor = QLabel(
                "Provider API keys (OpenAI, ElevenLabs, Stability, Luma, Runway, Kling, fal, "
                "Black Forest Labs) are kept in the system keyring, never in a file. "
                "Signing in sets this up.",
                self,
            )
            key_editor.setObjectName("settingsKeysPlaceholder")
            key_editor.setWordWrap(True)
            key_editor.setContentsMargins(4 * UNIT, 4 * UNIT, 4 * UNIT, 4 * UNIT)
        self.key_editor = key_editor
        self.tabs.addTab(key_editor, "Provider keys")

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.setObjectName("settingsButtons")
        for which, name in (
            (QDialogButtonBox.StandardButton.Save, "Save"),
            (QDialogButtonBox.StandardButton.Cancel, "Cancel"),
        ):
            buttons.button(which).setAccessibleName(name)
            buttons.button(which).setObjectName(f"settings{name}")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4 * UNIT, 4 * UNIT, 4 * UNIT, 4 * UNIT)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def save(self) -> bool:
        """Check, store and apply; False (and the problem shown) if something is wrong."""
        problem = ffmpeg_problem(self.ffmpeg_path.text())
        self.ffmpeg_error.setText(problem)
        self.ffmpeg_error.setVisible(bool(problem))
        if problem:
            self.tabs.setCurrentIndex(2)
            self.ffmpeg_path.setFocus()
            return False
        prefs = self._prefs
        prefs.theme = self.theme_box.currentData()
        prefs.scale = self.scale_box.currentData()
        prefs.server_url = self.server_url.text().strip()
        prefs.ffmpeg_path = self.ffmpeg_path.text().strip()
        for key, field in self.render_fields.items():
            prefs.set(key, field.text().strip())
        self._theme.set_choice(prefs.theme)
        self._theme.set_scale(prefs.scale)
        self.saved.emit()
        self.accept()
        return True

    def _browse_ffmpeg(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Choose the ffmpeg program")
        if chosen:
            self.ffmpeg_path.setText(chosen)
