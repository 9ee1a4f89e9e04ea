"""The main window driven as a person would: sidebar, keys, palette, dialogs, files, theme."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl, qVersion
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QTabBar,
    QTabWidget,
    QTextBrowser,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.gui.dialogs.about import AboutDialog
from vividverse_desktop.gui.dialogs.settings import SettingsDialog
from vividverse_desktop.gui.dialogs.shortcuts import ShortcutsDialog
from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.theme import DARK, LIGHT, ThemeController
from vividverse_desktop.gui.widgets.palette import CommandPalette, match_score
from vividverse_desktop.gui.widgets.sync_status import SyncStatusView
from vividverse_desktop.studio.about import component_versions

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _sidebar_click(qtbot: QtBot, window: MainWindow, title: str) -> None:
    sidebar = window.sidebar
    item = next(sidebar.item(i) for i in range(sidebar.count()) if sidebar.item(i).text() == title)
    rect = sidebar.visualItemRect(item)
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _dialog(window: MainWindow, kind: type) -> QWidget:
    assert wait_until(lambda: any(d.isVisible() for d in window.findChildren(kind)))
    return next(d for d in window.findChildren(kind) if d.isVisible())


def test_clicking_the_sidebar_shows_the_room(qtbot: QtBot, window: MainWindow) -> None:
    """A click on 'Review' shows the Review room and says so in the title."""
    with qtbot.waitSignal(window.room_changed) as changed:
        _sidebar_click(qtbot, window, "Review")
    assert changed.args == ["review"]
    assert window.stack.currentWidget().objectName() == "room_review"
    assert window.windowTitle().startswith("Review")


def test_ctrl_number_switches_rooms(qtbot: QtBot, window: MainWindow) -> None:
    """Ctrl+5 shows the fifth room (the Screening Room), Ctrl+1 the first."""
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)
    assert window.current_room() == "screening"
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
    assert window.current_room() == "write"


def test_roles_decide_which_rooms_show(qtbot: QtBot, window: MainWindow) -> None:
    """A writer sees Write and Scores; Ctrl+2 then means Scores; hidden rooms leave the palette."""
    window.show_room("admin")
    window.set_roles(frozenset({Role.WRITER}))
    shown = [
        window.sidebar.item(i).text() for i in range(6) if not window.sidebar.item(i).isHidden()
    ]
    assert shown == ["Write", "Scores"]
    assert window.current_room() == "write"
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    assert window.current_room() == "scores"
    palette = window.open_palette()
    palette.query.setText("go to")
    rooms = [a.objectName() for a in palette.matches() if a.objectName().startswith("actionRoom_")]
    assert rooms == ["actionRoom_write", "actionRoom_scores"]
    palette.close()


def test_every_action_shows_its_shortcut_in_its_tooltip(window: MainWindow) -> None:
    """Each command has a shortcut, and its tooltip names it."""
    for action in window.actions.values():
        if not action.isVisible():
            continue
        keys = action.shortcut().toString(action.shortcut().SequenceFormat.NativeText)
        assert keys, action.objectName()
        assert keys in action.toolTip(), action.objectName()


def test_palette_finds_a_command_by_part_of_its_name(qtbot: QtBot, window: MainWindow) -> None:
    """Ctrl+K, type 'sync', Enter: the sync is requested."""
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL)
    palette = _dialog(window, CommandPalette)
    qtbot.keyClicks(palette.query, "sync")
    assert palette.matches()[0].objectName() == "actionSyncNow"
    with qtbot.waitSignal(window.sync_requested, timeout=2000):
        qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert not palette.isVisible()


def test_palette_arrow_keys_choose_another_match(qtbot: QtBot, window: MainWindow) -> None:
    """Typing 'theme', Down, Down, Enter picks the third theme command."""
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL)
    palette = _dialog(window, CommandPalette)
    qtbot.keyClicks(palette.query, "theme")
    third = palette.matches()[2]
    qtbot.keyClick(palette.query, Qt.Key.Key_Down)
    qtbot.keyClick(palette.query, Qt.Key.Key_Down)
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert third.isChecked()


@pytest.mark.parametrize(
    ("query", "name", "found"),
    [
        ("sync", "Sync now", True),
        ("now", "Sync now", True),
        ("kbd", "Keyboard shortcuts", True),
        ("short key", "Keyboard shortcuts", True),
        ("xyz", "Sync now", False),
    ],
)
def test_palette_matching(query: str, name: str, found: bool) -> None:
    """Words match as substrings, or as letters in order; anything else does not match."""
    assert (match_score(query, name) is not None) is found


def test_palette_ranks_name_start_then_word_start_then_inside_then_letters() -> None:
    """In 'Sync now': 'sync' (start) > 'now' (a word) > 'ync' (inside) > 'sn' (letters)."""
    scores = [match_score(q, "Sync now") for q in ("sync", "now", "ync", "sn")]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == 4


def test_sync_now_and_sign_out_keys_emit_their_signals(qtbot: QtBot, window: MainWindow) -> None:
    """Ctrl+Shift+S asks for a sync; Ctrl+Alt+Q asks to sign out."""
    with qtbot.waitSignal(window.sync_requested, timeout=1000):
        qtbot.keyClick(window, Qt.Key.Key_S, CTRL | SHIFT)
    with qtbot.waitSignal(window.sign_out_requested, timeout=1000):
        qtbot.keyClick(window, Qt.Key.Key_Q, CTRL | Qt.KeyboardModifier.AltModifier)


def test_keyboard_shortcuts_lists_every_command(qtbot: QtBot, window: MainWindow) -> None:
    """Help > Keyboard shortcuts lists Sync now under Sync with Ctrl+Shift+S."""
    window.actions["actionShortcuts"].trigger()
    dialog = _dialog(window, ShortcutsDialog)
    assert ("Sync", "Sync now", "Ctrl+Shift+S") in dialog.rows
    assert ("Help", "About Vividverse", "Shift+F1") in dialog.rows
    named = {name for _, name, _ in dialog.rows}
    assert {"Open", "Settings", "Quit", "Command palette", "Go to Admin"} <= named
    qtbot.keyClicks(dialog.search, "palette")
    visible = [
        dialog.tree.topLevelItem(g).child(i).text(0)
        for g in range(dialog.tree.topLevelItemCount())
        for i in range(dialog.tree.topLevelItem(g).childCount())
        if not dialog.tree.topLevelItem(g).child(i).isHidden()
    ]
    assert visible == ["Command palette"]


def test_about_shows_the_versions_of_what_runs(qtbot: QtBot, window: MainWindow) -> None:
    """About lists Qt's version and, once asked off the GUI thread, FFmpeg's and espeak-ng's."""
    window.actions["actionAbout"].trigger()
    dialog = _dialog(window, AboutDialog)
    assert dialog.version_of("Qt") == qVersion()
    assert wait_until(lambda: dialog.task.is_finished, 15000)
    expected = {c.name: c.version for c in component_versions()}
    assert dialog.version_of("FFmpeg") == expected["FFmpeg"]
    assert dialog.version_of("espeak-ng") == expected["espeak-ng"]
    licences = dialog.findChild(QTextBrowser, "aboutLicences").toPlainText()
    assert "GPL" in licences
    assert "SIL Open Font License" in licences


