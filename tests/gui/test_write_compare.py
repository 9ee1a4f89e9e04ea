"""Compare versions, driven through its widgets on a real SQLite store: the changed scenes
are listed with a word each, and a scene's changed line shows old beside new."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.rooms.write.compare_dialog import CompareDialog, open_compare
from vividverse_desktop.gui.rooms.write.room import WriteRoom
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import DARK, LIGHT, palette
from vividverse_desktop.store import LocalStore
from vividverse_desktop.studio import writing

WRITER = "00000000-0000-4000-8000-00000000000a"
KITCHEN = "INT. KITCHEN - DAY\n\nMira pours tea.\n\nMIRA\nToo hot.\n\n"
ROOF = "EXT. ROOF - NIGHT\n\nWind. The antenna sways.\n\n"
CAR = "INT. CAR - LATER\n\nRain on the glass.\n\nJON\nDrive.\n\n"
DOCK = "EXT. DOCK - DAWN\n\nGulls.\n\n"
OLD = "Title: Kettle Song\n\n" + KITCHEN + ROOF + CAR + DOCK
# The roof scene moves to the end; one line of the kitchen changes.
NEW = "Title: Kettle Song\n\n" + KITCHEN.replace("Too hot.", "Still too hot.") + CAR + DOCK + ROOF


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    with LocalStore.open(tmp_path / "store.sqlite3") as opened:
        yield opened


def _two_versions(store: LocalStore) -> str:
    first = writing.submit_draft(store=store, user_id=WRITER, text=OLD)
    writing.submit_draft(store=store, user_id=WRITER, text=NEW, script_id=first.script_id)
    return first.script_id


def _shown(qtbot: QtBot, runner: TaskRunner, store: LocalStore) -> CompareDialog:
    """The dialog over two versions, shown once it has compared them."""
    script_id = _two_versions(store)
    dialog = CompareDialog(runner=runner, store=store, script_id=script_id, colours=LIGHT)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.diff_shown, timeout=10_000):
        dialog.show()
    return dialog


def _rows(dialog: CompareDialog) -> list[tuple[str, str]]:
    return [
        (dialog.scenes.topLevelItem(i).text(0), dialog.scenes.topLevelItem(i).text(1))
        for i in range(dialog.scenes.topLevelItemCount())
    ]


def test_the_dialog_lists_the_moved_and_edited_scenes_and_shows_the_changed_line(
    qtbot: QtBot, runner: TaskRunner, store: LocalStore
) -> None:
    """The two newest versions are compared: the roof scene moved, the kitchen edited; the
    kitchen's side by side pairs the old line with the new one, highlighted."""
    dialog = _shown(qtbot, runner, store)
    assert dialog.heading.text() == "Kettle Song"
    assert dialog.old_picker.currentText().startswith("Version ")
    assert dialog.old_picker.currentIndex() == 0
    assert dialog.new_picker.currentIndex() == 1
    rows = _rows(dialog)
    assert sorted(rows) == sorted(
        [("Edited", "1  INT. KITCHEN - DAY"), ("Moved", "4  EXT. ROOF - NIGHT")]
    ), rows
    assert "1 edited" in dialog.summary.text()
    assert "1 moved" in dialog.summary.text()

    kitchen = next(
        dialog.scenes.topLevelItem(i)
        for i in range(dialog.scenes.topLevelItemCount())
        if "KITCHEN" in dialog.scenes.topLevelItem(i).text(1)
    )
    dialog.scenes.setCurrentItem(kitchen)
    model = dialog.model
    shown = [tuple(model.index(r, c).data() for c in range(4)) for r in range(model.rowCount())]
    line = OLD.splitlines().index("Too hot.") + 1
    assert (f"~ {line}", "Too hot.", f"~ {line}", "Still too hot.") in shown
    changed = next(r for r, row in enumerate(shown) if row[1] == "Too hot.")
    unchanged = next(r for r, row in enumerate(shown) if row[1] == "Mira pours tea.")
    assert model.index(changed, 1).data(8) is not None  # BackgroundRole: highlighted
    assert model.index(changed, 3).data(8) is not None
    assert model.index(unchanged, 1).data(8) is None
    assert model.index(changed, 1).data(3) == "Changed line"  # ToolTipRole says it in words

    roof = next(
        dialog.scenes.topLevelItem(i)
        for i in range(dialog.scenes.topLevelItemCount())
        if "ROOF" in dialog.scenes.topLevelItem(i).text(1)
    )
    dialog.scenes.setCurrentItem(roof)
    assert model.rowCount() == 0
    assert "now 4" in dialog.scene_caption.text()
    assert "same" in dialog.scene_caption.text()


