"""Loudness of the film's audio: measure once, then apply one gain (EBU R128).

``loudnorm`` in one pass works at 192 kHz and runs at only ~35x real time, about as
slow as the AAC encode itself. The cheap way is two light passes: measure the
integrated loudness with ``ebur128`` (~500x real time) via :func:`loudness_argv`
and :func:`parse_loudness`, then let the stitch apply a fixed gain and a peak
limiter (also ~500x). Without a measurement :class:`Loudness` falls back to
single-pass ``loudnorm``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from vividverse_desktop.core.pipeline.ffmpeg_args import AUDIO_RATE, Argv, input_path

SILENCE_LUFS = -70.0
"""ebur128's absolute gate: audio measured at or below it is treated as silence."""

_MAX_GAIN_DB = 30.0
_INTEGRATED = re.compile(r"Integrated loudness:\s*\n\s*I:\s*(-?\d+(?:\.\d+)?|-inf) LUFS")


@dataclass(frozen=True, slots=True)
class Loudness:
    """Target loudness of the film (integrated LUFS, true-peak ceiling dBTP, range LU).

    ``measured`` is the film audio's integrated loudness from :func:`parse_loudness`;
    with it the filter is a plain gain plus limiter, without it single-pass ``loudnorm``.
    """

    integrated: float = -16.0
    true_peak: float = -1.5
    lra: float = 11.0
    measured: float | None = None

    def with_measurement(self, lufs: float | None) -> Loudness:
        """The same target with the film's measured loudness filled in."""
        return replace(self, measured=lufs)

    @property
    def gain_db(self) -> float | None:
        """The gain the measurement calls for, within ±30 dB; 0 for silence; None unmeasured."""
        if self.measured is None:
            return None
        if self.measured <= SILENCE_LUFS:
            return 0.0
        return max(-_MAX_GAIN_DB, min(_MAX_GAIN_DB, self.integrated - self.measured))

    @property
    def filter(self) -> str:
        """The audio filter for the stitch, ending in exact sample-count timestamps.

        ``asetpts=N/SR/TB`` matters after loudnorm: its output timestamps would make
        the MP4 audio track ~90 ms longer than its samples.
        """
        gain = self.gain_db
        if gain is None:
            return (
                f"loudnorm=I={self.integrated:g}:TP={self.true_peak:g}:LRA={self.lra:g},"
                f"aresample={AUDIO_RATE},asetpts=N/SR/TB"
            )
        limit = 10 ** (self.true_peak / 20)
        return (
            f"volume={gain:.2f}dB,alimiter=limit={limit:.4f}:level=disabled:latency=1,"
            "asetpts=N/SR/TB"
        )


DEFAULT_LOUDNESS = Loudness()
"""-16 LUFS integrated, -1.5 dBTP: the usual target for films played online."""


def loudness_argv(audio_list: Path) -> Argv:
    """FFmpeg arguments that measure the loudness of the film's audio (a concat list).

    The summary goes to stderr at info level; read it with :func:`parse_loudness`.
    """
    return (
        "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
        "-protocol_whitelist", "file", "-f", "concat", "-safe", "1", "-i", input_path(audio_list),
        "-map", "0:a:0", "-af", "ebur128=framelog=quiet", "-f", "null", "-",
    )  # fmt: skip


def parse_loudness(log: str) -> float | None:
    """The integrated loudness (LUFS) from an ``ebur128`` summary; None if absent.

    Silence (``-inf`` or the gate's -70) is reported as :data:`SILENCE_LUFS`.
    """
    matches = _INTEGRATED.findall(log)
    if not matches:
        return None
    value = matches[-1]
    if value == "-inf":
        return SILENCE_LUFS
    return max(SILENCE_LUFS, float(value))
