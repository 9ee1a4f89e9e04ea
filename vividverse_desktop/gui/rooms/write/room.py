"""The Write room: the Fountain editor with the navigator, the formatted page and the
statistics beside it.

Typing is the only work on the GUI thread. After each pause (``PAUSE_MS``) the text is
read once on a worker (``studio.writing.analyse``) and everything else redraws from
that reading: colours, navigator, pages, statistics, autocomplete; then the spell
check runs on that reading (``proofreader``).

The room's file (open, save, export) is kept by ``files``, submitting and My scripts by
``submitting``, autosave and recovery by ``safekeeping``; the room's methods of the same
names hand over to them.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.core.changes import Subject
from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.rooms.write import files, submitting
from vividverse_desktop.gui.rooms.write.actions import build_actions
from vividverse_desktop.gui.rooms.write.editor import ScriptEditor
from vividverse_desktop.gui.rooms.write.export_dialog import ExportDialog
from vividverse_desktop.gui.rooms.write.find_bar import FindBar
from vividverse_desktop.gui.rooms.write.my_scripts import MyScripts
from vividverse_desktop.gui.rooms.write.navigator import Navigator
from vividverse_desktop.gui.rooms.write.preview import PagePreview
from vividverse_desktop.gui.rooms.write.proofreader import Proofreader
from vividverse_desktop.gui.rooms.write.reviews import ReviewNotesFeed
from vividverse_desktop.gui.rooms.write.safekeeping import Safekeeping
from vividverse_desktop.gui.rooms.write.scene_player import ScenePlayer
from vividverse_desktop.gui.rooms.write.stats_panel import StatsPanel
from vividverse_desktop.gui.tasks import Task, TaskRunner
from vividverse_desktop.gui.theme import UNIT, Colours
from vividverse_desktop.gui.widgets.banner import Banner
from vividverse_desktop.studio import writing
from vividverse_desktop.studio.drafts import Fingerprint
from vividverse_desktop.studio.errors import explain

PAUSE_MS = 80
KIND_NAMES = {
    "": "—",
    "title_page": "Title page",
    "boneyard": "Boneyard",
    "scene_heading": "Scene heading",
    "action": "Action",
    "character": "Character",
    "parenthetical": "Parenthetical",
    "dialogue": "Dialogue",
    "transition": "Transition",
    "centered": "Centered",
    "lyrics": "Lyrics",
    "page_break": "Page break",
    "section": "Section",
    "synopsis": "Synopsis",
    "note": "Note",
}
PLACEHOLDER = (
    "Start writing. A scene heading opens with INT. or EXT.; Tab on an empty line makes a "
    "character cue; Enter after a cue gives dialogue.\n\nOr open a script (Ctrl+O): Fountain, "
    "Final Draft, PDF or plain text."
)


def default_scene_cache() -> Path:
    """Where scene clips and their assets are kept between requests."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(base or Path.home() / ".cache" / "vividverse") / "scene-clips"


