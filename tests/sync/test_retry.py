"""Retry-After parsing and the bounded backoff."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from vividverse_desktop.sync import RetryPolicy
from vividverse_desktop.sync.retry import retry_after

NOW = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)


def test_retry_after_in_seconds() -> None:
    """A delta-seconds header is read as that many seconds."""
    assert retry_after("120", NOW) == 120.0


def test_retry_after_as_an_http_date() -> None:
    """An HTTP date is read as the seconds from now until then."""
    assert retry_after("Tue, 24 Nov 2026 12:00:30 GMT", NOW) == 30.0


def test_a_retry_after_in_the_past_means_now() -> None:
    """A date already gone is a wait of zero, never negative."""
    assert retry_after("Tue, 24 Nov 2026 11:00:00 GMT", NOW) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "-5"])
def test_an_unreadable_retry_after_is_none(value: str | None) -> None:
    """Absent or malformed headers give None (the caller reports rather than guesses)."""
    assert retry_after(value, NOW) is None


def test_backoff_doubles_and_is_capped() -> None:
    """Pauses grow by doubling from base_delay and never exceed max_delay."""
    policy = RetryPolicy(attempts=10, base_delay=0.5, max_delay=3.0)
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (9, 3.0)]:
        pause = policy.backoff(attempt)
        assert ceiling / 2 <= pause <= ceiling


def test_a_policy_needs_at_least_one_attempt() -> None:
    """Zero attempts is a configuration error, caught at once."""
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(attempts=0)
