"""Open in script: the Write room shows the script a film was rendered from, at the scene
on screen in the Screening Room (``studio.film_script.ScriptSource``).

A script already open (the same file, or the same submitted script) is not reopened: the
cursor goes to the scene's heading, looked for near the line it had in the film's text,
since the writer may have edited above it since. A file is opened as the room opens any
file; a held version is put in the editor as the version it is (the writer's own script
can then be submitted as a new version of it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from vividverse_desktop.studio.film_script import ScriptSource, nearest_line

if TYPE_CHECKING:
    from vividverse_desktop.gui.rooms.write.room import WriteRoom


def open_script_at(room: WriteRoom, source: ScriptSource, line: int) -> None:
    """Show ``source`` in ``room`` with the cursor on its 0-based ``line``."""
    lines = source.text.split("\n")
    wanted = lines[line] if 0 <= line < len(lines) else ""
    if _is_open(room, source):
        room.go_to_line(nearest_line(room.editor.toPlainText(), wanted, line))
        return
    if source.path is not None:

        def arrived(_path: str) -> None:
            room.go_to_line(nearest_line(room.editor.toPlainText(), wanted, line))

        room.opened.connect(arrived, Qt.ConnectionType.SingleShotConnection)
        room.open_file(source.path, note="Opened at the scene on screen in the Screening Room")
        return
    if not room.may_discard():
        return
    room.load_text(source.text, path=None)
    if source.mine and source.script_id:
        room.script_id = source.script_id
        room.show_submit_label()
    room.display_name = source.label
    room.show_title()
    room.state.setText(
        "The version the film was rendered from"
        + ("; submit a new version when you have revised it." if source.mine else ".")
    )
    room.go_to_line(line)


def _is_open(room: WriteRoom, source: ScriptSource) -> bool:
    if source.path is not None:
        return room.path is not None and room.path.resolve() == source.path.resolve()
    return bool(source.script_id) and room.display_name == source.label
