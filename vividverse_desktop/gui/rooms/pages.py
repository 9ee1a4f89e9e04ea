"""Which widget each room's page is: its real room once built, else the placeholder."""

from __future__ import annotations

import logging

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.rooms import RoomInfo
from vividverse_desktop.gui.rooms.placeholder import PlaceholderRoom
from vividverse_desktop.gui.tasks import TaskRunner

log = logging.getLogger(__name__)


def room_page(
    room: RoomInfo, action: QAction | None, runner: TaskRunner, hub: ChangeHub, parent: QWidget
) -> QWidget:
    """The page for ``room``; ``action`` is its first action (e.g. File > Open)."""
    if room.key == "screening":
        try:  # QtMultimedia needs libpulse0 on Linux even to import
            from vividverse_desktop.gui.rooms.screening import ScreeningRoom
        except ImportError:
            log.exception("the Screening Room needs QtMultimedia, which did not load")
        else:
            return ScreeningRoom(room, runner=runner, hub=hub, open_action=action, parent=parent)
    return PlaceholderRoom(room, action, parent)
