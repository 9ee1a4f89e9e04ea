"""Retries with exponential backoff that honour HTTP 429 and ``Retry-After`` (for cloud adapters).

Pure policy: the adapter raises :class:`RateLimited` (429, with the server's
``Retry-After`` when given) or a retryable :class:`ProviderError` (5xx, timeouts),
and :func:`with_retries` waits and tries again, up to a limit. The waits are on the
current cancel token (:func:`contract.current_cancel`), so a cancel ends a 60 s
Retry-After at once with :class:`ProviderCancelled`.
"""

from __future__ import annotations

import email.utils
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.providers.contract import ProviderCancelled, ProviderError, current_cancel

T = TypeVar("T")


class RateLimited(ProviderError):
    """The service answered 429; ``retry_after`` is its requested wait in seconds, if any."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message, retryable=True)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """At most ``attempts`` tries; waits ``base * 2**n`` (full jitter), never above ``cap``."""

    attempts: int = 5
    base: float = 1.0
    cap: float = 60.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """The wait before retry number ``attempt`` (0-based), jittered within the bound."""
        bound = min(self.cap, self.base * 2**attempt)
        return (rng or random).uniform(0, bound)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    ``None`` for a missing or unreadable header; never negative.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def with_retries(
    call: Callable[[], T],
    policy: RetryPolicy = RetryPolicy(),
    *,
    sleep: Callable[[float], None] | None = None,
    rng: random.Random | None = None,
    cancel: CancelToken | None = None,
) -> T:
    """``call()``, retried on retryable ProviderErrors; a 429's Retry-After wins over backoff.

    A Retry-After longer than the policy's cap is still honoured (the service asked
    for it). The last error is raised when attempts run out. Waits end at once when
    ``cancel`` (by default the current token) is cancelled, raising
    :class:`ProviderCancelled`; ``sleep`` replaces the wait (tests).
    """
    token = cancel or current_cancel()
    for attempt in range(policy.attempts):
        if token is not None and token.cancelled:
            raise ProviderCancelled(token.reason)
        try:
            return call()
        except ProviderError as error:
            if not error.retryable or attempt == policy.attempts - 1:
                raise
            wait = policy.delay(attempt, rng)
            if isinstance(error, RateLimited) and error.retry_after is not None:
                wait = error.retry_after
            if sleep is not None:
                sleep(wait)
            elif (token or CancelToken()).wait(wait):  # without a token: a plain wait
                raise ProviderCancelled(token.reason if token else "cancelled") from error
    raise AssertionError("unreachable")  # pragma: no cover
