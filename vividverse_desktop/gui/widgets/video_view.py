"""Video pictures we paint ourselves: each frame a QVideoSink hands over becomes an image
on the task runner's frames thread, and the widget paints it.

``QVideoFrame.toImage`` converts YUV to RGB on the CPU where there is no GPU (about
3.4 ms for 1280x720 here); PySide lets go of the interpreter lock while it converts, so
doing it on a thread of its own leaves the GUI thread only the painting (bench/playback).
Not in Qt's renderer thread, which hands the frame over: Python there waits for the
interpreter lock, and a QMediaPlayer call on the GUI thread (``stop``) holds the lock
while it waits for the renderer: a deadlock. A queued signal needs no lock to send.
A widget that paints its own picture is also one a grab can photograph (a QVideoWidget
grabs blank offscreen).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, Qt, QThread, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtMultimedia import QVideoFrame, QVideoSink
from PySide6.QtWidgets import QSizePolicy, QWidget


class FrameConverter(QObject):
    """Turns each frame ``sink`` hands over into an image on ``thread`` (the task runner's
    ``frames_thread``; None: the GUI thread); ``converted`` reaches the GUI thread queued."""

    converted = Signal(QVideoFrame, QImage)

    def __init__(self, sink: QVideoSink, thread: QThread | None) -> None:
        super().__init__()  # no parent: it may live on another thread
        if thread is not None:
            self.moveToThread(thread)
        sink.videoFrameChanged.connect(self.convert, Qt.ConnectionType.QueuedConnection)

    @Slot(QVideoFrame)
    def convert(self, frame: QVideoFrame) -> None:
        self.converted.emit(frame, frame.toImage() if frame.isValid() else QImage())


def fitted(picture: QImage, area: QRect) -> QRect:
    """Where ``picture`` is painted in ``area``: as large as fits, its shape kept, centred."""
    if picture.isNull():
        return area
    size = picture.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
    rect = QRect(0, 0, size.width(), size.height())
    rect.moveCenter(area.center())
    return rect


def paint_picture(painter: QPainter, area: QRect, picture: QImage) -> None:
    """Black over ``area``, then ``picture`` as large as fits, smoothly scaled."""
    painter.fillRect(area, QColor(0, 0, 0))
    if not picture.isNull():
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(fitted(picture, area), picture)


class VideoView(QWidget):
    """A video output for a QMediaPlayer (``player.setVideoSink(view.sink)``) that paints the
    latest frame, scaled to fit on black."""

    frame_shown = Signal(float)  # the start time (s) of each frame shown

    def __init__(self, parent: QWidget | None = None, *, frames: QThread | None = None) -> None:
        super().__init__(parent)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # as tall as the picture's shape asks (16:9 until known)
        self.setSizePolicy(policy)
        self.sink = QVideoSink(self)
        self.image = QImage()
        self._converter = FrameConverter(self.sink, frames)
        self._converter.converted.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if self.image.isNull() or self.image.width() == 0:
            return width * 9 // 16
        return width * self.image.height() // self.image.width()

    def clear(self) -> None:
        """Show nothing (black) until the next frame."""
        self.image = QImage()
        self.update()

    def _show(self, frame: QVideoFrame, image: QImage) -> None:
        if not frame.isValid():
            return  # the player stopped: keep the last picture
        self.image = image
        self.update()
        self.frame_shown.emit(frame.startTime() / 1_000_000)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_picture(painter, self.rect(), self.image)
        painter.end()
