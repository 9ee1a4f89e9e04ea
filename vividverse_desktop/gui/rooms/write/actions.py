"""The Write room's commands: each with its menu text, shortcut (shown in its tooltip)
and what it does, working while the keyboard is in the room."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence

from vividverse_desktop.gui.rooms.command import Keys, room_action

if TYPE_CHECKING:
    from vividverse_desktop.gui.rooms.write.room import WriteRoom


def build_actions(room: WriteRoom) -> None:
    """Make the room's actions, add them to it and to ``room.actions_by_name``."""

    def a(name: str, text: str, keys: Keys, slot: Any, tip: str) -> QAction:
        action = room_action(room, name, text, keys, slot=slot, tip=tip)
        room.actions_by_name[name] = action
        return action

    a(
        "actionWriteNew",
        "&New script",
        QKeySequence.StandardKey.New,
        room.new_draft,
        "Start a new script",
    )
    a("actionWriteSave", "&Save", QKeySequence.StandardKey.Save, room.save, "Save the script")
    a(
        "actionWriteSaveAs",
        "Save &as…",
        "Ctrl+Alt+S",
        room.save_as,
        "Save the script under a new name",
    )
    a(
        "actionWriteSubmit",
        "Su&bmit for scoring",
        ["Ctrl+Return", "Ctrl+Enter"],
        room.submit,
        "Submit the script (or a new version of it) for scoring",
    )
    a(
        "actionWriteMyScripts",
        "&My scripts",
        "Ctrl+Shift+M",
        room.show_my_scripts,
        "List the scripts you submitted",
    )
    a(
        "actionWriteCompare",
        "&Compare versions…",
        "Ctrl+Shift+D",
        room.compare_versions,
        "Compare two submitted versions of this script, scene by scene",
    )
    a(
        "actionWriteWatchScene",
        "&Watch this scene",
        ["Ctrl+Shift+Return", "Ctrl+Shift+Enter"],
        room.watch_scene,
        "Render the scene under the cursor and play it beside the script",
    )
    a("actionWriteExport", "&Export…", "Ctrl+E", room.export, "Export as PDF or Fountain")
    a(
        "actionWriteUndo",
        "&Undo",
        QKeySequence.StandardKey.Undo,
        room.editor.undo,
        "Undo the last change (moves, replace all and element changes are one step each)",
    )
    a(
        "actionWriteRedo",
        "&Redo",
        ["Ctrl+Shift+Z", "Ctrl+Y"],
        room.editor.redo,
        "Redo what was undone",
    )
    a(
        "actionWriteFind",
        "&Find…",
        QKeySequence.StandardKey.Find,
        room.find_bar.open_bar,
        "Find in the script",
    )
    a(
        "actionWriteReplace",
        "&Replace…",
        "Ctrl+H",
        lambda: room.find_bar.open_bar(replace=True),
        "Find and replace",
    )
    a("actionWriteFindNext", "Find &next", "F3", room.find_bar.find_next, "Find the next match")
    a(
        "actionWriteFindPrevious",
        "Find pre&vious",
        "Shift+F3",
        room.find_bar.find_previous,
        "Find the previous match",
    )
    a(
        "actionWriteGoToScene",
        "Go to &scene…",
        "Ctrl+G",
        room.ask_scene,
        "Go to a scene by number",
    )
    a("actionWriteGoToPage", "Go to &page…", "Ctrl+Shift+G", room.ask_page, "Go to a page")
    a(
        "actionWriteBold",
        "&Bold",
        "Ctrl+B",
        lambda: room.editor.emphasise("bold"),
        "Make the selection bold (**)",
    )
    a(
        "actionWriteItalic",
        "&Italic",
        "Ctrl+I",
        lambda: room.editor.emphasise("italic"),
        "Make the selection italic (*)",
    )
    a(
        "actionWriteUnderline",
        "&Underline",
        "Ctrl+U",
        lambda: room.editor.emphasise("underline"),
        "Underline the selection (_)",
    )
    a(
        "actionWriteZoomIn",
        "Zoom &in",
        ["Ctrl++", "Ctrl+="],
        lambda: room.editor.zoom(1),
        "Larger script text",
    )
    a(
        "actionWriteZoomOut",
        "Zoom &out",
        "Ctrl+-",
        lambda: room.editor.zoom(-1),
        "Smaller script text",
    )
    a(
        "actionWriteZoomReset",
        "Actual si&ze",
        "Ctrl+0",
        lambda: room.editor.zoom(0),
        "Script text at 12 pt",
    )
    a(
        "actionWriteFocus",
        "&Focus mode",
        "Ctrl+Shift+F",
        room.toggle_focus,
        "Hide everything but the page",
    )
    a(
        "actionWriteNavigator",
        "Show &navigator",
        "Ctrl+Shift+N",
        room.toggle_navigator,
        "Show or hide the scene navigator",
    )
    a(
        "actionWriteStats",
        "Show s&tatistics",
        "Ctrl+Shift+I",
        room.show_statistics,
        "Show the statistics beside the script",
    )
    a(
        "actionWritePreview",
        "Show the pa&ge",
        "Ctrl+Shift+P",
        room.show_page_preview,
        "Show the formatted page beside the script",
    )
    spelling = a(
        "actionWriteSpelling",
        "Check spe&lling",
        "Shift+F7",
        lambda: room.proofreader.set_enabled(spelling.isChecked()),
        "Underline misspelt words as you write",
    )
    spelling.setCheckable(True)
    spelling.setChecked(room.proofreader.enabled)
    a(
        "actionWriteNextMisspelling",
        "Next &misspelling",
        "F7",
        room.proofreader.next_misspelling,
        "Go to the next misspelt word and offer its spellings",
    )
