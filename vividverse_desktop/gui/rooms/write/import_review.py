"""Import review: after a PDF or plain-text import, the elements as they were read, beside
the page they came from, so a mis-read line's kind can be corrected before the text
goes into the editor.

``studio.import_review.review_import`` runs in the work pool (a PDF is read in its
sandboxed child process); the page is drawn by ``source_page`` (QtPdf, threaded); corrections
are applied by ``studio.import_review.apply_corrections`` in the work pool on Accept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QObject,
    QSignalBlocker,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.core.screenplay.model import ElementKind
from vividverse_desktop.gui.fonts import script_font
from vividverse_desktop.gui.rooms.write import files
from vividverse_desktop.gui.rooms.write.room import KIND_NAMES
from vividverse_desktop.gui.rooms.write.source_page import LINE_PT, PageArea
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import UNIT, Colours, colours_in_use
from vividverse_desktop.studio import writing
from vividverse_desktop.studio.import_review import (
    Corrected,
    ImportReview,
    ReviewElement,
    apply_corrections,
    review_import,
)

KINDS = tuple(kind for kind in ElementKind if kind is not ElementKind.PAGE_BREAK)


def kind_name(kind: ElementKind) -> str:
    """The kind as the room names it ("Scene heading")."""
    return KIND_NAMES.get(kind.value, kind.value)


class ImportReviewDialog(QDialog):
    """The page on the left, its elements on the right with a kind picker; Accept hands
    over the corrected Fountain text (``text_accepted``)."""

    reviewed = Signal(object)  # the ImportReview, once shown
    text_accepted = Signal(str)  # the Fountain text to put in the editor

    def __init__(
        self,
        *,
        path: Path,
        runner: TaskRunner,
        parent: QWidget | None = None,
        colours: Colours | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importReviewDialog")
        self.setAccessibleName("Import review")
        self.setWindowTitle(f"Review the import of {path.name} — Vividverse")
        self.resize(260 * UNIT, 180 * UNIT)
        self.path = path
        self.runner = runner
        self.colours = colours or colours_in_use(parent)
        self.review: ImportReview | None = None
        self.corrections: dict[int, ElementKind] = {}
        self.corrected: Corrected | None = None
        self.page_number: int | None = None  # the 1-based PDF page shown (None: text)
        self.shown: tuple[ReviewElement, ...] = ()

        self.heading = QLabel(f"Reading {path.name}…", self)
        self.heading.setObjectName("importReviewHeading")
        self.heading.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("importReviewProgress")
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(2 * UNIT)
        self.progress.setTextVisible(False)

        self.page_area = PageArea(self.colours, self)
        self.page_area.view.clicked_at.connect(self._clicked_on_page)
        self.source = QPlainTextEdit(self)
        self.source.setObjectName("importReviewText")
        self.source.setAccessibleName("The imported text")
        self.source.setReadOnly(True)
        self.source.setFont(script_font(11))
        self.left = QStackedWidget(self)
        self.left.addWidget(self.page_area)
        self.left.addWidget(self.source)

        self.previous_button = QPushButton("◀ Previous page", self)
        self.previous_button.setObjectName("importReviewPrevious")
        self.previous_button.setToolTip("The previous page (Page Up)")
        self.previous_button.clicked.connect(lambda: self.step_page(-1))
        self.next_button = QPushButton("Next page ▶", self)
        self.next_button.setObjectName("importReviewNext")
        self.next_button.setToolTip("The next page (Page Down)")
        self.next_button.clicked.connect(lambda: self.step_page(1))
        self.page_label = QLabel("", self)
        self.page_label.setObjectName("importReviewPageLabel")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for keys, step in (
            (QKeySequence.StandardKey.MoveToPreviousPage, -1),
            (QKeySequence.StandardKey.MoveToNextPage, 1),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda step=step: self.step_page(step))
        pages_row = QHBoxLayout()
        pages_row.addWidget(self.previous_button)
        pages_row.addWidget(self.page_label, 1)
        pages_row.addWidget(self.next_button)

        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("importReviewElements")
        self.table.setAccessibleName("The elements read from this page")
        self.table.setHorizontalHeaderLabels(["Kind", "Text"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda *_: self._element_chosen())
        self.table.itemDoubleClicked.connect(lambda _item: self._pick_kind())
        self.table.installEventFilter(self)

        self.picker = QComboBox(self)
        self.picker.setObjectName("importReviewKind")
        self.picker.setAccessibleName("Kind of the selected element")
        self.picker.setToolTip("What the selected element is (Alt+K; Enter on a row opens it)")
        for kind in KINDS:
            self.picker.addItem(kind_name(kind))
        self.picker.setEnabled(False)
        self.picker.installEventFilter(self)
        self.picker.currentIndexChanged.connect(lambda _i: self._kind_picked())
        picker_label = QLabel("&Kind of the selected element:", self)
        picker_label.setBuddy(self.picker)
        picker_row = QHBoxLayout()
        picker_row.addWidget(picker_label)
        picker_row.addWidget(self.picker, 1)
        self.summary = QLabel("", self)
        self.summary.setObjectName("importReviewSummary")
        self.summary.setProperty("role", "muted")
        self.summary.setWordWrap(True)

        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2 * UNIT)
        column.addLayout(pages_row)
        column.addWidget(self.table, 1)
        column.addLayout(picker_row)
        column.addWidget(self.summary)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("importReviewSplitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([130 * UNIT, 120 * UNIT])

        self.buttons = QDialogButtonBox(self)
        self.accept_button = self.buttons.addButton(
            "&Use this text", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.accept_button.setObjectName("importReviewAccept")
        self.accept_button.setToolTip("Put the text, with your corrections, in the editor (Alt+U)")
        self.accept_button.setEnabled(False)
        self.accept_button.setDefault(True)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("importReviewCancel")
        cancel.setToolTip("Leave the editor as it is")
        self.buttons.accepted.connect(self.use_text)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4 * UNIT, 4 * UNIT, 4 * UNIT, 4 * UNIT)
        layout.setSpacing(3 * UNIT)
        layout.addWidget(self.heading)
        layout.addWidget(self.progress)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.buttons)
        self.splitter.setEnabled(False)
        self.task = runner.run_work(
            review_import,
            path=path,
            owner=self,
            on_done=self.show_review,
            on_error=self._failed,
        )

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            colours = colours_in_use(self)
            if colours != self.colours:
                self.colours = self.page_area.view.colours = colours
                for row in range(len(self.shown)):
                    self._show_kind(row)
                self.page_area.view.update()

    # -- reading -------------------------------------------------------------------

    def _failed(self, error: BaseException) -> None:
        self.progress.hide()
        self.heading.setProperty("role", "error")
        self.heading.setText(f"Could not read {self.path.name}: {error}")
        self.heading.style().polish(self.heading)

    def reject(self) -> None:
        """Cancel: stop reading and leave the editor as it was."""
        self.task.cancel("the import review was cancelled")
        super().reject()

    def show_review(self, review: ImportReview) -> None:
        """Show what was read: the first page with elements, its first element selected."""
        self.review = review
        self.progress.hide()
        self.splitter.setEnabled(True)
        self.accept_button.setEnabled(True)
        what = "PDF" if review.source_format == "pdf" else "text"
        counted = f"{len(review.elements)} elements"
        if review.pages:
            counted += f" on {len(review.pages)} pages"
        self.heading.setText(
            f"{self.path.name} was read as a screenplay ({what}, {counted}). Check the kind "
            "of each element beside the page and correct any that were mis-read."
        )
        pdf = (
            review.source_format == "pdf"
            and bool(review.pages)
            and self.page_area.load(review.path)
        )
        if pdf:
            self.left.setCurrentWidget(self.page_area)
            self.show_page(review.pages[0].number)
        else:
            self.left.setCurrentWidget(self.source)
            self.source.setPlainText(review.fountain_text)
            self.page_number = None
            for button in (self.previous_button, self.next_button):
                button.hide()
            self.page_label.setText("Every element of the text")
            self._fill(review.elements)
        self._summarise()
        self.table.setFocus()
        self.reviewed.emit(review)

    # -- pages ---------------------------------------------------------------------

    def page_numbers(self) -> list[int]:
        """The 1-based pages that hold elements."""
        return [page.number for page in self.review.pages] if self.review else []

    def show_page(self, number: int, select: int = 0) -> None:
        """Show 1-based page ``number`` and its elements, row ``select`` selected."""
        review = self.review
        if review is None:
            return
        found = next((page for page in review.pages if page.number == number), None)
        if found is None:
            return
        self.page_number = number
        numbers = self.page_numbers()
        place = numbers.index(number)
        self.previous_button.setEnabled(place > 0)
        self.next_button.setEnabled(place + 1 < len(numbers))
        self.page_label.setText(f"Page {number} of {self.page_area.document.pageCount()}")
        self.page_area.show_page(number - 1)
        self._fill(found.elements, select)

    def step_page(self, step: int) -> None:
        """Go ``step`` pages with elements forward (or back)."""
        numbers = self.page_numbers()
        if self.page_number is None or not numbers:
            return
        place = numbers.index(self.page_number) + step
        if 0 <= place < len(numbers):
            self.show_page(numbers[place], 0 if step > 0 else -1)

    def _clicked_on_page(self, y_pt: float) -> None:
        above = [
            row
            for row, element in enumerate(self.shown)
            if element.top_pt is not None and element.top_pt - LINE_PT <= y_pt
        ]
        if above:
            self.table.setCurrentCell(above[-1], 0)

    # -- elements ------------------------------------------------------------------

    def _fill(self, elements: tuple[ReviewElement, ...], select: int = 0) -> None:
        self.shown = elements
        self.table.setRowCount(len(elements))
        for row, element in enumerate(elements):
            kind = QTableWidgetItem()
            text = QTableWidgetItem(" ".join(element.text.split()))
            text.setToolTip(element.text)
            self.table.setItem(row, 0, kind)
            self.table.setItem(row, 1, text)
            self._show_kind(row)
        if elements:
            row = select if select >= 0 else len(elements) + select
            self.table.setCurrentCell(max(0, min(row, len(elements) - 1)), 0)
        else:
            self._element_chosen()

    def kind_of(self, element: ReviewElement) -> ElementKind:
        """The element's kind with the corrections made so far."""
        return self.corrections.get(element.index, element.kind)

    def _show_kind(self, row: int) -> None:
        element = self.shown[row]
        item = self.table.item(row, 0)
        kind = self.kind_of(element)
        corrected = element.index in self.corrections
        item.setText(
            f"{kind_name(kind)} (was {kind_name(element.kind)})" if corrected else kind_name(kind)
        )
        font = item.font()
        font.setWeight(font.Weight.DemiBold if corrected else font.Weight.Normal)
        item.setFont(font)
        item.setForeground(QBrush(QColor(self.colours.accent)) if corrected else QBrush())
        item.setToolTip("Corrected by you" if corrected else "As it was read")

    def current_element(self) -> ReviewElement | None:
        """The element of the selected row."""
        row = self.table.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def _element_chosen(self) -> None:
        element = self.current_element()
        self.picker.setEnabled(element is not None)
        if element is None:
            self.page_area.mark(None)
            return
        with QSignalBlocker(self.picker):
            self.picker.setCurrentIndex(KINDS.index(self.kind_of(element)))
        if self.page_number is not None:
            self.page_area.mark(element.top_pt)
        else:
            self._mark_text(element)

    def _mark_text(self, element: ReviewElement) -> None:
        document = self.source.document()
        first = document.findBlockByNumber(element.line - 1)
        last = document.findBlockByNumber(max(element.line, element.end_line) - 1)
        if not first.isValid():
            return
        cursor = QTextCursor(first)
        end = last if last.isValid() else first
        cursor.setPosition(end.position() + end.length() - 1, QTextCursor.MoveMode.KeepAnchor)
        mark = QTextEdit.ExtraSelection()
        mark.cursor = cursor  # type: ignore[attr-defined]
        colour = QColor(self.colours.accent)
        colour.setAlpha(56)
        mark.format.setBackground(colour)  # type: ignore[attr-defined]
        self.source.setExtraSelections([mark])
        self.source.setTextCursor(QTextCursor(first))
        self.source.centerCursor()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on a row or on the closed picker opens the kind list (it never accepts
        the whole dialog by surprise)."""
        if (
            watched in (self.table, self.picker)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers()
        ):
            self._pick_kind()
            return True
        return super().eventFilter(watched, event)

    def _pick_kind(self) -> None:
        if self.picker.isEnabled():
            self.picker.setFocus()
            self.picker.showPopup()

    def _kind_picked(self) -> None:
        if 0 <= self.picker.currentIndex() < len(KINDS):
            self.correct(KINDS[self.picker.currentIndex()])

    def correct(self, kind: ElementKind) -> None:
        """Give the selected element ``kind`` (its own kind again undoes a correction)."""
        element = self.current_element()
        if element is None:
            return
        if kind is element.kind:
            self.corrections.pop(element.index, None)
        else:
            self.corrections[element.index] = kind
        with QSignalBlocker(self.picker):
            self.picker.setCurrentIndex(KINDS.index(kind))
        self._show_kind(self.table.currentRow())
        self._summarise()

    def _summarise(self) -> None:
        review = self.review
        if review is None:
            return
        parts = []
        count = len(self.corrections)
        if count:
            parts.append(f"{count} correction{'s' if count != 1 else ''} to apply")
        else:
            parts.append("No corrections yet: pick a row, then its kind")
        parts.extend(review.warnings[:2])
        self.summary.setText(" · ".join(parts))

    # -- accepting -----------------------------------------------------------------

    def use_text(self) -> None:
        """Apply the corrections (work pool), hand the text over and close."""
        review = self.review
        if review is None:
            return
        if not self.corrections:
            self._done(Corrected(review.screenplay, review.fountain_text, ()))
            return
        self.accept_button.setEnabled(False)
        self.summary.setText("Applying the corrections…")
        self.runner.run_work(
            apply_corrections,
            screenplay=review.screenplay,
            corrections=dict(self.corrections),
            owner=self,
            on_done=self._done,
            on_error=self._apply_failed,
        )

    def _apply_failed(self, error: BaseException) -> None:
        self.accept_button.setEnabled(True)
        self.summary.setText(f"Could not apply the corrections: {error}")

    def _done(self, corrected: Corrected) -> None:
        self.corrected = corrected
        self.text_accepted.emit(corrected.fountain_text)
        self.accept()


def review_into(room: Any, path: Path) -> None:
    """Open ``path`` in a Write room through the import review: a PDF always, a .txt when
    it reads as a laid-out script (a Fountain .txt opens as it is). Accept loads the text;
    Cancel leaves the editor as it was. The dialog, once shown, is ``room.import_review``."""
    if path.suffix.lower() != ".pdf":

        def opened(draft: writing.OpenedDraft) -> None:
            if draft.source_format == "text":
                room.import_review = _show(room, path)
            else:
                files.opened(room, draft)

        files.read_draft(room, path, opened)
        return
    room.import_review = _show(room, path)


def _show(room: Any, path: Path) -> ImportReviewDialog:
    dialog = ImportReviewDialog(path=path, runner=room.runner, parent=room)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def accepted(text: str) -> None:
        room.load_text(text, path=None)
        review = dialog.review
        room.source_format = review.source_format if review is not None else "text"
        notes = [f"Imported from {path.name}; saving writes a .fountain file"]
        corrected = dialog.corrected
        if corrected is not None and corrected.unapplied:
            notes.append(f"{len(corrected.unapplied)} correction(s) Fountain could not keep")
        room.state.setText(" · ".join(notes))
        room.opened.emit(str(path))

    dialog.text_accepted.connect(accepted)
    dialog.rejected.connect(lambda: room.state.setText(f"Import of {path.name} cancelled"))
    room.state.setText(f"Reviewing the import of {path.name}…")
    dialog.open()
    return dialog
