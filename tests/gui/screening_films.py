"""Frame-code films for the Screening Room tests (made by the real FFmpeg), and reading the
number of the frame a player shows from its decoded picture."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from tests.gui.conftest import wait_until
from vividverse_desktop.core.pipeline.frame_code import read_frame_code
from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.gui.rooms.screening.player import Player
from vividverse_desktop.studio.screening import make_frame_code_film

CHAPTERS = (("INT. KITCHEN - DAY", 0), ("EXT. ROOF - NIGHT", 30), ("INT. CAR - LATER", 55))


def film(folder: Path, fps: float, frames: int, chapters=CHAPTERS) -> Path:
    """A 64x48 film of ``frames`` frames at ``fps`` (drop-frame timecode at 29.97)."""
    name = f"film-{str(fps).replace('.', '_')}-{frames}.mp4"
    path = folder / name
    if not path.exists():
        make_frame_code_film(
            path=path, rate=FrameRate.conventional(fps), frames=frames, chapters=chapters
        )
    return path


def number_in(image: QImage) -> int:
    """The frame number drawn in a decoded picture."""
    return read_frame_code(
        lambda x, y: image.pixelColor(x, y).lightness(), image.width(), image.height()
    )


def shown(player: Player) -> int:
    """The number in the picture the player shows (-1 before its first frame)."""
    return -1 if player.image.isNull() else number_in(player.image)


def wait_shown(player: Player, frame: int, timeout_ms: int = 5000) -> bool:
    """Wait until the player shows ``frame`` (by its own count and by the picture)."""
    return wait_until(lambda: player.frame == frame and shown(player) == frame, timeout_ms)
