"""A note's thread: its replies (oldest first), a field to reply, and editing one's own
replies. Replies are ops in the outbox like notes (studio.review), written offline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import UNIT
from vividverse_desktop.gui.widgets.message import MessageLine
from vividverse_desktop.studio import review

if TYPE_CHECKING:
    from vividverse_desktop.studio.session import Session

REPLY_ROLE = Qt.ItemDataRole.UserRole


class ReplyField(QLineEdit):
    """The reply being written; Escape stops editing a reply, or hands the keys back."""

    left = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.left.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ThreadPanel(QWidget):
    """The replies to the chosen note."""

    done_typing = Signal()

    def __init__(self, runner: TaskRunner, hub: ChangeHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screeningThread")
        self.runner = runner
        self.hub = hub
        self.session: Session | None = None
        self.note: review.NoteView | None = None
        self.editing: str | None = None  # the id of the reply being edited

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(UNIT)
        self.heading = QLabel("Replies", self)
        self.heading.setProperty("role", "muted")
        column.addWidget(self.heading)
        self.list = QListWidget(self)
        self.list.setObjectName("screeningReplies")
        self.list.setAccessibleName("Replies to the chosen note")
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(16 * UNIT)
        self.list.currentItemChanged.connect(lambda *_: self._show_buttons())
        self.list.itemDoubleClicked.connect(lambda _item: self.start_edit())
        column.addWidget(self.list)
        row = QHBoxLayout()
        row.setSpacing(UNIT)
        self.field = ReplyField(self)
        self.field.setObjectName("screeningReplyText")
        self.field.setAccessibleName("Reply to the chosen note")
        self.field.setMaxLength(review.MAX_NOTE_CHARS)
        self.field.returnPressed.connect(self.send)
        self.field.left.connect(self._left)
        row.addWidget(self.field, 1)
        self.reply_button = QPushButton("Reply", self)
        self.reply_button.setObjectName("screeningReply")
        self.reply_button.setAccessibleName("Send the reply")
        self.reply_button.setToolTip("Add the reply to the note's thread (Enter)")
        self.reply_button.clicked.connect(self.send)
        row.addWidget(self.reply_button)
        self.edit_button = QPushButton("Edit", self)
        self.edit_button.setObjectName("screeningEditReply")
        self.edit_button.setAccessibleName("Edit the chosen reply")
        self.edit_button.setToolTip("Edit your chosen reply (double-click it)")
        self.edit_button.clicked.connect(self.start_edit)
        row.addWidget(self.edit_button)
        column.addLayout(row)
        self.message = MessageLine("screeningThreadMessage", self)
        column.addWidget(self.message)
        self.show_note(None, None)

    def show_note(self, session: Session | None, note: review.NoteView | None) -> None:
        """Show ``note``'s replies (None: no note chosen)."""
        if note is None or self.note is None or note.note.id != self.note.note.id:
            self._stop_edit()
            self.message.say("")
        chosen = self.current_reply()
        self.session, self.note = session, note
        self.list.clear()
        replies = note.replies if note is not None else ()
        for view in replies:
            item = QListWidgetItem(f"{view.author}: {view.reply.text}")
            item.setData(REPLY_ROLE, view.reply.id)
            item.setToolTip(view.reply.text)
            self.list.addItem(item)
            if chosen is not None and chosen.reply.id == view.reply.id:
                self.list.setCurrentItem(item)
        self.heading.setText(
            f"Replies ({len(replies)})" if replies else "No replies yet: answer below."
        )
        self.list.setVisible(bool(replies))
        self.field.setEnabled(note is not None and session is not None)
        self.setVisible(note is not None)
        self._show_buttons()

    def current_reply(self) -> review.ReplyView | None:
        """The reply chosen in the list."""
        item = self.list.currentItem()
        if item is None or self.note is None:
            return None
        return next((r for r in self.note.replies if r.reply.id == item.data(REPLY_ROLE)), None)

    def start_edit(self) -> None:
        """Put one's own chosen reply in the field to change it."""
        reply = self.current_reply()
        if reply is None or self.session is None or not self._own(reply):
            return
        self.editing = reply.reply.id
        self.field.setText(reply.reply.text)
        self.field.setFocus()
        self._show_buttons()

    def send(self) -> None:
        """Add the field's text as a reply, or save the reply being edited."""
        session, note = self.session, self.note
        text = self.field.text().strip()
        if session is None or note is None:
            return
        if not text:
            self.message.say("Write the reply first.")
            return
        self.reply_button.setEnabled(False)
        if self.editing is not None:
            self.runner.run_db(
                review.edit_reply,
                store=session.store,
                user_id=session.user_id,
                reply_id=self.editing,
                text=text,
                on_done=self._sent,
                on_error=self._failed,
                owner=self,
            )
        else:
            self.runner.run_db(
                review.reply_to_note,
                store=session.store,
                user_id=session.user_id,
                note_id=note.note.id,
                text=text,
                on_done=self._sent,
                on_error=self._failed,
                owner=self,
            )

    def _sent(self, saved: review.SavedReply) -> None:
        self._stop_edit()
        self.message.say("")
        self._show_buttons()
        self.hub.publish(saved.changes)

    def _failed(self, error: BaseException) -> None:
        self._show_buttons()
        self.message.say_failed(error, "Not saved")

    def _left(self) -> None:
        if self.editing is not None:
            self._stop_edit()
            self._show_buttons()
        else:
            self.done_typing.emit()

    def _stop_edit(self) -> None:
        self.editing = None
        self.field.clear()

    def _own(self, reply: review.ReplyView) -> bool:
        return self.session is not None and reply.reply.author_id == self.session.user_id

    def _show_buttons(self) -> None:
        able = self.session is not None and self.note is not None
        reply = self.current_reply()
        self.reply_button.setEnabled(able)
        self.reply_button.setText("Save reply" if self.editing else "Reply")
        self.edit_button.setEnabled(able and reply is not None and self._own(reply))
        self.edit_button.setVisible(self.editing is None)
        self.field.setPlaceholderText(
            "Change your reply… (Enter saves, Esc cancels)"
            if self.editing
            else "Reply… (Enter sends)"
        )
