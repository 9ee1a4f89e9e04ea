"""The navigator: scenes (number, heading, page, length), sections, synopses and notes,
and the review notes pinned to the films of the script, each under its scene.

It follows the cursor (the scene being written is selected) and the cursor follows it
(a click goes to the line). Dragging a scene onto another moves its text before that
scene, as one undo step (the room does the edit).
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDropEvent, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from vividverse_desktop.core.screenplay.pagination import format_eighths
from vividverse_desktop.gui.theme import Colours
from vividverse_desktop.studio.script_reviews import PlacedNotes, ScriptNote
from vividverse_desktop.studio.writing import OutlineEntry

LINE = Qt.ItemDataRole.UserRole
ENTRY = Qt.ItemDataRole.UserRole + 1


class Navigator(QTreeWidget):
    """The outline of the draft as last read."""

    line_chosen = Signal(int)
    scene_moved = Signal(int, int, int)  # source line, source end, line to insert before

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigator")
        self.setAccessibleName("Scene navigator")
        self.setColumnCount(4)
        self.setHeaderLabels(["#", "Scene", "Page", "Length"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.entries: tuple[OutlineEntry, ...] = ()
        self.reviews = PlacedNotes()
        self._scene_items: list[QTreeWidgetItem] = []
        self._muted = QColor("#555b65")
        self._section = QColor("#1d6f38")
        self._note = QColor("#855400")
        self._review = QColor("#2d5bc8")
        self._following = False
        self.itemActivated.connect(self._chosen)
        self.itemClicked.connect(self._chosen)

    def set_colours(self, colours: Colours) -> None:
        """Sections, synopses and notes in the scheme's colours."""
        self._muted = QColor(colours.muted)
        self._section = QColor(colours.success)
        self._note = QColor(colours.warning)
        self._review = QColor(colours.accent)
        entries, self.entries = self.entries, ()
        self.set_outline(entries)

    def set_reviews(self, reviews: PlacedNotes) -> None:
        """Show the review notes on the films of the script under their scenes."""
        if reviews == self.reviews:
            return
        self.reviews = reviews
        entries, self.entries = self.entries, ()
        self.set_outline(entries)

    def set_outline(self, entries: tuple[OutlineEntry, ...]) -> None:
        """Show ``entries``, keeping the selected scene and the scroll position."""
        if entries == self.entries and self.topLevelItemCount():
            return
        selected = self.currentItem().data(0, LINE) if self.currentItem() else None
        scroll = self.verticalScrollBar().value()
        self.setUpdatesEnabled(False)
        self.clear()
        self.entries = entries
        self._scene_items = []
        items: list[QTreeWidgetItem] = []
        for entry in entries:
            item = QTreeWidgetItem()
            item.setData(0, LINE, entry.line)
            item.setData(0, ENTRY, entry.kind)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if entry.kind == "scene":
                item.setText(0, entry.number)
                item.setText(1, entry.title)
                item.setText(2, str(entry.page) if entry.page else "")
                item.setText(3, format_eighths(entry.eighths))
                item.setTextAlignment(
                    2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
                item.setTextAlignment(
                    3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
                item.setToolTip(1, f"Scene {entry.number}: {entry.title} (page {entry.page})")
                flags |= Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
                self._scene_items.append(item)
                item.setFlags(flags)
                items.append(item)
                notes = self.reviews.by_scene.get(len(self._scene_items) - 1, ())
                items.extend(self._review_item(note, entry.line) for note in notes)
                continue
            if entry.kind == "section":
                item.setText(1, ("  " * max(0, entry.level - 1)) + entry.title)
                font = QFont(item.font(1))
                font.setBold(True)
                item.setFont(1, font)
                item.setForeground(1, QBrush(self._section))
            else:
                prefix = "Note: " if entry.kind == "note" else ""
                item.setText(1, f"    {prefix}{entry.title}")
                font = QFont(item.font(1))
                font.setItalic(True)
                item.setFont(1, font)
                item.setForeground(1, QBrush(self._note if entry.kind == "note" else self._muted))
                item.setToolTip(1, entry.title)
            item.setFlags(flags)
            items.append(item)
        if self.reviews.unplaced:
            heading = QTreeWidgetItem()
            heading.setText(1, "Review notes on scenes not in this text")
            heading.setData(0, LINE, -1)
            heading.setData(0, ENTRY, "review")
            heading.setForeground(1, QBrush(self._muted))
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            items.append(heading)
            items.extend(self._review_item(note, -1) for note in self.reviews.unplaced)
        self.addTopLevelItems(items)
        self.invisibleRootItem().setFlags(Qt.ItemFlag.ItemIsEnabled)
        if selected is not None:
            self._select_line(int(selected))
        self.verticalScrollBar().setValue(scroll)
        self.setUpdatesEnabled(True)

    def _review_item(self, note: ScriptNote, line: int) -> QTreeWidgetItem:
        """A review note's row: its timecode, author and first line, under its scene."""
        item = QTreeWidgetItem()
        item.setData(0, LINE, line)
        item.setData(0, ENTRY, "review")
        item.setText(0, "✓" if note.resolved else "●")
        item.setText(1, f"    {note.summary}")
        item.setForeground(0, QBrush(self._muted if note.resolved else self._review))
        item.setForeground(1, QBrush(self._muted if note.resolved else self._review))
        if note.resolved:
            font = QFont(item.font(1))
            font.setStrikeOut(True)
            item.setFont(1, font)
        replies = f"; {note.replies} repl{'y' if note.replies == 1 else 'ies'}"
        state = "resolved" if note.resolved else "open"
        item.setToolTip(
            1,
            f"Review note on the film of version {note.version}, {note.timecode} "
            f"(frame {note.frame}), by {note.author}, {state}"
            f"{replies if note.replies else ''}:\n{note.text}",
        )
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        return item

    def follow(self, scene: int) -> None:
        """Select scene ``scene`` (the cursor is in it) without moving the cursor."""
        if not 0 <= scene < len(self._scene_items):
            return
        item = self._scene_items[scene]
        if self.currentItem() is item:
            return
        self._following = True
        self.setCurrentItem(item)
        self.scrollToItem(item, QAbstractItemView.ScrollHint.EnsureVisible)
        self._following = False

    def scene_item(self, scene: int) -> QTreeWidgetItem | None:
        """The row of scene ``scene`` (0-based)."""
        return self._scene_items[scene] if 0 <= scene < len(self._scene_items) else None

    def _select_line(self, line: int) -> None:
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            if item.data(0, LINE) == line:
                self.setCurrentItem(item)
                return

    def _chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        line = int(item.data(0, LINE))
        if not self._following and line >= 0:  # -1: a note on no scene of this text
            self.line_chosen.emit(line)

    # -- drag a scene --------------------------------------------------------------

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        data = super().mimeData(items)
        self._dragged = items[0] if items else None
        return data

    def dropEvent(self, event: QDropEvent) -> None:
        source = self.currentItem()
        target = self.itemAt(event.position().toPoint())
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if source is None or source.data(0, ENTRY) != "scene":
            return
        self.move_scene_before(source, target)

    def move_scene_before(self, source: QTreeWidgetItem, target: QTreeWidgetItem | None) -> None:
        """Ask for scene ``source`` to move before ``target`` (None: to the end)."""
        entry = next(
            (e for e in self.entries if e.kind == "scene" and e.line == source.data(0, LINE)), None
        )
        if entry is None:
            return
        if target is None:
            dest = -1
        else:
            dest = int(target.data(0, LINE))
            if dest in (entry.line, -1):
                return
        self.scene_moved.emit(entry.line, entry.end, dest)
