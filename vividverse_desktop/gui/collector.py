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
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


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
