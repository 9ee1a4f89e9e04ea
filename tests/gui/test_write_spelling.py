"""Spell checking in the Write room, driven through the editor as a writer would."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QContextMenuEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.rooms.write import proofreader
from vividverse_desktop.gui.rooms.write.room import WriteRoom
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import LIGHT
from vividverse_desktop.studio.spelling import SpellCheck

SCRIPT = """\
INT. KOWLOONIA ARCADE - NIGHT

Zephyrine wlaks past the lanterns of Kowloonia.

ZEPHYRINE
I never recieve visitors.

Dust settles on the zorblat.
"""
WAVY = QTextCharFormat.UnderlineStyle.SpellCheckUnderline


def underlined(room: WriteRoom) -> list[str]:
    """The words the editor draws with the spell-check underline, top to bottom (a word
    drawn as adjacent ranges, say half of it bold, reads as one)."""
    words = []
    block = room.editor.document().firstBlock()
    while block.isValid():
        spans: list[list[int]] = []
        for part in sorted(block.layout().formats(), key=lambda p: p.start):
            if part.format.underlineStyle() != WAVY:
                continue
            if spans and spans[-1][1] == part.start:
                spans[-1][1] = part.start + part.length
            else:
                spans.append([part.start, part.start + part.length])
        words.extend(block.text()[start:end] for start, end in spans)
        block = block.next()
    return words


def found(check: SpellCheck) -> list[str]:
    return [word for line in check.lines.values() for _s, _e, word in line]


def make_room(qtbot: QtBot, runner: TaskRunner, prefs: Preferences, root: Path) -> WriteRoom:
    page = WriteRoom(runner, prefs, LIGHT, spelling_root=root)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def room(qtbot: QtBot, runner: TaskRunner, prefs: Preferences, tmp_path: Path) -> WriteRoom:
    page = make_room(qtbot, runner, prefs, tmp_path / "data")
    page.load_text(SCRIPT, path=None)
    assert wait_until(lambda: underlined(page) == ["wlaks", "recieve", "zorblat"]), underlined(page)
    return page


def open_menu_on(qtbot: QtBot, room: WriteRoom, word: str) -> QMenu:
    """Right-click the first occurrence of ``word`` and return the menu that opens."""
    editor = room.editor
    found = editor.document().find(word)
    assert not found.isNull(), word
    middle = QTextCursor(found)
    middle.setPosition(found.selectionStart() + 2)
    where = editor.cursorRect(middle).center()
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, where, editor.viewport().mapToGlobal(where)
    )
    QApplication.sendEvent(editor.viewport(), event)
    menu = editor.findChild(QMenu, "editorContextMenu")
    assert menu is not None
    assert wait_until(menu.isVisible)
    return menu


def named(menu: QMenu, name: str) -> list:
    return [a for a in menu.actions() if a.objectName() == name]


def test_a_misspelt_word_typed_in_action_is_underlined_after_a_pause(
    qtbot: QtBot, room: WriteRoom
) -> None:
    """Typing a misspelt word into an action line underlines it once the writer pauses
    and moves on; the script's character and location names never are."""
    editor = room.editor
    cursor = QTextCursor(editor.document().findBlockByNumber(2))
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    editor.setTextCursor(cursor)
    editor.setFocus()
    qtbot.keyClicks(editor, " Rain falls on the glowng stalls.")
    assert wait_until(lambda: "glowng" in underlined(room))
    assert underlined(room) == ["wlaks", "glowng", "recieve", "zorblat"]
    # the character (cue and name in action) and the location are the script's own words
    assert "Zephyrine" not in underlined(room)
    assert "Kowloonia" not in underlined(room)


def test_the_word_being_typed_waits_until_the_cursor_leaves_it(
    qtbot: QtBot, room: WriteRoom
) -> None:
    """A pause inside a word does not underline it; moving on does."""
    editor = room.editor
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.setFocus()
    checked: list[SpellCheck] = []
    room.proofreader.checked.connect(checked.append)
    qtbot.keyClicks(editor, "Then quietnes")
    assert wait_until(lambda: any("quietnes" in found(check) for check in checked))
    assert "quietnes" not in underlined(room)
    editor.moveCursor(QTextCursor.MoveOperation.Start)
    assert wait_until(lambda: "quietnes" in underlined(room))


def test_choosing_a_suggestion_replaces_the_word_as_one_undo_step(
    qtbot: QtBot, room: WriteRoom
) -> None:
    """The right-click menu offers spellings; one replaces the word; Undo brings it back."""
    menu = open_menu_on(qtbot, room, "recieve")
    assert wait_until(lambda: bool(named(menu, "spellingSuggestion")))
    offered = [a.text() for a in named(menu, "spellingSuggestion")]
    assert offered[0] == "receive"
    assert 1 <= len(offered) <= 5
    assert named(menu, "spellingAdd")
    assert named(menu, "spellingIgnore")
    named(menu, "spellingSuggestion")[0].trigger()
    menu.close()
    assert "I never receive visitors." in room.editor.toPlainText()
    assert wait_until(lambda: underlined(room) == ["wlaks", "zorblat"])
    room.editor.undo()
    assert room.editor.toPlainText() == SCRIPT


