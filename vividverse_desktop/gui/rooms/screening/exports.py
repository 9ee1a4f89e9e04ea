"""Export notes: a button with a menu of the three exports (CSV, a PDF with pictures, an
EDL of markers). studio.review_export writes them on the database lane."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QToolButton

from vividverse_desktop.studio import review_export

if TYPE_CHECKING:
    from vividverse_desktop.gui.rooms.screening.notes import NotesPanel

LABELS = {
    "csv": "Spreadsheet (CSV)…",
    "pdf": "PDF with pictures…",
    "edl": "EDL markers for an editor…",
}
FILTERS = {"csv": "CSV (*.csv)", "pdf": "PDF (*.pdf)", "edl": "EDL (*.edl)"}


class ExportButton(QToolButton):
    """Saves the notes of the panel's film."""

    exported = Signal(object)  # the Path written

    def __init__(self, panel: NotesPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.setObjectName("screeningExportNotes")
        self.setText("Export notes")
        self.setAccessibleName("Export the film's notes")
        self.setToolTip("Save the notes as CSV, a PDF with pictures, or an EDL of markers")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        for kind, label in LABELS.items():
            action = menu.addAction(label)
            action.setObjectName(f"actionExportNotes{kind.upper()}")
            action.triggered.connect(lambda _checked=False, k=kind: self.ask(k))
        self.setMenu(menu)

    def ask(self, kind: str) -> None:
        """Ask where to save the notes as ``kind``, then save them there."""
        panel = self.panel
        if panel.session is None or not panel.movie_id:
            panel.say(panel.why_no_notes())
            return
        movie = panel.current_movie()
        name = (movie.title if movie is not None else "film").replace("/", "-")
        path, _ = QFileDialog.getSaveFileName(
            self, "Export notes", f"{name} notes.{kind}", FILTERS[kind]
        )
        if path:
            self.export_to(kind, Path(path))

    def export_to(self, kind: str, path: Path) -> None:
        """Write the film's notes to ``path`` as ``kind`` (csv, pdf, edl)."""
        panel = self.panel
        session, movie_id, facts = panel.session, panel.movie_id, panel.facts
        if session is None or not movie_id:
            return
        aspect = facts.width / facts.height if facts is not None and facts.height else 16 / 9
        panel.runner.run_db(
            review_export.export_notes,
            store=session.store,
            movie_id=movie_id,
            viewer_id=session.user_id,
            kind=kind,
            path=path,
            chapters=facts.chapters if facts is not None else (),
            root=session.root,
            rate=facts.rate if facts is not None else None,
            frames=facts.frames if facts is not None else 0,
            aspect=aspect,
            on_done=self._exported,
            on_error=panel.failed,
            owner=self,
        )

    def _exported(self, path: Path) -> None:
        self.panel.say(f"Notes saved to {path.name}.")
        self.exported.emit(path)
