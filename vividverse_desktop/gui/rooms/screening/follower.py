"""Two players on one frame number: the lead (the room's player, driven by the transport
and the review keys) and a follower (film B when comparing), kept on the lead's frame.

Paused or stepping, the follower seeks to each frame the lead shows, so both show frame N
(the seek is frame-exact: ``Player.seek`` aims at the middle of the frame). Playing, the
follower plays too, at the speed that keeps its frame numbers in step with the lead's
(their rates may differ: ``film_compare.follow_speed``); when it strays more than
``DRIFT`` frames it is put back on the lead's frame and plays on from there. Reverse play
is the lead stepping back frame by frame: the follower follows each step. A follower
shorter than the lead holds its last frame.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from vividverse_desktop.gui.rooms.screening.player import Player
from vividverse_desktop.studio.film_compare import follow_speed

DRIFT = 1
"""Frames the follower may stray from the lead during playback before it is put back."""


class Follower(QObject):
    """Keeps ``follower`` on ``lead``'s frame number while active."""

    resynced = Signal(int)  # the follower was put back on this frame during playback

    def __init__(self, lead: Player, follower: Player, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lead = lead
        self.follower = follower
        self.active = False
        self.resyncs = 0  # how often the follower was put back while playing
        self.worst_drift = 0  # the most frames it strayed while both played
        lead.frame_shown.connect(self._lead_shown)
        lead.changed.connect(self.sync)
        follower.loaded.connect(self.sync)

    def start(self) -> None:
        """Follow the lead from now on, starting on its frame."""
        self.active = True
        self.resyncs = 0
        self.worst_drift = 0
        self.sync()

    def stop(self) -> None:
        """Stop following; the follower pauses where it is."""
        self.active = False
        self.follower.pause()

    def target(self) -> int:
        """The frame the follower should show: the lead's, or its own last one."""
        frame = max(self.lead.frame, 0)
        return min(frame, self.follower.last_frame) if self.follower.frames else frame

    def in_step(self) -> bool:
        """Whether both show the same frame number (or the follower holds its last)."""
        return self.follower.frame == self.target() and not self.follower.seeking

    def sync(self) -> None:
        """Match the lead's motion and frame now."""
        follower = self.follower
        if not self.active or follower.path is None or self.lead.path is None:
            return
        speed = self.lead.speed
        if speed > 0:
            wanted = follow_speed(self.lead.rate, follower.rate, speed)
            if follower.speed != wanted:
                follower.seek(self.target())
                follower.play(wanted)
            return
        if follower.speed:
            follower.pause()
        follower.seek(self.target())

    def _lead_shown(self, _frame: int) -> None:
        follower = self.follower
        if not self.active or follower.path is None:
            return
        target = self.target()
        if self.lead.speed > 0 and follower.speed > 0:
            if follower.seeking:
                return
            drift = abs(follower.frame - target)
            self.worst_drift = max(self.worst_drift, drift)
            if drift > DRIFT:
                self.resyncs += 1
                follower.seek(target)  # it plays on from there
                self.resynced.emit(target)
            return
        follower.seek(target)