def test_a_word_added_to_the_dictionary_stays_accepted_after_a_restart(
    qtbot: QtBot, runner: TaskRunner, prefs: Preferences, room: WriteRoom, tmp_path: Path
) -> None:
    """ "Add to dictionary" removes the underline now and in the next session."""
    menu = open_menu_on(qtbot, room, "zorblat")
    named(menu, "spellingAdd")[0].trigger()
    menu.close()
    assert wait_until(lambda: underlined(room) == ["wlaks", "recieve"])
    words = tmp_path / "data" / "spelling" / "words.txt"
    assert wait_until(words.exists)
    room.close()

    again = make_room(qtbot, runner, prefs, tmp_path / "data")
    again.load_text(SCRIPT + "\nA zorblat and a wlaks.\n", path=None)
    assert wait_until(lambda: underlined(again) == ["wlaks", "recieve", "wlaks"]), underlined(again)


def test_ignore_accepts_a_word_in_this_script_only(qtbot: QtBot, room: WriteRoom) -> None:
    """ "Ignore" removes the underline in this script; another script still shows it."""
    menu = open_menu_on(qtbot, room, "wlaks")
    named(menu, "spellingIgnore")[0].trigger()
    menu.close()
    assert wait_until(lambda: underlined(room) == ["recieve", "zorblat"])
    room.load_text("INT. ROOM - DAY\n\nShe wlaks.\n", path=None)
    assert wait_until(lambda: underlined(room) == ["wlaks"])


def test_a_word_ignored_in_a_saved_script_stays_ignored_when_it_is_opened_again(
    qtbot: QtBot, room: WriteRoom, tmp_path: Path
) -> None:
    """The ignore list of a script with a file is kept for that file."""
    script = tmp_path / "market.fountain"
    room.load_text(SCRIPT, path=script)
    assert wait_until(lambda: underlined(room) == ["wlaks", "recieve", "zorblat"])
    menu = open_menu_on(qtbot, room, "zorblat")
    named(menu, "spellingIgnore")[0].trigger()
    menu.close()
    assert wait_until(lambda: underlined(room) == ["wlaks", "recieve"])
    room.load_text(SCRIPT, path=None)
    assert wait_until(lambda: underlined(room) == ["wlaks", "recieve", "zorblat"])
    room.load_text(SCRIPT, path=script)
    assert wait_until(lambda: underlined(room) == ["wlaks", "recieve"])


def test_turning_spell_checking_off_removes_the_underlines_and_is_remembered(
    qtbot: QtBot, runner: TaskRunner, prefs: Preferences, room: WriteRoom, tmp_path: Path
) -> None:
    """The Check spelling action clears every underline; the choice survives a restart."""
    toggle = room.actions_by_name["actionWriteSpelling"]
    assert toggle.isChecked()
    toggle.trigger()
    assert wait_until(lambda: underlined(room) == [] and not room.editor.highlighter.busy)
    assert prefs.spell_check is False
    # typing while off underlines nothing
    room.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(room.editor, "More wrods here. ")
    assert wait_until(lambda: room._asked is None and room.analysis is not None)
    assert underlined(room) == []

    again = make_room(qtbot, runner, prefs, tmp_path / "data")
    assert not again.actions_by_name["actionWriteSpelling"].isChecked()
    toggle.trigger()
    assert wait_until(lambda: underlined(room) == ["wlaks", "recieve", "zorblat", "wrods"])


def test_next_misspelling_selects_each_word_in_turn(qtbot: QtBot, room: WriteRoom) -> None:
    """F7 selects the next misspelt word after the cursor and opens its menu, wrapping."""
    room.editor.setFocus()
    room.editor.moveCursor(QTextCursor.MoveOperation.Start)
    chosen = []
    for _ in range(4):
        room.actions_by_name["actionWriteNextMisspelling"].trigger()
        chosen.append(room.editor.textCursor().selectedText())
        menu = room.editor.findChild(QMenu, "editorContextMenu")
        assert menu is not None
        assert wait_until(menu.isVisible)
        assert named(menu, "spellingAdd")
        menu.close()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert chosen == ["wlaks", "recieve", "zorblat", "wlaks"]


def test_a_running_check_holds_back_while_keys_arrive(qtbot: QtBot, room: WriteRoom) -> None:
    """Typing comes first: a check's pause lasts while keys keep coming, and ends once
    they stop for a moment (so the GUI thread does not queue behind it for Python)."""
    editor = room.editor
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.setFocus()
    waited: list[float] = []

    def check_pauses() -> None:  # as the check's worker calls it
        started = time.perf_counter()
        room.proofreader.wait_for_quiet()
        waited.append(time.perf_counter() - started)

    qtbot.keyClick(editor, "a")
    worker = threading.Thread(target=check_pauses)
    worker.start()
    typing_ends = time.perf_counter() + 0.3
    while time.perf_counter() < typing_ends:  # a key every 40 ms for 0.3 s
        qtbot.keyClick(editor, "a")
        qtbot.wait(40)
    assert wait_until(lambda: bool(waited))
    worker.join()
    assert waited[0] >= 0.3  # not before the last key, and ended by the quiet after it
    assert waited[0] < proofreader.LONGEST_WAIT_S + 0.3
    started = time.perf_counter()
    room.proofreader.wait_for_quiet()  # nobody typing: no wait at all
    assert time.perf_counter() - started < 0.05
