"""The reviewers' decision on the film: its status (a colour and a word) and the Approve /
Request changes buttons, enabled by the capability table (studio.review.decisions).

A decision is saved here at once and queued for the server (it goes with the next sync);
requesting changes asks for a comment saying what to change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from vividverse_desktop.core.workflow import Decision, MovieStatus
from vividverse_desktop.gui.hub import ChangeHub
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import LIGHT, UNIT, Colours
from vividverse_desktop.gui.widgets.message import MessageLine
from vividverse_desktop.studio import review

if TYPE_CHECKING:
    from vividverse_desktop.studio.session import Session

WORDS = {
    MovieStatus.QUEUED: "Queued to render",
    MovieStatus.RENDERING: "Rendering",
    MovieStatus.COMPLETED: "Awaiting a decision",
    MovieStatus.FAILED: "Render failed",
    MovieStatus.APPROVED: "Approved",
    MovieStatus.CHANGES_REQUESTED: "Changes requested",
}


def status_colour(status: MovieStatus | None, colours: Colours) -> str:
    """The colour that goes with a film's status word."""
    if status is MovieStatus.APPROVED:
        return colours.success
    if status in (MovieStatus.CHANGES_REQUESTED, MovieStatus.FAILED):
        return colours.danger
    if status is MovieStatus.COMPLETED:
        return colours.warning
    return colours.muted


class DecisionBar(QWidget):
    """The film's status and the decision buttons."""

    def __init__(self, runner: TaskRunner, hub: ChangeHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screeningDecisions")
        self.runner = runner
        self.hub = hub
        self.session: Session | None = None
        self.movie: review.MovieView | None = None
        self.allowed: tuple[Decision, ...] = ()
        self.colours = LIGHT

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(UNIT)
        self.status = QLabel(self)
        self.status.setObjectName("screeningMovieStatus")
        self.status.setAccessibleName("The film's status")
        column.addWidget(self.status)
        self.comment = QLineEdit(self)
        self.comment.setObjectName("screeningDecisionComment")
        self.comment.setAccessibleName("Comment on the decision")
        self.comment.setPlaceholderText("What to change (needed to request changes)…")
        self.comment.setMaxLength(review.MAX_NOTE_CHARS)
        column.addWidget(self.comment)
        row = QHBoxLayout()
        row.setSpacing(2 * UNIT)
        self.approve_button = QPushButton("Approve", self)
        self.approve_button.setObjectName("screeningApprove")
        self.approve_button.setAccessibleName("Approve the film")
        self.approve_button.setToolTip("Approve this film (sent with the next sync)")
        self.approve_button.clicked.connect(lambda: self.decide(Decision.APPROVED))
        row.addWidget(self.approve_button)
        self.changes_button = QPushButton("Request changes", self)
        self.changes_button.setObjectName("screeningRequestChanges")
        self.changes_button.setAccessibleName("Request changes to the film")
        self.changes_button.setToolTip(
            "Ask for changes, saying what in the comment (sent with the next sync)"
        )
        self.changes_button.clicked.connect(lambda: self.decide(Decision.CHANGES_REQUESTED))
        row.addWidget(self.changes_button)
        column.addLayout(row)
        self.message = MessageLine("screeningDecisionMessage", self)
        column.addWidget(self.message)
        self.show_movie(None, None)

    def show_movie(self, session: Session | None, movie: review.MovieView | None) -> None:
        """Show ``movie``'s status and ask which decisions ``session`` may take on it."""
        changed = movie is None or self.movie is None or movie.movie.id != self.movie.movie.id
        self.session, self.movie = session, movie
        if changed:
            self.comment.clear()
            self.message.say("")
        self.allowed = ()
        self._show()
        if session is None or movie is None:
            return
        self.runner.run_db(
            review.decisions,
            store=session.store,
            movie_id=movie.movie.id,
            roles=session.roles,
            on_done=lambda allowed: self._allowed_read(session, movie, allowed),
            owner=self,
        )

    def _allowed_read(
        self, session: Session, movie: review.MovieView, allowed: tuple[Decision, ...]
    ) -> None:
        if session is self.session and movie is self.movie:
            self.allowed = allowed
            self._show()

    def apply_colours(self, colours: Colours) -> None:
        """Redraw the status in the scheme's colours."""
        self.colours = colours
        self._show()

    def decide(self, decision: Decision) -> None:
        """Save ``decision`` on the film with the comment; it syncs later."""
        session, movie = self.session, self.movie
        if session is None or movie is None or decision not in self.allowed:
            return
        comment = self.comment.text().strip()
        if decision is Decision.CHANGES_REQUESTED and not comment:
            self.message.say("Say in the comment what should change, then request changes.")
            self.comment.setFocus()
            return
        self.approve_button.setEnabled(False)
        self.changes_button.setEnabled(False)
        self.runner.run_db(
            review.decide_on_movie,
            store=session.store,
            user_id=session.user_id,
            roles=session.roles,
            movie_id=movie.movie.id,
            decision=decision,
            comment=comment,
            on_done=self._decided,
            on_error=self._failed,
            owner=self,
        )

    def _decided(self, saved: review.SavedDecision) -> None:
        self.comment.clear()
        word = WORDS[saved.status]
        self.message.say(f"{word}: saved here, sent to the server with the next sync.")
        self.hub.publish(saved.changes)

    def _failed(self, error: BaseException) -> None:
        self._show()
        self.message.say_failed(error, "Not saved")

    def _show(self) -> None:
        movie = self.movie
        status = movie.status if movie is not None else None
        if movie is None:
            word = "No published film chosen"
        elif status is None:
            word = f"Status: {movie.movie.status}"
        else:
            word = WORDS[status]
        colour = status_colour(status, self.colours)
        self.status.setText(f'<span style="color:{colour}">●</span> <b>{word}</b>')
        self.status.setStyleSheet(f"color: {colour};")
        self.status.setToolTip("The reviewers' decision on this film" if movie is not None else "")
        self.approve_button.setEnabled(Decision.APPROVED in self.allowed)
        self.changes_button.setEnabled(Decision.CHANGES_REQUESTED in self.allowed)
        self.comment.setEnabled(bool(self.allowed))
        self.setVisible(movie is not None)
