"""The desktop's own settings, in one INI file (QSettings): theme, scale, window, recents.

Tests and screenshots pass a temporary file (or set ``VIVIDVERSE_SETTINGS``) so nothing
touches the user's real settings. Secrets never go here: API keys and tokens live in the
keyring, through studio/.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

ENV_VAR = "VIVIDVERSE_SETTINGS"
RECENT_LIMIT = 10

# Render defaults: placeholders the Render room will read (key, label, default).
RENDER_DEFAULTS: tuple[tuple[str, str, str], ...] = (
    ("render/resolution", "Resolution", "1920x1080"),
    ("render/fps", "Frame rate", "24"),
    ("render/image_provider", "Image provider", "storyboard"),
    ("render/voice_provider", "Voice provider", "espeak"),
)


def default_path() -> Path:
    """Where the settings live unless told otherwise."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
    return Path(base or Path.home() / ".config" / "vividverse") / "vividverse.ini"


class Preferences:
    """Typed access to the settings file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def get(self, key: str, default: Any = None) -> Any:
        """The stored value of ``key`` (a string for INI scalars), or ``default``."""
        return self._qs.value(key, default)

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` and write the file."""
        self._qs.setValue(key, value)
        self._qs.sync()

    @property
    def theme(self) -> str:
        """'system', 'light' or 'dark'."""
        value = str(self.get("ui/theme", "system"))
        return value if value in ("system", "light", "dark") else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self.set("ui/theme", value)

    @property
    def scale(self) -> float:
        """The interface scale (1.0 by default)."""
        try:
            return float(self.get("ui/scale", 1.0))
        except (TypeError, ValueError):
            return 1.0

    @scale.setter
    def scale(self, value: float) -> None:
        self.set("ui/scale", float(value))

    @property
    def ffmpeg_path(self) -> str:
        """An explicit FFmpeg executable ('' means the bundled one)."""
        return str(self.get("media/ffmpeg", "") or "")

    @ffmpeg_path.setter
    def ffmpeg_path(self, value: str) -> None:
        self.set("media/ffmpeg", value)

    @property
    def server_url(self) -> str:
        """The team server last used ('' means this computer)."""
        return str(self.get("sync/server_url", "") or "")

    @server_url.setter
    def server_url(self, value: str) -> None:
        self.set("sync/server_url", value)

    @property
    def last_room(self) -> str:
        """The room shown when the window last closed."""
        return str(self.get("window/room", "") or "")

    @last_room.setter
    def last_room(self, value: str) -> None:
        self.set("window/room", value)

    @property
    def geometry(self) -> QByteArray | None:
        """The main window's saved geometry, if any."""
        value = self.get("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.set("window/geometry", value)

    @property
    def spell_check(self) -> bool:
        """Whether the Write room underlines misspelt words (on unless turned off)."""
        return str(self.get("write/spelling", "true")).lower() != "false"

    @spell_check.setter
    def spell_check(self, value: bool) -> None:
        self.set("write/spelling", "true" if value else "false")

    @property
    def recent_files(self) -> list[str]:
        """Files opened lately, newest first."""
        value = self.get("files/recent", [])
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value or []]

    def add_recent(self, path: str) -> list[str]:
        """Put ``path`` first in the recent files (kept to :data:`RECENT_LIMIT`)."""
        files = [path, *(f for f in self.recent_files if f != path)][:RECENT_LIMIT]
        self.set("files/recent", files)
        return files

    def clear_recent(self) -> None:
        """Forget the recent files."""
        self.set("files/recent", [])
