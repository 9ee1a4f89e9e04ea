"""The Write room's file: opening a script (Fountain, Final Draft, PDF, text), saving it
atomically, exporting it, and asking before unsaved changes are thrown away.

The work runs on workers (``studio.writing``); these functions keep the room's record of
its file (``room.path``, ``room.known``, ``room.document_key``) in step with it. An open
answered after a newer one was asked for (``room._opening``) is dropped.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFileDialog, QMessageBox

from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.gui.rooms.write.export_dialog import ExportDialog
from vividverse_desktop.studio import drafts, writing
from vividverse_desktop.studio.drafts import Fingerprint
from vividverse_desktop.studio.errors import explain

if TYPE_CHECKING:
    from vividverse_desktop.gui.rooms.write.room import WriteRoom

SAVE_FILTER = "Fountain (*.fountain)"
SAMPLE = ("samples", "night_market.fountain")


def draft_key(path: Path) -> str:
    """The name of the draft kept for the file at ``path``."""
    return hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]


# -- opening -----------------------------------------------------------------------


def open_file(room: WriteRoom, path: Path, *, note: str = "") -> None:
    """Open a script file off the GUI thread (a PDF or .txt through the import review);
    ``note`` is said once it is open."""
    if not may_discard(room):
        return
    if Path(path).suffix.lower() in (".pdf", ".txt"):
        room.review_import(Path(path))
        return
    read_draft(room, Path(path), lambda draft: opened(room, draft, note))


def read_draft(room: WriteRoom, path: Path, then: Callable[[writing.OpenedDraft], None]) -> None:
    """Read the file at ``path`` on a worker and hand it to ``then``; the answer is dropped
    if another file or text was put in the room meanwhile."""
    room.state.setText(f"Opening {path.name}…")
    room._opening += 1
    asked = room._opening
    room.runner.run_work(
        writing.open_draft,
        path=path,
        owner=room,
        on_done=lambda draft: then(draft) if asked == room._opening else None,
        on_error=lambda error: (
            room.state.setText(explain(error)) if asked == room._opening else None
        ),
    )


def opened(room: WriteRoom, draft: writing.OpenedDraft, note: str = "") -> None:
    """Put an opened file in the editor: a sample or an import as an unsaved copy."""
    sample = draft.path == resource_path(*SAMPLE)
    load_text(room, draft.text, path=None if sample or not draft.editable_in_place else draft.path)
    room.source_format = draft.source_format
    room.known = draft.known if room.path is not None else None
    notes = [note] if note else []
    if sample:
        notes.append("A sample: Save as… keeps your own copy")
    elif not draft.editable_in_place:
        notes.append(f"Imported from {draft.path.name}; saving writes a .fountain file")
    notes.extend(draft.warnings[:2])
    if room.path is not None:
        room.preferences.set("write/last_file", str(room.path))
    room.state.setText(" · ".join(notes))
    room.opened.emit(str(draft.path))


def load_text(room: WriteRoom, text: str, *, path: Path | None) -> None:
    """Put ``text`` in the editor as a freshly opened document."""
    room._opening += 1  # text put in by hand wins over an open still on its way
    room.banner.dismiss()
    room.path = path
    room.known = None
    room.document_key = draft_key(path) if path is not None else uuid.uuid4().hex
    room.display_name = ""
    room.script_id = ""
    room.show_submit_label()
    with QSignalBlocker(room.editor.document()):
        room.editor.setPlainText(text)
    room.edits += 1
    room.editor.document().setModified(False)
    room.editor.moveCursor(QTextCursor.MoveOperation.Start)
    room.analysis = None
    room.proofreader.document_opened()
    room.show_title()
    room.read_now()
    if room.isVisible():
        room.editor.setFocus()


def may_discard(room: WriteRoom) -> bool:
    """Ask before throwing away unsaved changes; True to go on."""
    if not room.has_changes() or room.editor.document().isEmpty():
        return True
    answer = QMessageBox.question(
        room,
        "Unsaved changes",
        "The script has changes that are not saved. Save them first?",
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save,
    )
    if answer == QMessageBox.StandardButton.Save:
        return save(room)
    return answer == QMessageBox.StandardButton.Discard


# -- saving ------------------------------------------------------------------------


def save(room: WriteRoom) -> bool:
    """Save to the script's file (asking for one if it has none); True if started."""
    if room.path is None:
        return save_as(room)
    save_to(room, room.path)
    return True


