"""Writers of one SQLite database take turns: one writing transaction at a time.

SQLite allows one writer anyway; a writer that finds the database locked polls through
its busy handler, sleeping up to 100 ms between tries, so under load a few unlucky
requests wait far longer than the queue ahead of them. Here writers queue instead: on
a lock inside the process, then (where the OS has ``flock``) on a lock file beside the
database, which the kernel hands to the next process as soon as it is released, and
releases by itself when a process dies.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

try:
    import fcntl
except ImportError:  # Windows: the lock inside the process only
    fcntl = None  # type: ignore[assignment]


class WriterTurn:
    """A context manager held for the whole of one writing transaction."""

    def __init__(self, lock_file: Path | None = None) -> None:
        self._thread_lock = threading.Lock()
        self._lock_file = lock_file if fcntl is not None else None
        self._fd: int | None = None

    def __enter__(self) -> WriterTurn:
        self._thread_lock.acquire()
        try:
            if self._lock_file is not None:
                if self._fd is None:
                    self._fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def close(self) -> None:
        """Close the lock file (the next turn opens it again)."""
        with self._thread_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
