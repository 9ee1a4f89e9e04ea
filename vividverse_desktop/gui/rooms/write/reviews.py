"""The review notes on the films of the script open in the Write room, for its navigator.

The notes are read from the store on the task runner's database lane whenever the open
text becomes a version of a submitted script, the session changes, or a sync or a
reviewer's note changes movies, notes or replies (the change hub); they are placed on the
scenes of each new reading of the text, so they follow scenes as the writer edits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vividverse_desktop.core.changes import Subject
from vividverse_desktop.studio import script_reviews
from vividverse_desktop.studio.script_reviews import PlacedNotes, ScriptNote

if TYPE_CHECKING:
    from vividverse_desktop.gui.rooms.write.room import WriteRoom


class ReviewNotesFeed:
    """Keeps ``room.navigator`` showing the review notes of ``room.script_id``."""

    def __init__(self, room: WriteRoom) -> None:
        self.room = room
        self.notes: tuple[ScriptNote, ...] = ()
        self._asked = 0
        if room.hub is not None:
            for subject in (Subject.MOVIES, Subject.REVIEW_NOTES, Subject.NOTE_REPLIES):
                room.hub.subscribe(subject, lambda _ids: self.reload())

    def reload(self) -> None:
        """Read the notes again (none when the text is no submitted script's)."""
        room = self.room
        self._asked += 1
        asked = self._asked
        if not room.script_id or room.session is None:
            self._arrived(asked, ())
            return
        room.runner.run_db(
            script_reviews.notes_on_script,
            store=room.session.store,
            script_id=room.script_id,
            viewer_id=room.session.user_id,
            owner=room,
            on_done=lambda notes: self._arrived(asked, notes),
            on_error=lambda _error: None,  # the navigator keeps what it showed
        )

    def _arrived(self, asked: int, notes: tuple[ScriptNote, ...]) -> None:
        if asked == self._asked:
            self.notes = notes
            self.place()

    def place(self) -> None:
        """Put the notes on the scenes of the room's last reading."""
        analysis = self.room.analysis
        if not self.notes or analysis is None:
            self.room.navigator.set_reviews(PlacedNotes())
            return
        self.room.navigator.set_reviews(script_reviews.place(self.notes, analysis.stats.scenes))
