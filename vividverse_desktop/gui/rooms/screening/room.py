"""The Screening Room: the film as large as the window allows, the transport and timeline
under it, the scenes (chapters) and the notes beside it.

The player keeps the keyboard focus so a reviewer's keys work at once; clicking the
timeline, a scene or a note shows that frame and hands the focus back to the player.
The film's exact rate, frame count and chapters are read by studio.screening on the
task runner's work pool; until they arrive the decoder's own figures stand in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QIODevice, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.icons import icon
from vividverse_desktop.gui.rooms import RoomInfo
from vividverse_desktop.gui.rooms.screening.actions import build_actions
from vividverse_desktop.gui.rooms.screening.compare import CompareMode
from vividverse_desktop.gui.rooms.screening.draw_bar import DrawBar
from vividverse_desktop.gui.rooms.screening.drawing import DrawingOverlay
from vividverse_desktop.gui.rooms.screening.notes import NotesPanel
from vividverse_desktop.gui.rooms.screening.player import Player
from vividverse_desktop.gui.rooms.screening.script_pane import LOOKING, ScriptPane
from vividverse_desktop.gui.rooms.screening.timeline import Timeline
from vividverse_desktop.gui.rooms.screening.transport import Transport
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import UNIT, Colours
from vividverse_desktop.studio import film_script, films, screening
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.studio.session import default_root

if TYPE_CHECKING:
    from vividverse_desktop.studio.session import Session

THUMBNAIL_WIDTH = 240
EMPTY = (
    "No film open yet. Open a film (Ctrl+O) or drop one here to watch it, step through it "
    "frame by frame and pin notes to its frames."
)


class ScreeningRoom(QWidget):
    """Player, transport, timeline, scenes, the script and notes for one film at a time."""

    script_wanted = Signal(object, int)
    """"Open in script": a ``film_script.ScriptSource`` and the 0-based line to go to."""

    def __init__(
        self,
        room: RoomInfo,
        *,
        runner: TaskRunner,
        hub: ChangeHub,
        open_action: QAction | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.room = room
        self.runner = runner
        self.facts: screening.FilmFacts | None = None
        self.opened: Path | None = None
        self.setObjectName(f"room_{room.key}")
        self.setAccessibleName(f"{room.title} room")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4 * UNIT, 2 * UNIT, 4 * UNIT, 2 * UNIT)
        outer.setSpacing(2 * UNIT)

        header = QHBoxLayout()
        title = QLabel(room.title, self)
        title.setProperty("role", "title")
        title.setObjectName(f"{room.key}Title")
        header.addWidget(title)
        self.film_label = QLabel(self)
        self.film_label.setObjectName("screeningFilmName")
        self.film_label.setProperty("role", "muted")
        header.addWidget(self.film_label, 1)
        self.compare_button = QToolButton(self)
        self.compare_button.setObjectName("screeningCompareToggle")
        self.compare_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.compare_button.setAutoRaise(True)
        self.compare_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header.addWidget(self.compare_button)
        self.open_button = QPushButton(room.action_label, self)
        self.open_button.setObjectName(f"{room.key}FirstAction")
        self.open_button.setAccessibleName("Open a film")
        self.open_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        if open_action is not None:
            keys = open_action.shortcut().toString()
            self.open_button.setToolTip(f"Open a film from disk ({keys})" if keys else "")
            self.open_button.clicked.connect(open_action.trigger)
        else:
            self.open_button.hide()
        header.addWidget(self.open_button)
        outer.addLayout(header)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("screeningSplitter")
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)

        self.stage = QWidget(self.splitter)
        self.stage.setObjectName("screeningStage")
        self.stage.setWindowTitle("Screening Room — Vividverse")
        stage = QVBoxLayout(self.stage)
        stage.setContentsMargins(0, 0, 0, 0)
        stage.setSpacing(UNIT)
        self.pictures = QWidget(self.stage)  # the film; film B beside it when comparing
        self.pictures.setObjectName("screeningPictures")
        pictures = QHBoxLayout(self.pictures)
        pictures.setContentsMargins(0, 0, 0, 0)
        pictures.setSpacing(UNIT)
        self.player = Player(self.pictures, frames=runner.frames_thread)
        self.player.message = EMPTY
        pictures.addWidget(self.player, 1)
        self.overlay = DrawingOverlay(self.player)
        self.compare = CompareMode(self)
        stage.addWidget(self.compare.bar)
        stage.addWidget(self.pictures, 1)
        self.draw_bar = DrawBar(self.overlay, self.stage)
        stage.addWidget(self.draw_bar)
        self.transport = Transport(self.player, self.stage)
        stage.addWidget(self.transport)
        self.timeline = Timeline(self.stage)
        stage.addWidget(self.timeline)
        self.splitter.addWidget(self.stage)

        side = QSplitter(Qt.Orientation.Vertical, self.splitter)
        side.setObjectName("screeningSide")
        self.tabs = QTabWidget(side)
        self.tabs.setObjectName("screeningTabs")
        self.tabs.setAccessibleName("The film's scenes, and the script of the scene on screen")
        self.tabs.setDocumentMode(True)
        scenes_box = QWidget(self.tabs)
        scenes = QVBoxLayout(scenes_box)
        scenes.setContentsMargins(0, UNIT, 0, 0)
        self.scenes = QListWidget(scenes_box)
        self.scenes.setObjectName("screeningScenes")
        self.scenes.setAccessibleName("Scenes of the film (its chapters)")
        self.scenes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scenes.setTextElideMode(Qt.TextElideMode.ElideRight)  # the tooltip has it whole
        self.scenes.itemClicked.connect(self._scene_clicked)
        self.scenes.itemActivated.connect(self._scene_clicked)
        scenes.addWidget(self.scenes, 1)
        self.script_pane = ScriptPane(self.tabs)
        self.tabs.addTab(scenes_box, "Scenes")
        self.tabs.addTab(self.script_pane, "Script")
        self.notes = NotesPanel(runner, hub, side)
        side.addWidget(self.tabs)
        side.addWidget(self.notes)
        side.setSizes([340, 420])
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 340])

        self.player.frame_shown.connect(self._frame_shown)
        self.player.changed.connect(self._player_changed)
        self.player.failed.connect(self._say)
        self.player.fullscreen_requested.connect(self.toggle_fullscreen)
        self.timeline.seek_requested.connect(self._timeline_seek)
        self.notes.note_chosen.connect(self._note_chosen)
        self.notes.markers_changed.connect(self.timeline.set_markers)
        self.notes.markers_changed.connect(lambda _markers: self._show_drawings())
        self.notes.draft = self.overlay.draft_drawing
        self.notes.note_added.connect(self._note_added)
        self.overlay.draft_changed.connect(self.notes.show_where)
        self.notes.done_typing.connect(self.focus_player)
        self.notes.movie_changed.connect(self._movie_chosen)
        self.notes.movie_changed.connect(lambda _id: self._movie_changed())
        self._films: dict[str, Path] = {}  # movie id -> its film opened here
        self._session: Session | None = None
        self._actions = build_actions(self)
        self.compare_button.setDefaultAction(self._actions[0])
        self.compare_button.setAccessibleName("Compare with another render")
        self.script_pane.open_requested.connect(self.script_wanted)
        self.script_pane.choose_requested.connect(self.choose_script)
        self._show_scenes()

    # -- seams for the shell -----------------------------------------------------------------

    def open_file(self, path: Path) -> None:
        """Open a film from disk paused on its first frame, the player focused."""
        path = Path(path)
        self.opened = path
        self.facts = None
        self.notes.set_facts(None)
        self.film_label.setText(path.name)
        self.film_label.setToolTip(str(path))
        self.player.open(path)
        self.timeline.set_film(0, ())
        self._show_scenes()
        self.compare.a_changed()
        self.focus_player()
        self.runner.run_work(
            screening.film_facts,
            path=path,
            on_done=lambda facts: self._facts_read(path, facts),
            on_error=lambda error: self._facts_failed(path, error),
            owner=self,
        )

    def open_movie(self, movie_id: str, path: Path) -> None:
        """Open a published film's copy at ``path`` with its notes."""
        self._films[movie_id] = path
        self.open_file(path)
        self.notes.choose_movie(movie_id)

    def _movie_chosen(self, movie_id: str) -> None:
        """A published film was chosen for notes: play it too, fetched once and kept."""
        session = self._session
        if not movie_id or session is None:
            return
        if self.opened is not None and self._films.get(movie_id) == self.opened:
            return
        view = self.notes.current_movie()
        if view is not None and not view.movie.video_key:
            self.notes.say("This film has no video uploaded yet: notes can still be read.")
            return
        self.notes.say("Fetching the film…")

        def fetched(copy: films.FilmCopy) -> None:
            if self.notes.movie_id != movie_id:
                return  # another film was chosen meanwhile
            self.open_file(copy.path)
            self.notes.say("" if copy.downloaded else "Playing the copy kept on this computer.")

        self.fetch_film(movie_id, on_fetched=fetched, on_error=self.notes.failed)

    def fetch_film(
        self,
        movie_id: str,
        *,
        on_fetched: Callable[[films.FilmCopy], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """The film of a published movie on this computer: kept, or fetched once now."""
        session = self._session
        if session is None:
            on_error(StudioError("sign in to play the films of published movies"))
            return

        def fetched(copy: films.FilmCopy) -> None:
            self._films[movie_id] = copy.path
            on_fetched(copy)

        self.runner.run_net(
            films.fetch_film,
            client=session.client,
            movie_id=movie_id,
            cache_dir=default_root() / "films",
            owner=self,
            on_done=fetched,
            on_error=on_error,
        )

    def _movie_changed(self) -> None:
        self.compare.read_renders()
        self.compare.a_changed()

    @property
    def session(self) -> Session | None:
        """The signed-in account's session (None: none)."""
        return self._session

    def room_actions(self) -> list[QAction]:
        """The room's commands, for its menu and the command palette."""
        return list(self._actions)

    def set_session(self, session: Session | None) -> None:
        """The signed-in account whose store holds the films and notes (None: none)."""
        self._session = session
        self.notes.set_session(session)

    def apply_colours(self, colours: Colours) -> None:
        """Redraw in the scheme's colours."""
        self.transport.apply_colours(colours)
        self.timeline.apply_colours(colours)
        self.notes.decisions.apply_colours(colours)
        self.draw_bar.apply_colours(colours)
        self.script_pane.apply_colours(colours)
        self.compare.apply_colours(colours)
        self._actions[0].setIcon(icon("mdi6.select-compare", colours))

    def focus_player(self) -> None:
        """Give the keyboard to the player."""
        self.player.setFocus(Qt.FocusReason.OtherFocusReason)

    def toggle_fullscreen(self) -> None:
        """Show the stage (picture, transport, timeline) on the whole screen, or back."""
        if not self.player.fullscreen:
            self.stage.setParent(None)
            self.stage.setWindowFlag(Qt.WindowType.Window, True)
            self.stage.showFullScreen()
            self.player.fullscreen = True
        else:
            self.stage.showNormal()
            self.stage.setWindowFlag(Qt.WindowType.Window, False)
            self.splitter.insertWidget(0, self.stage)
            self.stage.show()
            self.player.fullscreen = False
            self.window().activateWindow()
        self.focus_player()

    # -- the film's facts --------------------------------------------------------------------

    def _facts_read(self, path: Path, facts: screening.FilmFacts) -> None:
        if path != self.opened:
            return
        self.facts = facts
        self.notes.set_facts(facts)
        self.player.set_facts(facts.rate, facts.frames)
        self.timeline.set_film(facts.frames, facts.chapters)
        self._show_scenes()
        self._find_script(path, facts)
        self.compare.a_changed()

    def _facts_failed(self, path: Path, error: BaseException) -> None:
        if path != self.opened:
            return
        why = error.message if isinstance(error, StudioError) else str(error)
        self._say(f"{why} The player's own reading of the film is used.")

    def say(self, text: str) -> None:
        """Say ``text`` beside the film's name."""
        self._say(text)

    def _say(self, text: str) -> None:
        self.film_label.setText(f"{self.opened.name if self.opened else ''} — {text}")

    # -- following the player ----------------------------------------------------------------

    def _frame_shown(self, frame: int) -> None:
        self.timeline.set_playhead(frame)
        self._where_changed()
        self._highlight_scene(frame)
        self._show_drawings()
        self._thumbnail_missing(frame)

    def _show_drawings(self) -> None:
        """The drawings of the notes on the frame shown, while paused."""
        frame = self.player.frame
        drawings = []
        if self.player.speed == 0 and frame >= 0:
            for view in self.notes.views:
                note = view.note
                last = note.frame if note.frame_end is None else note.frame_end
                if view.drawing is not None and note.frame <= frame <= last:
                    drawings.append(view.drawing)
        self.overlay.set_shown(drawings)

    def _note_added(self, note_id: str, frame: int) -> None:
        """The draft went with the note: forget it and leave drawing mode; keep a
        thumbnail of the frame."""
        self.overlay.clear_draft()
        self.draw_bar.stop()
        self._keep_thumbnail(frame)

    def _keep_thumbnail(self, frame: int) -> None:
        """A small PNG of the decoded frame (a grab of the video would be blank)."""
        image = self.player.image
        if self.player.frame != frame or image.isNull():
            return
        small = image.scaledToWidth(
            min(THUMBNAIL_WIDTH, max(image.width(), 1)),
            Qt.TransformationMode.SmoothTransformation,
        )
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        small.save(buffer, "PNG")
        self.notes.keep_thumbnail(frame, bytes(buffer.data().data()))

    def _thumbnail_missing(self, frame: int) -> None:
        """Paused on a note's frame that has no thumbnail yet (a colleague's note)."""
        if self.player.speed != 0 or frame in self.notes.thumbs:
            return
        if any(v.note.frame == frame for v in self.notes.views):
            self._keep_thumbnail(frame)

    def _player_changed(self) -> None:
        self._show_drawings()
        if self.facts is None and self.player.frames != self.timeline.frames:
            self.timeline.set_film(self.player.frames, ())
        self.timeline.set_range(self.player.in_frame, self.player.out_frame)
        self._where_changed()

    def _where_changed(self) -> None:
        p = self.player
        frame = max(p.frame, 0)
        if p.in_frame is not None and p.out_frame is not None:
            self.notes.set_where(p.in_frame, p.out_frame, p.rate)
        else:
            self.notes.set_where(frame, None, p.rate)

    def _timeline_seek(self, frame: int) -> None:
        self.player.seek(frame)
        self.focus_player()

    def _note_chosen(self, frame: int, frame_end: int | None) -> None:
        """Show the note's frame; a range note becomes the in-out range, so Space loops it."""
        self.player.pause()
        if frame_end is not None and frame_end > frame:
            self.player.set_in(frame)
            self.player.set_out(frame_end)
        self.player.seek(frame)
        self.focus_player()

    # -- scenes --------------------------------------------------------------------------------

    def _show_scenes(self) -> None:
        self.scenes.clear()
        chapters = self.facts.chapters if self.facts is not None else ()
        rate = self.player.rate
        for chapter in chapters:
            item = QListWidgetItem(f"{chapter.label}\n{rate.timecode(chapter.first)}")
            item.setData(Qt.ItemDataRole.UserRole, chapter.first)
            item.setToolTip(
                f"{chapter.title}: frames {chapter.first}–{chapter.last} (click to jump)"
            )
            self.scenes.addItem(item)
        if not chapters:
            item = QListWidgetItem(
                "This film has no chapters." if self.facts is not None else "No film open."
            )
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.scenes.addItem(item)
        self._highlight_scene(max(self.player.frame, 0))

    def _highlight_scene(self, frame: int) -> None:
        if self.facts is None:
            return
        chapter = self.facts.chapter_at(frame)
        row = chapter.index if chapter is not None else -1
        self.script_pane.show_chapter(row)
        if self.scenes.currentRow() != row:
            self.scenes.blockSignals(True)
            self.scenes.setCurrentRow(row)
            self.scenes.blockSignals(False)

    def _scene_clicked(self, item: QListWidgetItem) -> None:
        first = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(first, int):
            self.player.seek(first)
            self.focus_player()

    # -- the script beside the film ------------------------------------------------------------

    def _find_script(
        self, path: Path, facts: screening.FilmFacts, chosen: Path | None = None
    ) -> None:
        """Find the film's script (the held version of its movie, a file beside it, or
        ``chosen``) and pair its scenes with the chapters, off the GUI thread."""
        if not facts.chapters:
            self.script_pane.set_script(None, chapters=0)
            return
        self.script_pane.say(LOOKING)

        def pair(held: film_script.ScriptSource | None) -> None:
            self.runner.run_work(
                film_script.find_script,
                chapters=facts.chapters,
                film=path,
                held=held,
                chosen=chosen,
                owner=self,
                on_done=lambda found: self._script_found(path, found),
                on_error=lambda error: self._script_failed(path, error),
            )

        session = self._session
        movie_id = next((m for m, p in self._films.items() if p == path), "")
        if chosen is None and session is not None and movie_id:
            self.runner.run_db(
                film_script.held_version,
                store=session.store,
                movie_id=movie_id,
                viewer_id=session.user_id,
                owner=self,
                on_done=pair,
                on_error=lambda _error: pair(None),
            )
        else:
            pair(None)

    def _script_found(self, path: Path, found: film_script.FilmScript | None) -> None:
        if path != self.opened or self.facts is None:
            return
        self.script_pane.set_script(found, chapters=len(self.facts.chapters))
        self._highlight_scene(max(self.player.frame, 0))

    def _script_failed(self, path: Path, error: BaseException) -> None:
        if path != self.opened:
            return
        why = error.message if isinstance(error, StudioError) else str(error)
        self.script_pane.say(f"The script could not be read: {why}", can_choose=True)

    def choose_script(self) -> None:
        """Ask for the script file the film was rendered from."""
        if self.opened is None or self.facts is None:
            return
        start = str(self.opened.parent)
        name, _ = QFileDialog.getOpenFileName(
            self, "The film's script", start, "Scripts (*.fountain *.spmd *.fdx *.txt *.pdf)"
        )
        if name:
            self.use_script(Path(name))

    def use_script(self, path: Path) -> None:
        """Read the film's scenes from the script file ``path``."""
        if self.opened is not None and self.facts is not None:
            self._find_script(self.opened, self.facts, chosen=path)
