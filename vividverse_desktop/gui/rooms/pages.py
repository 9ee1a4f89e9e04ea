"""Build each room's page for the main window: the real room where it exists, else its
placeholder; a room with actions of its own gets a menu beside the shell's."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMenu, QWidget

from vividverse_desktop.gui.collector import freeze_long_lived
from vividverse_desktop.gui.rooms import RoomInfo
from vividverse_desktop.gui.rooms.placeholder import PlaceholderRoom

if TYPE_CHECKING:
    from vividverse_desktop.gui.main_window import MainWindow

log = logging.getLogger(__name__)
ROOM_MENUS = {"write": "S&cript", "screening": "Sc&reening"}


REAL_ROOMS = {
    "write": "vividverse_desktop.gui.rooms.write.room",
    "screening": "vividverse_desktop.gui.rooms.screening",
}
"""The rooms built so far, and the module each lives in (imported on demand)."""


def build_page(room: RoomInfo, window: MainWindow, *, lazy: bool = False) -> QWidget:
    """The page of ``room`` in ``window``'s stack.

    With ``lazy``, a real room's module is imported on a worker while the window shows
    its placeholder, and the room takes its place when the import is done (a file opened
    meanwhile is handed over): the window appears without waiting for any room.
    """
    module = REAL_ROOMS.get(room.key)
    action = window.actions.get(room.first_action)
    if module is None:
        return PlaceholderRoom(room, action, window.stack)
    if not lazy:
        return _real_page(room, window) or PlaceholderRoom(room, action, window.stack)
    placeholder = LoadingRoom(room, window.stack)

    def load() -> None:
        window.runner.run_work(
            importlib.import_module,
            module,
            owner=window,
            on_done=lambda _module: _swap_in(room, window, placeholder),
            on_error=lambda error: log.error("the %s room did not load: %s", room.title, error),
        )

    # After the window's first turn of the event loop: the import must not slow the show.
    QTimer.singleShot(0, placeholder, load)
    return placeholder


class LoadingRoom(QWidget):
    """What stands in a room's place for the moment its module takes to load; a file
    opened meanwhile is kept for the room."""

    def __init__(self, room: RoomInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"room_{room.key}")
        self.setAccessibleName(f"{room.title} room, loading")
        self.opened: Path | None = None

    def open_file(self, path: Path) -> None:
        """Keep ``path`` for the room."""
        self.opened = path

    def apply_colours(self, _colours: object) -> None:
        """Nothing to colour."""


def _swap_in(room: RoomInfo, window: MainWindow, placeholder: LoadingRoom) -> None:
    page = _real_page(room, window)
    if page is None:
        return
    opened = placeholder.opened
    window.replace_room(room.key, page)
    show_room_actions(page, not window.sidebar.item(_row(room)).isHidden())
    session = getattr(window, "session", None)
    if session is not None and callable(getattr(page, "set_session", None)):
        page.set_session(session)  # type: ignore[attr-defined]
    if opened is not None:
        page.open_file(opened)  # type: ignore[attr-defined]
    freeze_long_lived()  # the room lives as long as the window


def _row(room: RoomInfo) -> int:
    from vividverse_desktop.gui.rooms import ROOMS

    return ROOMS.index(room)


def _real_page(room: RoomInfo, window: MainWindow) -> QWidget | None:
    action = window.actions.get(room.first_action)
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
            spelling_root=default_root(),
        )
        page.focus_mode_changed.connect(lambda on: window.sidebar.setVisible(not on))
        _add_menu(window, ROOM_MENUS[room.key], page.room_actions())
        return page
    if room.key == "screening":
        try:  # QtMultimedia needs libpulse0 on Linux even to import
            from vividverse_desktop.gui.rooms.screening import ScreeningRoom
        except ImportError:
            log.exception("the Screening Room needs QtMultimedia, which did not load")
            return None
        screening = ScreeningRoom(
            room, runner=window.runner, hub=window.hub, open_action=action, parent=window.stack
        )
        screening.script_wanted.connect(lambda source, line: open_in_script(window, source, line))
        _add_menu(window, ROOM_MENUS[room.key], screening.room_actions())
        return screening
    return None


def open_in_script(window: MainWindow, source: object, line: int) -> None:
    """Show the Write room with the script ``source`` (a ``film_script.ScriptSource``)
    open at 0-based ``line``; say so when this account has no Write room."""
    write = window.pages.get("write")
    opener = getattr(write, "open_script_at", None)
    from vividverse_desktop.gui.rooms import ROOMS_BY_KEY

    if not callable(opener) or window.sidebar.item(_row(ROOMS_BY_KEY["write"])).isHidden():
        window.statusBar().showMessage(
            "The Write room is not open to this account: the scene's text is in the Script tab.",
            8000,
        )
        return
    window.show_room("write")
    opener(source, line)


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
    window.session = session  # type: ignore[attr-defined]  # for rooms that arrive later
    for page in window.pages.values():
        adopt = getattr(page, "set_session", None)
        if callable(adopt):
            adopt(session)
