"""The transport bar under the picture: buttons for the player's keys, the timecode, volume.

Its buttons never take focus: the player keeps it, so its keys keep working after a click.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontDatabase, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from vividverse_desktop.gui.icons import icon
from vividverse_desktop.gui.rooms.screening.player import Player
from vividverse_desktop.gui.theme import UNIT, Colours


def timecode_font(base: QFont) -> QFont:
    """A fixed-width font (digits that do not dance) at ``base``'s size."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(base.pointSizeF() * 1.15)
    return font


class Transport(QWidget):
    """Play, step, shuttle speed, in/out, timecode and frame, volume, fullscreen."""

    def __init__(self, player: Player, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screeningTransport")
        self.player = player
        row = QHBoxLayout(self)
        row.setContentsMargins(2 * UNIT, UNIT, 2 * UNIT, UNIT)
        row.setSpacing(UNIT)
        self._glyphs: list[tuple[QToolButton, str]] = []

        def button(name: str, glyph: str, tip: str, slot) -> QToolButton:
            tool = QToolButton(self)
            tool.setObjectName(name)
            tool.setToolTip(tip)
            tool.setAccessibleName(tip.split(" (", maxsplit=1)[0])
            tool.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            tool.setAutoRaise(True)
            tool.clicked.connect(slot)
            self._glyphs.append((tool, glyph))
            row.addWidget(tool)
            return tool

        button("screeningStart", "mdi6.skip-previous", "First frame (Home)", player.home)
        button(
            "screeningBack", "mdi6.step-backward", "One frame back (Left)", lambda: player.step(-1)
        )
        self.play_button = button(
            "screeningPlay", "mdi6.play", "Play or pause (Space)", player.toggle
        )
        button(
            "screeningForward", "mdi6.step-forward", "One frame on (Right)", lambda: player.step(1)
        )
        button("screeningEnd", "mdi6.skip-next", "Last frame (End)", player.end)
        self.speed = QLabel(self)
        self.speed.setObjectName("screeningSpeed")
        self.speed.setToolTip("Shuttle speed: J back, K stop, L forward; Shift for slower")
        self.speed.setMinimumWidth(10 * UNIT)
        row.addWidget(self.speed)
        row.addSpacing(2 * UNIT)

        self.timecode = QLabel(self)
        self.timecode.setObjectName("screeningTimecode")
        self.timecode.setToolTip("SMPTE timecode of the frame shown (';' is drop-frame)")
        self.timecode.setFont(timecode_font(self.font()))
        self.timecode.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.timecode)
        self.frame_label = QLabel(self)
        self.frame_label.setObjectName("screeningFrame")
        self.frame_label.setToolTip("The number of the frame shown (the first is 0)")
        self.frame_label.setFont(timecode_font(self.font()))
        row.addWidget(self.frame_label)
        self.rate_label = QLabel(self)
        self.rate_label.setObjectName("screeningRate")
        self.rate_label.setProperty("role", "muted")
        row.addWidget(self.rate_label)
        row.addStretch(1)

        button("screeningIn", "mdi6.contain-start", "Mark in (I)", lambda _=False: player.set_in())
        button(
            "screeningOut",
            "mdi6.contain-end",
            "Mark out: loops the range (O)",
            lambda _=False: player.set_out(),
        )
        self.range_label = QLabel(self)
        self.range_label.setObjectName("screeningRange")
        self.range_label.setFont(timecode_font(self.font()))
        row.addWidget(self.range_label)
        button(
            "screeningClearRange",
            "mdi6.close-circle-outline",
            "Clear in and out (Alt+X)",
            player.clear_range,
        )
        row.addSpacing(2 * UNIT)
        self.mute_button = button(
            "screeningMute", "mdi6.volume-high", "Mute (M)", player.toggle_mute
        )
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setObjectName("screeningVolume")
        self.volume.setAccessibleName("Volume")
        self.volume.setToolTip("Volume (Up and Down)")
        self.volume.setRange(0, 100)
        self.volume.setFixedWidth(24 * UNIT)
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume.valueChanged.connect(lambda v: player.set_volume(v / 100))
        row.addWidget(self.volume)
        button(
            "screeningFullscreen",
            "mdi6.fullscreen",
            "Fullscreen (F)",
            lambda _=False: player.fullscreen_requested.emit(),
        )

        # Dropped first to last when the bar is narrow (the room fits a 700 px window).
        self._optional: list[QWidget] = [
            self.rate_label,
            self.volume,
            self.range_label,
            self.frame_label,
        ]
        self._colours: Colours | None = None
        self._iconed_state: tuple[bool, bool] | None = None
        player.changed.connect(self.refresh)
        player.frame_shown.connect(lambda _frame: self.refresh())
        self.refresh()

    def minimumSizeHint(self) -> QSize:
        return QSize(56 * UNIT, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Show as many of the optional pieces as the width holds."""
        layout = self.layout()
        spacing = layout.spacing()
        needed = layout.sizeHint().width() + sum(
            w.sizeHint().width() + spacing for w in self._optional if w.isHidden()
        )
        for widget in self._optional:
            fits = needed <= self.width()
            if widget.isHidden() == fits:
                widget.setVisible(fits)
            if not fits:
                needed -= widget.sizeHint().width() + spacing

    def refresh(self) -> None:
        """Show the player's state."""
        p = self.player
        frame = max(p.frame, 0)
        shown = p.is_open
        self.timecode.setText(p.rate.timecode(frame) if shown else "--:--:--:--")
        total = f" / {p.last_frame}" if p.frames else ""
        self.frame_label.setText(f"frame {frame}{total}" if shown else "")
        self.rate_label.setText(str(p.rate) if shown else "")
        speed = p.speed
        self.speed.setText("" if not speed else f"{'◀ ' if speed < 0 else '▶ '}{abs(speed):g}×")
        self.play_button.setToolTip("Pause (Space)" if speed else "Play (Space)")
        first = "" if p.in_frame is None else p.rate.timecode(p.in_frame)
        last = "" if p.out_frame is None else p.rate.timecode(p.out_frame)
        self.range_label.setText(f"{first or '…'} – {last or '…'}" if first or last else "")
        self.volume.blockSignals(True)
        self.volume.setValue(round(p.audio.volume() * 100))
        self.volume.blockSignals(False)
        self.mute_button.setToolTip("Unmute (M)" if p.audio.isMuted() else "Mute (M)")
        if self._colours is not None and self._iconed_state != (bool(speed), p.audio.isMuted()):
            self.apply_colours(self._colours)

    def apply_colours(self, colours: Colours) -> None:
        """Redraw the glyphs in the scheme's colours (play/pause and mute follow the state)."""
        self._colours = colours
        self._iconed_state = (bool(self.player.speed), self.player.audio.isMuted())
        swapped = {
            self.play_button: "mdi6.pause" if self.player.speed else "",
            self.mute_button: "mdi6.volume-off" if self.player.audio.isMuted() else "",
        }
        for tool, glyph in self._glyphs:
            tool.setIcon(icon(swapped.get(tool) or glyph, colours))
