"""Frames, time and SMPTE timecode: the one place they are converted.

A :class:`FrameRate` is an exact fraction (29.97 is 30000/1001, never a float), and
whether its timecode counts drop-frame is stored with it, never guessed from the rate.
Drop-frame (29.97 and 59.94 only) skips the labels ``;00`` and ``;01`` (``;00``-``;03``
at 59.94) at the start of each minute except every tenth, so the label stays within a
frame of the wall clock; frames themselves are never dropped.

Seeking a player to frame ``k`` aims at the middle of the frame (``seek_ms``): aiming at
its start shows the previous frame on players that take whole milliseconds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

_KNOWN = {
    Fraction(24000, 1001): (24000, 1001),
    Fraction(30000, 1001): (30000, 1001),
    Fraction(60000, 1001): (60000, 1001),
}
_TIMECODE = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})([:;.,])(\d{2,3})$")


class TimecodeError(ValueError):
    """A timecode or frame rate that cannot be used, with what is wrong."""


@dataclass(frozen=True, slots=True)
class FrameRate:
    """Frames per second as ``num / den``; ``drop_frame`` for 29.97/59.94 DF timecode."""

    num: int
    den: int = 1
    drop_frame: bool = False

    def __post_init__(self) -> None:
        if self.num <= 0 or self.den <= 0:
            raise TimecodeError(f"a frame rate must be positive, not {self.num}/{self.den}")
        if self.drop_frame and self.dropped_per_minute == 0:
            raise TimecodeError(f"drop-frame timecode exists only at 29.97 and 59.94, not {self}")

    @classmethod
    def of(cls, value: float | str | Fraction, *, drop_frame: bool = False) -> FrameRate:
        """The rate for ``value`` (23.976, "29.97", "30000/1001", 25...).

        Rates within 0.01 of an NTSC rate (23.976, 29.97, 59.94) snap to its exact
        fraction, as decoders report them as floats (29.97002997...).
        """
        try:
            exact = Fraction(value) if not isinstance(value, float) else Fraction(str(value))
        except (ValueError, ZeroDivisionError) as exc:
            raise TimecodeError(f"not a frame rate: {value!r}") from exc
        for known, (num, den) in _KNOWN.items():
            if abs(exact - known) < Fraction(1, 100):
                return cls(num, den, drop_frame)
        if exact.denominator != 1 and abs(exact - round(exact)) < Fraction(1, 1000):
            exact = Fraction(round(exact))
        return cls(exact.numerator, exact.denominator, drop_frame)

    @classmethod
    def conventional(cls, value: float | str | Fraction) -> FrameRate:
        """The rate for ``value`` with the timecode broadcast uses: drop-frame at 29.97
        and 59.94, non-drop at every other rate."""
        rate = cls.of(value)
        return cls(rate.num, rate.den, drop_frame=rate.dropped_per_minute > 0)

    @property
    def fps(self) -> float:
        """Frames per second as a float (for display and players that want one)."""
        return self.num / self.den

    @property
    def exact(self) -> Fraction:
        """Frames per second, exactly."""
        return Fraction(self.num, self.den)

    @property
    def nominal(self) -> int:
        """The whole-number rate timecode counts in (30 for 29.97)."""
        return math.ceil(self.exact)

    @property
    def dropped_per_minute(self) -> int:
        """Labels skipped each minute in drop-frame (2 at 29.97, 4 at 59.94, else 0)."""
        return {Fraction(30000, 1001): 2, Fraction(60000, 1001): 4}.get(self.exact, 0)

    def __str__(self) -> str:
        rate = f"{self.fps:.3f}".rstrip("0").rstrip(".")
        return f"{rate} fps{' DF' if self.drop_frame else ''}"

    # --- frames and time ----------------------------------------------------------------

    def seconds(self, frame: int) -> Fraction:
        """When frame ``frame`` starts, in seconds (exact)."""
        return Fraction(frame * self.den, self.num)

    def frame_at(self, seconds: float | Fraction) -> int:
        """The frame shown at ``seconds`` (the one whose span holds it)."""
        # A float time a hair below a frame boundary (1/1001 steps) still names that frame.
        at = Fraction(seconds) * self.exact
        return max(0, math.floor(at + Fraction(1, 10**6)))

    def frame_at_ms(self, ms: int) -> int:
        """The frame shown at a player position of ``ms`` milliseconds."""
        return self.frame_at(Fraction(ms, 1000))

    def seek_ms(self, frame: int) -> int:
        """The whole millisecond in the middle of frame ``frame`` (where a seek should aim)."""
        return math.floor(Fraction(2 * frame + 1, 2) * 1000 * self.den / self.num)

    def frame_count(self, duration_s: float | Fraction) -> int:
        """How many whole frames a duration holds."""
        return math.floor(Fraction(duration_s) * self.exact + Fraction(1, 10**6))

    # --- timecode -----------------------------------------------------------------------

    def timecode(self, frame: int) -> str:
        """The SMPTE label of frame ``frame`` (``HH:MM:SS:FF``; ``;FF`` in drop-frame)."""
        if frame < 0:
            raise TimecodeError(f"a frame number cannot be negative ({frame})")
        label = frame + self._dropped_before(frame) if self.drop_frame else frame
        fps = self.nominal
        ff = label % fps
        total_seconds = label // fps
        hh, rest = divmod(total_seconds, 3600)
        mm, ss = divmod(rest, 60)
        separator = ";" if self.drop_frame else ":"
        width = 3 if fps > 100 else 2
        return f"{hh % 24:02d}:{mm:02d}:{ss:02d}{separator}{ff:0{width}d}"

    def frame_of(self, timecode: str) -> int:
        """The frame labelled ``timecode``; TimecodeError for a label that does not exist."""
        found = _TIMECODE.match(timecode.strip())
        if found is None:
            raise TimecodeError(f"not a timecode: {timecode!r} (expected HH:MM:SS:FF)")
        hh, mm, ss, _, ff = (int(found.group(i)) if i != 4 else 0 for i in range(1, 6))
        fps = self.nominal
        if mm > 59 or ss > 59 or ff >= fps:
            raise TimecodeError(f"{timecode!r} is out of range at {self}")
        drop = self.dropped_per_minute if self.drop_frame else 0
        if drop and ss == 0 and ff < drop and mm % 10 != 0:
            raise TimecodeError(f"{timecode!r} is skipped in drop-frame timecode")
        minutes = hh * 60 + mm
        label = (hh * 3600 + mm * 60 + ss) * fps + ff
        return label - drop * (minutes - minutes // 10)

    def _dropped_before(self, frame: int) -> int:
        """How many labels drop-frame has skipped before frame ``frame``."""
        drop = self.dropped_per_minute
        per_minute = 60 * self.nominal - drop
        per_ten = 10 * 60 * self.nominal - 9 * drop
        tens, rest = divmod(frame, per_ten)
        skipped = 9 * drop * tens
        if rest >= drop:
            skipped += drop * ((rest - drop) // per_minute)
        return skipped
