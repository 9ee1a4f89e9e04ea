"""FFmpeg's ``-progress pipe:1`` output read as progress values.

FFmpeg writes blocks of ``key=value`` lines, each block ending with
``progress=continue`` (or ``progress=end`` for the last one). Output arrives in
arbitrary chunks, so :class:`ProgressParser` keeps a partial line until its newline
comes and emits one :class:`Progress` per completed block.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Progress:
    """One progress report: how far the output has got.

    ``out_time_us`` is the output position in microseconds, ``frame`` the frames
    written so far, ``speed`` the multiple of real time; each is ``None`` while FFmpeg
    reports ``N/A``. ``done`` is true on the final report (``progress=end``).
    """

    out_time_us: int | None = None
    frame: int | None = None
    fps: float | None = None
    speed: float | None = None
    total_size: int | None = None
    done: bool = False

    @property
    def seconds(self) -> float | None:
        """The output position in seconds."""
        return None if self.out_time_us is None else self.out_time_us / 1_000_000

    def fraction(self, total_seconds: float) -> float:
        """Share of ``total_seconds`` done, clamped to ``[0, 1]`` (1 once done)."""
        if self.done:
            return 1.0
        if self.out_time_us is None or total_seconds <= 0:
            return 0.0
        return min(1.0, max(0.0, self.out_time_us / 1_000_000 / total_seconds))


class ProgressParser:
    """Turns chunks of FFmpeg progress text into :class:`Progress` values."""

    def __init__(self) -> None:
        self._partial = ""
        self._fields: dict[str, str] = {}
        self.last: Progress | None = None

    def feed(self, chunk: str) -> list[Progress]:
        """Consume a chunk (any split, ``\\n`` or ``\\r\\n`` lines); return completed reports."""
        text = self._partial + chunk
        lines = text.split("\n")
        self._partial = lines.pop()
        reports: list[Progress] = []
        for raw in lines:
            line = raw.strip()
            key, sep, value = line.partition("=")
            if not sep:
                continue
            key, value = key.strip(), value.strip()
            if key == "progress":
                report = _report(self._fields, done=value == "end")
                self._fields = {}
                self.last = report
                reports.append(report)
            else:
                self._fields[key] = value
        return reports


def _report(fields: dict[str, str], *, done: bool) -> Progress:
    # FFmpeg's "out_time_ms" is microseconds too (a historical misnomer); prefer out_time_us.
    out_time = _int(fields.get("out_time_us"))
    if out_time is None:
        out_time = _int(fields.get("out_time_ms"))
    if out_time is not None and out_time < 0:
        out_time = None
    speed_text = fields.get("speed", "").removesuffix("x").strip()
    return Progress(
        out_time_us=out_time,
        frame=_int(fields.get("frame")),
        fps=_float(fields.get("fps")),
        speed=_float(speed_text),
        total_size=_int(fields.get("total_size")),
        done=done,
    )


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def _float(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None
