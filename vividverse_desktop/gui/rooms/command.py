"""A room's command: a QAction with its menu text, shortcut(s) working while the keyboard
is in the room, and a tip that names its keys, so that every room's commands read the
same in menus, tooltips and the command palette."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

Keys = str | QKeySequence.StandardKey | list[str]


def room_action(
    room: QWidget,
    name: str,
    text: str,
    keys: Keys,
    *,
    slot: Callable[[], Any],
    tip: str,
    also: str = "",
) -> QAction:
    """Make the command ``name`` and add it to ``room``: ``keys`` are its shortcuts (a list:
    several); ``tip`` is its status tip and, with the keys beside it, its tooltip; ``also``
    is a key that does the same elsewhere (the player's own), named first in the tooltip."""
    action = QAction(text, room)
    action.setObjectName(name)
    if isinstance(keys, list):
        action.setShortcuts([QKeySequence(k) for k in keys])
    elif keys:
        action.setShortcut(QKeySequence(keys))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.setShortcutVisibleInContextMenu(True)
    action.setData(tip)
    action.setStatusTip(tip)
    shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    keys_said = ", ".join(k for k in (also, shown) if k)
    action.setToolTip(f"{tip} ({keys_said})" if keys_said else tip)
    action.triggered.connect(lambda _=False: slot())
    room.addAction(action)
    return action
