"""The Write room, driven through its widgets as a writer would."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from bench.scriptgen import feature_script
from tests.gui.conftest import wait_until
from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.pagination import paginate
from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.rooms.write.highlighter import kind_of
from vividverse_desktop.gui.rooms.write.room import WriteRoom
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import LIGHT

SAMPLE = resource_path("samples", "night_market.fountain")


@pytest.fixture
def room(qtbot: QtBot, runner: TaskRunner, prefs: Preferences) -> WriteRoom:
    page = WriteRoom(runner, prefs, LIGHT)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    assert wait_until(lambda: page.analysis is not None)
    return page


def settle(room: WriteRoom) -> None:
    """Wait until the room has read the text as it is now and coloured it, with no
    reading about to start (a wait that ended on the tick where a re-read was due
    would return with that reading in flight)."""
    room.read_now()
    revision = room.editor.document().revision()
    assert wait_until(
        lambda: (
            room._asked is None
            and not room._pause.isActive()
            and room.analysis is not None
            and room.analysis.text == room.editor.toPlainText()
            and not room.editor.highlighter.busy
        )
    ), revision


def kinds(room: WriteRoom) -> list[tuple[str, str]]:
    document = room.editor.document()
    out = []
    block = document.firstBlock()
    while block.isValid():
        if block.text().strip():
            out.append((block.text(), kind_of(block)))
        block = block.next()
    return out


def type_keys(qtbot: QtBot, room: WriteRoom, keys: list[object]) -> None:
    for key in keys:
        if isinstance(key, str):
            qtbot.keyClicks(room.editor, key)
        else:
            qtbot.keyClick(room.editor, key)


def test_element_flow_writes_fountain_a_parser_reads(qtbot: QtBot, room: WriteRoom) -> None:
    room.editor.setFocus()
    type_keys(
        qtbot,
        room,
        [
            "int. kitchen - night",
            Qt.Key.Key_Return,  # heading -> action
            "Rain on the window.",
            Qt.Key.Key_Return,  # action -> action, new paragraph
            Qt.Key.Key_Tab,  # empty line -> cue
            "maria",  # typed in capitals on a cue
            Qt.Key.Key_Return,  # cue -> dialogue
            "(",  # opens a parenthetical
            "quietly",
            Qt.Key.Key_End,
            Qt.Key.Key_Return,  # parenthetical -> dialogue
            "Who's there?",
            Qt.Key.Key_Return,  # dialogue -> action
            "Nobody answers.",
        ],
    )
    text = room.editor.toPlainText()
    assert text == (
        "INT. KITCHEN - NIGHT\n\nRain on the window.\n\nMARIA\n(quietly)\nWho's there?\n\n"
        "Nobody answers."
    )
    expected = [
        ("scene_heading", "INT. KITCHEN - NIGHT"),
        ("action", "Rain on the window."),
        ("character", "MARIA"),
        ("parenthetical", "(quietly)"),
        ("dialogue", "Who's there?"),
        ("action", "Nobody answers."),
    ]
    assert [(e.kind.value, e.text) for e in parse(text).elements] == expected
    settle(room)  # the colours are the parser's reading
    assert kinds(room) == [(t, k) for k, t in expected]


def test_tab_cycles_the_element_of_a_written_line(qtbot: QtBot, room: WriteRoom) -> None:
    room.load_text("INT. A - DAY\n\nthe hall\n", path=None)
    settle(room)
    room.editor.go_to_line(2)
    qtbot.keyClick(room.editor, Qt.Key.Key_Tab)  # action -> cue
    assert room.editor.document().findBlockByNumber(2).text() == "THE HALL"
    qtbot.keyClick(room.editor, Qt.Key.Key_Tab)  # cue -> heading
    assert room.editor.document().findBlockByNumber(2).text() == ".THE HALL"
    settle(room)
    assert [e.kind.value for e in parse(room.editor.toPlainText()).elements] == [
        "scene_heading",
        "scene_heading",
    ]
    assert room.element.text() == "Scene heading"
    room.editor.undo()
    room.editor.undo()
    assert room.editor.toPlainText() == "INT. A - DAY\n\nthe hall\n"


def test_autocomplete_offers_cues_of_the_script(qtbot: QtBot, room: WriteRoom) -> None:
    room.load_text("INT. A - DAY\n\nMARGARET\nHello.\n\nBOB\nHi.\n\n", path=None)
    settle(room)
    room.editor.moveCursor(room.editor.textCursor().MoveOperation.End)
    qtbot.keyClick(room.editor, Qt.Key.Key_Tab)
    qtbot.keyClicks(room.editor, "ma")
    popup = room.editor._completer.popup()
    assert wait_until(popup.isVisible)
    assert popup.currentIndex().data() == "MARGARET"
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert room.editor.textCursor().block().text() == "MARGARET"


def test_the_navigator_follows_the_cursor_and_the_cursor_follows_it(
    qtbot: QtBot, room: WriteRoom
) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    room.load_text(text, path=None)
    settle(room)
    scenes = [e for e in room.analysis.outline if e.kind == "scene"]
    room.editor.go_to_line(scenes[4].line + 2)
    assert wait_until(lambda: room.navigator.currentItem() is room.navigator.scene_item(4))
    item = room.navigator.scene_item(2)
    rect = room.navigator.visualItemRect(item)
    qtbot.mouseClick(room.navigator.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert room.editor.current_line() == scenes[2].line
    assert room.editor.hasFocus() or QApplication.focusWidget() is room.editor


def test_dragging_a_scene_moves_its_text_in_one_undo_step(qtbot: QtBot, room: WriteRoom) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    room.load_text(text, path=None)
    settle(room)
    scenes = [e for e in room.analysis.outline if e.kind == "scene"]
    nav = room.navigator
    nav.setCurrentItem(nav.scene_item(3))
    nav.move_scene_before(nav.scene_item(3), nav.scene_item(0))
    settle(room)
    after = [e.title for e in room.analysis.outline if e.kind == "scene"]
    assert after[0] == scenes[3].title
    assert sorted(after) == sorted(s.title for s in scenes)
    room.editor.undo()
    assert room.editor.toPlainText() == text


def test_find_and_replace_all_is_one_undo(qtbot: QtBot, room: WriteRoom) -> None:
    room.load_text("INT. A - DAY\n\nLuca runs. luca hides. Lucas waits.\n", path=None)
    room.actions_by_name["actionWriteReplace"].trigger()
    bar = room.find_bar
    assert bar.isVisible()
    bar.find_field.setText("luca")
    bar.replace_field.setText("Nico")
    bar.whole.setChecked(True)
    assert bar.replace_all() == 2
    assert room.editor.toPlainText() == "INT. A - DAY\n\nNico runs. Nico hides. Lucas waits.\n"
    room.editor.undo()
    assert "Luca runs. luca hides" in room.editor.toPlainText()
    bar.regex.setChecked(True)
    bar.whole.setChecked(False)
    bar.find_field.setText("([")
    assert bar.replace_all() == 0
    assert "valid" in bar.status.text()
    qtbot.keyClick(bar.find_field, Qt.Key.Key_Escape)
    assert not bar.isVisible()


def test_emphasis_shortcuts_wrap_and_unwrap(qtbot: QtBot, room: WriteRoom) -> None:
    room.load_text("INT. A - DAY\n\nShe runs.\n", path=None)
    room.editor.go_to_line(2)
    cursor = room.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.Right, n=4)
    cursor.movePosition(cursor.MoveOperation.Right, cursor.MoveMode.KeepAnchor, 4)
    room.editor.setTextCursor(cursor)
    room.actions_by_name["actionWriteBold"].trigger()
    assert "She **runs**." in room.editor.toPlainText()
    room.actions_by_name["actionWriteBold"].trigger()
    assert "She runs." in room.editor.toPlainText()


def test_the_preview_has_the_pages_of_the_pdf(qtbot: QtBot, room: WriteRoom) -> None:
    text = feature_script(12, seed=2)
    room.load_text(text, path=None)
    settle(room)
    assert room.preview.pages.page_count() == paginate(parse(text)).page_count
    last = room.analysis.line_of_page(room.preview.pages.page_count())
    room.show_page_preview()
    room.editor.go_to_line(last)
    assert room.preview.pages.current_page == room.preview.pages.page_count()
    assert (
        room.page.text()
        == f"Page {room.preview.pages.page_count()} of {room.preview.pages.page_count()}"
    )


def test_the_preview_keeps_the_editors_page_in_view_when_resized(
    qtbot: QtBot, room: WriteRoom
) -> None:
    """Page 41 of the feature sample stays on screen when the window grows and shrinks."""
    text = resource_path("samples", "the_long_take.fountain").read_text(encoding="utf-8")
    room.load_text(text, path=None)
    settle(room)
    room.show_page_preview()
    room.editor.go_to_line(room.analysis.line_of_page(41))
    preview = room.preview

    def page_41_in_view() -> bool:
        top = preview.pages.page_top(41) - preview.verticalScrollBar().value()
        return 0 <= top + preview.pages.page_size().height() // 2 <= preview.viewport().height()

    assert preview.pages.current_page == 41
    assert page_41_in_view()
    for width, height in ((1920, 1080), (1000, 700), (1366, 768)):
        room.resize(width, height)
        assert wait_until(lambda w=width: room.width() == w)
        assert page_41_in_view(), (width, preview.pages.scale)


def test_statistics_go_to_the_scene_clicked(qtbot: QtBot, room: WriteRoom) -> None:
    room.load_text(SAMPLE.read_text(encoding="utf-8"), path=None)
    settle(room)
    room.show_statistics()
    assert room.stats.figures["scenes"].text() == str(room.analysis.stats.scene_count)
    chart = room.stats.dialogue
    first = chart.bars[0]
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(4, chart._row() // 2))
    assert room.editor.current_line() == room.analysis.scene_lines[first.scene]


def test_open_save_and_export_through_workers(
    qtbot: QtBot, room: WriteRoom, tmp_path: Path
) -> None:
    path = tmp_path / "draft.fountain"
    path.write_text("INT. A - DAY\n\nHello.\n", encoding="utf-8")
    room.open_file(path)
    assert wait_until(lambda: room.path == path)
    assert room.title.text() == "draft.fountain"
    qtbot.keyClicks(room.editor, "X")
    assert room.title.text() == "draft.fountain •"
    room.actions_by_name["actionWriteSave"].trigger()
    assert wait_until(lambda: not room.has_changes())
    assert path.read_text(encoding="utf-8").startswith("XINT. A")
    room.export_to(tmp_path / "draft.pdf")
    assert wait_until(lambda: "Exported draft.pdf" in room.state.text())
    room.open_file(tmp_path / "missing.fountain")
    assert wait_until(lambda: "no such file" in room.state.text())


def test_focus_mode_hides_everything_but_the_page(window: MainWindow) -> None:
    room = window.pages["write"]
    assert isinstance(room, WriteRoom)
    window.show_room("write")
    window.actions["actionWriteFocus"].trigger()
    assert not room.navigator.isVisible()
    assert not room.side.isVisible()
    assert not window.sidebar.isVisible()
    window.actions["actionWriteFocus"].trigger()
    assert room.navigator.isVisible()
    assert window.sidebar.isVisible()


def test_first_start_shows_the_sample_and_opened_files_land_in_the_editor(
    window: MainWindow, tmp_path: Path
) -> None:
    room = window.pages["write"]
    assert isinstance(room, WriteRoom)
    sample = SAMPLE.read_text(encoding="utf-8")
    assert wait_until(lambda: room.editor.toPlainText() == sample)
    assert room.path is None  # the sample opens as an unsaved copy
    assert "sample" in room.state.text().lower()
    script = tmp_path / "pilot.fountain"
    script.write_text("INT. PILOT - DAY\n\nWheels up.\n", encoding="utf-8")
    assert window.open_file(script) == "write"
    assert wait_until(lambda: room.path == script)
    assert room.editor.toPlainText() == "INT. PILOT - DAY\n\nWheels up.\n"
    assert window.preferences.get("write/last_file") == str(script)


def test_lines_fit_the_editor_after_a_resize_made_in_another_room(window: MainWindow) -> None:
    """The window grown while Review shows: back in Write, no line runs past the editor."""
    room = window.pages["write"]
    assert isinstance(room, WriteRoom)
    window.resize(1366, 768)
    window.show_room("write")
    room.load_text(
        resource_path("samples", "the_long_take.fountain").read_text(encoding="utf-8"),
        path=None,
    )
    assert wait_until(lambda: room.analysis is not None and len(room.analysis.scene_lines) > 9)
    room.go_to_scene_index(20)

    def widest_line() -> float:
        block, widest = room.editor.firstVisibleBlock(), 0.0
        for _ in range(30):
            layout = block.layout()
            for n in range(layout.lineCount()):
                widest = max(widest, layout.lineAt(n).naturalTextWidth())
            block = block.next()
        return widest

    margin = 2 * room.editor.document().documentMargin()
    for width, height in ((1920, 1080), (1366, 768)):
        window.show_room("review")
        window.resize(width, height)
        window.show_room("write")
        assert wait_until(room.editor.isVisible)
        assert 0 < widest_line() <= room.editor.viewport().width() - margin, width


def test_no_two_commands_share_a_shortcut(window: MainWindow) -> None:
    seen: dict[str, str] = {}
    for action in window.actions.values():
        for sequence in action.shortcuts():
            keys = sequence.toString()
            assert keys not in seen, (keys, seen.get(keys), action.objectName())
            seen[keys] = action.objectName()


def test_watch_this_scene_plays_a_clip_and_an_edit_remakes_only_what_changed(
    qtbot: QtBot, runner: TaskRunner, prefs: Preferences, tmp_path: Path
) -> None:
    room = WriteRoom(runner, prefs, LIGHT, scene_cache=tmp_path / "clips")
    qtbot.addWidget(room)
    room.resize(1366, 768)
    room.show()
    text = (
        "INT. KITCHEN - NIGHT\n\nA kettle boils.\n\nMIRA\nTea?\n\nJON\nNo. Coffee.\n\n"
        "MIRA\nSuit yourself.\n\nEXT. YARD - DAY\n\nRain.\n"
    )
    room.load_text(text, path=None)
    settle(room)
    room.editor.go_to_line(3)
    frames: list[float] = []
    room.scene_player.frame_shown.connect(frames.append)
    room.actions_by_name["actionWriteWatchScene"].trigger()
    assert room.side.currentWidget() is room.scene_player
    assert wait_until(lambda: room.scene_player.clip is not None, 60_000)
    assert "Scene 1: INT. KITCHEN - NIGHT" in room.scene_player.caption.text()
    assert wait_until(lambda: len(frames) >= 5, 20_000)
    assert frames[-1] > frames[0]  # time moves: the clip plays
    first = room.scene_player.clip
    assert room.last_clip is not None
    made_first = room.last_clip.made
    room.editor.moveCursor(room.editor.textCursor().MoveOperation.End)
    room.editor.go_to_line(5)
    room.editor.moveCursor(room.editor.textCursor().MoveOperation.EndOfBlock)
    qtbot.keyClicks(room.editor, " Now?")
    room.actions_by_name["actionWriteWatchScene"].trigger()
    assert wait_until(lambda: room.scene_player.clip not in (None, first), 60_000)
    assert "made in" in room.scene_player.caption.text()
    assert room.last_clip is not None
    assert 0 < room.last_clip.made < made_first  # the changed line and its clip, not all
    room.actions_by_name["actionWriteWatchScene"].trigger()
    assert wait_until(lambda: "unchanged" in room.scene_player.caption.text(), 20_000)
    room.scene_player.stop()


def test_the_export_dialog_writes_pdf_with_its_options_and_fdx(
    qtbot: QtBot, room: WriteRoom, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    room.load_text(SAMPLE.read_text(encoding="utf-8"), path=None)
    dialog = room.export()
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    dialog.sides.setCurrentIndex(dialog.sides.findData("left"))
    dialog.watermark.setText("FOR ANNA ONLY")
    dialog.file.setText(str(tmp_path / "night.pdf"))
    assert not dialog.revised.isEnabled()  # nothing submitted: no previous version
    dialog.findChild(QPushButton, "exportGo").click()
    assert wait_until(lambda: (tmp_path / "night.pdf").exists() and "Exported" in room.state.text())
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "night.pdf").pages)
    assert "FOR ANNA ONLY" in text
    again = room.export()
    assert again.sides.currentData() == "left"  # remembered
    again.format.setCurrentIndex(again.format.findData("fdx"))
    assert again.path().suffix == ".fdx"
    assert not again.paper.isEnabled()
    again.file.setText(str(tmp_path / "night.fdx"))
    again.accept()
    assert wait_until((tmp_path / "night.fdx").exists)


def test_rooms_arrive_after_the_window_and_keep_a_file_opened_meanwhile(
    qtbot: QtBot, qapp: QApplication, prefs: Preferences, tmp_path: Path
) -> None:
    from vividverse_desktop.gui.app import build_shell

    script = tmp_path / "early.fountain"
    script.write_text("INT. EARLY - DAY\n\nFirst.\n", encoding="utf-8")
    shell = build_shell(qapp, prefs)
    window = shell.window
    qtbot.addWidget(window)
    try:
        window.show()
        assert type(window.pages["write"]).__name__ == "LoadingRoom"  # the window came first
        window.open_file(script)
        assert wait_until(
            lambda: (
                isinstance(window.pages["write"], WriteRoom)
                and window.pages["write"].path == script
            ),
            20_000,
        )
        assert window.pages["write"].editor.toPlainText() == "INT. EARLY - DAY\n\nFirst.\n"
        assert "actionWriteSave" in window.actions  # its menu came with it
    finally:
        shell.runner.shutdown()
        shell.theme.set_choice("light")
        shell.theme.deleteLater()
