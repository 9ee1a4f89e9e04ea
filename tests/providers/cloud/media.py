"""Tiny real media the fake services serve, made by the bundled FFmpeg."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vividverse_desktop.media.ffmpeg import FFmpeg


@dataclass(frozen=True)
class Media:
    """Small files the fakes serve: a PNG still, a one-second H.264 MP4 and raw 24 kHz PCM."""

    png: bytes
    mp4: bytes
    pcm: bytes


def make_media(folder: Path, ffmpeg: FFmpeg | None = None) -> Media:
    """Make the files in ``folder`` (a 64x36 navy PNG, a 64x36 test clip, a 440 Hz tone)."""
    ffmpeg = ffmpeg or FFmpeg()
    png, mp4, pcm = folder / "still.png", folder / "clip.mp4", folder / "line.pcm"
    quiet = ("-hide_banner", "-nostdin", "-loglevel", "error", "-y")
    ffmpeg.run((*quiet, "-f", "lavfi", "-i", "color=c=navy:s=64x36", "-frames:v", "1",
                str(png)), timeout=30)  # fmt: skip
    ffmpeg.run((*quiet, "-f", "lavfi", "-i", "testsrc=s=64x36:r=24:d=1", "-c:v", "libx264",
                "-pix_fmt", "yuv420p", "-preset", "ultrafast", str(mp4)), timeout=30)  # fmt: skip
    ffmpeg.run((*quiet, "-f", "lavfi", "-i", "sine=f=440:r=24000:d=0.5", "-f", "s16le",
                "-ac", "1", str(pcm)), timeout=30)  # fmt: skip
    return Media(png.read_bytes(), mp4.read_bytes(), pcm.read_bytes())