def test_switching_theme_repaints_and_is_remembered(
    qtbot: QtBot, window: MainWindow, prefs: Preferences
) -> None:
    """View > Theme: Dark gives the dark palette and is saved; Light brings the light one back."""
    window.actions["actionTheme_dark"].trigger()
    role = QPalette.ColorRole.Window
    assert QApplication.palette().color(role).name() == DARK.window
    assert Preferences(prefs.path).theme == "dark"
    window.actions["actionTheme_light"].trigger()
    assert QApplication.palette().color(role).name() == LIGHT.window


def test_settings_dialog_saves_theme_and_scale(
    qtbot: QtBot, window: MainWindow, prefs: Preferences
) -> None:
    """Choosing Dark and 125 % in Settings and pressing Save applies and stores both."""
    base = QApplication.font().pointSizeF()
    window.actions["actionSettings"].trigger()
    dialog = _dialog(window, SettingsDialog)
    dialog.theme_box.setCurrentIndex(dialog.theme_box.findData("dark"))
    dialog.scale_box.setCurrentIndex(dialog.scale_box.findData(1.25))
    with qtbot.waitSignal(window.settings_saved, timeout=1000):
        qtbot.mouseClick(
            dialog.findChild(QAbstractButton, "settingsSave"), Qt.MouseButton.LeftButton
        )
    stored = Preferences(prefs.path)
    assert (stored.theme, stored.scale) == ("dark", 1.25)
    assert QApplication.palette().color(QPalette.ColorRole.Window).name() == DARK.window
    assert QApplication.font().pointSizeF() == pytest.approx(base * 1.25)
    assert window.actions["actionTheme_dark"].isChecked()


def test_settings_refuses_an_ffmpeg_that_is_not_there(
    qtbot: QtBot, window: MainWindow, prefs: Preferences, tmp_path: Path
) -> None:
    """A wrong FFmpeg path is shown under the field and nothing is saved."""
    dialog = window.open_settings()
    dialog.ffmpeg_path.setText(str(tmp_path / "no-ffmpeg"))
    assert dialog.save() is False
    assert dialog.isVisible()
    assert dialog.ffmpeg_error.isVisibleTo(dialog)
    assert "No file there" in dialog.ffmpeg_error.text()
    assert Preferences(prefs.path).ffmpeg_path == ""


