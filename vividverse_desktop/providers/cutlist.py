"""Concat lists that cut each entry after a whole number of frames (stream copy, no re-encode).

Used twice: a held storyboard card is one short encoded segment repeated, and
the film is its scene clips each cut to its slot. Both rely on clips without
B-frames (x264 ``ultrafast``), where frame *n* is the *n*-th packet and has its
timestamp at n / fps, so dropping packets at ``outpoint`` keeps exactly the
first ``frames`` frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from vividverse_desktop.core.pipeline.ffmpeg_args import Argv, global_args, input_path
from vividverse_desktop.core.pipeline.stitch import check_concat_entry


def cut_list(entries: Sequence[tuple[str, int]], fps: Fraction) -> str:
    """A concat list (``ffconcat version 1.0``) keeping ``frames`` frames of each entry.

    ``outpoint`` is ``frames / fps`` rounded down to the microsecond (the demuxer
    drops packets at or after it and starts the next entry there). Entries are
    checked as safe relative names (``core.pipeline.stitch.check_concat_entry``).
    """
    if not entries:
        raise ValueError("a cut list needs at least one entry")
    rate = Fraction(fps)
    lines = ["ffconcat version 1.0"]
    for entry, frames in entries:
        check_concat_entry(entry)
        if frames < 1:
            raise ValueError(f"{entry}: at least one frame must be kept")
        micros = (frames * 1_000_000 * rate.denominator) // rate.numerator
        lines += [f"file '{entry}'", f"outpoint {micros // 1_000_000}.{micros % 1_000_000:06d}"]
    return "\n".join(lines) + "\n"


def copy_concat_argv(listing: Path, output: Path, timescale: int) -> Argv:
    """FFmpeg arguments joining a cut list's video by stream copy into an MP4 (video only)."""
    return (
        *global_args(),
        "-protocol_whitelist", "file", "-f", "concat", "-safe", "1", "-i", input_path(listing),
        "-map", "0:v:0", "-c", "copy", "-video_track_timescale", str(timescale),
        "-an", "-f", "mp4", input_path(output),
    )  # fmt: skip
