"""The drawing on one's own chosen note: add what is being drawn to it, remove its drawing,
or put a drawing just removed back.

Each is an edit of the note through studio.review on the database lane, saved here at
once and queued for the server like any other note edit. The buttons show only on one's
own notes: only a note's author may edit it (the server checks that again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from vividverse_desktop.core.wire import Drawing
from vividverse_desktop.gui.theme import UNIT
from vividverse_desktop.studio import review

if TYPE_CHECKING:
    from vividverse_desktop.gui.rooms.screening.notes import NotesPanel


class NoteDrawingButtons(QWidget):
    """Add to, remove or put back the drawing of the chosen note (one's own)."""

    def __init__(self, panel: NotesPanel) -> None:
        super().__init__(panel)
        self.setObjectName("screeningNoteDrawing")
        self.panel = panel
        self.removed: tuple[str, Drawing] | None = None  # (note id, drawing) to put back
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(UNIT)
        specs = (
            (
                "screeningDrawOnNote",
                "Add the drawing to this note",
                "Add the drawing to the chosen note",
                "Add what is drawn on the frame to your chosen note",
                self.add_to_note,
            ),
            (
                "screeningRemoveDrawing",
                "Remove the note's drawing",
                "Remove the drawing from the chosen note",
                "Take the drawing off your chosen note (its text stays; you can put it back)",
                self.remove,
            ),
            (
                "screeningPutDrawingBack",
                "Put the drawing back",
                "Put the removed drawing back on the note",
                "Undo: put the drawing just removed back on the note",
                self.put_back,
            ),
        )
        self.add_button, self.remove_button, self.put_back_button = (
            self._button(*spec) for spec in specs
        )
        for button in (self.add_button, self.remove_button, self.put_back_button):
            column.addWidget(button)

    def _button(
        self, name: str, text: str, accessible: str, tip: str, slot: Callable[[], None]
    ) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setToolTip(tip)
        button.clicked.connect(lambda _=False: slot())
        button.hide()
        return button

    def show_for(self, view: review.NoteView | None, *, own: bool, drafting: bool) -> None:
        """Offer what fits the chosen note: add (something is drawn), remove (it has a
        drawing), put back (its drawing was just removed here)."""
        removed = self.removed
        put_back = (
            own and view is not None and view.drawing is None
            and removed is not None and removed[0] == view.note.id
        )  # fmt: skip
        shown = {
            self.add_button: own and drafting,
            self.remove_button: own and view is not None and view.drawing is not None,
            self.put_back_button: put_back,
        }
        for button, visible in shown.items():
            button.setVisible(visible)
            button.setEnabled(True)
        self.setVisible(any(shown.values()))

    def add_to_note(self) -> None:
        """Add the drawing being made to one's own chosen note (after its shapes)."""
        view, draft = self.panel.current_note(), self.panel.draft()
        if view is None or draft is None:
            return
        shapes = (view.drawing.shapes if view.drawing is not None else ()) + draft.shapes
        frame = view.note.frame
        self._edit(
            self.add_button,
            review.edit_note,
            view,
            lambda saved: self._added(saved, frame),
            text=view.note.text,
            drawing=Drawing(shapes),
        )

    def _added(self, saved: review.SavedNote, frame: int) -> None:
        self.panel.say("The drawing is on the note.")
        self.panel.note_added.emit(saved.note_id, frame)
        self.panel.hub.publish(saved.changes)

    def remove(self) -> None:
        """Take the drawing off one's own chosen note."""
        view = self.panel.current_note()
        if view is None or view.drawing is None:
            return
        drawing = view.drawing
        self._edit(
            self.remove_button,
            review.remove_drawing,
            view,
            lambda saved: self._removed(saved, drawing),
        )

    def _removed(self, saved: review.SavedNote, drawing: Drawing) -> None:
        self.removed = (saved.note_id, drawing)
        self.panel.say("The drawing is off the note; “Put the drawing back” undoes it.")
        self.panel.hub.publish(saved.changes)

    def put_back(self) -> None:
        """Put the drawing just removed back on its note."""
        view, removed = self.panel.current_note(), self.removed
        if view is None or removed is None or removed[0] != view.note.id:
            return
        self._edit(
            self.put_back_button,
            review.edit_note,
            view,
            self._put_back,
            text=view.note.text,
            drawing=removed[1],
        )

    def _put_back(self, saved: review.SavedNote) -> None:
        self.removed = None
        self.panel.say("The drawing is back on the note.")
        self.panel.hub.publish(saved.changes)

    def _edit(
        self,
        button: QPushButton,
        edit: Callable[..., review.SavedNote],
        view: review.NoteView,
        on_done: Callable[[review.SavedNote], None],
        **changes: object,
    ) -> None:
        """Run ``edit`` of the note on the database lane, ``button`` disabled meanwhile."""
        panel, session = self.panel, self.panel.session
        if session is None:
            return
        button.setEnabled(False)
        panel.runner.run_db(
            edit,
            store=session.store,
            user_id=session.user_id,
            note_id=view.note.id,
            on_done=on_done,
            on_error=panel.failed,
            owner=panel,
            **changes,
        )
