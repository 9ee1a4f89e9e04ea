"""The status bar's sync state: online or offline, what waits, when it last synced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from vividverse_desktop.gui.icons import icon
from vividverse_desktop.gui.theme import UNIT, Colours

if TYPE_CHECKING:
    from vividverse_desktop.studio.session import SyncStatus


@dataclass(frozen=True, slots=True)
class SyncStatusView:
    """What the status bar shows; the session fills it after each sync attempt."""

    online: bool | None = None  # None: not tried yet
    waiting_ops: int = 0
    last_sync: datetime | None = None
    conflicts: int = 0
    refused: int = 0
    syncing: bool = False
    server_label: str = "This computer"
    message: str = ""  # why it is offline, e.g. "server not answering"

    @classmethod
    def of(cls, status: SyncStatus, *, server_label: str, syncing: bool = False) -> SyncStatusView:
        """The view of a session's :class:`~vividverse_desktop.studio.session.SyncStatus`."""
        return cls(
            online=status.online,
            waiting_ops=status.waiting,
            last_sync=status.last_sync,
            conflicts=status.conflicts,
            refused=status.refused,
            syncing=syncing,
            server_label=server_label,
            message=status.last_error or "",
        )


def describe(view: SyncStatusView) -> list[tuple[str, str]]:
    """The status as (text, tone) parts; tone is 'ok', 'muted', 'warning' or 'danger'."""
    if view.syncing:
        parts = [("Syncing…", "muted")]
    elif view.online:
        parts = [("Online", "ok")]
    elif view.online is None:
        parts = [("Not synced yet", "muted")]
    else:
        parts = [(f"Offline: {view.message}" if view.message else "Offline", "warning")]
    if view.waiting_ops:
        s = "" if view.waiting_ops == 1 else "s"
        parts.append((f"{view.waiting_ops:,} change{s} waiting", "muted"))
    if view.last_sync is not None:
        parts.append((f"synced {view.last_sync.astimezone():%H:%M}", "muted"))
    elif not view.syncing and view.online is not None:
        parts.append(("never synced", "muted"))
    if view.conflicts:
        s = "" if view.conflicts == 1 else "s"
        parts.append((f"{view.conflicts} conflict{s}", "danger"))
    if view.refused:
        parts.append((f"{view.refused} refused", "danger"))
    return parts


class SyncStatusWidget(QWidget):
    """An icon and a line of words (never colour alone) for the sync state; a click
    opens the outbox (``clicked``)."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.setAccessibleName("Sync status")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(UNIT, 0, UNIT, 0)
        layout.setSpacing(UNIT)
        self._icon = QLabel(self)
        self._text = QLabel(self)
        self._text.setObjectName("syncStatusText")
        self._text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self._icon)
        layout.addWidget(self._text)
        self._colours: Colours | None = None
        self.view = SyncStatusView()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def set_view(self, view: SyncStatusView) -> None:
        """Show ``view``."""
        self.view = view
        self._render()

    def apply_colours(self, colours: Colours) -> None:
        """Redraw in the scheme's colours."""
        self._colours = colours
        self._render()

    def text(self) -> str:
        """The status in words (as a screen reader says it)."""
        return " · ".join(words for words, _ in describe(self.view))

    def _render(self) -> None:
        colours = self._colours
        if colours is None:
            return
        tones = {
            "ok": colours.success,
            "muted": colours.muted,
            "warning": colours.warning,
            "danger": colours.danger,
        }
        parts = describe(self.view)
        html = " · ".join(
            f'<span style="color:{tones[tone]}">{words}</span>' for words, tone in parts
        )
        self._text.setText(f"{self.view.server_label} · {html}")
        glyph = (
            "mdi6.sync"
            if self.view.syncing
            else "mdi6.cloud-check-outline"
            if self.view.online
            else "mdi6.cloud-outline"
            if self.view.online is None
            else "mdi6.cloud-off-outline"
        )
        tone = (
            "muted"
            if self.view.syncing or self.view.online is None
            else "ok"
            if self.view.online
            else "warning"
        )
        self._icon.setPixmap(icon(glyph, colours, colour=tones[tone]).pixmap(QSize(16, 16)))
        summary = self.text()
        self.setToolTip(f"{self.view.server_label}: {summary}")
        self.setAccessibleDescription(summary)
