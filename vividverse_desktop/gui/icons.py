"""Icons from one family (Material Design Icons through qtawesome), in the palette's colours."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from vividverse_desktop.gui.theme import Colours


def icon(name: str, colours: Colours, *, colour: str | None = None) -> QIcon:
    """The glyph ``name`` (e.g. 'mdi6.sync') drawn in the text colour, or ``colour``."""
    import qtawesome

    return qtawesome.icon(
        name,
        color=colour or colours.text,
        color_active=colour or colours.text,
        color_disabled=colours.muted,
        color_selected=colours.on_accent,
    )
