"""Watch this scene: a small player beside the editor for a clip of the scene under the
cursor, rendered with the keyless providers (studio.writing.watch_scene)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QThread, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vividverse_desktop.gui.theme import UNIT
from vividverse_desktop.gui.widgets.video_view import VideoView


class ScenePlayer(QWidget):
    """Plays one scene clip; says what is being made while it renders."""

    frame_shown = Signal(float)  # the start time (s) of each frame shown

    def __init__(self, parent: QWidget | None = None, *, frames: QThread | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scenePlayer")
        self.setAccessibleName("Scene player")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2 * UNIT, 2 * UNIT, 2 * UNIT, 2 * UNIT)
        layout.setSpacing(2 * UNIT)
        self.caption = QLabel(
            "Put the cursor in a scene and press Ctrl+Shift+Enter: the scene is rendered with "
            "the keyless providers and plays here. After an edit, only what changed is made again.",
            self,
        )
        self.caption.setObjectName("scenePlayerCaption")
        self.caption.setWordWrap(True)
        self.caption.setProperty("role", "muted")
        self.video = VideoView(self, frames=frames)
        self.video.setObjectName("sceneVideo")
        self.video.setAccessibleName("Scene video")
        self.video.setMinimumHeight(45 * UNIT)
        self.audio = QAudioOutput(self)
        self.player = QMediaPlayer(self)
        self.player.setAudioOutput(self.audio)
        self.player.setVideoSink(self.video.sink)
        self.player.errorOccurred.connect(self._failed)
        self.video.frame_shown.connect(self.frame_shown)
        self.play_button = QPushButton("Play", self)
        self.play_button.setObjectName("scenePlay")
        self.play_button.setAccessibleName("Play or pause the scene")
        self.play_button.setToolTip("Play or pause the scene")
        self.play_button.setEnabled(False)
        self.play_button.clicked.connect(self.toggle)
        self.player.playbackStateChanged.connect(self._state)
        row = QHBoxLayout()
        row.addWidget(self.play_button)
        row.addStretch(1)
        layout.addWidget(self.caption)
        layout.addWidget(self.video)
        layout.addLayout(row)
        layout.addStretch(1)
        self.clip: Path | None = None

    def rendering(self, heading: str) -> None:
        """Say that the scene is being made."""
        self.player.stop()
        self.video.clear()
        self.caption.setText(f"Rendering {heading}…")

    def play(self, clip: Path, caption: str) -> None:
        """Play ``clip`` from its start."""
        self.clip = clip
        self.caption.setText(caption)
        self.player.setSource(QUrl.fromLocalFile(str(clip)))
        self.play_button.setEnabled(True)
        self.player.play()

    def toggle(self) -> None:
        """Play or pause."""
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def stop(self) -> None:
        """Stop playing (leaving the room, closing the window)."""
        self.player.stop()

    def _state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText("Pause" if playing else "Play")

    def _failed(self, _error: QMediaPlayer.Error, message: str) -> None:
        self.caption.setText(f"The clip cannot be played: {message}")
        self.play_button.setEnabled(False)

    def sizeHint(self):
        hint = super().sizeHint()
        hint.setHeight(max(hint.height(), 60 * UNIT))
        return hint
