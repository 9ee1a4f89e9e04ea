"""The frame-exact player: QMediaPlayer decodes, a QVideoSink hands us each frame, we paint it.

The frame number shown is the decoded frame's own (``QVideoFrame.startTime()``), never a
guess from the clock. QMediaPlayer has no frame step and takes whole milliseconds, so a
seek to frame ``k`` aims at the middle of the frame (``FrameRate.seek_ms``) while paused
(DESIGN §9). It cannot play backwards either: J plays in reverse by stepping back one
frame at a time on a timer, each step waiting for the frame before it.

The keys of a review tool work while the player has focus (and only then, so typing a
note never moves the film): Space, J/K/L, Left/Right (Shift: a second), Home/End, I/O
(Alt+X clears), Up/Down volume, M mute, F fullscreen.

Each frame becomes an image in the thread that hands it over, not on the GUI thread
(``widgets.video_view.FrameConverter``), so the window keeps only the painting.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt, QThread, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtMultimedia import (
    QAudioOutput,
    QMediaMetaData,
    QMediaPlayer,
    QVideoFrame,
    QVideoSink,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from vividverse_desktop.core.timecode import FrameRate, TimecodeError
from vividverse_desktop.gui.widgets.video_view import FrameConverter, fitted, paint_picture

SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0)
"""Shuttle speeds, both ways."""
SEEK_PATIENCE_MS = 1500
"""How long a seek may take before the next step counts from the frame shown instead."""

_State = QMediaPlayer.PlaybackState
_Status = QMediaPlayer.MediaStatus


class Player(QWidget):
    """Plays one film; paints the frame decoded last; knows its number exactly."""

    frame_shown = Signal(int)  # a new frame was decoded and is about to be painted
    frame_painted = Signal(int)  # ... and now it is on screen
    loaded = Signal()  # the film is open (paused on its first frame)
    changed = Signal()  # speed, range, volume or mute changed
    failed = Signal(str)  # what to tell the person
    fullscreen_requested = Signal()  # F (and Escape while fullscreen)

    def __init__(self, parent: QWidget | None = None, *, frames: QThread | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screeningPlayer")
        self.setAccessibleName("Film")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(QSize(160, 90))
        self.path: Path | None = None
        self.rate = FrameRate.of(24)
        self.frames = 0  # 0 until known
        self.frame = -1  # the frame on screen (-1: none yet)
        self.speed = 0.0  # 0 paused, < 0 reverse
        self.in_frame: int | None = None
        self.out_frame: int | None = None
        self.fullscreen = False
        self.message = ""
        self.badge = ""  # a letter painted in the picture's corner ("A", "B" when comparing)
        self.limit: int | None = None  # frames that may be shown (None: the whole film)
        self._facts_known = False
        self._image = QImage()
        self._target: int | None = None  # a seek on its way
        self._asked: int | None = None  # the frame last sought while not playing forward
        self._painted = -1

        self.media = QMediaPlayer(self)
        self.media.setObjectName("screeningMedia")
        self.sink = QVideoSink(self)
        self.audio = QAudioOutput(self)
        self.media.setVideoSink(self.sink)
        self.media.setAudioOutput(self.audio)
        self._converter = FrameConverter(self.sink, frames)
        self._converter.converted.connect(self._on_frame, Qt.ConnectionType.QueuedConnection)
        self.media.mediaStatusChanged.connect(self._on_status)
        self.media.errorOccurred.connect(self._on_error)
        self.media.durationChanged.connect(self._on_duration)
        self.media.metaDataChanged.connect(self._on_metadata)

        self._reverse = QTimer(self)
        self._reverse.timeout.connect(self._reverse_tick)
        self._seek_guard = QTimer(self)
        self._seek_guard.setSingleShot(True)
        self._seek_guard.setInterval(SEEK_PATIENCE_MS)
        self._seek_guard.timeout.connect(self._forget_target)

    # -- opening ---------------------------------------------------------------------------

    def open(self, path: Path) -> None:
        """Open ``path`` paused on its first frame (the rate is the decoder's until
        :meth:`set_facts` gives the exact one)."""
        self.stop_motion()
        self.path = path
        self.frames = 0
        self.frame = -1
        self.in_frame = self.out_frame = None
        self.limit = None
        self._facts_known = False
        self._image = QImage()
        self._target = self._asked = None
        self.message = f"Opening {path.name}…"
        self.media.setSource(QUrl.fromLocalFile(str(path)))
        self.media.pause()  # paused, not stopped: a paused player shows the first frame
        self.update()
        self.changed.emit()

    def set_facts(self, rate: FrameRate, frames: int) -> None:
        """The film's exact rate and frame count (read by FFmpeg: studio.screening)."""
        self.rate = rate
        self.frames = frames
        self._facts_known = True
        self.changed.emit()
        if self.frame >= 0:
            self.frame_shown.emit(self.frame)

    @property
    def is_open(self) -> bool:
        """Whether a film is open and has shown a frame."""
        return self.path is not None and self.frame >= 0

    @property
    def last_frame(self) -> int:
        """The film's last frame, or the last within the limit (0 while unknown)."""
        frames = self.frames if self.limit is None else min(self.frames, self.limit)
        return max(0, frames - 1)

    @property
    def seeking(self) -> bool:
        """Whether a seek is on its way (its frame not shown yet)."""
        return self._target is not None

    def set_limit(self, frames: int | None) -> None:
        """Show no frame past ``frames - 1`` (seek, step, End and play stop there): the
        frames another film has too, when comparing. None: the whole film."""
        self.limit = None if frames is None else max(1, frames)
        if self.out_frame is not None and self.out_frame > self.last_frame:
            self.out_frame = self.last_frame
        self.changed.emit()
        if self.frames and self.frame > self.last_frame:
            self.seek(self.last_frame)

    @property
    def image(self) -> QImage:
        """The frame on screen, as decoded (not a grab of the widget)."""
        return self._image

    # -- moving ------------------------------------------------------------------------------

    def seek(self, frame: int) -> None:
        """Show frame ``frame`` (clamped to the film); playing goes on from there."""
        if self.path is None:
            return
        frame = max(0, min(frame, self.last_frame)) if self.frames else max(0, frame)
        if frame == self.frame and self._target is None:
            return  # a seek onto the frame shown delivers no new frame
        self._go(frame)

    def _go(self, frame: int) -> None:
        self._target = self._asked = frame
        self._seek_guard.start()
        self.media.setPosition(self.rate.seek_ms(frame))

    def step(self, frames: int) -> None:
        """Pause and move ``frames`` frames (negative: back) from the frame last asked for."""
        self.pause()
        base = self._target if self._target is not None else max(self.frame, 0)
        self.seek(base + frames)

    def home(self) -> None:
        """Pause on the first frame."""
        self.pause()
        self.seek(0)

    def end(self) -> None:
        """Pause on the last frame."""
        self.pause()
        self.seek(self.last_frame)

    def play(self, speed: float = 1.0) -> None:
        """Play at ``speed`` (negative plays backwards, frame by frame)."""
        if self.path is None or speed == 0:
            self.pause()
            return
        first, last = self.range()
        if self._looping() and not first <= self.frame <= last:
            self.seek(first if speed > 0 else last)
        elif self.frames and speed > 0 and self.frame >= self.last_frame and not self._looping():
            self.seek(0)
        self.speed = speed
        if speed > 0:
            self._asked = None
            self._reverse.stop()
            self.media.setPlaybackRate(speed)
            self.media.play()
        else:
            self.media.pause()
            self._reverse.start(max(1, round(1000 / (self.rate.fps * -speed))))
        self.changed.emit()

    def pause(self) -> None:
        """Stop moving; the frame shown stays."""
        self.stop_motion()
        if self.media.playbackState() == _State.PlayingState:
            self.media.pause()
        self.changed.emit()

    def stop_motion(self) -> None:
        """Forget the speed and stop reverse play (the media player is left as it is)."""
        self.speed = 0.0
        self._reverse.stop()

    def toggle(self) -> None:
        """Play if paused, pause if playing."""
        if self.speed:
            self.pause()
        else:
            self.play(1.0)

    def shuttle(self, direction: int, *, slower: bool = False) -> None:
        """L (``direction`` 1) or J (-1): start at 1x, each press faster up to 2x;
        ``slower`` (Shift) goes down to 0.25x instead."""
        current = self.speed * direction
        if slower:
            lower = [s for s in SPEEDS if s < current] if current > 0 else [SPEEDS[1]]
            speed = lower[-1] if lower else SPEEDS[0]
        elif current <= 0:
            speed = 1.0
        else:
            speed = next((s for s in SPEEDS if s > current), SPEEDS[-1])
        self.play(speed * direction)

    def set_in(self, frame: int | None = None) -> None:
        """Mark where the range starts (the frame shown by default)."""
        self.in_frame = max(self.frame, 0) if frame is None else frame
        if self.out_frame is not None and self.out_frame < self.in_frame:
            self.out_frame = None
        self.changed.emit()

    def set_out(self, frame: int | None = None) -> None:
        """Mark where the range ends (the frame shown by default); a range loops."""
        self.out_frame = max(self.frame, 0) if frame is None else frame
        if self.in_frame is not None and self.in_frame > self.out_frame:
            self.in_frame = None
        self.changed.emit()

    def clear_range(self) -> None:
        """Forget the in and out marks."""
        self.in_frame = self.out_frame = None
        self.changed.emit()

    def set_volume(self, volume: float) -> None:
        """Volume from 0 to 1."""
        self.audio.setVolume(max(0.0, min(1.0, volume)))
        self.changed.emit()

    def toggle_mute(self) -> None:
        """Mute or unmute."""
        self.audio.setMuted(not self.audio.isMuted())
        self.changed.emit()

    def range(self) -> tuple[int, int]:
        """The looped range: the in and out marks, or the whole film."""
        first = self.in_frame if self.in_frame is not None else 0
        last = self.out_frame if self.out_frame is not None else self.last_frame
        return first, last

    def _looping(self) -> bool:
        return self.in_frame is not None or self.out_frame is not None

    # -- what the decoder says -------------------------------------------------------------

    def frame_number(self, frame: QVideoFrame) -> int:
        """The number of a decoded frame, from its start time (exact to 1 µs)."""
        start = frame.startTime()
        if start < 0:
            return self.rate.frame_at_ms(self.media.position())
        return max(0, round(Fraction(start, 1_000_000) * self.rate.exact))

    def _on_frame(self, frame: QVideoFrame, image: QImage) -> None:
        if not frame.isValid():
            return  # the player stopped (end of the film): keep the last picture
        if self.speed > 0 and self._behind(frame):
            return  # a later frame is already on its way: show that, not a backlog
        number = self.frame_number(frame)
        if self._strayed(number):
            return
        if self._looping() and self.speed > 0 and number > self.range()[1]:
            self.seek(self.range()[0])  # not shown: the range loops
            return
        self._image = image
        self.frame = number
        self.message = ""
        if self._target == number:
            self._forget_target()
        self.frame_shown.emit(number)
        if self.speed:
            # Playing: paint now. A later paint (update) waits behind every queued event,
            # so a frame arriving meanwhile would replace this one unpainted (bench/playback).
            self.repaint()
        else:
            self.update()
        if self.speed > 0 and self.frames and number >= self.last_frame and not self._looping():
            self.pause()  # stay on the last frame rather than run off the end

    def _strayed(self, number: int) -> bool:
        """Whether ``number`` arrived while paused after the frame sought was shown, and is
        not it: given two seeks in quick succession (Left, Left), Qt's engine can hand over
        the first one's frame after the second's. The picture stays on the frame asked for
        and the engine is sent back there, so playing goes on from it."""
        if self.speed != 0 or self._target is not None or self._asked is None:
            return False
        if number == self._asked:
            return False
        self._go(self._asked)
        return True

    def _behind(self, frame: QVideoFrame) -> bool:
        """Whether the sink already holds a later frame than ``frame``: the GUI thread fell
        behind the decoder (frames reach us queued, so they would pile up and the picture
        would lag the sound ever more)."""
        latest = self.sink.videoFrame()
        return latest.isValid() and latest.startTime() > frame.startTime()

    def _forget_target(self) -> None:
        self._target = None
        self._seek_guard.stop()

    def _reverse_tick(self) -> None:
        if self._target is not None:
            return  # the step before is still on its way
        first, last = self.range() if self._looping() else (0, self.last_frame)
        if self.frame <= first:
            if self._looping():
                self.seek(last)
            else:
                self.pause()
            return
        self.seek(self.frame - 1)

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == _Status.LoadedMedia and self.frame < 0:
            self.loaded.emit()
        elif status == _Status.EndOfMedia:
            self.stop_motion()
            self.media.pause()
            # A stopped player falls back to its first frame: land on the last one again.
            self._go(self.last_frame if self.frames else max(self.frame, 0))
            self.changed.emit()
        elif status == _Status.InvalidMedia:
            self._fail(self.media.errorString() or "the file is not a film this player reads")

    def _on_error(self, _error: QMediaPlayer.Error, text: str) -> None:
        self._fail(text)

    def _fail(self, text: str) -> None:
        name = self.path.name if self.path is not None else "the film"
        self.message = f"Cannot play {name}: {text}"
        self.stop_motion()
        self.update()
        self.failed.emit(self.message)

    def _on_duration(self, ms: int) -> None:
        if not self._facts_known and ms > 0:
            self.frames = self.rate.frame_count(Fraction(ms, 1000))
            self.changed.emit()

    def _on_metadata(self) -> None:
        if self._facts_known:
            return
        value = self.media.metaData().value(QMediaMetaData.Key.VideoFrameRate)
        try:
            if isinstance(value, (int, float)) and value > 0 and math.isfinite(value):
                self.rate = FrameRate.conventional(float(value))
        except TimecodeError:
            return
        self._on_duration(self.media.duration())

    # -- keys, mouse, paint ----------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.handle_key(event):
            super().keyPressEvent(event)

    def handle_key(self, event: QKeyEvent) -> bool:
        """Do what a review key asks; False for a key that is not one."""
        key = Qt.Key(event.key())
        mods = event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier):
            return False
        if mods & Qt.KeyboardModifier.AltModifier:
            if key == Qt.Key.Key_X:
                self.clear_range()
                return True
            return False
        second = self.rate.nominal
        if key == Qt.Key.Key_Escape and self.fullscreen:
            self.fullscreen_requested.emit()
            return True
        actions = {
            Qt.Key.Key_Space: self.toggle,
            Qt.Key.Key_K: self.pause,
            Qt.Key.Key_L: lambda: self.shuttle(1, slower=shift),
            Qt.Key.Key_J: lambda: self.shuttle(-1, slower=shift),
            Qt.Key.Key_Right: lambda: self.step(second if shift else 1),
            Qt.Key.Key_Left: lambda: self.step(-second if shift else -1),
            Qt.Key.Key_Home: self.home,
            Qt.Key.Key_End: self.end,
            Qt.Key.Key_I: self.set_in,
            Qt.Key.Key_O: self.set_out,
            Qt.Key.Key_Up: lambda: self.set_volume(self.audio.volume() + 0.1),
            Qt.Key.Key_Down: lambda: self.set_volume(self.audio.volume() - 0.1),
            Qt.Key.Key_M: self.toggle_mute,
            Qt.Key.Key_F: self.fullscreen_requested.emit,
        }
        action = actions.get(key)
        if action is None:
            return False
        action()
        return True

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.fullscreen_requested.emit()
        event.accept()

    def picture_rect(self) -> QRect:
        """Where the frame is painted: as large as fits, its shape kept."""
        return fitted(self._image, self.rect())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_picture(painter, self.rect(), self._image)
        if self.badge and not self._image.isNull():
            paint_badge(painter, self.picture_rect(), self.badge, left=True)
        if self.message:
            painter.setPen(QColor(230, 230, 230))
            painter.drawText(
                self.rect().adjusted(16, 16, -16, -16),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.message,
            )
        painter.end()
        if self.frame != self._painted and not self._image.isNull():
            self._painted = self.frame
            self.frame_painted.emit(self.frame)


def paint_badge(painter: QPainter, picture: QRect, text: str, *, left: bool) -> None:
    """A small label (``A``, ``B``) in a top corner of the picture, legible on any frame."""
    painter.save()
    font = painter.font()
    font.setBold(True)
    font.setPixelSize(max(11, min(18, picture.height() // 14)))
    painter.setFont(font)
    metrics = painter.fontMetrics()
    pad = max(4, metrics.height() // 4)
    width = metrics.horizontalAdvance(text) + 2 * pad
    box = QRect(0, 0, width, metrics.height() + pad)
    corner = picture.adjusted(pad, pad, -pad, -pad)
    if left:
        box.moveTopLeft(corner.topLeft())
    else:
        box.moveTopRight(corner.topRight())
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 170))
    painter.drawRoundedRect(box, 3, 3)
    painter.setPen(QColor(255, 255, 255))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
