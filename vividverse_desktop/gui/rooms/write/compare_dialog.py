"""Compare versions: two submitted versions of a script, the scenes that changed between
them, and the lines of the chosen scene side by side.

Every read goes through the task runner's database lane (``studio.scripts.versions``,
``studio.compare.diff_versions``); answers to an older question are dropped.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.core.wire import ScriptRecord, ScriptVersionRecord
from vividverse_desktop.gui.fonts import script_font
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import UNIT, Colours, colours_in_use
from vividverse_desktop.studio import compare, scripts
from vividverse_desktop.studio.compare import DiffRow, SceneChange, ScriptDiff

CHANGE_WORDS = {"added": "Added", "removed": "Removed", "edited": "Edited", "moved": "Moved"}
_ROW_MARKS = {"replace": ("~", "~"), "delete": ("−", ""), "insert": ("", "+"), "equal": ("", "")}
_Index = QModelIndex | QPersistentModelIndex


def change_word(change: SceneChange) -> str:
    """What happened to a scene, in words ("Edited, moved" for an edited scene that moved)."""
    word = CHANGE_WORDS[change.change]
    return f"{word}, moved" if change.change == "edited" and change.moved else word


def change_colour(change: SceneChange, colours: Colours) -> str:
    """The colour that goes with the change's word."""
    return {
        "added": colours.success,
        "removed": colours.danger,
        "moved": colours.accent,
        "edited": colours.warning,
    }[change.change]


def tint(colour: str, base: str, share: float = 0.22) -> QColor:
    """``colour`` laid over ``base`` at ``share`` opacity (a background that keeps text legible)."""
    top, under = QColor(colour), QColor(base)
    return QColor(
        round(under.red() + (top.red() - under.red()) * share),
        round(under.green() + (top.green() - under.green()) * share),
        round(under.blue() + (top.blue() - under.blue()) * share),
    )


class DiffRowsModel(QAbstractTableModel):
    """The rows of one scene's side-by-side diff: old number, old line, new number, new line."""

    def __init__(self, colours: Colours, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[DiffRow, ...] = ()
        self.labels = ("Old", "New")
        self.colours = colours
        self._font = script_font(10.5)

    def set_rows(self, rows: tuple[DiffRow, ...], labels: tuple[str, str]) -> None:
        """Show ``rows``; ``labels`` name the two versions in the header."""
        self.beginResetModel()
        self.rows, self.labels = rows, labels
        self.endResetModel()

    def set_colours(self, colours: Colours) -> None:
        """Tint changed lines in the scheme's colours."""
        self.colours = colours
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 3))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's default)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return ("", self.labels[0], "", self.labels[1])[section] if 0 <= section < 4 else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        side = 0 if column < 2 else 1
        text = row.left if side == 0 else row.right
        number = row.left_line if side == 0 else row.right_line
        mark = _ROW_MARKS[row.tag][side]
        if role == Qt.ItemDataRole.DisplayRole:
            if column in (0, 2):
                return f"{mark} {number}".strip() if number is not None else ""
            return text if text is not None else ""
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return self._describe(row, side)
        if role == Qt.ItemDataRole.BackgroundRole and mark:
            colour = {"~": self.colours.warning, "−": self.colours.danger}.get(
                mark, self.colours.success
            )
            return QBrush(tint(colour, self.colours.surface))
        if role == Qt.ItemDataRole.ForegroundRole and column in (0, 2):
            return QBrush(QColor(self.colours.text if mark else self.colours.muted))
        if role == Qt.ItemDataRole.FontRole and column in (1, 3):
            return self._font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return None

    @staticmethod
    def _describe(row: DiffRow, side: int) -> str:
        if row.tag == "equal":
            return "Unchanged"
        if row.tag == "replace":
            return "Changed line"
        if row.tag == "delete":
            return "Removed line" if side == 0 else "Nothing here in the new version"
        return "Added line" if side == 1 else "Nothing here in the old version"


def _read_script(*, store: Any, script_id: str) -> tuple[ScriptRecord, tuple[Any, ...]]:
    """The script and its versions (runs on the database lane)."""
    return scripts.script(store=store, script_id=script_id), scripts.versions(
        store=store, script_id=script_id
    )


def version_label(version: ScriptVersionRecord) -> str:
    """ "Version 2 · 07 Dec 2026 09:41" for a version picker."""
    return f"Version {version.n} · {version.created_at:%d %b %Y %H:%M}"


