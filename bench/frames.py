"""Helpers of the player benchmarks (``player``, ``compare``): waiting in Qt's event loop,
reading a frame-code picture's number, printing timings. PySide6 is imported on use, after
the benchmark has chosen its platform plugin."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any


def wait(done: Callable[[], bool], ms: int = 5000) -> bool:
    """Run Qt's event loop until ``done()`` holds (checked every millisecond) or ``ms`` pass."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop, tick, deadline = QEventLoop(), QTimer(), QTimer()
    tick.timeout.connect(lambda: loop.quit() if done() else None)
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    tick.start(1)
    deadline.start(ms)
    if not done():
        loop.exec()
    tick.stop()
    deadline.stop()
    return done()


def number(image: Any) -> int:
    """The frame number drawn in a decoded frame-code picture (a QImage)."""
    from vividverse_desktop.core.pipeline.frame_code import read_frame_code

    return read_frame_code(
        lambda x, y: image.pixelColor(x, y).lightness(), image.width(), image.height()
    )


def summary(label: str, ms: list[float]) -> float:
    """Print the median and max of ``ms``; the median."""
    median = statistics.median(ms)
    print(f"{label:<40} median {median:6.1f} ms   max {max(ms):6.1f} ms   (n={len(ms)})")
    return median
