"""The one task runner: every background thread of the GUI lives here (DESIGN.md §2).

Three lanes:

- the database lane: one QThread, tasks run one at a time in the order given;
- the work pool: a few QThreads sharing one queue, for CPU and subprocess work;
- the network lane: coroutines on the asyncio loop that qasync runs inside Qt's loop.

A call site reads as one sentence::

    runner.run_db(studio.scoring.save_score, score=s, on_done=show_saved, on_error=say)

Callbacks (``on_done``, ``on_error``, ``on_cancelled``, ``on_progress``) always run on
the GUI thread; the functions run elsewhere and never touch widgets. Every task has a
:class:`CancelToken` (a child of the runner's, and of ``cancel=`` when given); the
runner passes it to the function as ``cancel=`` when the function has a parameter of
that name. When ``on_progress`` is given the function is called with ``on_progress=``,
a thread-safe relay: reports are coalesced, so the GUI sees the latest one.

:meth:`TaskRunner.shutdown` cancels everything, waits for the threads up to a bound
and drops any callback still pending: after it nothing reaches a closed window.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import inspect
import logging
import queue
import sys
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from vividverse_desktop.core.cancel import Cancelled, CancelToken
from vividverse_desktop.gui.collector import GuiThreadCollector

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]
_STOP = object()

# How long a thread that wants the interpreter lock waits before the holder is asked to
# let go (CPython's default is 5 ms). Each call into Qt lets the lock go, and a worker
# running Python takes it: with the spell check running, a typed key spent 0.2-0.8 ms
# of its own and waited the rest of up to 3.2 ms. In 8 runs of bench/write each, the
# slowest key passed 2 ms in 6 at 5 ms, 5 at 1 ms and 4 at 0.2 ms, while the preview's
# refresh took 182, 187 and 204 ms (means of medians): 1 ms it is. What settled it was
# the check waiting while keys arrive (write/proofreader.py).
SWITCH_INTERVAL_S = 0.001


def _takes(fn: Callable[..., Any], name: str) -> bool:
    """Whether ``fn`` accepts a keyword argument ``name``."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


class Task(QObject):
    """One piece of background work: cancel it, or wait for its callbacks on the GUI thread.

    ``state`` is "queued", "running", "done", "failed" or "cancelled".
    """

    finished = Signal(object)  # the result, after on_done ran
    failed = Signal(object)  # the exception, after on_error ran
    cancelled = Signal()  # after on_cancelled ran
    ended = Signal()  # after any of the three

    _result = Signal(object)
    _error = Signal(object)
    _progress = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        lane: str,
        name: str,
        token: CancelToken,
        *,
        on_done: Callback | None,
        on_error: Callback | None,
        on_cancelled: Callable[[], None] | None,
        on_progress: Callback | None,
    ) -> None:
        super().__init__()
        self.lane = lane
        self.name = name
        self.token = token
        self.state = "queued"
        self._runner = runner
        self._on_done = on_done
        self._on_error = on_error
        self._on_cancelled = on_cancelled
        self._on_progress = on_progress
        self._latest: Any = None
        self._progress_lock = threading.Lock()
        self._progress_pending = False
        self._owner: QObject | None = None
        self._owner_link: Any = None
        self._owner_gone = False
        queued = Qt.ConnectionType.QueuedConnection
        self._result.connect(self._deliver_result, queued)
        self._error.connect(self._deliver_error, queued)
        self._progress.connect(self._deliver_progress, queued)

    def cancel(self, reason: str = "cancelled") -> None:
        """Ask the work to stop; ``on_cancelled`` follows once it has."""
        self.token.cancel(reason)

    def bind_owner(self, owner: QObject) -> None:
        """Tie the task to ``owner`` (the widget its callbacks draw on): when the owner is
        destroyed the task is cancelled and none of its callbacks runs."""
        self._owner_gone = False

        def gone() -> None:
            self._owner_gone = True
            self.token.cancel("its window was closed")

        self._owner = owner
        self._owner_link = gone
        owner.destroyed.connect(gone)

    def unbind_owner(self) -> None:
        """Stop watching the owner (the task has ended)."""
        owner, link = self._owner, self._owner_link
        self._owner = self._owner_link = None
        if owner is not None and link is not None and not self._owner_gone:
            with contextlib.suppress(RuntimeError, TypeError):  # the owner is going already
                owner.destroyed.disconnect(link)

    @property
    def is_finished(self) -> bool:
        """Whether the task has ended (done, failed or cancelled) and its callback ran."""
        return self.state in ("done", "failed", "cancelled")

    # -- called from the worker side (any thread) --------------------------------------

    def report_progress(self, value: Any) -> None:
        """Hand a progress value to the GUI; only the latest undelivered one is kept."""
        with self._progress_lock:
            self._latest = value
            if self._progress_pending:
                return
            self._progress_pending = True
        self._progress.emit()

    def _execute(self, call: Callable[[], Any]) -> None:
        if self.token.cancelled:
            self._error.emit(Cancelled(self.token.reason))
            return
        self.state = "running"
        try:
            result = call()
        except BaseException as error:  # reported on the GUI thread, never lost
            self._error.emit(error)
        else:
            self._result.emit(result)

    # -- GUI thread ----------------------------------------------------------------

    @Slot()
    def _deliver_progress(self) -> None:
        with self._progress_lock:
            value, self._latest = self._latest, None
            self._progress_pending = False
        if (
            self._on_progress is not None
            and not self._runner.closed
            and not self.is_finished
            and not self._owner_gone
        ):
            self._on_progress(value)

    @Slot(object)
    def _deliver_result(self, result: Any) -> None:
        if self._runner.closed:
            return
        if self._owner_gone:
            self.state = "cancelled"
            self._runner._forget(self)
            return
        self._flush_progress()
        self.state = "done"
        self._runner._forget(self)
        try:
            if self._on_done is not None:
                self._on_done(result)
        finally:
            self.finished.emit(result)
            self.ended.emit()

    @Slot(object)
    def _deliver_error(self, error: BaseException) -> None:
        if self._runner.closed:
            return
        if self._owner_gone:
            self.state = "cancelled"
            self._runner._forget(self)
            return
        self._runner._forget(self)
        if isinstance(error, (Cancelled, asyncio.CancelledError)):
            self.state = "cancelled"
            try:
                if self._on_cancelled is not None:
                    self._on_cancelled()
            finally:
                self.cancelled.emit()
                self.ended.emit()
            return
        self.state = "failed"
        try:
            if self._on_error is not None:
                self._on_error(error)
            else:
                self._runner.unhandled.emit(self, error)
        finally:
            self.failed.emit(error)
            self.ended.emit()

    def _flush_progress(self) -> None:
        with self._progress_lock:
            pending = self._progress_pending
        if pending:
            self._deliver_progress()

    def __repr__(self) -> str:
        return f"<Task {self.lane}:{self.name} {self.state}>"


