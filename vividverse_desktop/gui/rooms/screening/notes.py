"""The notes beside the film: pinned to a frame or a range of a published film, listed with
frame and timecode; click one to see its frame; resolve or reopen.

Everything goes through studio.review on the task runner's database lane; the list
refreshes from the change hub (a sync bringing a colleague's note shows it at once).
Notes belong to a movie record: a film opened from disk is tied to one by choosing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeyEvent, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.core.changes import Subject
from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.core.wire import Drawing
from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.rooms.screening.decisions import DecisionBar
from vividverse_desktop.gui.rooms.screening.exports import ExportButton
from vividverse_desktop.gui.rooms.screening.note_drawing import NoteDrawingButtons
from vividverse_desktop.gui.rooms.screening.thread import ThreadPanel
from vividverse_desktop.gui.rooms.screening.timeline import Marker
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import UNIT
from vividverse_desktop.gui.widgets.message import MessageLine
from vividverse_desktop.studio import review, review_export
from vividverse_desktop.studio.screening import FilmFacts

if TYPE_CHECKING:
    from vividverse_desktop.studio.session import Session

NOTE_ROLE = Qt.ItemDataRole.UserRole


def _replies(view: review.NoteView) -> str:
    count = len(view.replies)
    return "" if not count else f"  ·  {count} repl{'y' if count == 1 else 'ies'}"


class NoteField(QPlainTextEdit):
    """The note being written: it keeps every key it gets (the film never moves while
    typing); Ctrl+Enter adds the note, Escape hands the keys back to the player."""

    submitted = Signal()
    left = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.left.emit()
            event.accept()
            return
        super().keyPressEvent(event)
        event.accept()


class NotesPanel(QWidget):
    """The film's notes and the field to add one at the frame shown."""

    note_chosen = Signal(int, object)  # a note was clicked: its frame and last frame (or None)
    markers_changed = Signal(object)  # tuple[Marker, ...]
    movie_changed = Signal(str)  # the movie the notes belong to ("" for none)
    done_typing = Signal()  # Escape in the field
    note_added = Signal(str, int)  # a note was saved here: its id and frame

    def __init__(self, runner: TaskRunner, hub: ChangeHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screeningNotesPanel")
        self.runner = runner
        self.hub = hub
        self.session: Session | None = None
        self.movie_id = ""
        self.views: tuple[review.NoteView, ...] = ()
        self.frame = 0
        self.frame_end: int | None = None
        self.rate = FrameRate.of(24)
        self._movies: tuple[review.MovieView, ...] = ()
        self.draft: Callable[[], Drawing | None] = lambda: None  # the drawing for a new note
        self.facts: FilmFacts | None = None
        self.thumbs: dict[int, QPixmap] = {}  # by frame
        self._unsubscribe = [
            hub.subscribe(Subject.REVIEW_NOTES, lambda _ids: self.refresh_notes()),
            hub.subscribe(Subject.NOTE_REPLIES, lambda _ids: self.refresh_notes()),
            hub.subscribe(Subject.MOVIES, lambda _ids: self.refresh_movies()),
            hub.subscribe(Subject.SCRIPTS, lambda _ids: self.refresh_movies()),
        ]
        self.destroyed.connect(lambda: [stop() for stop in self._unsubscribe])

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2 * UNIT)
        heading = QLabel("Notes", self)
        heading.setProperty("role", "heading")
        font = heading.font()
        font.setWeight(font.Weight.DemiBold)
        heading.setFont(font)
        column.addWidget(heading)
        row = QHBoxLayout()
        label = QLabel("Film:", self)
        row.addWidget(label)
        self.film_choice = QComboBox(self)
        self.film_choice.setObjectName("screeningFilmChoice")
        self.film_choice.setAccessibleName("The published film these notes belong to")
        self.film_choice.setToolTip("Notes belong to a published film: choose which film this is")
        label.setBuddy(self.film_choice)
        self.film_choice.currentIndexChanged.connect(self._film_chosen)
        row.addWidget(self.film_choice, 1)
        column.addLayout(row)

        self.list = QListWidget(self)
        self.list.setObjectName("screeningNotes")
        self.list.setAccessibleName("Notes on this film")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setIconSize(QSize(24 * UNIT, 18 * UNIT))
        self.list.itemClicked.connect(self._note_clicked)
        self.list.itemActivated.connect(self._note_clicked)
        self.list.currentItemChanged.connect(lambda *_: self._selection_changed())
        column.addWidget(self.list, 1)
        self.empty = QLabel(self)
        self.empty.setObjectName("screeningNotesEmpty")
        self.empty.setProperty("role", "muted")
        self.empty.setWordWrap(True)
        column.addWidget(self.empty)

        actions = QHBoxLayout()
        self.export_button = ExportButton(self)
        actions.addWidget(self.export_button)
        actions.addStretch(1)
        self.resolve_button = QPushButton("Resolve", self)
        self.resolve_button.setObjectName("screeningResolve")
        self.resolve_button.setAccessibleName("Resolve or reopen the chosen note")
        self.resolve_button.setToolTip("Mark the chosen note resolved (or open it again)")
        self.resolve_button.clicked.connect(self.toggle_resolved)
        actions.addWidget(self.resolve_button)
        column.addLayout(actions)
        self.note_drawing = NoteDrawingButtons(self)
        self.draw_on_button = self.note_drawing.add_button
        column.addWidget(self.note_drawing)
        self.thread = ThreadPanel(runner, hub, self)
        self.thread.done_typing.connect(self.done_typing)
        column.addWidget(self.thread)

        self.field = NoteField(self)
        self.field.setObjectName("screeningNoteText")
        self.field.setAccessibleName("New note")
        self.field.setTabChangesFocus(True)
        self.field.setFixedHeight(15 * UNIT)
        self.field.left.connect(self.done_typing)
        column.addWidget(self.field)
        submit = QShortcut(QKeySequence("Ctrl+Return"), self.field)
        submit.setContext(Qt.ShortcutContext.WidgetShortcut)
        submit.activated.connect(self.add_note)
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("screeningAddNote")
        self.add_button.setAccessibleName("Add the note at the frame shown")
        self.add_button.clicked.connect(self.add_note)
        column.addWidget(self.add_button)
        self.message = MessageLine("screeningNotesMessage", self)
        column.addWidget(self.message)

        self.decisions = DecisionBar(runner, hub, self)
        column.addWidget(self.decisions)
        self._fill_films()
        self._show_state()

    # -- the session, the film, the frame --------------------------------------------------

    def set_session(self, session: Session | None) -> None:
        """Use ``session``'s store (None: signed out)."""
        self.session = session
        self._movies = ()
        self.views = ()
        self.movie_id = ""
        self._fill_films()
        self._fill_notes()
        self._show_decision()
        self.refresh_movies()

    def choose_movie(self, movie_id: str) -> None:
        """Pin notes to ``movie_id`` (chosen in the list once the films are read)."""
        self.movie_id = movie_id
        self._fill_films()
        self._show_decision()
        self.refresh_notes()
        self.movie_changed.emit(movie_id)

    def set_where(self, frame: int, frame_end: int | None, rate: FrameRate) -> None:
        """Where a new note goes: the frame shown, or the in-out range."""
        self.frame, self.frame_end, self.rate = frame, frame_end, rate
        self._show_state()

    # -- reading ---------------------------------------------------------------------------

    def refresh_movies(self) -> None:
        """Read the films held here."""
        session = self.session
        if session is None:
            return
        self.runner.run_db(
            review.movies,
            store=session.store,
            on_done=lambda movies: self._movies_read(session, movies),
            owner=self,
        )

    def _movies_read(self, read_for: Session, movies: tuple[review.MovieView, ...]) -> None:
        if read_for is self.session:
            self._movies = movies
            self._fill_films()
            self._show_decision()

    def current_movie(self) -> review.MovieView | None:
        """The chosen film's record, once read."""
        return next((v for v in self._movies if v.movie.id == self.movie_id), None)

    def _show_decision(self) -> None:
        self.decisions.show_movie(self.session, self.current_movie())

    def refresh_notes(self) -> None:
        """Read the chosen film's notes."""
        session, movie_id = self.session, self.movie_id
        if session is None or not movie_id:
            self.views = ()
            self._fill_notes()
            return
        self.runner.run_db(
            review.notes,
            store=session.store,
            movie_id=movie_id,
            viewer_id=session.user_id,
            on_done=lambda views: self._notes_read(session, movie_id, views),
            on_error=self.failed,
            owner=self,
        )

    def _notes_read(
        self, session: Session, movie_id: str, views: tuple[review.NoteView, ...]
    ) -> None:
        if session is self.session and movie_id == self.movie_id:
            self.views = views
            self._fill_notes()
            self.refresh_thumbnails()

    # -- film facts, thumbnails, exports --------------------------------------------------

    def set_facts(self, facts: FilmFacts | None) -> None:
        """The film's rate, length, size and scenes (each note shows its scene)."""
        self.facts = facts
        self._fill_notes()

    def refresh_thumbnails(self) -> None:
        """Read the thumbnails kept for the notes' frames."""
        session, movie_id = self.session, self.movie_id
        if session is None or not movie_id:
            return
        self.runner.run_work(
            review_export.thumbnails,
            root=session.root,
            movie_id=movie_id,
            frames=[v.note.frame for v in self.views],
            on_done=lambda found: self._thumbnails_read(session, movie_id, found),
            owner=self,
        )

    def _thumbnails_read(self, session: Session, movie_id: str, found: dict[int, bytes]) -> None:
        if session is not self.session or movie_id != self.movie_id:
            return
        self.thumbs = {}
        for frame, png in found.items():
            pixmap = QPixmap()
            if pixmap.loadFromData(png, "PNG"):
                self.thumbs[frame] = pixmap
        self._fill_notes()

    def keep_thumbnail(self, frame: int, png: bytes) -> None:
        """Keep ``png`` as the thumbnail of ``frame`` of the chosen film."""
        session, movie_id = self.session, self.movie_id
        if session is None or not movie_id:
            return
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.thumbs[frame] = pixmap
        self.runner.run_work(
            review_export.keep_thumbnail,
            root=session.root,
            movie_id=movie_id,
            frame=frame,
            png=png,
            on_done=lambda _path: self._fill_notes(),
            on_error=self.failed,
            owner=self,
        )

    # -- writing ---------------------------------------------------------------------------

    def add_note(self) -> None:
        """Pin the field's text to the frame shown (or the range)."""
        session, movie_id = self.session, self.movie_id
        text = self.field.toPlainText().strip()
        if session is None or not movie_id or not text:
            self.say("Write the note first." if movie_id else self.why_no_notes())
            return
        self.add_button.setEnabled(False)
        frame = self.frame
        chapter = self.facts.chapter_at(frame) if self.facts is not None else None
        self.runner.run_db(
            review.add_note,
            store=session.store,
            user_id=session.user_id,
            movie_id=movie_id,
            frame=self.frame,
            frame_end=self.frame_end,
            rate=self.rate,
            text=text,
            drawing=self.draft(),
            scene=chapter.title if chapter is not None else None,
            on_done=lambda saved: self._added(saved, frame),
            on_error=self.failed,
            owner=self,
        )

    def _added(self, saved: review.SavedNote, frame: int) -> None:
        self.field.clear()
        self.say("")
        self._show_state()
        self.note_added.emit(saved.note_id, frame)
        self.hub.publish(saved.changes)

    def show_where(self) -> None:
        """Say again where (and with what) a new note goes."""
        self._show_state()

    def toggle_resolved(self) -> None:
        """Resolve the chosen note, or reopen it when it is resolved."""
        view = self.current_note()
        session = self.session
        if view is None or session is None:
            return
        status = review.NoteStatus.OPEN if view.resolved else review.NoteStatus.RESOLVED
        self.runner.run_db(
            review.set_note_status,
            store=session.store,
            user_id=session.user_id,
            roles=session.roles,
            note_id=view.note.id,
            status=status,
            on_done=lambda saved: self.hub.publish(saved.changes),
            on_error=self.failed,
            owner=self,
        )

    def failed(self, error: BaseException) -> None:
        """Say why something did not work."""
        self._show_state()
        self.message.say_failed(error, "Something went wrong")

    def say(self, text: str) -> None:
        """Show ``text`` under the notes (empty: nothing)."""
        self.message.say(text)

    # -- showing ---------------------------------------------------------------------------

    def current_note(self) -> review.NoteView | None:
        """The note chosen in the list."""
        item = self.list.currentItem()
        if item is None:
            return None
        note_id = item.data(NOTE_ROLE)
        return next((v for v in self.views if v.note.id == note_id), None)

    def _fill_films(self) -> None:
        choice = self.film_choice
        choice.blockSignals(True)
        choice.clear()
        choice.addItem("Not a published film", "")
        for view in self._movies:
            choice.addItem(f"{view.title} ({view.movie.status})", view.movie.id)
        index = choice.findData(self.movie_id)
        if index < 0 and self.movie_id:
            choice.addItem(self.movie_id, self.movie_id)
            index = choice.count() - 1
        choice.setCurrentIndex(max(index, 0))
        choice.setEnabled(self.session is not None)
        choice.blockSignals(False)

    def _film_chosen(self, index: int) -> None:
        movie_id = self.film_choice.itemData(index) or ""
        if movie_id != self.movie_id:
            self.choose_movie(movie_id)

    def _fill_notes(self) -> None:
        chosen = self.current_note()
        self.list.clear()
        for view in self.views:
            note = view.note
            where = note.timecode
            if note.frame_end is not None and note.frame_end != note.frame:
                where += f" – {view.rate.timecode(note.frame_end)}"
            state = "resolved" if view.resolved else "open"
            frames = f"frame {note.frame}" + (
                f"–{note.frame_end}" if note.frame_end is not None else ""
            )
            chapters = self.facts.chapters if self.facts is not None else ()
            scene = review_export.scene_of(note.frame, chapters)
            scene_line = f"{scene}\n" if scene else ""
            item = QListWidgetItem(
                f"{where}  ·  {frames}  ·  {state}\n{scene_line}{note.text}"
                f"\n— {view.author}{_replies(view)}"
            )
            thumb = self.thumbs.get(note.frame)
            if thumb is not None and not thumb.isNull():
                item.setIcon(QIcon(thumb))
            item.setData(NOTE_ROLE, note.id)
            item.setToolTip(note.text)
            self.list.addItem(item)
            if chosen is not None and chosen.note.id == note.id:
                self.list.setCurrentItem(item)
        self.markers_changed.emit(
            tuple(
                Marker(
                    v.note.id,
                    v.note.frame,
                    v.note.frame_end if v.note.frame_end is not None else v.note.frame,
                    v.resolved,
                    f"{v.note.timecode} — {v.note.text}",
                )
                for v in self.views
            )
        )
        self._show_state()

    def _note_clicked(self, item: QListWidgetItem) -> None:
        view = next((v for v in self.views if v.note.id == item.data(NOTE_ROLE)), None)
        if view is not None:
            self.note_chosen.emit(view.note.frame, view.note.frame_end)

    def _selection_changed(self) -> None:
        view = self.current_note()
        self.resolve_button.setEnabled(view is not None)
        self.resolve_button.setText("Reopen" if view is not None and view.resolved else "Resolve")
        own = (
            view is not None
            and self.session is not None
            and view.note.author_id == self.session.user_id
        )
        self.note_drawing.show_for(view, own=own, drafting=self.draft() is not None)
        self.thread.show_note(self.session, view)

    def why_no_notes(self) -> str:
        if self.session is None:
            return "Sign in to keep notes: notes belong to published films."
        return "Notes belong to a published film: choose above which film this is."

    def _show_state(self) -> None:
        able = self.session is not None and bool(self.movie_id)
        where = self.rate.timecode(self.frame)
        if self.frame_end is not None and self.frame_end != self.frame:
            where += f" – {self.rate.timecode(self.frame_end)}"
        drawn = " with the drawing" if self.draft() is not None else ""
        self.add_button.setText(f"Add note at {where}{drawn}")
        self.add_button.setToolTip(
            "Pin the note to the frame shown, or to the in-out range (Ctrl+Enter)"
        )
        self.add_button.setEnabled(able)
        self.field.setEnabled(able)
        self.field.setPlaceholderText(
            f"A note on {where}… (Ctrl+Enter adds it, Esc goes back to the film)"
            if able
            else self.why_no_notes()
        )
        if not able:
            self.empty.setText(self.why_no_notes())
        elif not self.views:
            self.empty.setText("No notes on this film yet. Pause on a frame and write one below.")
        self.empty.setVisible(not able or not self.views)
        self.export_button.setEnabled(able)
        self._selection_changed()