class CompareDialog(QDialog):
    """Two version pickers, the changed scenes, and the chosen scene's lines side by side."""

    versions_shown = Signal(object)  # the versions, oldest first
    diff_shown = Signal(object)  # the ScriptDiff now shown

    def __init__(
        self,
        *,
        runner: TaskRunner,
        store: Any,
        script_id: str,
        parent: QWidget | None = None,
        colours: Colours | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setAccessibleName("Compare versions")
        self.setWindowTitle("Compare versions — Vividverse")
        self.resize(250 * UNIT, 160 * UNIT)
        self.runner = runner
        self.store = store
        self.script_id = script_id
        self.colours = colours or colours_in_use(parent)
        self.versions: tuple[ScriptVersionRecord, ...] = ()
        self.diff: ScriptDiff | None = None
        self._asked = 0

        self.heading = QLabel("Reading the versions…", self)
        self.heading.setObjectName("compareHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setWeight(font.Weight.DemiBold)
        self.heading.setFont(font)
        self.old_picker = self._picker("compareOld", "Older version")
        self.new_picker = self._picker("compareNew", "Newer version")
        pickers = QHBoxLayout()
        pickers.setSpacing(2 * UNIT)
        for text, picker in (("&From:", self.old_picker), ("&To:", self.new_picker)):
            label = QLabel(text, self)
            label.setBuddy(picker)
            label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
            pickers.addWidget(label)
            pickers.addWidget(picker, 1)
        self.summary = QLabel("", self)
        self.summary.setObjectName("compareSummary")
        self.summary.setProperty("role", "muted")
        self.summary.setWordWrap(True)

        self.scenes = QTreeWidget(self)
        self.scenes.setObjectName("compareScenes")
        self.scenes.setAccessibleName("Changed scenes")
        self.scenes.setRootIsDecorated(False)
        self.scenes.setHeaderLabels(["Change", "Scene"])
        self.scenes.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.scenes.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.scenes.currentItemChanged.connect(lambda *_: self._scene_chosen())

        self.scene_caption = QLabel("", self)
        self.scene_caption.setObjectName("compareSceneCaption")
        self.scene_caption.setWordWrap(True)
        self.model = DiffRowsModel(self.colours, self)
        self.lines = QTableView(self)
        self.lines.setObjectName("compareLines")
        self.lines.setAccessibleName("The scene's lines, old beside new")
        self.lines.setModel(self.model)
        self.lines.setWordWrap(True)
        self.lines.setShowGrid(False)
        self.lines.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.verticalHeader().setVisible(False)
        self.lines.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.lines.horizontalHeader()
        for column, mode in enumerate(
            (
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
            )
        ):
            header.setSectionResizeMode(column, mode)

        right = QWidget(self)
        column_layout = QVBoxLayout(right)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(2 * UNIT)
        column_layout.addWidget(self.scene_caption)
        column_layout.addWidget(self.lines, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("compareSplitter")
        self.splitter.addWidget(self.scenes)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([80 * UNIT, 170 * UNIT])

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4 * UNIT, 4 * UNIT, 4 * UNIT, 4 * UNIT)
        layout.setSpacing(3 * UNIT)
        layout.addWidget(self.heading)
        layout.addLayout(pickers)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(buttons)
        self.old_picker.currentIndexChanged.connect(lambda _i: self.compare())
        self.new_picker.currentIndexChanged.connect(lambda _i: self.compare())
        self._show_scene(None)
        self.runner.run_db(
            _read_script,
            store=store,
            script_id=script_id,
            owner=self,
            on_done=self._read,
            on_error=self._failed,
        )

    def _picker(self, name: str, accessible: str) -> QComboBox:
        picker = QComboBox(self)
        picker.setObjectName(name)
        picker.setAccessibleName(accessible)
        picker.setEnabled(False)
        return picker

    # -- versions ------------------------------------------------------------------

    def _read(self, found: tuple[ScriptRecord, tuple[ScriptVersionRecord, ...]]) -> None:
        script, versions = found
        self.setWindowTitle(f"Compare versions of {script.title} — Vividverse")
        self.heading.setText(script.title)
        self.show_versions(versions)

    def show_versions(self, versions: tuple[ScriptVersionRecord, ...]) -> None:
        """Fill both pickers (the two newest chosen) and compare them."""
        self.versions = versions
        for picker in (self.old_picker, self.new_picker):
            picker.blockSignals(True)
            picker.clear()
            for version in versions:
                picker.addItem(version_label(version), version.id)
            picker.setEnabled(len(versions) > 1)
            picker.blockSignals(False)
        self.versions_shown.emit(versions)
        if len(versions) < 2:
            self.summary.setText(
                "There is only one version so far. Open the script, change it and submit "
                "a new version: then the two can be compared here."
            )
            return
        self.old_picker.setCurrentIndex(len(versions) - 2)
        self.new_picker.setCurrentIndex(len(versions) - 1)
        self.compare()

    def compare(self) -> None:
        """Compare the two picked versions (on the database lane)."""
        old, new = self.old_picker.currentData(), self.new_picker.currentData()
        if not old or not new:
            return
        self._asked += 1
        asked = self._asked
        if old == new:
            self.show_diff(None)
            self.summary.setText("The same version is picked twice: pick two to compare.")
            return
        self.summary.setText("Comparing…")
        self.runner.run_db(
            compare.diff_versions,
            store=self.store,
            old_version_id=old,
            new_version_id=new,
            owner=self,
            on_done=lambda diff: self.show_diff(diff) if asked == self._asked else None,
            on_error=lambda error: self._failed(error) if asked == self._asked else None,
        )

    def _failed(self, error: BaseException) -> None:
        self.summary.setText(f"Could not compare: {error}")

    # -- the diff ------------------------------------------------------------------

    def show_diff(self, diff: ScriptDiff | None) -> None:
        """List the changed scenes of ``diff`` and show the first one's lines."""
        self.diff = diff
        self.scenes.clear()
        if diff is None:
            self._show_scene(None)
            return
        if diff.same:
            self.summary.setText(f"{diff.old_label} and {diff.new_label} have the same text.")
        else:
            counts = [
                f"{sum(1 for c in diff.scenes if c.change == kind)} {word.lower()}"
                for kind, word in CHANGE_WORDS.items()
                if any(c.change == kind for c in diff.scenes)
            ]
            scenes = ", ".join(counts) if counts else "no scene changed (only the title page)"
            self.summary.setText(
                f"From {diff.old_label} to {diff.new_label}: {scenes} · "
                f"{diff.added} lines added, {diff.removed} removed"
            )
        for change in diff.scenes:
            self.scenes.addTopLevelItem(self._scene_item(change))
        if diff.scenes:
            self.scenes.setCurrentItem(self.scenes.topLevelItem(0))
        else:
            self._show_scene(None)
        self.diff_shown.emit(diff)

    def _scene_item(self, change: SceneChange) -> QTreeWidgetItem:
        word = change_word(change)
        number = f"{change.number}  " if change.number else ""
        item = QTreeWidgetItem([word, f"{number}{change.heading}"])
        colour = QColor(change_colour(change, self.colours))
        swatch = QPixmap(3 * UNIT, 3 * UNIT)
        swatch.fill(colour)
        item.setIcon(0, QIcon(swatch))  # the colour beside the word (legible when selected)
        bold = item.font(0)
        bold.setWeight(bold.Weight.DemiBold)
        item.setFont(0, bold)
        item.setToolTip(1, f"{word}: {change.heading}")
        item.setData(0, Qt.ItemDataRole.UserRole, change)
        return item

    def _scene_chosen(self) -> None:
        item = self.scenes.currentItem()
        self._show_scene(None if item is None else item.data(0, Qt.ItemDataRole.UserRole))

    def _show_scene(self, change: SceneChange | None) -> None:
        diff = self.diff
        labels = (diff.old_label, diff.new_label) if diff is not None else ("Old", "New")
        if change is None:
            self.model.set_rows((), labels)
            self.scene_caption.setText(
                "Pick a changed scene to see its lines, the old version beside the new."
                if diff is not None and diff.scenes
                else "Changed scenes are listed here once two versions are compared."
            )
            return
        where = ""
        if (
            change.old_index is not None
            and change.new_index is not None
            and (change.moved or change.change == "moved")
        ):
            where = (
                f" It was scene {change.old_index + 1} of the order, now {change.new_index + 1}."
            )
        if change.change == "moved":
            where += " Its text is the same."
        self.scene_caption.setText(f"{change_word(change)}: {change.heading}.{where}")
        self.model.set_rows(change.rows, labels)
        self.lines.resizeRowsToContents()
        changed = next((n for n, row in enumerate(change.rows) if row.tag != "equal"), None)
        if changed is not None:
            self.lines.scrollTo(
                self.model.index(changed, 1), QAbstractItemView.ScrollHint.PositionAtCenter
            )

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            colours = colours_in_use(self)
            if colours != self.colours:
                self.set_colours(colours)

    def set_colours(self, colours: Colours) -> None:
        """Redraw in the scheme's colours."""
        self.colours = colours
        self.model.set_colours(colours)
        if self.diff is not None:
            current = self.scenes.indexOfTopLevelItem(self.scenes.currentItem())
            self.show_diff(self.diff)
            if current >= 0:
                self.scenes.setCurrentItem(self.scenes.topLevelItem(current))


def open_compare(room: Any, script_id: str = "") -> CompareDialog | None:
    """Open Compare versions from a Write room for ``script_id`` (default: the script the
    editor holds); says in the room's status line why not when it cannot."""
    script_id = script_id or room.script_id
    if room.session is None:
        room.state.setText("Sign in to compare the versions of your submitted scripts.")
        return None
    if not script_id:
        room.state.setText(
            "This text is not submitted yet: submit it, or open a script from My scripts, "
            "to compare its versions."
        )
        return None
    dialog = CompareDialog(
        runner=room.runner, store=room.session.store, script_id=script_id, parent=room
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
