"""The film's edit as a CMX 3600 EDL, so an editor can rebuild it in their NLE.

Each scene is two events: its picture (the scene clip, auxiliary reel ``AX``,
video track) and its sound (the scene audio, audio track 1), both cut exactly
where the film cuts. ``FROM CLIP NAME`` comments carry the file paths for
relinking; ``COMMENT`` lines the scene headings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class EdlEvent:
    """One scene of the edit: picture and sound files, its record frames, a title."""

    title: str
    clip: str
    audio: str | None
    start_frame: int
    frames: int


def timecode(frame: int, fps: Fraction) -> str:
    """``HH:MM:SS:FF`` non-drop-frame timecode at the nominal (rounded up) rate."""
    base = math.ceil(Fraction(fps))
    seconds, frames = divmod(frame, base)
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}:{frames:02d}"


def _clean(text: str) -> str:
    return " ".join(text.split())


def film_edl(title: str, events: Sequence[EdlEvent], fps: Fraction) -> str:
    """CMX 3600 text: a picture event and (when there is sound) an audio event per scene.

    Sources start at 00:00:00:00 in each file; record times are the film's cuts.
    """
    lines = [f"TITLE: {_clean(title)[:70] or 'Vividverse film'}", "FCM: NON-DROP FRAME", ""]
    number = 0
    for event in events:
        if event.frames < 1:
            continue
        src_in, src_out = timecode(0, fps), timecode(event.frames, fps)
        rec_in = timecode(event.start_frame, fps)
        rec_out = timecode(event.start_frame + event.frames, fps)
        tracks = [("V", event.clip)] + ([("A", event.audio)] if event.audio else [])
        for track, source in tracks:
            number += 1
            lines.append(
                f"{number:03d}  AX       {track:<5} C        {src_in} {src_out} {rec_in} {rec_out}"
            )
            lines.append(f"* FROM CLIP NAME: {source}")
            lines.append(f"* COMMENT: {_clean(event.title)}")
            lines.append("")
    return "\n".join(lines)
