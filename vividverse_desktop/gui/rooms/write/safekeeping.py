"""Keeping the writer's text safe: autosave to the drafts folder, recovery after a crash
or kill -9, and noticing a file another program changed (the room asks, never guesses)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from vividverse_desktop.studio import drafts
from vividverse_desktop.studio.drafts import Fingerprint

if TYPE_CHECKING:
    from vividverse_desktop.gui.rooms.write.room import WriteRoom

AUTOSAVE_MS = 2000  # unsaved text reaches the drafts folder within this of a change
WATCH_MS = 2000  # how often the file is checked for another program's change


class Safekeeping(QObject):
    """The Write room's autosave, recovery and watch on the file; ``room.drafts`` is the
    drafts folder (None: no autosave)."""

    def __init__(self, room: WriteRoom) -> None:
        super().__init__(room)
        self.room = room
        self._checking = False
        self._asked_before = 0
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave)
        self.watch = QTimer(self)
        self.watch.setInterval(WATCH_MS)
        self.watch.timeout.connect(self._check_disk)
        self.watch.start()

    def touched(self) -> None:
        """The text changed: keep it within ``AUTOSAVE_MS``."""
        if self.room.drafts is not None and not self._autosave.isActive():
            self._autosave.start()

    def restore(self) -> None:
        """Offer unsaved text a crash left behind; else reopen the script open last time,
        or the sample on a first start (unless a file was opened meanwhile)."""
        self._asked_before = self.room._opening
        if self.room.drafts is None:
            self._reopen()
            return
        self.room.runner.run_work(
            drafts.pending_drafts,
            drafts_dir=self.room.drafts,
            owner=self,
            on_done=self._offer_recovery,
            on_error=lambda _error: self._reopen(),
        )

    def _offer_recovery(self, found: tuple[drafts.Draft, ...]) -> None:
        if not found:
            self._reopen()
            return
        draft = found[0]
        name = draft.source_path.name if draft.source_path else "an untitled script"
        when = draft.saved_at.astimezone().strftime("%d %b %H:%M")
        more = f" ({len(found) - 1} more after it)" if len(found) > 1 else ""
        self._reopen()
        self.room.banner.ask(
            f"Unsaved text of {name} from {when} was kept when Vividverse last closed{more}.",
            ("Restore it", lambda: self._recover(draft)),
            ("Discard it", lambda: self._discard(draft)),
            sticky=True,
        )

    def _recover(self, draft: drafts.Draft) -> None:
        self.room.load_text(draft.text, path=draft.source_path)
        self.room.document_key = draft.document_key
        self.room.editor.document().setModified(True)
        self.room.state.setText("Recovered: save it to keep it.")
        self.room.show_title()
        if draft.source_path is not None:
            self.room.runner.run_work(
                drafts.fingerprint,
                draft.source_path,
                owner=self,
                on_done=self._set_known,
            )

    def _set_known(self, known: Fingerprint | None) -> None:
        self.room.known = known

    def _discard(self, draft: drafts.Draft) -> None:
        assert self.room.drafts is not None
        self.room.runner.run_work(
            drafts.discard_draft,
            drafts_dir=self.room.drafts,
            document_key=draft.document_key,
            owner=self,
            on_done=lambda _gone: self.restore(),
        )

    def autosave(self) -> None:
        """Keep the unsaved text in the drafts folder (a crash or kill loses nothing)."""
        if self.room.drafts is None or self.room.runner.closed or not self.room.has_changes():
            return
        self.room.runner.run_work(
            drafts.save_draft,
            drafts_dir=self.room.drafts,
            document_key=self.room.document_key,
            text=self.room.editor.toPlainText(),
            source_path=self.room.path,
            owner=self,
            on_error=lambda error: self.room.state.setText(f"Autosave failed: {error}"),
        )

    def forget_draft(self) -> None:
        if self.room.drafts is not None and not self.room.runner.closed:
            self.room.runner.run_work(
                drafts.discard_draft,
                drafts_dir=self.room.drafts,
                document_key=self.room.document_key,
                owner=self,
            )

    def _check_disk(self) -> None:
        """Has another program changed the file? (polled on a worker)"""
        path, known = self.room.path, self.room.known
        if path is None or known is None or self._checking or self.room.runner.closed:
            return
        self._checking = True

        def checked(changed: bool) -> None:
            self._checking = False
            if changed and path == self.room.path and known == self.room.known:
                self._changed_on_disk(path)

        def failed(_error: BaseException) -> None:
            self._checking = False

        self.room.runner.run_work(
            drafts.changed_on_disk,
            path=path,
            known=known,
            owner=self,
            on_done=checked,
            on_error=failed,
        )

    def _changed_on_disk(self, path: Path) -> None:
        if not self.room.has_changes():
            self.room.open_file(path, note=f"Reloaded {path.name}: another program changed it.")
            return
        self.room.known = None  # ask once
        self.room.banner.ask(
            f"{path.name} was changed by another program while you have unsaved changes.",
            ("Keep mine", lambda: self._keep_mine(path)),
            ("Load theirs", lambda: self._load_theirs(path)),
        )

    def _keep_mine(self, path: Path) -> None:
        self.room.runner.run_work(drafts.fingerprint, path, owner=self, on_done=self._set_known)
        self.room.state.setText("Your text is kept; saving replaces the other program's version.")

    def _load_theirs(self, path: Path) -> None:
        self.room.editor.document().setModified(False)
        self.room.open_file(path)

    def _reopen(self) -> None:
        if self.room._opening != self._asked_before:
            return  # something was opened since the start: it wins
        last = self.room.preferences.get("write/last_file")
        if last and Path(str(last)).is_file():
            self.room.open_file(Path(str(last)))
        else:
            self.room.open_sample()