def test_picking_the_same_version_twice_asks_for_two(
    qtbot: QtBot, runner: TaskRunner, store: LocalStore
) -> None:
    """The pickers drive the comparison; the same version on both sides lists nothing."""
    dialog = _shown(qtbot, runner, store)
    dialog.old_picker.setCurrentIndex(1)
    assert dialog.scenes.topLevelItemCount() == 0
    assert "pick two" in dialog.summary.text()
    with qtbot.waitSignal(dialog.diff_shown, timeout=10_000):
        dialog.new_picker.setCurrentIndex(0)  # newest -> oldest: the changes reversed
    assert sorted(text for text, _ in _rows(dialog)) == ["Edited", "Moved"]


def test_the_line_model_passes_the_model_tester(
    qtbot: QtBot, runner: TaskRunner, store: LocalStore, qtmodeltester: ModelTester
) -> None:
    """The side-by-side rows are a well-behaved table model."""
    dialog = _shown(qtbot, runner, store)
    qtmodeltester.check(dialog.model)


def test_the_write_room_opens_the_dialog_for_the_script_it_holds(
    qtbot: QtBot, runner: TaskRunner, prefs: Preferences, store: LocalStore
) -> None:
    """Compare versions in the room needs a submitted script; then it compares that one."""
    room = WriteRoom(runner, prefs, LIGHT)
    qtbot.addWidget(room)
    assert wait_until(lambda: room.analysis is not None)
    room.actions_by_name["actionWriteCompare"].trigger()
    assert "Sign in" in room.state.text()

    class Session:  # what the room reads of a signed-in session
        def __init__(self) -> None:
            self.store, self.user_id = store, WRITER

    room.session = Session()
    room.actions_by_name["actionWriteCompare"].trigger()
    assert "not submitted" in room.state.text()
    room.script_id = _two_versions(store)
    room.actions_by_name["actionWriteCompare"].trigger()
    dialog = room.findChild(CompareDialog)
    assert isinstance(dialog, CompareDialog)
    assert dialog.script_id == room.script_id
    assert wait_until(lambda: dialog.scenes.topLevelItemCount() == 2, 10_000)
    assert open_compare(room, "") is not None


def test_my_scripts_offers_compare_for_a_script_with_two_versions(
    qtbot: QtBot, runner: TaskRunner, prefs: Preferences, store: LocalStore
) -> None:
    """A My scripts row's menu compares that script's versions."""
    room = WriteRoom(runner, prefs, LIGHT)
    qtbot.addWidget(room)
    script_id = _two_versions(store)
    room.my_scripts.show_scripts(writing.my_scripts(store=store, author_id=WRITER))

    class Session:
        def __init__(self) -> None:
            self.store, self.user_id = store, WRITER

    room.session = Session()
    menu = room.my_scripts.menu_for(room.my_scripts.list.topLevelItem(0))
    compare = next(a for a in menu.actions() if a.objectName() == "myScriptsCompare")
    assert compare.isEnabled()
    compare.trigger()
    dialog = room.findChild(CompareDialog)
    assert isinstance(dialog, CompareDialog)
    assert dialog.script_id == script_id
    assert wait_until(lambda: dialog.scenes.topLevelItemCount() == 2, 10_000)


def test_the_dialog_follows_a_change_of_scheme(
    qtbot: QtBot, runner: TaskRunner, store: LocalStore, qapp: QApplication
) -> None:
    """Switching to dark re-tints the changed lines in the dark scheme's colours."""
    dialog = _shown(qtbot, runner, store)
    before = qapp.palette()
    try:
        qapp.setPalette(palette(DARK))
        assert wait_until(lambda: dialog.colours == DARK)
        assert dialog.model.colours == DARK
    finally:
        qapp.setPalette(before)
    assert wait_until(lambda: dialog.colours == LIGHT)