class WriteRoom(QWidget):
    """The room a writer spends the day in."""

    focus_mode_changed = Signal(bool)
    analysed = Signal(object)  # studio.writing.DraftAnalysis, after the room redrew from it
    opened = Signal(str)  # the path of a file opened

    def __init__(
        self,
        runner: TaskRunner,
        preferences: Preferences,
        colours: Colours,
        parent: QWidget | None = None,
        *,
        hub: ChangeHub | None = None,
        scene_cache: Path | None = None,
        restore: bool = False,
        drafts: Path | None = None,
        spelling_root: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("room_write")
        self.setAccessibleName("Write room")
        self.runner = runner
        self.preferences = preferences
        self.path: Path | None = None
        self.source_format = "fountain"
        self.analysis: writing.DraftAnalysis | None = None
        self.edits = 0  # counts edits of the text (Qt's revision counts redrawn lines too)
        self._asked: int | None = None  # the count of edits of the text being read
        self._again = False
        self._saved_revision = 0
        self.focus_mode = False
        self.display_name = ""  # a name other than the file's (a submitted script's title)
        self.drafts = drafts  # where unsaved text is kept (None: no autosave)
        self.document_key = uuid.uuid4().hex  # names this document's draft
        self.known: Fingerprint | None = None  # the file as last read or written
        self.session: Any = None  # studio.session.Session once signed in
        self._script_id = ""
        self.hub = hub
        if hub is not None:
            hub.subscribe(Subject.SCRIPTS, lambda _ids: self.refresh_my_scripts())
            hub.subscribe(Subject.SCRIPT_VERSIONS, lambda _ids: self.refresh_my_scripts())
            hub.subscribe(Subject.OUTBOX, lambda _ids: self.refresh_my_scripts())

        self.editor = ScriptEditor(colours, self)
        self.editor.setPlaceholderText(PLACEHOLDER)
        self.editor.completions = self._completions
        # the word lists live under spelling_root (the app's data root; None: in memory)
        self.proofreader = Proofreader(self, spelling_root)
        self.editor.menu_extras = self.proofreader.fill_menu
        self.find_bar = FindBar(self.editor, self)
        self.find_bar.hide()
        self.navigator = Navigator(self)
        self.reviews = ReviewNotesFeed(self)
        self.my_scripts = MyScripts(self)
        self.my_scripts.script_chosen.connect(self.open_submitted)
        self.my_scripts.compare_chosen.connect(self.compare_versions)
        self.left = QTabWidget(self)
        self.left.setObjectName("writeLeftTabs")
        self.left.setAccessibleName("Scenes and my scripts")
        self.left.setDocumentMode(True)
        self.left.addTab(self.navigator, "Scenes")
        self.left.addTab(self.my_scripts, "My scripts")
        self.preview = PagePreview(self)
        self.stats = StatsPanel(self)
        self.side = QTabWidget(self)
        self.side.setObjectName("writeSideTabs")
        self.side.setDocumentMode(True)
        self.side.setAccessibleName("Page and statistics")
        self.side.addTab(self.preview, "Page")
        self.side.addTab(self.stats, "Statistics")
        self.scene_player = ScenePlayer(self, frames=runner.frames_thread)
        self.side.addTab(self.scene_player, "Scene")
        self.scene_cache = scene_cache or default_scene_cache()
        self._watching: Task | None = None
        self.last_clip: writing.SceneClip | None = None

        self.title = QLabel("Untitled", self)
        self.title.setObjectName("writeTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setWeight(font.Weight.DemiBold)
        self.title.setFont(font)
        self.state = QLabel("", self)
        self.state.setObjectName("writeState")
        self.state.setProperty("role", "muted")
        self.element = QLabel("—", self)
        self.element.setObjectName("writeElement")
        self.element.setToolTip("The element under the cursor (Tab changes it)")
        self.page = QLabel("", self)
        self.page.setObjectName("writePage")
        self.page.setProperty("role", "muted")
        self.sample_button = QPushButton("Open a sample script", self)
        self.sample_button.setObjectName("writeOpenSample")
        self.sample_button.setToolTip("Open a short sample screenplay to try the room")
        self.sample_button.setAccessibleName("Open a sample script")
        self.sample_button.clicked.connect(self.open_sample)
        self.submit_button = QPushButton("Submit for scoring", self)
        self.submit_button.setObjectName("writeSubmit")
        self.submit_button.setAccessibleName("Submit for scoring")
        self.submit_button.setToolTip("Submit this script for scoring (Ctrl+Return)")
        self.submit_button.clicked.connect(self.submit)

        for label in (self.title, self.state):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(24 * UNIT)
        header = QHBoxLayout()
        header.setContentsMargins(4 * UNIT, 2 * UNIT, 4 * UNIT, UNIT)
        header.setSpacing(3 * UNIT)
        header.addWidget(self.title, 2)
        header.addWidget(self.state, 3)
        header.addWidget(self.submit_button)
        header.addWidget(self.element)
        header.addWidget(self.page)

        centre = QWidget(self)
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        sample_row = QHBoxLayout()
        sample_row.setContentsMargins(6 * UNIT, 2 * UNIT, 6 * UNIT, 2 * UNIT)
        sample_row.addWidget(self.sample_button)
        sample_row.addStretch(1)
        self.banner = Banner("writeBanner", centre)
        column.addWidget(self.banner)
        column.addLayout(sample_row)
        column.addWidget(self.editor, 1)
        column.addWidget(self.find_bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("writeSplitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setChildrenCollapsible(True)
        saved = preferences.get("write/splitter")
        if saved is not None:
            self.splitter.restoreState(saved)
        else:
            self.splitter.setSizes([300, 640, 420])

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addLayout(header)
        outer.addWidget(self.splitter, 1)

        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(PAUSE_MS)
        self._pause.timeout.connect(self.read_now)
        self.safe = Safekeeping(self)
        self.editor.document().contentsChanged.connect(self._typed)
        self.editor.document().modificationChanged.connect(self.show_title)
        self.editor.cursorPositionChanged.connect(self._follow_cursor)
        self.editor.element_changed.connect(
            lambda kind: self.element.setText(KIND_NAMES.get(kind, kind))
        )
        self.editor.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.navigator.line_chosen.connect(self.go_to_line)
        self.navigator.scene_moved.connect(self.move_scene)
        self.preview.pages.line_clicked.connect(self.go_to_line)
        self.stats.scene_clicked.connect(self.go_to_scene_index)
        self.splitter.splitterMoved.connect(
            lambda *_: self.preferences.set("write/splitter", self.splitter.saveState())
        )
        self.actions_by_name: dict[str, QAction] = {}
        build_actions(self)
        self.set_session(None)
        self.apply_colours(colours)
        self.show_title()
        self._opening = 0  # the latest open asked for; older answers are dropped
        self.read_now()
        if restore:
            self.restore()

    def restore(self) -> None:
        """Offer unsaved text a crash left behind; else reopen the last script."""
        self.safe.restore()

    # -- actions -------------------------------------------------------------------

    def room_actions(self) -> list[QAction]:
        """The room's actions, for its menu and the command palette."""
        return list(self.actions_by_name.values())

    # -- colours -------------------------------------------------------------------

    def apply_colours(self, colours: Colours) -> None:
        """Redraw in the scheme's colours."""
        self.editor.highlighter.set_colours(colours)
        self.navigator.set_colours(colours)
        self.preview.pages.set_colours(colours)
        self.stats.set_colours(colours)
        self.my_scripts.set_colours(colours)

    # -- reading the draft ---------------------------------------------------------

    def _typed(self) -> None:
        if self.editor.highlighter.drawing:
            return  # colours or underlines redrawn: the text is as it was
        self.edits += 1
        self._pause.start()
        self.proofreader.typed()
        self.safe.touched()
        self.show_title()

    def read_now(self) -> None:
        """Read the text now (after a pause in typing, or on open)."""
        self._pause.stop()
        if self.runner.closed:
            return
        if self._asked is not None:
            self._again = True
            return
        self._asked = self.edits
        self.runner.run_work(
            writing.analyse,
            text=self.editor.toPlainText(),
            owner=self,
            on_done=self._read,
            on_error=self._read_failed,
            on_cancelled=self._read_cancelled,
        )

    def _read_cancelled(self) -> None:
        self._asked = None

    def _read_failed(self, error: BaseException) -> None:
        self._asked = None
        self.state.setText(f"Could not read the script: {error}")

    def _read(self, analysis: writing.DraftAnalysis) -> None:
        asked, self._asked = self._asked, None
        current = self.edits == asked
        if current:
            self.editor.highlighter.apply(analysis.source)
            self.editor.highlighter.prioritise(self.editor.first_visible_line())
            self.proofreader.read(analysis, asked)
        self.analysis = analysis
        self.navigator.set_outline(analysis.outline)
        self.reviews.place()
        self.preview.pages.set_pages(analysis.screenplay, analysis.pagination)
        self.stats.show_stats(analysis.stats)
        if analysis.error:
            self.state.setText(analysis.error)
        self._follow_cursor()
        if self._again or not current:
            self._again = False
            self._pause.start()
        self.analysed.emit(analysis)

    def _completions(self, kind: str, typed: str, line: int) -> tuple[str, ...]:
        return writing.completions(self.analysis, kind, typed, line=line)

    # -- following the cursor ------------------------------------------------------

    def _follow_cursor(self) -> None:
        analysis = self.analysis
        if analysis is None:
            return
        line = self.editor.current_line()
        self.navigator.follow(analysis.scene_at(line))
        page = analysis.page_at(line)
        total = analysis.pagination.page_count
        self.page.setText(f"Page {page} of {total}" if page else "")
        if self.side.currentWidget() is self.preview:
            self.preview.show_page(page)

    def _scrolled(self, _value: int) -> None:
        self.editor.highlighter.prioritise(self.editor.first_visible_line())

    def go_to_line(self, line: int) -> None:
        """Put the cursor on 0-based source ``line``."""
        self.editor.go_to_line(line)

    def go_to_scene_index(self, scene: int) -> None:
        """Go to the ``scene``-th scene (0-based) of the last reading."""
        if self.analysis is not None and 0 <= scene < len(self.analysis.scene_lines):
            self.go_to_line(self.analysis.scene_lines[scene])

    def ask_scene(self) -> None:
        """Ask for a scene number and go there."""
        if self.analysis is None or not self.analysis.scene_lines:
            self.state.setText("No scenes yet.")
            return
        numbers = [e.number for e in self.analysis.outline if e.kind == "scene"]
        number, ok = QInputDialog.getItem(self, "Go to scene", "Scene:", numbers, 0, True)
        if ok and number in numbers:
            self.go_to_scene_index(numbers.index(number))

    def ask_page(self) -> None:
        """Ask for a page number and go there."""
        if self.analysis is None or not self.analysis.pagination.page_count:
            self.state.setText("No pages yet.")
            return
        total = self.analysis.pagination.page_count
        page, ok = QInputDialog.getInt(self, "Go to page", f"Page (1–{total}):", 1, 1, total)
        if ok:
            self.go_to_line(self.analysis.line_of_page(page))

    # -- moving scenes -------------------------------------------------------------

    def move_scene(self, start: int, end: int, before: int) -> None:
        """Move a scene's lines before line ``before`` (-1: the end), as one undo step."""
        edit = writing.move_scene(self.editor.toPlainText(), start=start, end=end, before=before)
        if edit is None:
            return
        document = self.editor.document()
        cursor = QTextCursor(document.findBlockByNumber(edit.start))
        cursor.beginEditBlock()
        last = document.findBlockByNumber(edit.end - 1)
        cursor.setPosition(last.position() + last.length() - 1, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText("\n".join(edit.lines))
        cursor.endEditBlock()
        self.go_to_line(edit.cursor_line)
        self.read_now()

    # -- panels --------------------------------------------------------------------

    def toggle_focus(self) -> None:
        """Focus mode: only the page, until asked again (or Esc from the menu)."""
        self.focus_mode = not self.focus_mode
        self.left.setVisible(not self.focus_mode)
        self.side.setVisible(not self.focus_mode)
        self.focus_mode_changed.emit(self.focus_mode)
        self.editor.setFocus()

    def toggle_navigator(self) -> None:
        """Show or hide the navigator."""
        visible = not (self.left.isVisible() and self.left.currentWidget() is self.navigator)
        self.left.setVisible(visible)
        self.left.setCurrentWidget(self.navigator)

    def show_statistics(self) -> None:
        """Show the statistics tab beside the script."""
        self.side.show()
        self.side.setCurrentWidget(self.stats)

    def show_page_preview(self) -> None:
        """Show the page tab beside the script."""
        self.side.show()
        self.side.setCurrentWidget(self.preview)
        self._follow_cursor()

    # -- the file (files.py) -------------------------------------------------------

    @property
    def script_id(self) -> str:
        """The submitted script this text is a version of ("" for none)."""
        return self._script_id

    @script_id.setter
    def script_id(self, value: str) -> None:
        if value != self._script_id:
            self._script_id = value
            self.reviews.reload()

    def show_title(self, *_: object) -> None:
        document = self.editor.document()
        name = self.display_name or (self.path.name if self.path is not None else "Untitled")
        modified = document.isModified()
        self.title.setText(f"{name} •" if modified else name)
        self.title.setToolTip(str(self.path) if self.path else "Not saved yet")
        self.sample_button.setVisible(self.path is None and document.isEmpty())

    def has_changes(self) -> bool:
        """Whether the text differs from what was last saved or opened."""
        return self.editor.document().isModified()

    def open_file(self, path: Path, *, note: str = "") -> None:
        """Open a script file (Fountain, text, Final Draft, PDF) off the GUI thread;
        ``note`` is said once it is open."""
        files.open_file(self, path, note=note)

    def open_script_at(self, source: Any, line: int) -> None:
        """Open a film's script (``studio.film_script.ScriptSource``) at 0-based ``line``."""
        from vividverse_desktop.gui.rooms.write.from_film import open_script_at

        open_script_at(self, source, line)

    def review_import(self, path: Path) -> None:
        """Open a PDF or text file through the import review (Accept loads its text)."""
        from vividverse_desktop.gui.rooms.write.import_review import review_into

        review_into(self, path)

    def open_sample(self) -> None:
        """Open the bundled sample script as an unsaved copy."""
        self.open_file(resource_path(*files.SAMPLE))

    def load_text(self, text: str, *, path: Path | None) -> None:
        """Put ``text`` in the editor as a freshly opened document."""
        files.load_text(self, text, path=path)

    def new_draft(self) -> None:
        """Start an empty, untitled script."""
        if self.may_discard():
            self.load_text("", path=None)
            self.state.setText("")

    def may_discard(self) -> bool:
        """Ask before throwing away unsaved changes; True to go on."""
        return files.may_discard(self)

    def save(self) -> bool:
        """Save to the script's file (asking for one if it has none); True if started."""
        return files.save(self)

    def save_as(self) -> bool:
        """Ask where, then save there."""
        return files.save_as(self)

    def save_to(self, path: Path, *, overwrite: bool = False) -> None:
        """Write the text to ``path`` atomically, on a worker; a file another program
        changed meanwhile is not overwritten unless the writer says so."""
        files.save_to(self, path, overwrite=overwrite)

    def export(self) -> ExportDialog:
        """Ask for the format, options and file, then export on a worker."""
        return files.export(self)

    def export_to(self, path: Path, **options: Any) -> None:
        """Export the current text to ``path`` (by its suffix), on a worker."""
        files.export_to(self, path, **options)

    # -- submitting (submitting.py) ------------------------------------------------

    def set_session(self, session: Any) -> None:
        """The signed-in session (None when signed out): submitting and My scripts use it."""
        submitting.set_session(self, session)

    def refresh_my_scripts(self) -> None:
        """Read the writer's scripts from the store (database lane)."""
        submitting.refresh_my_scripts(self)

    def submit(self) -> None:
        """Submit the text: a new script, or a new version of the one it came from."""
        submitting.submit(self)

    def show_submit_label(self) -> None:
        submitting.show_submit_label(self)

    def open_submitted(self, script: Any) -> None:
        """Open the latest version of a submitted script, to read or revise."""
        submitting.open_submitted(self, script)

    def show_my_scripts(self) -> None:
        """Show the My scripts tab."""
        self.left.show()
        self.left.setCurrentWidget(self.my_scripts)
        self.my_scripts.list.setFocus()

    def compare_versions(self, script_id: str = "") -> None:
        """Compare two versions of the script in the editor (or of ``script_id``)."""
        from vividverse_desktop.gui.rooms.write.compare_dialog import open_compare

        open_compare(self, script_id)

    # -- watching a scene ----------------------------------------------------------

    def watch_scene(self) -> None:
        """Render the scene under the cursor (keyless providers) and play it."""
        if self._watching is not None and not self._watching.is_finished:
            self._watching.cancel("a newer scene was asked for")
        line = self.editor.current_line()
        heading = "the scene"
        if self.analysis is not None:
            index = self.analysis.scene_at(line)
            if index >= 0:
                heading = f"scene {self.analysis.stats.scenes[index].number}"
        self.side.show()
        self.side.setCurrentWidget(self.scene_player)
        self.scene_player.rendering(heading)

        def done(clip: writing.SceneClip) -> None:
            self.last_clip = clip
            how = f"made in {clip.seconds:.1f} s" if clip.made else "unchanged since last time"
            self.scene_player.play(clip.path, f"Scene {clip.number}: {clip.heading} ({how})")

        self._watching = self.runner.run_work(
            writing.watch_scene,
            text=self.editor.toPlainText(),
            line=line,
            cache_dir=self.scene_cache,
            owner=self,
            on_done=done,
            on_error=lambda error: self.scene_player.caption.setText(explain(error)),
        )