class _Lane(QThread):
    """A thread taking tasks from a queue it may share with other lanes (a pool)."""

    def __init__(self, jobs: queue.SimpleQueue[Any], name: str, parent: QObject) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self.setObjectName(name)

    def run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            task, call = job
            task._execute(call)


class TaskRunner(QObject):
    """Owns the database lane, the work pool and the network lane; see the module text."""

    unhandled = Signal(object, object)  # (task, exception) of a task without on_error

    def __init__(self, parent: QObject | None = None, *, workers: int = 2) -> None:
        super().__init__(parent)
        self.setObjectName("taskRunner")
        self._root = CancelToken()
        self._closed = False
        self._stopped = False
        self._live: dict[Task, None] = {}
        self._db_jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._work_jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._lanes = [_Lane(self._db_jobs, "vividverse-db", self)]
        self._lanes += [
            _Lane(self._work_jobs, f"vividverse-work-{i}", self) for i in range(max(1, workers))
        ]
        self._futures: dict[Task, asyncio.Future[Any]] = {}
        if sys.getswitchinterval() > SWITCH_INTERVAL_S:
            sys.setswitchinterval(SWITCH_INTERVAL_S)
        for lane in self._lanes:
            lane.start()
        self._collector = GuiThreadCollector(self)  # collections on the GUI thread only
        self._collector.start()
        self._frames = QThread(self)  # an event loop of its own (widgets/video_view.py)
        self._frames.setObjectName("vividverse-frames")
        self._frames.start()
        # A process that ends without closing the window must not destroy running QThreads.
        atexit.register(_shutdown_at_exit, weakref.ref(self))

    @property
    def closed(self) -> bool:
        """Whether :meth:`shutdown` has run (no callbacks are delivered after it)."""
        return self._closed

    @property
    def frames_thread(self) -> QThread:
        """The thread where video frames become images: QObjects moved here get their
        queued signals in its event loop, off the GUI thread and off Qt's renderer."""
        return self._frames

    @property
    def pending(self) -> list[Task]:
        """Tasks not yet finished, oldest first."""
        return list(self._live)

    def run_db(
        self,
        fn: Callable[..., Any],
        /,
        *args: Any,
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_progress: Callback | None = None,
        cancel: CancelToken | None = None,
        owner: QObject | None = None,
        **kwargs: Any,
    ) -> Task:
        """Run ``fn(*args, **kwargs)`` on the database lane (one at a time, in order)."""
        task = self._task(
            "db",
            fn,
            on_done=on_done,
            on_error=on_error,
            on_cancelled=on_cancelled,
            on_progress=on_progress,
            cancel=cancel,
            owner=owner,
        )
        if self._closed:
            return task
        self._db_jobs.put((task, self._bind(task, fn, args, kwargs)))
        return task

    def run_work(
        self,
        fn: Callable[..., Any],
        /,
        *args: Any,
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_progress: Callback | None = None,
        cancel: CancelToken | None = None,
        owner: QObject | None = None,
        **kwargs: Any,
    ) -> Task:
        """Run ``fn(*args, **kwargs)`` in the work pool (CPU work, child processes)."""
        task = self._task(
            "work",
            fn,
            on_done=on_done,
            on_error=on_error,
            on_cancelled=on_cancelled,
            on_progress=on_progress,
            cancel=cancel,
            owner=owner,
        )
        if self._closed:
            return task
        self._work_jobs.put((task, self._bind(task, fn, args, kwargs)))
        return task

    def run_net(
        self,
        coro_fn: Callable[..., Awaitable[Any]],
        /,
        *args: Any,
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_progress: Callback | None = None,
        cancel: CancelToken | None = None,
        owner: QObject | None = None,
        **kwargs: Any,
    ) -> Task:
        """Run the coroutine ``coro_fn(*args, **kwargs)`` on the Qt loop's asyncio loop.

        Cancelling the task cancels the coroutine (``asyncio.CancelledError`` inside it).
        """
        task = self._task(
            "net",
            coro_fn,
            on_done=on_done,
            on_error=on_error,
            on_cancelled=on_cancelled,
            on_progress=on_progress,
            cancel=cancel,
            owner=owner,
        )
        if self._closed:
            return task
        loop = _loop()
        call = self._bind(task, coro_fn, args, kwargs)

        async def guarded() -> Any:
            task.token.check()
            task.state = "running"
            return await call()

        future = asyncio.ensure_future(guarded(), loop=loop)
        self._futures[task] = future
        task.token.on_cancel(lambda: loop.call_soon_threadsafe(future.cancel))
        future.add_done_callback(lambda f: self._net_finished(task, f))
        return task

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Cancel every task, stop the threads, wait up to ``timeout`` s; True if all stopped.

        Idempotent. Callbacks still queued are dropped.
        """
        if self._closed:
            return self._stopped
        self._closed = True
        self._root.cancel("the application is closing")
        for future in self._futures.values():
            future.cancel()
        self._futures.clear()
        self._db_jobs.put(_STOP)
        for _ in self._lanes[1:]:
            self._work_jobs.put(_STOP)
        deadline = time.monotonic() + timeout
        stopped = True
        for lane in self._lanes:
            left_ms = max(0, int((deadline - time.monotonic()) * 1000))
            if not lane.wait(left_ms):
                log.warning("thread %s did not stop within %.1f s", lane.objectName(), timeout)
                stopped = False
        self._collector.stop()
        self._frames.quit()
        if not self._frames.wait(max(0, int((deadline - time.monotonic()) * 1000))):
            log.warning("thread %s did not stop within %.1f s", self._frames.objectName(), timeout)
            stopped = False
        self._live.clear()
        self._stopped = stopped
        return stopped

    # -- internals ---------------------------------------------------------------------

    def _task(
        self,
        lane: str,
        fn: Callable[..., Any],
        *,
        on_done: Callback | None,
        on_error: Callback | None,
        on_cancelled: Callable[[], None] | None,
        on_progress: Callback | None,
        cancel: CancelToken | None,
        owner: QObject | None = None,
    ) -> Task:
        parents = (self._root, cancel) if cancel is not None else (self._root,)
        name = getattr(fn, "__qualname__", repr(fn))
        task = Task(
            self,
            lane,
            name,
            CancelToken(*parents),
            on_done=on_done,
            on_error=on_error,
            on_cancelled=on_cancelled,
            on_progress=on_progress,
        )
        if self._closed:
            # A view redrawing after its window closed: nothing runs, nothing is called.
            log.debug("not run, the runner has shut down: %s", name)
            task.state = "cancelled"
            return task
        self._live[task] = None
        if owner is not None:
            task.bind_owner(owner)
        return task

    @staticmethod
    def _bind(
        task: Task, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Callable[[], Any]:
        extra = dict(kwargs)
        if "cancel" not in extra and _takes(fn, "cancel"):
            extra["cancel"] = task.token
        if task._on_progress is not None:
            extra["on_progress"] = task.report_progress
        return lambda: fn(*args, **extra)

    def _net_finished(self, task: Task, future: asyncio.Future[Any]) -> None:
        self._futures.pop(task, None)
        if future.cancelled():
            task._error.emit(Cancelled(task.token.reason or "cancelled"))
            return
        error = future.exception()
        if error is not None:
            task._error.emit(error)
        else:
            task._result.emit(future.result())

    def _forget(self, task: Task) -> None:
        task.unbind_owner()
        task.token.release()
        self._live.pop(task, None)


def _shutdown_at_exit(ref: weakref.ref[TaskRunner]) -> None:
    runner = ref()
    if runner is not None:
        with contextlib.suppress(RuntimeError):  # the C++ side may be gone already
            runner.shutdown(timeout=2.0)


def _loop() -> asyncio.AbstractEventLoop:
    with contextlib.suppress(RuntimeError):
        return asyncio.get_running_loop()
    return asyncio.get_event_loop_policy().get_event_loop()
