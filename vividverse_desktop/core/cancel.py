"""One cancel token for all long work, with a wait that wakes on cancel (DESIGN.md §2).

Work that sleeps or blocks (provider polling, retry back-off, a child process, FFmpeg)
takes a :class:`CancelToken` and sleeps with :meth:`CancelToken.wait` instead of
``time.sleep``: a 60 s Retry-After ends the moment the user presses Cancel.

A token can be linked to others (:meth:`CancelToken.child`, or several parents at
construction): cancelling a parent cancels its children, never the other way round,
so an engine can stop its own workers on a failure without cancelling its caller.
:meth:`CancelToken.on_cancel` runs a callback once, on the cancelling thread (or at
once if the token is already cancelled): a child process is killed without polling.

The token is a superset of what long work used to poll on a ``threading.Event``
(``is_set()``), so code written against an event reads it unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Callback = Callable[[], None]


class Cancelled(Exception):
    """Work stopped because its cancel token was cancelled; ``str()`` says why."""


class CancelToken:
    """A thread-safe cancel flag; cancelling it wakes every :meth:`wait` at once."""

    __slots__ = ("_callbacks", "_event", "_links", "_lock", "_reason")

    def __init__(self, *parents: CancelToken) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: dict[int, Callback] = {}
        self._reason = ""
        self._links = [parent.on_cancel(self._follow(parent)) for parent in parents]

    def cancel(self, reason: str = "cancelled") -> None:
        """Cancel (the first reason given is kept); callbacks run once, here."""
        with self._lock:
            if self._event.is_set():
                return
            self._reason = reason or "cancelled"
            self._event.set()
            callbacks = list(self._callbacks.values())
            self._callbacks.clear()
        for callback in callbacks:
            callback()

    @property
    def cancelled(self) -> bool:
        """Whether the token has been cancelled."""
        return self._event.is_set()

    def is_set(self) -> bool:
        """The same as :attr:`cancelled` (the ``threading.Event`` spelling)."""
        return self._event.is_set()

    @property
    def reason(self) -> str:
        """Why the token was cancelled ("" while it is not)."""
        return self._reason

    def wait(self, timeout: float | None = None) -> bool:
        """Sleep up to ``timeout`` seconds (forever if None); True as soon as cancelled."""
        if timeout is not None and timeout <= 0:
            return self._event.is_set()
        return self._event.wait(timeout)

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` unless cancelled first; raise :class:`Cancelled` if it is."""
        if self.wait(seconds):
            raise Cancelled(self._reason)

    def check(self) -> None:
        """Raise :class:`Cancelled` if the token has been cancelled."""
        if self._event.is_set():
            raise Cancelled(self._reason)

    def on_cancel(self, callback: Callback) -> Callback:
        """Run ``callback`` once when cancelled (now, if already); returns an unregister call."""
        with self._lock:
            if not self._event.is_set():
                key = id(callback)
                while key in self._callbacks:
                    key += 1
                self._callbacks[key] = callback
                return lambda: self._forget(key)
        callback()
        return _nothing

    def child(self) -> CancelToken:
        """A token cancelled with this one, which may also be cancelled on its own."""
        return CancelToken(self)

    def _follow(self, parent: CancelToken) -> Callback:
        return lambda: self.cancel(parent.reason)

    def release(self) -> None:
        """Stop following the parents (a finished task under a long-lived token)."""
        links, self._links = self._links, []
        for unregister in links:
            unregister()

    def _forget(self, key: int) -> None:
        with self._lock:
            self._callbacks.pop(key, None)

    def __repr__(self) -> str:
        state = f"cancelled: {self._reason}" if self.cancelled else "active"
        return f"<CancelToken {state}>"


def _nothing() -> None:
    return None


def sleeper(cancel: CancelToken | None) -> Callable[[float], None]:
    """A ``sleep(seconds)`` that raises :class:`Cancelled` when ``cancel`` fires.

    Without a token it is a plain sleep that cannot be interrupted (for callers that
    never cancel); with one, the sleep ends the moment the token is cancelled.
    """
    return (cancel or CancelToken()).sleep
