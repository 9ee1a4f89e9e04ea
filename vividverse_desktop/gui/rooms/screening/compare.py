"""Compare mode in the Screening Room: a second film (B, another render of the same script)
beside the room's film (A), or wiped over it, frame for frame.

One transport drives both: the room's player (A) keeps the keys and the transport, and a
:class:`Follower` keeps film B on A's frame number (paused, both show frame N; playing, B
is put back when it drifts). When the films differ in rate or length the bar says so and
A plays and seeks only as far as the last frame both have. B is another render of A's
script held in the store (fetched once and kept, like A) or a film file; its facts are
read on the task runner's work pool, the renders on its database lane. B is silent.

Keys while the player has them: C starts and stops comparing, W switches side by side and
wipe, Alt+Left / Alt+Right move the wipe's divider.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFileDialog, QWidget

from vividverse_desktop.gui.files import FILM_FILTER
from vividverse_desktop.gui.rooms.screening.compare_bar import OPEN_FILE, CompareBar
from vividverse_desktop.gui.rooms.screening.follower import Follower
from vividverse_desktop.gui.rooms.screening.player import Player
from vividverse_desktop.gui.rooms.screening.wipe import WipeOverlay
from vividverse_desktop.gui.theme import UNIT, Colours
from vividverse_desktop.studio import film_compare, films, screening
from vividverse_desktop.studio.errors import StudioError

if TYPE_CHECKING:
    from vividverse_desktop.gui.rooms.screening.room import ScreeningRoom

SIDE_BY_SIDE_MIN = QSize(28 * UNIT, 16 * UNIT)
"""The smallest each picture gets side by side."""
CHOOSE_B = "Choose film B above: another render of this script, or a film file."
SAME = "Same frame rate, length and size: compared frame for frame."


class CompareMode(QObject):
    """Film B beside or wiped over the room's film, kept on its frame."""

    toggled = Signal(bool)  # compare mode started (True) or stopped
    wipe_toggled = Signal(bool)  # the wipe shown (True) or side by side

    def __init__(self, room: ScreeningRoom) -> None:
        super().__init__(room)
        self.room = room
        self.lead: Player = room.player
        self._lead_minimum = self.lead.minimumSize()
        self.on = False
        self.wipe_on = False
        self.bar = CompareBar(room.stage)
        self.bar.hide()
        self.other = Player(room.pictures, frames=room.runner.frames_thread)
        self.other.setObjectName("screeningPlayerB")
        self.other.setAccessibleName("Film B")
        self.other.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.other.badge = "B"
        self.other.audio.setMuted(True)  # one soundtrack at a time: A's
        self.other.hide()
        self.other.installEventFilter(self)
        self.other.fullscreen_requested.connect(room.toggle_fullscreen)
        self.other.failed.connect(lambda text: self.bar.show_differences((text,)))
        room.pictures.layout().addWidget(self.other, 1)
        self.follower = Follower(self.lead, self.other, self)
        self.wipe = WipeOverlay(self.lead, self.other)
        self.wipe.stackUnder(room.overlay)  # drawing stays on top
        self.b_key = ""  # "movie:<id>" or "file:<path>" ("" before B is chosen)
        self.b_label = ""
        self.b_facts: screening.FilmFacts | None = None
        self.renders: tuple[film_compare.Render, ...] = ()
        self.comparison: film_compare.Comparison | None = None

        self.bar.b_chosen.connect(self._b_chosen)
        self.bar.wipe_chosen.connect(self.set_wipe)
        self.bar.close_requested.connect(self.stop)
        self.lead.frame_shown.connect(lambda _frame: self._show_frames())
        self.other.frame_shown.connect(lambda _frame: self._show_frames())
        self.lead.installEventFilter(self)

    # -- on and off --------------------------------------------------------------------------

    def toggle(self) -> None:
        """Start comparing, or stop."""
        if self.on:
            self.stop()
        else:
            self.start()

    def start(self) -> None:
        """Show film B beside the room's film (the film chosen last time, else the newest
        other render of its script)."""
        if self.on:
            return
        if self.lead.path is None:
            self.room.say("Open a film first (Ctrl+O), then compare it with another render.")
            self.toggled.emit(False)
            return
        self.on = True
        self.bar.show()
        self.lead.badge = "A"
        self.other.message = CHOOSE_B
        self._lay_out()
        self.relabel()
        self.follower.start()
        self.read_renders()
        if self.b_key.startswith("file:"):
            self.open_file(Path(self.b_key.removeprefix("file:")))
        elif self.b_key:
            self.choose_render(self.b_key.removeprefix("movie:"))
        self.toggled.emit(True)
        self.room.focus_player()

    def stop(self) -> None:
        """Back to the single player (B is closed; the choice is kept for next time)."""
        if not self.on:
            return
        self.on = False
        self.follower.stop()
        self.other.stop_motion()
        self.other.media.setSource(QUrl())
        self.other.path = None
        self._lay_out()
        self.bar.hide()
        self.lead.badge = ""
        self.lead.set_limit(None)
        self.lead.update()
        self.comparison = None
        self.b_facts = None
        self.toggled.emit(False)
        self.room.focus_player()

    def toggle_wipe(self) -> None:
        """Switch side by side and wipe (starting compare mode when it is off)."""
        if not self.on:
            self.start()
            if self.on and not self.wipe_on:
                self.set_wipe(True)
            return
        self.set_wipe(not self.wipe_on)

    def set_wipe(self, wipe: bool) -> None:
        """Show A and B in one frame with a divider (True), or side by side."""
        if wipe == self.wipe_on:
            return
        self.wipe_on = wipe
        self.bar.set_wipe(wipe)
        self._lay_out()
        self.wipe_toggled.emit(wipe)
        self.room.focus_player()

    def _lay_out(self) -> None:
        side_by_side = self.on and not self.wipe_on
        # Two pictures side by side fit where one did: the room keeps its narrowest width.
        narrow = SIDE_BY_SIDE_MIN if side_by_side else self._lead_minimum
        self.lead.setMinimumSize(narrow)
        self.other.setMinimumSize(SIDE_BY_SIDE_MIN)
        self.other.setVisible(side_by_side)
        self.wipe.setVisible(self.on and self.wipe_on)
        self.wipe.setGeometry(self.lead.rect())
        self.lead.update()

    # -- choosing film B ---------------------------------------------------------------------

    def read_renders(self) -> None:
        """Read the renders of A's script held here (all films when A is none of them)."""
        session = self.room.session
        if session is None:
            self._renders_read(())
            return
        self.room.runner.run_db(
            film_compare.renders,
            store=session.store,
            movie_id=self.room.notes.movie_id,
            on_done=self._renders_read,
            on_error=lambda error: self._renders_read(()),
            owner=self.room,
        )

    def _renders_read(self, renders: tuple[film_compare.Render, ...]) -> None:
        self.renders = renders
        chosen = next((r for r in renders if f"movie:{r.movie_id}" == self.b_key), None)
        if chosen is not None:
            self.b_label = chosen.label
        self._offer()
        self.relabel()
        if self.on and not self.b_key:
            a_movie = self.room.notes.movie_id
            newest = next((r for r in renders if r.movie_id != a_movie and r.has_film), None)
            if newest is not None and a_movie:
                self.choose_render(newest.movie_id)

    def _offer(self) -> None:
        chosen = (self.b_key, self.b_label) if self.b_key else None
        self.bar.set_choices(self.renders, self.room.notes.movie_id, chosen)

    def _b_chosen(self, key: str) -> None:
        if key == OPEN_FILE:
            self._offer()  # back to the film shown until a file is chosen
            self.ask_file()
        elif key.startswith("movie:"):
            self.choose_render(key.removeprefix("movie:"))
        elif key.startswith("file:"):
            self.open_file(Path(key.removeprefix("file:")))

    def ask_file(self) -> None:
        """Ask for a film file to compare with (starting compare mode if it is off)."""
        chosen, _ = QFileDialog.getOpenFileName(self.room, "Compare with a film", "", FILM_FILTER)
        if chosen:
            self.open_file(Path(chosen))

    def choose_render(self, movie_id: str) -> None:
        """Make another render (a movie held here) film B: its kept copy, or fetched."""
        render = next((r for r in self.renders if r.movie_id == movie_id), None)
        self.b_key = f"movie:{movie_id}"
        self.b_label = render.label if render is not None else movie_id
        self._offer()
        self.other.message = f"Fetching {self.b_label}…"
        self.other.update()
        key = self.b_key

        def fetched(copy: films.FilmCopy) -> None:
            if self.on and self.b_key == key:
                self._open_b(copy.path, self.b_label)

        self.room.fetch_film(movie_id, on_fetched=fetched, on_error=self._b_failed)

    def open_file(self, path: Path) -> None:
        """Make the film at ``path`` film B (starting compare mode if it is off)."""
        path = Path(path)
        self.b_key = CompareBar.file_key(path)
        self.b_label = path.name
        if not self.on:
            self.start()  # opens B
            return
        self._offer()
        self._open_b(path, path.name)

    def _open_b(self, path: Path, label: str) -> None:
        if not self.on:
            return
        self.b_facts = None
        self.comparison = None
        self.lead.set_limit(None)
        self.other.open(path)
        self.other.badge = "B"
        self._lay_out()
        self.bar.show_differences((), same="Reading film B…")
        self.room.runner.run_work(
            screening.film_facts,
            path=path,
            on_done=lambda facts: self._b_facts_read(path, label, facts),
            on_error=self._b_failed,
            owner=self.room,
        )

    def _b_failed(self, error: BaseException) -> None:
        why = error.message if isinstance(error, StudioError) else str(error)
        said = f"Film B cannot be shown: {why.strip().splitlines()[0] if why.strip() else why}"
        self.other.message = said
        self.other.update()
        self.bar.show_differences((said,))
        self.bar.differences.setToolTip(why)

    def _b_facts_read(self, path: Path, label: str, facts: screening.FilmFacts) -> None:
        if not self.on or self.other.path != path:
            return
        self.b_facts = facts
        if self.b_key.startswith("file:"):
            self.b_label = film_compare.file_label(path, facts.modified)
            self._offer()
        self.other.set_facts(facts.rate, facts.frames)
        self.compare_facts()

    # -- A and B together --------------------------------------------------------------------

    def compare_facts(self) -> None:
        """Line A and B up once both films' facts are read: say what differs, and let A
        go no further than the last frame both have."""
        a, b = self.room.facts, self.b_facts
        if not self.on or a is None or b is None:
            return
        self.comparison = film_compare.compare_films(a, b)
        self.lead.set_limit(self.comparison.frames)
        self.bar.show_differences(self.comparison.differences, same=SAME)
        self.follower.sync()
        self._show_frames()

    def relabel(self) -> None:
        """Say which film A is: the render it is, or its file and when it was written."""
        a_movie = self.room.notes.movie_id
        render = next((r for r in self.renders if r.movie_id == a_movie), None)
        facts = self.room.facts
        if render is not None:
            label = render.label
        elif self.lead.path is not None:
            label = film_compare.file_label(self.lead.path, facts.modified if facts else None)
        else:
            label = ""
        self.bar.set_a(label)

    def a_changed(self) -> None:
        """Film A was opened anew, its facts read or its movie chosen."""
        if not self.on:
            return
        self.relabel()
        self.compare_facts()

    def _show_frames(self) -> None:
        if not self.on:
            return
        other = self.other
        b = other.frame if other.path is not None else None
        holds = b is not None and other.frames > 0 and self.lead.frame > other.last_frame
        self.bar.show_frames(self.lead.frame, b, b_holds=holds)

    def apply_colours(self, colours: Colours) -> None:
        """Redraw in the scheme's colours."""
        self.bar.apply_colours(colours)

    # -- keys ----------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.other:
            if event.type() == QEvent.Type.MouseButtonPress:
                self.room.focus_player()  # B's picture: the keys stay with the transport
            return False
        if watched is self.lead and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if plain and event.key() == Qt.Key.Key_C:
                self.toggle()
                return True
            if plain and event.key() == Qt.Key.Key_W and self.on:
                self.set_wipe(not self.wipe_on)
                return True
        return False

    def widget(self) -> QWidget:
        """The bar shown over the pictures while comparing."""
        return self.bar
