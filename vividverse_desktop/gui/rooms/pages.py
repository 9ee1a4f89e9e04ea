"""Build each room's page for the main window: the real room where it exists, else its
placeholder; a room with actions of its own gets a menu beside the shell's."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu, QWidget

from vividverse_desktop.gui.rooms import RoomInfo
from vividverse_desktop.gui.rooms.placeholder import PlaceholderRoom

if TYPE_CHECKING:
    from vividverse_desktop.gui.main_window import MainWindow

log = logging.getLogger(__name__)
ROOM_MENUS = {"write": "S&cript"}


def build_page(room: RoomInfo, window: MainWindow) -> QWidget:
    """The page of ``room`` in ``window``'s stack."""
    if room.key == "write":
        from vividverse_desktop.gui.rooms.write.room import WriteRoom
        from vividverse_desktop.studio.drafts import drafts_dir
        from vividverse_desktop.studio.session import default_root

        page = WriteRoom(
            window.runner,
            window.preferences,
            window.theme.colours,
            window.stack,
            hub=window.hub,
            restore=True,
            drafts=drafts_dir(default_root()),
        )
        page.focus_mode_changed.connect(lambda on: window.sidebar.setVisible(not on))
        _add_menu(window, ROOM_MENUS[room.key], page.room_actions())
        return page
    action = window.actions.get(room.first_action)
    if room.key == "screening":
        try:  # QtMultimedia needs libpulse0 on Linux even to import
            from vividverse_desktop.gui.rooms.screening import ScreeningRoom
        except ImportError:
            log.exception("the Screening Room needs QtMultimedia, which did not load")
        else:
            return ScreeningRoom(
                room, runner=window.runner, hub=window.hub, open_action=action, parent=window.stack
            )
    return PlaceholderRoom(room, action, window.stack)


def _add_menu(window: MainWindow, title: str, actions: list) -> None:  # type: ignore[type-arg]
    bar = window.menuBar()
    menu = QMenu(title, window)
    menu.setObjectName(f"menu{title.replace('&', '')}")
    before = window.findChild(QMenu, "menuSync")
    if before is not None:
        bar.insertMenu(before.menuAction(), menu)
    else:
        bar.addMenu(menu)
    for action in actions:
        menu.addAction(action)
        window.actions[action.objectName()] = action


def show_room_actions(page: QWidget, visible: bool) -> None:
    """Show a room's own actions (its menu, its palette entries) only to those who see it."""
    actions = getattr(page, "room_actions", None)
    if not callable(actions):
        return
    for action in actions():
        action.setVisible(visible)
        action.setEnabled(visible)
    for menu in page.window().findChildren(QMenu):
        if set(menu.actions()) == set(actions()) and menu.actions():
            menu.menuAction().setVisible(visible)


def give_session(window: MainWindow, session: object | None) -> None:
    """Hand the signed-in session (None: signed out) to every room that works with one."""
    for page in window.pages.values():
        adopt = getattr(page, "set_session", None)
        if callable(adopt):
            adopt(session)