def test_geometry_and_room_come_back_in_a_new_window(
    qtbot: QtBot, window: MainWindow, prefs: Preferences, qapp: QApplication
) -> None:
    """Close the window at 700x500 in Scores; the next window opens at that size in Scores."""
    window.resize(700, 500)
    window.show_room("scores")
    window.close()
    theme = ThemeController(qapp, prefs.theme, prefs.scale)
    again = MainWindow(preferences=Preferences(prefs.path), theme=theme, hub=ChangeHub())
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == (700, 500)
    assert again.current_room() == "scores"
    again.close()


def test_files_open_in_the_room_that_reads_them(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """A script opens in Write, a film in the Screening Room, both join Open recent."""
    script = tmp_path / "pilot.fountain"
    film = tmp_path / "cut.mov"
    with qtbot.waitSignal(window.file_opened) as opened:
        assert window.open_file(script) == "write"
    assert opened.args == ["write", str(script)]
    assert window.open_file(film) == "screening"
    assert window.pages["screening"].opened == film
    recent = [
        a.toolTip()
        for a in window.recent_menu.actions()
        if a.objectName().startswith("actionRecent")
    ]
    assert recent == [str(film), str(script)]
    window.recent_menu.actions()[1].trigger()
    assert window.current_room() == "write"


def test_a_file_no_room_reads_is_explained_not_opened(window: MainWindow, tmp_path: Path) -> None:
    """A .docx opens nowhere and the status bar says what Vividverse opens."""
    assert window.open_file(tmp_path / "notes.docx") is None
    assert "opens scripts" in window.statusBar().currentMessage()


def test_dropping_a_script_on_the_window_opens_it(window: MainWindow, tmp_path: Path) -> None:
    """Dragging a .fdx over the window is accepted and dropping it opens the Write room."""
    window.show_room("admin")
    (tmp_path / "draft.fdx").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><FinalDraft DocumentType="Script" '
        'Template="No" Version="4"><Content><Paragraph Type="Scene Heading">'
        "<Text>INT. DROPPED - DAY</Text></Paragraph></Content></FinalDraft>",
        encoding="utf-8",
    )
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(tmp_path / "draft.fdx"))])
    point = QPoint(200, 200)
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, data, buttons, mods)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(point.toPointF(), Qt.DropAction.CopyAction, data, buttons, mods)
    QApplication.sendEvent(window, drop)
    assert window.current_room() == "write"
    editor = window.pages["write"].editor
    assert wait_until(lambda: "INT. DROPPED - DAY" in editor.toPlainText())


def test_dragging_an_unreadable_file_is_refused(window: MainWindow, tmp_path: Path) -> None:
    """A .zip dragged over the window is not accepted."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(tmp_path / "x.zip"))])
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_account_and_sync_status_seams(window: MainWindow) -> None:
    """The session's account and sync state show in words, not colour alone."""
    window.set_account("Ada Writer", "sync.example.studio")
    assert window.account_button.text() == "Ada Writer · sync.example.studio"
    window.set_sync_status(
        SyncStatusView(online=False, waiting_ops=3, conflicts=1, refused=2, message="server down")
    )
    words = window.sync_status.text()
    for part in ("Offline: server down", "3 changes waiting", "1 conflict", "2 refused"):
        assert part in words


def test_empty_state_first_action_runs_its_command(qtbot: QtBot, window: MainWindow) -> None:
    """The Review room's button asks for a sync, as its label says."""
    window.show_room("review")
    button = window.pages["review"].first_action
    assert button.isVisible()
    with qtbot.waitSignal(window.sync_requested, timeout=1000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QTabWidget, QTextBrowser)


def _inside_qt_composite(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QComboBox, QLineEdit, QTabBar)) or type(parent).__name__ in (
            "QComboBoxPrivateContainer",
        ):
            return True
        parent = parent.parentWidget()
    return False


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QHeaderView):
            continue
        if widget.objectName().startswith("qt_") or _inside_qt_composite(widget):
            continue  # parts Qt builds inside a composite widget
        if not widget.objectName() or not widget.accessibleName():
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} {text}")
    return missing


def test_every_interactive_widget_has_names(qtbot: QtBot, window: MainWindow) -> None:
    """Buttons, fields, lists and tabs of the window and its dialogs have both names."""
    roots = [
        window,
        window.open_about(),
        window.open_settings(),
        window.open_shortcuts(),
        window.open_palette(),
    ]
    missing = [m for root in roots for m in _unnamed(root)]
    assert missing == [], "\n".join(missing)


