"""The cancel token: a wait that wakes on cancel, linked tokens, callbacks once."""

from __future__ import annotations

import threading
import time

import pytest

from vividverse_desktop.core.cancel import Cancelled, CancelToken, sleeper


def test_wait_returns_false_after_the_timeout_when_not_cancelled() -> None:
    """An uncancelled wait sleeps its timeout and says it was not cancelled."""
    token = CancelToken()
    started = time.monotonic()
    assert token.wait(0.05) is False
    assert time.monotonic() - started >= 0.04


def test_cancel_from_another_thread_wakes_a_long_wait_at_once() -> None:
    """A 60 s wait ends within a fraction of a second of cancel()."""
    token = CancelToken()
    threading.Timer(0.05, token.cancel, args=("user pressed Cancel",)).start()
    started = time.monotonic()
    assert token.wait(60) is True
    assert time.monotonic() - started < 1.0
    assert token.reason == "user pressed Cancel"


def test_sleep_raises_cancelled_with_the_reason() -> None:
    """sleep() raises Cancelled carrying the first reason given."""
    token = CancelToken()
    token.cancel("first")
    token.cancel("second")
    with pytest.raises(Cancelled, match="first"):
        token.sleep(10)


def test_check_passes_until_cancelled() -> None:
    """check() is silent on an active token and raises once it is cancelled."""
    token = CancelToken()
    token.check()
    token.cancel()
    with pytest.raises(Cancelled):
        token.check()
    assert token.is_set()
    assert token.cancelled


def test_a_zero_or_negative_wait_never_blocks() -> None:
    """wait(0) reports the state without sleeping."""
    token = CancelToken()
    assert token.wait(0) is False
    token.cancel()
    assert token.wait(-1) is True


def test_cancelling_a_parent_cancels_its_children_but_not_the_reverse() -> None:
    """Links go one way: a failing worker stops itself, never its caller."""
    parent = CancelToken()
    child = parent.child()
    other = parent.child()
    other.cancel("worker failed")
    assert not parent.cancelled
    parent.cancel("quit")
    assert child.cancelled
    assert child.reason == "quit"


def test_a_token_with_two_parents_follows_either() -> None:
    """A token made from two parents is cancelled by whichever goes first."""
    first, second = CancelToken(), CancelToken()
    joined = CancelToken(first, second)
    second.cancel("second")
    assert joined.cancelled
    assert joined.reason == "second"
    assert not first.cancelled


def test_on_cancel_runs_once_and_at_once_when_already_cancelled() -> None:
    """Callbacks run exactly once, immediately when registered on a cancelled token."""
    token = CancelToken()
    calls: list[str] = []
    token.on_cancel(lambda: calls.append("a"))
    token.cancel()
    token.cancel()
    token.on_cancel(lambda: calls.append("b"))
    assert calls == ["a", "b"]


def test_an_unregistered_callback_does_not_run() -> None:
    """The call returned by on_cancel removes the callback."""
    token = CancelToken()
    calls: list[str] = []
    forget = token.on_cancel(lambda: calls.append("x"))
    forget()
    token.cancel()
    assert calls == []


def test_a_released_child_no_longer_follows_its_parent() -> None:
    """release() unlinks a finished task's token from a long-lived parent."""
    parent = CancelToken()
    child = parent.child()
    child.release()
    parent.cancel()
    assert not child.cancelled


def test_sleeper_without_a_token_sleeps_and_with_one_raises() -> None:
    """sleeper(None) is a plain sleep; sleeper(token) stops on cancel."""
    sleeper(None)(0.0)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        sleeper(token)(30)
