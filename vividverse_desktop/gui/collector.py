"""Keep the garbage collector's full passes short while background work runs.

A full collection (CPython's oldest generation) walks every tracked object while it
holds the interpreter lock, whichever thread runs it: a worker that triggers one stalls
the window as surely as the GUI thread would. A started app holds about 150,000 such
objects (modules, classes, Qt wrappers, the session's engine and client); walking them
took 50-85 ms of CPU here, and during a big sync those passes came back every few
seconds, the longest stalls of the event loop.

What is alive once the rooms have loaded and a session is open lives as long as the
app or the session, so it is frozen (``gc.freeze``): later passes walk only what came
after (about 10 ms here during a render and a 10,000-score sync). Freezing is
instant. Objects frozen are still freed by reference counting; only reference cycles
among them wait until they are thawed. A session's objects are thawed when it ends,
and the next freeze collects first, so a signed-out session is not kept forever. The
few cycles already garbage at the first freeze (about 1,500 objects at a first start
here) stay.

Collections run on the GUI thread only (:class:`GuiThreadCollector`, started by the task
runner): CPython collects in whichever thread allocates past the threshold, and a
collection in a worker ran PySide's weak-reference callbacks there, which disconnect Qt
signals: Qt took its connection lock, then waited for the interpreter lock the GUI
thread held while it waited for that same Qt lock (a hang seen in the test suite). With
automatic collection off, a timer on the GUI thread collects what CPython would have:
the youngest generations as their counts pass the thresholds, the oldest at most every
``FULL_EVERY_S``.
"""

from __future__ import annotations

import gc
import logging
import time

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

CHECK_MS = 100  # how often the GUI thread looks at the collector's counts
FULL_EVERY_S = 5.0  # a full collection at most this often (CPython defers them too)


class _State:
    thawed = False  # the collector is process-wide, and so is this


def freeze_long_lived() -> int:
    """Freeze every object alive now; returns how many objects are frozen in all.

    After a :func:`thaw` a full collection runs first (one pause, at a moment the window
    changes anyway: a session opening), so what the last session left is freed.
    """
    if _State.thawed:
        gc.collect()
        _State.thawed = False
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.debug("%d objects frozen out of the collector's full passes", frozen)
    return frozen


def thaw() -> None:
    """Give every frozen object back to the collector (a session ended)."""
    gc.unfreeze()
    _State.thawed = True


_collecting: set[int] = set()  # keys of the collectors running (a runner each; tests make many)


def _done(key: int) -> None:
    """A collector stopped or was destroyed: the last one gives collection back to CPython."""
    _collecting.discard(key)
    if not _collecting:
        gc.enable()


class GuiThreadCollector(QObject):
    """Automatic collection off while it runs; the GUI thread collects on a timer."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._last_full = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.collect_due)
        self._key = id(self)

    def start(self) -> None:
        """Turn automatic collection off (process-wide) and collect on the timer."""
        if self._key in _collecting:
            return
        _collecting.add(self._key)
        key = self._key
        self.destroyed.connect(lambda: _done(key))  # not stopped: destroyed with its runner
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Stop; the last collector to stop turns automatic collection back on."""
        self._timer.stop()
        _done(self._key)

    def collect_due(self) -> int:
        """Collect the generations whose counts passed their thresholds; which one (-1:
        none). Called by the timer; callable by hand."""
        (count0, count1, count2), (limit0, limit1, limit2) = gc.get_count(), gc.get_threshold()
        if limit0 == 0 or count0 <= limit0:
            return -1
        generation = 0
        if count1 > limit1:
            generation = 1
            now = time.monotonic()
            if count2 > limit2 and now - self._last_full >= FULL_EVERY_S:
                generation = 2
                self._last_full = now
        gc.collect(generation)
        return generation
