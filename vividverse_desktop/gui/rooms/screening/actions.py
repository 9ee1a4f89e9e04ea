"""The Screening Room's commands: each with its menu text, shortcut (shown in its tooltip)
and what it does, working while the keyboard is in the room. The film's own keys (Space,
J/K/L, arrows, I/O, D, C, W...) are the player's; these are their menu entries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction

from vividverse_desktop.gui.rooms.command import room_action

if TYPE_CHECKING:
    from vividverse_desktop.gui.rooms.screening.room import ScreeningRoom


def build_actions(room: ScreeningRoom) -> list[QAction]:
    """Make the room's actions and add them to it."""
    made: list[QAction] = []

    def a(name: str, text: str, keys: tuple[str, str], slot: Any, tip: str) -> QAction:
        key, also = keys  # the action's shortcut, and the player's own key for it
        action = room_action(room, name, text, key, slot=slot, tip=tip, also=also)
        made.append(action)
        return action

    compare = room.compare
    toggle = a(
        "actionScreeningCompare",
        "&Compare two renders",
        ("Ctrl+Shift+C", "C"),
        compare.toggle,
        "Compare this film (A) with another render of its script (B), frame for frame",
    )
    toggle.setCheckable(True)
    compare.toggled.connect(toggle.setChecked)
    wipe = a(
        "actionScreeningWipe",
        "&Wipe between A and B",
        ("Ctrl+Shift+W", "W"),
        compare.toggle_wipe,
        "Show A and B in one frame with a divider to drag (Alt+Left and Alt+Right move it)",
    )
    wipe.setCheckable(True)
    compare.wipe_toggled.connect(lambda on: wipe.setChecked(on and compare.on))
    compare.toggled.connect(lambda on: wipe.setChecked(on and compare.wipe_on))
    a(
        "actionScreeningCompareFile",
        "Compare with a film &file…",
        ("Ctrl+Alt+C", ""),
        compare.ask_file,
        "Compare this film with a film file on this computer",
    )
    pane = room.script_pane
    opener = a(
        "actionScreeningOpenInScript",
        "Open scene in &script",
        ("Ctrl+Shift+E", ""),
        pane.open_scene,
        "Open the script in the Write room at the scene on screen",
    )
    pane.set_open_tip(opener.toolTip())
    a(
        "actionScreeningChooseScript",
        "C&hoose the film's script…",
        ("Ctrl+Alt+O", ""),
        room.choose_script,
        "Read the film's scenes from a script file you choose",
    )
    a(
        "actionScreeningShowScript",
        "Show the s&cript beside the film",
        ("Ctrl+Shift+T", ""),
        lambda: room.tabs.setCurrentWidget(pane),
        "Show the text of the scene on screen beside the film",
    )
    return made
