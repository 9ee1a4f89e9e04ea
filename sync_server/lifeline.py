"""Server processes end with the process that started them.

The desktop starts the server with ``--exit-with-parent PID``; the server, when it runs
``--workers N``, hands its own pid to its workers (``VIVIDVERSE_SUPERVISOR_PID``). Either
way a killed parent (even with -9) leaves no process serving behind it, holding the port.
"""

from __future__ import annotations

import os
import signal
import threading
import time

SUPERVISOR_ENV = "VIVIDVERSE_SUPERVISOR_PID"
"""Set by ``python -m sync_server --workers N`` for its workers: the supervisor's pid."""

GRACE_S = 10.0
"""How long a graceful shutdown may take before the process exits regardless."""


def exit_with_parent(parent: int, every_s: float = 0.5) -> None:
    """Shut this process down (SIGTERM, graceful; then exit after :data:`GRACE_S`) once
    ``parent`` is no longer its parent."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(GRACE_S)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def watch_supervisor() -> None:
    """In a worker process: exit with the supervisor named by :data:`SUPERVISOR_ENV`."""
    raw = os.environ.get(SUPERVISOR_ENV, "")
    if raw.isascii() and raw.isdigit():
        exit_with_parent(int(raw))
