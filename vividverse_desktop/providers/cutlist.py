"""Concat lists that cut each entry after a whole number of frames (stream copy, no re-encode).

Used when ``render.assembly`` joins the film's scene clips with the concat demuxer,
each cut to its slot. Cutting relies on clips without B-frames (x264 ``ultrafast``),
where frame *n* is the *n*-th packet and has its timestamp at n / fps, so dropping
packets at ``outpoint`` keeps exactly the first ``frames`` frames; clips of other
presets are rendered at exactly their slot's frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

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
