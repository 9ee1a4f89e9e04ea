"""Login throttling: too many failed logins for one username from one address is a 429.

Failures are counted per ``(username, client address)`` in a sliding window. This state
lives in the process: several server instances each throttle on their own (a bound of
``instances x max_failures`` per window, still far below what guessing needs).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

MAX_TRACKED_KEYS = 100_000


class LoginThrottle:
    """Counts failed logins per key; refuses a key with ``max_failures`` in the window."""

    def __init__(
        self,
        max_failures: int,
        window_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def retry_after(self, username: str, address: str) -> int | None:
        """Whole seconds until ``username`` may try again from ``address``, or ``None``."""
        key = (username, address)
        failures = self._failures.get(key)
        if failures is None:
            return None
        now = self._clock()
        self._forget_old(failures, now)
        if not failures:
            del self._failures[key]
            return None
        if len(failures) < self.max_failures:
            return None
        return max(1, math.ceil(failures[0] + self.window_seconds - now))

    def record_failure(self, username: str, address: str) -> None:
        """Note one failed login."""
        now = self._clock()
        if len(self._failures) >= MAX_TRACKED_KEYS:
            self._prune(now)
        failures = self._failures.setdefault((username, address), deque())
        failures.append(now)
        while len(failures) > self.max_failures:
            failures.popleft()

    def record_success(self, username: str, address: str) -> None:
        """A successful login clears the key's failures."""
        self._failures.pop((username, address), None)

    def _forget_old(self, failures: deque[float], now: float) -> None:
        while failures and failures[0] <= now - self.window_seconds:
            failures.popleft()

    def _prune(self, now: float) -> None:
        for key in list(self._failures):
            failures = self._failures[key]
            self._forget_old(failures, now)
            if not failures:
                del self._failures[key]
        if len(self._failures) >= MAX_TRACKED_KEYS:
            # Still full of live keys (an attack across many names): drop the oldest half.
            oldest = sorted(self._failures, key=lambda key: self._failures[key][-1])
            for key in oldest[: len(oldest) // 2]:
                del self._failures[key]
