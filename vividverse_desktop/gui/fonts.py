"""The script's typeface: Courier Prime 12 pt, shipped with its licence (UI.md, Look)."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

from vividverse_desktop.core.resources import resource_path

SCRIPT_FAMILY = "Courier Prime"
_FILES = (
    "CourierPrime-Regular.ttf",
    "CourierPrime-Bold.ttf",
    "CourierPrime-Italic.ttf",
    "CourierPrime-BoldItalic.ttf",
)
_loaded: list[str] = []


def script_family() -> str:
    """The family name of the shipped Courier Prime (loaded on first use), or a
    system monospace family if the files are missing."""
    if not _loaded:
        families: list[str] = []
        for name in _FILES:
            path = resource_path("fonts", "courier-prime", name)
            if path.is_file():
                font_id = QFontDatabase.addApplicationFont(str(path))
                families.extend(QFontDatabase.applicationFontFamilies(font_id))
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
        _loaded.append(families[0] if families else fixed)
    return _loaded[0]


def script_font(point_size: float = 12.0) -> QFont:
    """Courier Prime at ``point_size``, fixed pitch, without kerning."""
    font = QFont(script_family())
    font.setPointSizeF(point_size)
    font.setFixedPitch(True)
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setKerning(False)
    return font