def test_following_the_system_scheme(qtbot: QtBot, qapp: QApplication, prefs: Preferences) -> None:
    """With 'follow the system', the palette turns dark when the system's scheme does."""
    system = ["light"]
    theme = ThemeController(qapp, "system", system=lambda: system[0])
    try:
        assert theme.scheme == "light"
        system[0] = "dark"
        with qtbot.waitSignal(theme.changed, timeout=1000):
            QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert QApplication.palette().color(QPalette.ColorRole.Window).name() == DARK.window
        theme.set_choice("light")
        QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert theme.scheme == "light"
    finally:
        theme.deleteLater()


def test_an_unexpected_error_is_one_line_with_details(qtbot: QtBot, window: MainWindow) -> None:
    """A background failure nobody handles shows one line; Details shows the traceback."""

    def broken() -> None:
        raise OSError("No space left on device")

    with qtbot.waitSignal(window.runner.unhandled, timeout=5000):
        window.runner.run_work(broken)
    assert window.error_label.isVisible()
    assert window.error_label.text() == "Something went wrong: OSError: No space left on device"
    qtbot.mouseClick(window.error_details, Qt.MouseButton.LeftButton)
    box = _dialog(window, QMessageBox)
    assert "raise OSError" in box.detailedText()
    assert "Nothing you saved is lost" in box.informativeText()
    box.close()
    assert not window.error_label.isVisible()


def test_an_uncaught_exception_is_logged_and_shown(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The excepthook writes the traceback to the log file and shows the one line."""
    import logging
    import sys

    from vividverse_desktop.gui.errors import install_excepthook, start_log

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    handler = start_log(tmp_path / "vividverse.log")
    try:
        install_excepthook(window.show_error)
        try:
            raise RuntimeError("keyring locked")
        except RuntimeError as error:
            sys.excepthook(type(error), error, error.__traceback__)
        handler.flush()
        assert "RuntimeError: keyring locked" in (tmp_path / "vividverse.log").read_text()
        assert window.error_label.text().endswith("RuntimeError: keyring locked")
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_a_sessions_sync_status_reads_in_the_status_bar(window: MainWindow) -> None:
    """studio's SyncStatus, shown through SyncStatusView.of: offline with its reason, then back."""
    from datetime import UTC, datetime

    from vividverse_desktop.studio.session import SyncStatus

    down = SyncStatus(
        online=False,
        waiting=4,
        conflicts=0,
        refused=1,
        last_sync=None,
        last_error="server not answering",
    )
    window.set_sync_status(SyncStatusView.of(down, server_label="sync.example.studio"))
    words = window.sync_status.text()
    assert words.startswith("Offline: server not answering")
    assert "4 changes waiting" in words
    assert "1 refused" in words
    back = SyncStatus(
        online=True,
        waiting=0,
        conflicts=0,
        refused=0,
        last_sync=datetime(2026, 12, 7, 9, 41, tzinfo=UTC),
    )
    window.set_sync_status(SyncStatusView.of(back, server_label="sync.example.studio"))
    assert window.sync_status.text().startswith("Online · synced ")
    fresh = SyncStatus(online=None, waiting=0, conflicts=0, refused=0, last_sync=None)
    window.set_sync_status(SyncStatusView.of(fresh, server_label="This computer"))
    assert window.sync_status.text() == "Not synced yet"


def test_the_tour_walks_the_rooms_once_and_can_be_replayed(
    qtbot: QtBot, window: MainWindow
) -> None:
    """First run: the banner names the first room; Next switches the room; Escape ends it
    and it is not shown by itself again; Help > Tour of the rooms shows it again."""
    window.set_roles(frozenset(Role.user_roles()))
    window.show_room("write")
    assert window.start_tour(first_run_only=True)
    assert window.tour.isVisible()
    assert window.tour.title.text().startswith("Write")
    assert not window.tour.back_button.isEnabled()
    qtbot.mouseClick(window.tour.next_button, Qt.MouseButton.LeftButton)
    assert window.current_room() == "review"
    assert window.tour.title.text() == "Review  ·  2 of 6"
    qtbot.keyClick(window.tour, Qt.Key.Key_Escape)
    assert not window.tour.isVisible()
    assert not window.start_tour(first_run_only=True)
    window.show_room("write")
    window.actions["actionTour"].trigger()
    assert window.tour.isVisible()
    for _ in range(6):
        qtbot.mouseClick(window.tour.next_button, Qt.MouseButton.LeftButton)
    assert not window.tour.isVisible()
