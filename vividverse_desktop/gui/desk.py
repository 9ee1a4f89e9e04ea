"""The desk: who is signed in, and keeping their store in step with the server.

:class:`DeskController` opens a session at start (the last account used here: this
computer by default, or a team account resumed with its kept token, else the sign-in
dialog), tells the window which rooms the account's roles open, syncs in the background
on a timer and on demand (Ctrl+Shift+S) without ever blocking, publishes what each sync
changed to the change hub, notices writes by another process (the CLI) through the
store's data version, and signs out. Every call into studio/ goes through the task runner.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from vividverse_desktop.core.changes import EVERYTHING
from vividverse_desktop.gui.collector import freeze_long_lived, thaw
from vividverse_desktop.gui.dialogs.outbox import OutboxDialog
from vividverse_desktop.gui.dialogs.sign_in import SignInDialog, SignInRequest
from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.gui.rooms.pages import give_session
from vividverse_desktop.gui.tasks import Task, TaskRunner
from vividverse_desktop.gui.widgets.sync_status import SyncStatusView
from vividverse_desktop.studio import session as sessions
from vividverse_desktop.studio import this_computer
from vividverse_desktop.studio.errors import explain

log = logging.getLogger(__name__)

SYNC_EVERY_MS = 60_000
WATCH_EVERY_MS = 2_000


def _message(error: BaseException) -> str:
    said = explain(error)
    return said[0].upper() + said[1:] + ("" if said.endswith(".") else ".")


class DeskController(QObject):
    """Owns the session; the window and rooms read it and listen to the hub."""

    session_opened = Signal(object)  # studio.session.Session
    session_closed = Signal()
    sync_finished = Signal(object)  # studio.session.SyncOutcome
    sync_failed = Signal(str)  # what to tell the person

    def __init__(
        self,
        *,
        window: MainWindow,
        runner: TaskRunner,
        hub: ChangeHub,
        root: Path | None = None,
        sync_every_ms: int = SYNC_EVERY_MS,
        watch_every_ms: int = WATCH_EVERY_MS,
        samples: bool = True,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.runner = runner
        self.hub = hub
        self.root = root or sessions.default_root()
        self.samples = samples
        self.session: sessions.Session | None = None
        self.dialog: SignInDialog | None = None
        self._syncing = False
        self._data_version: int | None = None
        self._sync_timer = QTimer(self)
        self._sync_timer.setInterval(sync_every_ms)
        self._sync_timer.timeout.connect(self.sync)
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(watch_every_ms)
        self._watch_timer.timeout.connect(self._watch)
        window.sync_requested.connect(self.sync)
        window.sign_out_requested.connect(self.sign_out)
        window.outbox_requested.connect(self.open_outbox)
        self.outbox_dialog: OutboxDialog | None = None

    # -- opening ---------------------------------------------------------------------------

    def start(self) -> None:
        """Open the last account used here, or ask (this computer on a first run)."""
        self.window.statusBar().showMessage("Opening your studio…")
        self.runner.run_db(
            sessions.remembered_accounts,
            root=self.root,
            on_done=self._remembered,
            on_error=lambda error: self.ask(_message(error)),
            owner=self,
        )

    def _remembered(self, accounts: tuple[sessions.Account, ...]) -> None:
        if not accounts or accounts[0].this_computer:
            self._open(SignInRequest("this-computer"))
        else:
            self._open(SignInRequest("remembered", account=accounts[0]))

    def ask(self, message: str = "") -> None:
        """Show the sign-in dialog (with ``message`` under its fields)."""
        self.runner.run_db(
            sessions.remembered_accounts,
            root=self.root,
            on_done=lambda accounts: self._show_dialog(accounts, message),
            on_error=lambda _error: self._show_dialog((), message),
            owner=self,
        )

    def _show_dialog(self, accounts: tuple[sessions.Account, ...], message: str) -> None:
        if self.dialog is not None:
            if message:
                self.dialog.show_error(message)
            return
        server = getattr(self.window.preferences, "server_url", "") or ""
        dialog = SignInDialog(self.window, remembered=accounts, server_url=server, message=message)
        dialog.submitted.connect(self._open)
        dialog.rejected.connect(self._dialog_rejected)
        self.dialog = dialog
        dialog.open()

    def _dialog_rejected(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
        if self.session is None:
            self.window.close()

    def _open(self, request: SignInRequest) -> None:
        if self.dialog is not None:
            self.dialog.set_busy(
                "Starting the studio on this computer…"
                if request.mode == "this-computer"
                else "Signing in…"
            )
        else:
            self.window.statusBar().showMessage("Opening your studio…")
        self.runner.run_net(
            self._opened_by,
            request,
            on_done=lambda opened: self._opened(request, opened),
            on_error=lambda error: self._failed(request, error),
            owner=self,
        )

    async def _opened_by(self, request: SignInRequest) -> sessions.Session | None:
        if request.mode == "this-computer":
            return await this_computer.open_this_computer(root=self.root, samples=self.samples)
        if request.mode == "remembered" and request.account is not None:
            if request.account.this_computer:
                return await this_computer.open_this_computer(root=self.root, samples=False)
            return await sessions.resume(account=request.account, root=self.root)
        if request.mode == "register":
            return await sessions.register(
                server_url=request.server_url,
                username=request.username,
                password=request.password,
                role=request.role,
                root=self.root,
            )
        return await sessions.sign_in(
            server_url=request.server_url,
            username=request.username,
            password=request.password,
            root=self.root,
        )

    def _opened(self, request: SignInRequest, opened: sessions.Session | None) -> None:
        if opened is None:  # a remembered account whose saved sign-in is gone
            account = request.account
            self.ask("Your saved sign-in has expired: enter your password.")
            if self.dialog is not None and account is not None:
                self.dialog.choose_server(account.server_url, account.username)
            return
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            dialog.accept()
            dialog.deleteLater()
        self._adopt(opened)

    def _failed(self, request: SignInRequest, error: BaseException) -> None:
        log.info("opening %s failed: %s", request.mode, error)
        if self.dialog is None:
            self.ask(_message(error))
            if request.account is not None and not request.account.this_computer:
                QTimer.singleShot(0, lambda: self._prefill(request))
        else:
            self.dialog.show_error(_message(error))

    def _prefill(self, request: SignInRequest) -> None:
        if self.dialog is not None and request.account is not None:
            self.dialog.choose_server(request.account.server_url, request.account.username)

    def _adopt(self, opened: sessions.Session) -> None:
        self.session = opened
        self._data_version = None
        account = opened.account
        name = opened.user.display_name or opened.user.username
        if account.this_computer:
            name = "Studio owner"
        self.window.set_roles(opened.roles)
        self.window.set_account(name, self._server_label())
        self.window.statusBar().clearMessage()
        self._refresh_status()
        give_session(self.window, opened)
        self.session_opened.emit(opened)
        self.hub.publish(EVERYTHING)
        self.window.start_tour(first_run_only=True)
        self._sync_timer.start()
        self._watch()  # the baseline now, before the first sync (not a tick later)
        self._watch_timer.start()
        freeze_long_lived()  # what lives as long as the session: out of the full passes
        self.sync()

    def _server_label(self) -> str:
        if self.session is None:
            return ""
        account = self.session.account
        if account.this_computer:
            return sessions.THIS_COMPUTER
        return account.label.split(" on ", 1)[-1]

    # -- syncing ---------------------------------------------------------------------------

    def sync(self) -> None:
        """Sync now in the background (a sync already running is not doubled)."""
        current = self.session
        if current is None or self._syncing:
            return
        self._syncing = True
        self._show_status(syncing=True)
        self.runner.run_net(
            current.sync,
            on_done=lambda outcome: self._synced(current, outcome),
            on_error=lambda error: self._sync_failed(current, error),
            owner=self,
        )

    def _synced(self, synced: sessions.Session, outcome: sessions.SyncOutcome) -> None:
        self._syncing = False
        if synced is not self.session:
            return
        self.window.set_sync_status(
            SyncStatusView.of(outcome.status, server_label=self._server_label())
        )
        self.hub.publish(outcome.changes)
        self.sync_finished.emit(outcome)

    def _sync_failed(self, synced: sessions.Session, error: BaseException) -> None:
        self._syncing = False
        if synced is not self.session:
            return
        self._refresh_status()
        self.window.statusBar().showMessage(_message(error), 10_000)
        self.sync_failed.emit(_message(error))

    def _refresh_status(self, *, syncing: bool = False) -> None:
        current = self.session
        if current is None:
            return
        self.runner.run_db(
            current.status,
            on_done=lambda status: self._status_read(current, status, syncing),
            owner=self,
        )

    def _status_read(
        self, read_for: sessions.Session, status: sessions.SyncStatus, syncing: bool
    ) -> None:
        if read_for is self.session:
            self.window.set_sync_status(
                SyncStatusView.of(status, server_label=self._server_label(), syncing=syncing)
            )

    def _show_status(self, *, syncing: bool) -> None:
        self._refresh_status(syncing=syncing)

    def _watch(self) -> None:
        """Publish everything when another process (the CLI) wrote this account's store."""
        current = self.session
        if current is None:
            return
        self.runner.run_db(
            current.store.data_version,
            on_done=lambda version: self._watched(current, version),
            owner=self,
        )

    def _watched(self, read_for: sessions.Session, version: int) -> None:
        if read_for is not self.session:
            return
        if self._data_version is None:
            self._data_version = version  # the baseline
            return
        if version == self._data_version:
            return
        if self._syncing:
            return  # keep the old baseline: look again once the sync is over
        self._data_version = version
        self.hub.publish(EVERYTHING)
        self._refresh_status()

    # -- the outbox ------------------------------------------------------------------------

    def open_outbox(self) -> OutboxDialog | None:
        """Show what waits, what was refused and the conflicts (one dialog at a time)."""
        if self.session is None:
            self.window.statusBar().showMessage("Sign in to see your outbox.", 5000)
            return None
        if self.outbox_dialog is None:
            dialog = OutboxDialog(
                session=self.session, runner=self.runner, hub=self.hub, parent=self.window
            )
            dialog.decided.connect(lambda _changes: self._refresh_status())
            dialog.finished.connect(self._outbox_closed)
            self.outbox_dialog = dialog
        self.outbox_dialog.show()
        self.outbox_dialog.raise_()
        return self.outbox_dialog

    def _outbox_closed(self) -> None:
        if self.outbox_dialog is not None:
            self.outbox_dialog.deleteLater()
        self.outbox_dialog = None

    # -- closing ---------------------------------------------------------------------------

    def sign_out(self) -> None:
        """End the session here and on the server, then offer the sign-in dialog."""
        current = self.session
        if current is None:
            return
        self._forget_session()
        self.runner.run_net(
            current.sign_out,
            on_done=lambda _none: self.ask(),
            on_error=lambda error: self.ask(_message(error)),
        )

    def _forget_session(self) -> None:
        if self.outbox_dialog is not None:
            self.outbox_dialog.reject()
        self._sync_timer.stop()
        self._watch_timer.stop()
        self.session = None
        self._data_version = None
        self._syncing = False
        self.window.set_sync_status(SyncStatusView(server_label=""))
        give_session(self.window, None)
        self.session_closed.emit()
        thaw()  # the session's objects may be collected again

    def close(self) -> Task | None:
        """Close the session in the background (its client, store and this computer's
        server); :attr:`session_closed` fires at once. Returns the closing task."""
        current = self.session
        if current is None:
            return None
        self._forget_session()
        return self.runner.run_net(current.close)

    def close_now(self) -> None:
        """The app is quitting: close the store and stop this computer's server at once."""
        current = self.session
        if current is None:
            return
        self._forget_session()
        try:
            current.close_now()
        except Exception:  # quitting must not fail; the log says what happened
            log.exception("closing the session at quit")
