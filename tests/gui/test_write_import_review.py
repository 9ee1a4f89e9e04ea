"""Import review, driven through its widgets: a PDF made by our own export opens beside its
elements, a mis-read line's kind is corrected from the keyboard, and Accept puts the
corrected Fountain in the editor (Cancel leaves it as it was)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.model import ElementKind
from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.rooms.write.import_review import ImportReviewDialog
from vividverse_desktop.gui.rooms.write.room import WriteRoom
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import LIGHT
from vividverse_desktop.studio import writing

SCRIPT = (
    "Title: Kettle Song\n\nINT. LAB - NIGHT\n\nA kettle boils.\n\nMIRA\nTea?\n\n"
    "The lights go out.\n\nEXT. ROOF - DAY\n\nWind.\n"
)
BEFORE = "INT. STUDY - DAY\n\nA draft in progress.\n"


@pytest.fixture
def room(qtbot: QtBot, runner: TaskRunner, prefs: Preferences) -> WriteRoom:
    page = WriteRoom(runner, prefs, LIGHT)
    qtbot.addWidget(page)
    page.load_text(BEFORE, path=None)
    return page


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    """The script exported by our own PDF export (title page, then one page of script)."""
    path = tmp_path / "kettle.pdf"
    writing.export_text(text=SCRIPT, output=path)
    return path


def _reviewing(qtbot: QtBot, room: WriteRoom, path: Path) -> ImportReviewDialog:
    room.open_file(path)
    assert wait_until(lambda: isinstance(getattr(room, "import_review", None), ImportReviewDialog))
    dialog = room.import_review
    assert isinstance(dialog, ImportReviewDialog)
    assert wait_until(lambda: dialog.review is not None, 20_000), dialog.heading.text()
    return dialog


def _row_of(dialog: ImportReviewDialog, text: str) -> int:
    return next(r for r, element in enumerate(dialog.shown) if element.text == text)


def test_a_pdf_import_is_corrected_in_the_review_and_accepted_into_the_editor(
    qtbot: QtBot, room: WriteRoom, pdf: Path
) -> None:
    """An action line re-kinded as a transition from the keyboard reads back as one."""
    dialog = _reviewing(qtbot, room, pdf)
    assert dialog.isVisible()
    assert room.editor.toPlainText() == BEFORE  # nothing changes before Accept
    assert dialog.page_number == 2  # the title page holds no elements
    assert dialog.page_label.text() == "Page 2 of 2"
    assert wait_until(lambda: dialog.page_area.view.image is not None, 10_000)
    kinds = [(dialog.table.item(r, 0).text(), e.text) for r, e in enumerate(dialog.shown)]
    assert ("Action", "The lights go out.") in kinds
    assert ("Character", "MIRA") in kinds

    dialog.table.setFocus()
    row = _row_of(dialog, "The lights go out.")
    for _ in range(row):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.table.currentRow() == row
    element = dialog.shown[row]
    assert element.top_pt is not None
    assert dialog.page_area.view.mark_pt == element.top_pt  # the line is marked on the page
    assert dialog.picker.currentText() == "Action"

    qtbot.keyClicks(dialog.picker, "Tr")  # the kind picker, by keyboard
    assert dialog.corrections == {element.index: ElementKind.TRANSITION}
    assert dialog.table.item(row, 0).text() == "Transition (was Action)"
    assert "1 correction" in dialog.summary.text()

    with qtbot.waitSignal(dialog.text_accepted, timeout=10_000):
        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    text = room.editor.toPlainText()
    found = {(e.kind, e.text) for e in parse(text).elements}
    assert (ElementKind.TRANSITION, "The lights go out.") in found
    assert (ElementKind.CHARACTER, "MIRA") in found
    assert room.path is None  # an import saves as a new .fountain file
    assert "Imported from kettle.pdf" in room.state.text()


def test_cancel_leaves_the_editor_as_it_was(qtbot: QtBot, room: WriteRoom, pdf: Path) -> None:
    """Cancelling the review after a correction changes nothing in the editor."""
    dialog = _reviewing(qtbot, room, pdf)
    dialog.table.setCurrentCell(_row_of(dialog, "Wind."), 0)
    dialog.correct(ElementKind.CENTERED)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert room.editor.toPlainText() == BEFORE
    assert "cancelled" in room.state.text()


def test_a_click_on_the_page_selects_the_element_read_there(
    qtbot: QtBot, room: WriteRoom, pdf: Path
) -> None:
    """Clicking a line of the page picks the element it belongs to."""
    dialog = _reviewing(qtbot, room, pdf)
    row = _row_of(dialog, "MIRA")
    top = dialog.shown[row].top_pt
    assert top is not None
    view = dialog.page_area.view
    dialog.table.setCurrentCell(0, 0)
    qtbot.mouseClick(
        view,
        Qt.MouseButton.LeftButton,
        pos=QPoint(view.width() // 2, int((top - 4) * view.scale())),
    )
    assert dialog.table.currentRow() == row


def test_a_laid_out_text_file_is_reviewed_and_a_fountain_one_opens_as_it_is(
    qtbot: QtBot, room: WriteRoom, tmp_path: Path
) -> None:
    """A .txt laid out like a printed script goes through the review (the text beside its
    elements); a .txt written in Fountain opens straight away, exactly as written."""
    layout = tmp_path / "typed.txt"
    layout.write_text(
        "INT. LAB - NIGHT\n\n"
        "A kettle boils on the bench.\n\n"
        "                         MIRA\n"
        "               Tea, anyone?\n\n"
        "EXT. ROOF - DAY\n\n"
        "Wind over the antenna.\n\n"
        "                         JON\n"
        "               Not for me.\n",
        encoding="utf-8",
    )
    dialog = _reviewing(qtbot, room, layout)
    assert dialog.review is not None
    assert dialog.review.source_format == "text"
    assert dialog.left.currentWidget() is dialog.source
    row = _row_of(dialog, "MIRA")
    dialog.table.setCurrentCell(row, 0)
    (mark,) = dialog.source.extraSelections()
    cursor = mark.cursor  # type: ignore[attr-defined]
    assert cursor.selectedText() == "MIRA"
    with qtbot.waitSignal(dialog.text_accepted, timeout=10_000):
        dialog.use_text()
    assert (ElementKind.CHARACTER, "MIRA") in {
        (e.kind, e.text) for e in parse(room.editor.toPlainText()).elements
    }

    fountain = tmp_path / "plain.txt"
    fountain.write_text(BEFORE, encoding="utf-8")
    room.import_review = None
    room.open_file(fountain)
    assert wait_until(lambda: room.editor.toPlainText() == BEFORE)
    assert room.import_review is None


def test_enter_on_a_row_opens_the_kind_list_and_does_not_accept(
    qtbot: QtBot, room: WriteRoom, pdf: Path
) -> None:
    """Enter on the elements picks a kind; the dialog stays open and the editor unchanged."""
    dialog = _reviewing(qtbot, room, pdf)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert wait_until(lambda: dialog.picker.view().isVisible())
    dialog.picker.hidePopup()
    assert dialog.isVisible()
    assert room.editor.toPlainText() == BEFORE


def test_a_pdf_that_cannot_be_read_says_so_in_the_dialog(
    qtbot: QtBot, room: WriteRoom, tmp_path: Path
) -> None:
    """A broken PDF: the reason is shown where the review would be, nothing can be accepted."""
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    room.open_file(broken)
    assert wait_until(lambda: isinstance(getattr(room, "import_review", None), ImportReviewDialog))
    dialog = room.import_review
    assert wait_until(lambda: "Could not read broken.pdf" in dialog.heading.text(), 20_000)
    assert dialog.heading.property("role") == "error"
    assert not dialog.accept_button.isEnabled()
    dialog.reject()
    assert room.editor.toPlainText() == BEFORE
