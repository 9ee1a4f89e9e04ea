"""When to try a request again, and how long to wait: bounded backoff and Retry-After."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRIED_STATUSES = frozenset({500, 502, 503, 504})
"""Server failures worth another try; every request of the protocol is safe to repeat."""


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    ``None`` when the header is absent or unreadable; never negative.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: ``attempts`` tries in all, exponential backoff with jitter.

    A 429 is waited out when its Retry-After is at most ``max_wait`` seconds (and
    attempts remain); otherwise it is reported. ``sleep`` is injectable for tests.
    """

    attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 4.0
    max_wait: float = 30.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_wait < 0:
            raise ValueError("delays must not be negative")

    def backoff(self, attempt: int) -> float:
        """The pause after failed try number ``attempt`` (1-based): doubling, capped, jittered."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return float(ceiling * (0.5 + random.random() / 2))  # jitter, not a secret
