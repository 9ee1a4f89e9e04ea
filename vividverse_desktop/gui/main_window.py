"""The main window: a sidebar of rooms, the menus, the account, the sync status.

The session (studio/) is wired in from outside through a few seams: :meth:`set_roles`,
:meth:`set_account`, :meth:`set_sync_status`, :meth:`replace_room`, and the signals
``sign_out_requested``, ``sync_requested``, ``settings_saved`` and ``file_opened``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.core.workflow import Role
from vividverse_desktop.gui.dialogs.about import AboutDialog
from vividverse_desktop.gui.dialogs.settings import SettingsDialog
from vividverse_desktop.gui.dialogs.shortcuts import ShortcutsDialog
from vividverse_desktop.gui.errors import details_box, one_line
from vividverse_desktop.gui.files import OPEN_FILTER, room_for
from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.icons import icon
from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.rooms import ROOMS, ROOMS_BY_KEY, rooms_for
from vividverse_desktop.gui.rooms.pages import build_page, show_room_actions
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import CHOICES, UNIT, ThemeController
from vividverse_desktop.gui.widgets.palette import CommandPalette, plain, shortcut_text
from vividverse_desktop.gui.widgets.sync_status import SyncStatusView, SyncStatusWidget
from vividverse_desktop.gui.widgets.tour import TourBanner

log = logging.getLogger(__name__)

ALL_ROLES = frozenset(Role.user_roles())
_THEME_NAMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


class MainWindow(QMainWindow):
    """The top-level window of the studio."""

    room_changed = Signal(str)
    file_opened = Signal(str, str)  # (room key, path)
    sign_out_requested = Signal()
    sync_requested = Signal()
    outbox_requested = Signal()
    settings_saved = Signal()

    def __init__(
        self,
        *,
        preferences: Preferences | None = None,
        theme: ThemeController | None = None,
        runner: TaskRunner | None = None,
        hub: ChangeHub | None = None,
        lazy_rooms: bool = False,  # rooms import on a worker and arrive after the window shows
    ) -> None:
        super().__init__()
        self.lazy_rooms = lazy_rooms
        self.setObjectName("mainWindow")
        self.setAccessibleName("Vividverse")
        self.setWindowTitle("Vividverse")
        self.setAcceptDrops(True)
        app = QApplication.instance()
        assert isinstance(app, QApplication), "the main window needs a QApplication"
        self.preferences = preferences or Preferences()
        self.theme = theme or ThemeController(app, self.preferences.theme, self.preferences.scale)
        self._owns_runner = runner is None
        self.runner = runner or TaskRunner(self)
        self.hub = hub or ChangeHub(self)
        self.actions: dict[str, QAction] = {}
        self.roles = ALL_ROLES
        self._iconed: list[tuple[QAction, str]] = []

        self._build_actions()
        self._build_menus()
        self._build_body()
        self._build_status()
        self.set_roles(ALL_ROLES)
        self.set_account("Not signed in", "This computer")
        self.theme.changed.connect(self._apply_colours)
        self.runner.unhandled.connect(self._unhandled)
        self._apply_colours()
        self._restore()

    # -- seams for the session -------------------------------------------------------

    def set_roles(self, roles: frozenset[Role]) -> None:
        """Show the rooms an account with ``roles`` uses; Ctrl+1.. follow the sidebar."""
        self.roles = frozenset(roles)
        shown = {room.key for room in rooms_for(self.roles)}
        number = 0
        for row, room in enumerate(ROOMS):
            visible = room.key in shown
            self.sidebar.item(row).setHidden(not visible)
            action = self.actions[f"actionRoom_{room.key}"]
            action.setVisible(visible)
            action.setEnabled(visible)
            if visible:
                number += 1
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            else:
                action.setShortcut(QKeySequence())
            self._set_tip(action)
            show_room_actions(self.pages[room.key], visible)
        if self.current_room() not in shown and shown:
            self.show_room(next(r.key for r in ROOMS if r.key in shown))

    def set_account(self, display_name: str, server_label: str) -> None:
        """Show who is signed in, and where (e.g. 'This computer' or a server's host)."""
        self.account_button.setText(f"{display_name} · {server_label}")
        self.account_button.setAccessibleName(f"Account: {display_name} on {server_label}")
        self.account_header.setText(f"{display_name} — {server_label}")

    def set_sync_status(self, view: SyncStatusView) -> None:
        """Show the sync state in the status bar."""
        self.sync_status.set_view(view)

    def replace_room(self, key: str, widget: QWidget) -> None:
        """Put a room's real page in place of its placeholder."""
        old = self.pages[key]
        index = self.stack.indexOf(old)
        self.stack.insertWidget(index, widget)
        self.stack.removeWidget(old)
        old.deleteLater()
        self.pages[key] = widget
        if self.sidebar.currentRow() == index:
            self.stack.setCurrentWidget(widget)

    # -- rooms and files ---------------------------------------------------------------

    def current_room(self) -> str:
        """The key of the room shown."""
        row = self.sidebar.currentRow()
        return ROOMS[row].key if 0 <= row < len(ROOMS) else ""

    def show_room(self, key: str) -> None:
        """Switch to room ``key`` (if the account sees it)."""
        row = next(i for i, room in enumerate(ROOMS) if room.key == key)
        if self.sidebar.item(row).isHidden():
            return
        self.sidebar.setCurrentRow(row)

    def open_file(self, path: str | Path) -> str | None:
        """Open ``path`` in the room that reads it; the room's key, or None if none does."""
        path = Path(path).absolute()
        key = room_for(path)
        if key is None:
            self.statusBar().showMessage(
                f"Vividverse cannot open {path.name}: it opens scripts (.fountain, .fdx, .pdf, "
                ".txt) and films (.mp4, .mov).",
                8000,
            )
            return None
        self.show_room(key)
        page = self.pages[key]
        opener = getattr(page, "open_file", None)
        if callable(opener):
            opener(path)
        self.preferences.add_recent(str(path))
        self._fill_recent()
        self.file_opened.emit(key, str(path))
        return key

    # -- building ----------------------------------------------------------------------

    def _action(
        self,
        name: str,
        text: str,
        shortcut: str | QKeySequence.StandardKey | list[str],
        slot,
        *,
        glyph: str = "",
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if isinstance(shortcut, list):
            action.setShortcuts([QKeySequence(s) for s in shortcut])
        else:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutVisibleInContextMenu(True)
        action.setStatusTip(tip or plain(text))
        action.setData(tip or plain(text))
        action.triggered.connect(slot)
        if glyph:
            self._iconed.append((action, glyph))
        self.addAction(action)  # shortcuts work with the menu bar hidden too
        self.actions[name] = action
        self._set_tip(action)
        return action

    @staticmethod
    def _set_tip(action: QAction) -> None:
        keys = shortcut_text(action)
        words = action.data() or plain(action.text())
        action.setToolTip(f"{words} ({keys})" if keys else words)

    def _build_actions(self) -> None:
        a = self._action
        a(
            "actionOpenFile",
            "&Open…",
            QKeySequence.StandardKey.Open,
            self._choose_file,
            glyph="mdi6.folder-open-outline",
            tip="Open a script or a film",
        )
        a(
            "actionSettings",
            "&Settings…",
            "Ctrl+,",
            self.open_settings,
            glyph="mdi6.cog-outline",
            tip="Theme, server, FFmpeg, render defaults, API keys",
        )
        a("actionQuit", "&Quit", "Ctrl+Q", self.close, tip="Quit Vividverse")
        for room in ROOMS:
            a(
                f"actionRoom_{room.key}",
                f"Go to {room.title}",
                "",
                lambda _=False, k=room.key: self.show_room(k),
                glyph=room.icon,
                tip=f"Go to the {room.title} room",
            )
        a(
            "actionCommandPalette",
            "&Command palette…",
            "Ctrl+K",
            self.open_palette,
            glyph="mdi6.magnify",
            tip="Find any command by name",
        )
        group = QActionGroup(self)
        for number, choice in enumerate(CHOICES, start=1):
            action = a(
                f"actionTheme_{choice}",
                f"Theme: {_THEME_NAMES[choice]}",
                f"Ctrl+Alt+{number}",
                lambda _=False, c=choice: self.set_theme(c),
            )
            action.setCheckable(True)
            action.setChecked(choice == self.theme.choice)
            group.addAction(action)
        a(
            "actionSyncNow",
            "Sync &now",
            "Ctrl+Shift+S",
            self.sync_requested.emit,
            glyph="mdi6.sync",
            tip="Send waiting changes and fetch new ones",
        )
        a(
            "actionOutbox",
            "&Outbox and conflicts…",
            "Ctrl+Shift+O",
            self.outbox_requested.emit,
            glyph="mdi6.tray-full",
            tip="What waits to be sent, what was refused, conflicts to decide",
        )
        a(
            "actionSignOut",
            "Sign &out",
            "Ctrl+Alt+Q",
            self.sign_out_requested.emit,
            glyph="mdi6.logout",
            tip="Sign out of this account",
        )
        a(
            "actionTour",
            "&Tour of the rooms",
            "Ctrl+F1",
            lambda _checked=False: self.start_tour(),
            glyph="mdi6.map-marker-path",
            tip="A short walk through the rooms you use",
        )
        a(
            "actionShortcuts",
            "&Keyboard shortcuts",
            ["Ctrl+/", "F1"],
            self.open_shortcuts,
            glyph="mdi6.keyboard-outline",
            tip="List every keyboard shortcut",
        )
        a(
            "actionAbout",
            "&About Vividverse",
            "Shift+F1",
            self.open_about,
            glyph="mdi6.information-outline",
            tip="Versions and licences",
        )

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.setObjectName("menuBar")
        acts = self.actions
        file_menu = bar.addMenu("&File")
        file_menu.setObjectName("menuFile")
        file_menu.addAction(acts["actionOpenFile"])
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.setObjectName("menuRecent")
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(acts["actionSettings"])
        file_menu.addSeparator()
        file_menu.addAction(acts["actionQuit"])
        self._fill_recent()

        view = bar.addMenu("&View")
        view.setObjectName("menuView")
        for room in ROOMS:
            view.addAction(acts[f"actionRoom_{room.key}"])
        view.addSeparator()
        view.addAction(acts["actionCommandPalette"])
        theme_menu = view.addMenu("&Theme")
        theme_menu.setObjectName("menuTheme")
        for choice in CHOICES:
            theme_menu.addAction(acts[f"actionTheme_{choice}"])

        sync = bar.addMenu("&Sync")
        sync.setObjectName("menuSync")
        sync.addAction(acts["actionSyncNow"])
        sync.addAction(acts["actionOutbox"])

        self.account_menu = bar.addMenu("&Account")
        self.account_menu.setObjectName("menuAccount")
        self.account_header = QAction("", self)
        self.account_header.setObjectName("accountHeader")
        self.account_header.setEnabled(False)
        self.account_menu.addAction(self.account_header)
        self.account_menu.addSeparator()
        self.account_menu.addAction(acts["actionSignOut"])

        help_menu = bar.addMenu("&Help")
        help_menu.setObjectName("menuHelp")
        help_menu.addAction(acts["actionTour"])
        help_menu.addAction(acts["actionShortcuts"])
        help_menu.addAction(acts["actionAbout"])

        self.account_button = QToolButton(self)
        self.account_button.setObjectName("accountButton")
        self.account_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.account_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.account_button.setMenu(self.account_menu)
        self.account_button.setAutoRaise(True)
        self.account_button.setToolTip("Account: who is signed in, and sign out")
        bar.setCornerWidget(self.account_button, Qt.Corner.TopRightCorner)

    def _build_body(self) -> None:
        body = QWidget(self)
        body.setObjectName("shellBody")
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.sidebar = QListWidget(body)
        self.sidebar.setObjectName("roomSidebar")
        self.sidebar.setAccessibleName("Rooms")
        self.sidebar.setIconSize(QSize(5 * UNIT, 5 * UNIT))
        self.sidebar.setFixedWidth(52 * UNIT)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget(body)
        self.stack.setObjectName("roomStack")
        self.pages: dict[str, QWidget] = {}
        for room in ROOMS:
            item = QListWidgetItem(room.title, self.sidebar)
            item.setData(Qt.ItemDataRole.UserRole, room.key)
            item.setToolTip(self.actions[f"actionRoom_{room.key}"].toolTip())
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{room.title} room")
            page = build_page(room, self, lazy=self.lazy_rooms)
            self.pages[room.key] = page
            self.stack.addWidget(page)
        self.sidebar.currentRowChanged.connect(self._row_changed)
        layout.addWidget(self.sidebar)
        content = QWidget(body)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.tour = TourBanner(self.show_room, self.preferences, content)
        column.addWidget(self.tour)
        column.addWidget(self.stack, 1)
        layout.addWidget(content, 1)
        self.setCentralWidget(body)

    def start_tour(self, *, first_run_only: bool = False) -> bool:
        """Walk the rooms this account sees; with ``first_run_only`` only if never seen."""
        rooms = rooms_for(self.roles)
        return self.tour.offer(rooms, at=self.current_room(), first_run_only=first_run_only)

    def _build_status(self) -> None:
        status = self.statusBar()
        status.setObjectName("statusBar")
        status.setSizeGripEnabled(False)
        self.sync_status = SyncStatusWidget(status)
        self.sync_status.setToolTip("Outbox and conflicts (Ctrl+Shift+O)")
        self.sync_status.setCursor(Qt.CursorShape.PointingHandCursor)
        self.sync_status.clicked.connect(self.outbox_requested.emit)
        status.addPermanentWidget(self.sync_status)
        self.sync_button = QToolButton(status)
        self.sync_button.setObjectName("syncNowButton")
        self.sync_button.setAccessibleName("Sync now")
        self.sync_button.setDefaultAction(self.actions["actionSyncNow"])
        self.sync_button.setAutoRaise(True)
        status.addPermanentWidget(self.sync_button)
        self.error_label = QLabel(status)
        self.error_label.setObjectName("errorLine")
        self.error_details = QToolButton(status)
        self.error_details.setObjectName("errorDetailsButton")
        self.error_details.setAccessibleName("Error details")
        self.error_details.setText("Details")
        self.error_details.setToolTip("What went wrong, and where the log is")
        self.error_details.clicked.connect(self._show_error_details)
        status.addWidget(self.error_label)
        status.addWidget(self.error_details)
        self.error_label.hide()
        self.error_details.hide()
        self._last_error: BaseException | None = None
        self.log_path: Path | None = None

    # -- behaviour ---------------------------------------------------------------------

    def _row_changed(self, row: int) -> None:
        if not 0 <= row < len(ROOMS):
            return
        key = ROOMS[row].key
        self.stack.setCurrentWidget(self.pages[key])
        self.setWindowTitle(f"{ROOMS_BY_KEY[key].title} — Vividverse")
        self.room_changed.emit(key)

    def set_theme(self, choice: str) -> None:
        """Follow the system's scheme or force one, and remember the choice."""
        self.preferences.theme = choice
        self.theme.set_choice(choice)
        self.actions[f"actionTheme_{choice}"].setChecked(True)

    def _apply_colours(self, _scheme: str = "") -> None:
        colours = self.theme.colours
        for action, glyph in self._iconed:
            action.setIcon(icon(glyph, colours))
        for row, room in enumerate(ROOMS):
            self.sidebar.item(row).setIcon(icon(room.icon, colours))
        for page in self.pages.values():
            apply = getattr(page, "apply_colours", None)
            if callable(apply):
                apply(colours)
        self.account_button.setIcon(icon("mdi6.account-circle-outline", colours))
        self.sync_status.apply_colours(colours)
        self.error_label.setStyleSheet(f"color: {colours.danger}")

    def _fill_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        files = self.preferences.recent_files
        for number, path in enumerate(files, start=1):
            label = f"&{number} {Path(path).name}" if number < 10 else Path(path).name
            action = menu.addAction(label)
            action.setObjectName(f"actionRecent_{number}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file(p))
        if files:
            menu.addSeparator()
            clear = menu.addAction("Clear recent files")
            clear.setObjectName("actionClearRecent")
            clear.triggered.connect(self._clear_recent)
        else:
            empty = menu.addAction("No recent files")
            empty.setObjectName("actionNoRecent")
            empty.setEnabled(False)

    def _clear_recent(self) -> None:
        self.preferences.clear_recent()
        self._fill_recent()

    def _choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Open a script or a film", "", OPEN_FILTER)
        if chosen:
            self.open_file(chosen)

    def all_actions(self) -> list[QAction]:
        """Every action of the window (menus, rooms, recent files)."""
        return [*self.actions.values(), *self.recent_menu.actions()]

    def open_palette(self) -> CommandPalette:
        """Show the command palette (Ctrl+K)."""
        palette = CommandPalette(self.all_actions(), self)
        palette.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        palette.open()
        palette.query.setFocus()
        return palette

    def open_shortcuts(self) -> ShortcutsDialog:
        """Show Help > Keyboard shortcuts."""
        dialog = ShortcutsDialog(self.all_actions(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_about(self) -> AboutDialog:
        """Show Help > About."""
        dialog = AboutDialog(self.runner, ffmpeg_path=self.preferences.ffmpeg_path, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_settings(self, key_editor: QWidget | None = None) -> SettingsDialog:
        """Show Settings; ``key_editor`` is the session's API-key page (see the dialog)."""
        if not isinstance(key_editor, QWidget):
            from vividverse_desktop.gui.widgets.key_editor import KeyEditor  # providers: lazy

            key_editor = KeyEditor(self.runner)
        dialog = SettingsDialog(self.preferences, self.theme, key_editor=key_editor, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._settings_saved)
        dialog.open()
        return dialog

    def _settings_saved(self) -> None:
        self.actions[f"actionTheme_{self.theme.choice}"].setChecked(True)
        self.settings_saved.emit()

    def _unhandled(self, task, error: BaseException) -> None:
        log.error("background task %s failed", task.name, exc_info=error)
        self.show_error(error)

    def show_error(self, error: BaseException) -> None:
        """One line in the status bar; 'Details' shows the traceback and the log's place."""
        self._last_error = error
        self.error_label.setText(f"Something went wrong: {one_line(error)}")
        self.error_label.show()
        self.error_details.show()

    def _show_error_details(self) -> None:
        error = self._last_error
        if error is None:
            return
        details_box(self, error, self.log_path).open()
        self.error_label.hide()
        self.error_details.hide()

    def _restore(self) -> None:
        geometry = self.preferences.geometry
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen().availableGeometry()
            self.resize(min(1280, screen.width()), min(800, screen.height()))
        last = self.preferences.last_room
        if last in ROOMS_BY_KEY:
            self.show_room(last)
        if self.sidebar.currentRow() < 0:
            self.show_room(rooms_for(self.roles)[0].key)

    # -- Qt events ---------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(room_for(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        opened = [
            self.open_file(u.toLocalFile())
            for u in event.mimeData().urls()
            if u.isLocalFile() and room_for(u.toLocalFile())
        ]
        if opened:
            event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.preferences.geometry = self.saveGeometry()
        self.preferences.last_room = self.current_room()
        if self._owns_runner:
            self.runner.shutdown()
        super().closeEvent(event)
