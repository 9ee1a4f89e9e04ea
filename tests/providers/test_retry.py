"""Backoff for cloud providers: 429 and Retry-After honoured, fatal errors raised at once."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from vividverse_desktop.providers.contract import ProviderError
from vividverse_desktop.providers.retry import (
    RateLimited,
    RetryPolicy,
    parse_retry_after,
    with_retries,
)


def test_retry_after_reads_delta_seconds() -> None:
    """``Retry-After: 7`` is seven seconds."""
    assert parse_retry_after("7") == 7.0


def test_retry_after_reads_an_http_date() -> None:
    """An HTTP date is the time from now until then."""
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0


@pytest.mark.parametrize("value", [None, "", "soon", "-"])
def test_unreadable_retry_after_is_none(value: str | None) -> None:
    """Missing or garbage headers give no wait."""
    assert parse_retry_after(value) is None


def test_a_429_waits_what_the_server_asked() -> None:
    """The Retry-After of a 429 replaces the backoff delay, even above the cap."""
    waits: list[float] = []
    answers = iter([RateLimited("slow down", retry_after=90.0)])

    def call() -> str:
        error = next(answers, None)
        if error:
            raise error
        return "ok"

    assert with_retries(call, RetryPolicy(cap=10), sleep=waits.append) == "ok"
    assert waits == [90.0]


def test_retryable_errors_back_off_exponentially_within_the_cap() -> None:
    """Each wait is at most base * 2**n and never above the cap; the last error is raised."""
    waits: list[float] = []

    def call() -> None:
        raise ProviderError("503", retryable=True)

    with pytest.raises(ProviderError, match="503"):
        with_retries(call, RetryPolicy(attempts=5, base=1, cap=4), sleep=waits.append,
                     rng=random.Random(1))  # fmt: skip
    assert len(waits) == 4
    assert all(w <= b for w, b in zip(waits, [1, 2, 4, 4], strict=True))


def test_a_non_retryable_error_is_raised_at_once() -> None:
    """A 400-like error is not retried."""
    calls = []

    def call() -> None:
        calls.append(1)
        raise ProviderError("bad request")

    with pytest.raises(ProviderError):
        with_retries(call, sleep=lambda s: None)
    assert len(calls) == 1


def test_a_cancelled_token_ends_the_backoff_wait() -> None:
    """A 429 asking for 60 s under a token cancelled meanwhile raises ProviderCancelled."""
    from vividverse_desktop.core.cancel import CancelToken
    from vividverse_desktop.providers.contract import ProviderCancelled

    token = CancelToken()
    calls = []

    def call() -> None:
        calls.append(1)
        token.cancel("stop")
        raise RateLimited("slow down", retry_after=60.0)

    with pytest.raises(ProviderCancelled, match="stop"):
        with_retries(call, RetryPolicy(attempts=3), cancel=token)
    assert len(calls) == 1