def save_as(room: WriteRoom) -> bool:
    """Ask where, then save there."""
    chosen, _ = QFileDialog.getSaveFileName(
        room, "Save the script", suggested(room, ".fountain"), SAVE_FILTER
    )
    if not chosen:
        return False
    path = Path(chosen)
    if path.suffix.lower() not in (".fountain", ".spmd", ".txt"):
        path = path.with_suffix(".fountain")
    save_to(room, path)
    return True


def suggested(room: WriteRoom, suffix: str) -> str:
    """The file name offered for the script with ``suffix``."""
    if room.path is not None:
        return str(room.path.with_suffix(suffix))
    title = room.analysis.screenplay.title if room.analysis else ""
    return (title or "Untitled") + suffix


def save_to(room: WriteRoom, path: Path, *, overwrite: bool = False) -> None:
    """Write the text to ``path`` atomically, on a worker; a file another program
    changed meanwhile is not overwritten unless the writer says so."""
    revision = room.edits
    room.state.setText(f"Saving {path.name}…")
    same = room.path is not None and path.resolve() == room.path.resolve()

    def saved(known: Fingerprint) -> None:
        room.known = known
        room.safe.forget_draft()
        if not same:
            room.document_key = draft_key(path)
        room.path = path
        if not same:
            room.proofreader.document_renamed()
        room.display_name = ""
        room.preferences.set("write/last_file", str(path))
        if room.edits == revision:
            room.editor.document().setModified(False)
        room.state.setText(f"Saved {path.name}")
        room.show_title()

    def failed(error: BaseException) -> None:
        if isinstance(error, drafts.ChangedOnDisk):
            room.banner.ask(
                str(error),
                ("Save anyway", lambda: save_to(room, path, overwrite=True)),
                ("Save as…", lambda: save_as(room)),
            )
            room.state.setText("Not saved.")
        else:
            room.state.setText(explain(error))

    room.runner.run_work(
        writing.save_text,
        path=path,
        text=room.editor.toPlainText(),
        expected=room.known if same else None,
        overwrite=overwrite or not same,
        owner=room,
        on_done=saved,
        on_error=failed,
    )


# -- exporting ---------------------------------------------------------------------


def export(room: WriteRoom) -> ExportDialog:
    """Ask for the format, options and file, then export on a worker."""
    dialog = ExportDialog(
        Path(suggested(room, ".pdf")),
        room.preferences,
        has_previous=bool(room.script_id and room.session is not None),
        parent=room,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: _export_chosen(room, dialog))
    dialog.open()
    return dialog


def _export_chosen(room: WriteRoom, dialog: ExportDialog) -> None:
    path, options = dialog.path(), dialog.options()
    if not dialog.wants_revision_marks():
        export_to(room, path, **options)
        return
    room.runner.run_db(
        writing.latest_text,
        store=room.session.store,
        script_id=room.script_id,
        owner=room,
        on_done=lambda previous: export_to(room, path, revised_from=previous, **options),
        on_error=lambda error: room.state.setText(explain(error)),
    )


def export_to(room: WriteRoom, path: Path, **options: Any) -> None:
    """Export the current text to ``path`` (by its suffix), on a worker."""
    room.state.setText(f"Exporting {path.name}…")
    room.runner.run_work(
        writing.export_text,
        text=room.editor.toPlainText(),
        output=path,
        owner=room,
        on_done=lambda done: room.state.setText(
            f"Exported {done.path.name} ({done.pages} pages)"
            if done.pages
            else f"Exported {done.path.name}"
        ),
        on_error=lambda error: room.state.setText(explain(error)),
        **options,
    )
