"""Password hashing with bcrypt, off the event loop, with the same cost for unknown users.

bcrypt only reads the first 72 bytes of a password (bcrypt 5 raises beyond that), so a
longer one is refused at registration rather than silently truncated. Verifying an
unknown user checks the password against a dummy hash of the same cost, so the time a
login takes does not tell whether the account exists.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread
import bcrypt

T = TypeVar("T")

MAX_PASSWORD_BYTES = 72
MIN_PASSWORD_CHARS = 8


def password_problem(password: str) -> str | None:
    """Why ``password`` cannot be used, or ``None`` when it can."""
    if len(password) < MIN_PASSWORD_CHARS:
        return f"must be at least {MIN_PASSWORD_CHARS} characters"
    size = len(password.encode("utf-8"))
    if size > MAX_PASSWORD_BYTES:
        return (
            f"is {size} bytes in UTF-8; bcrypt uses at most {MAX_PASSWORD_BYTES} bytes, "
            "so choose a shorter password (accented letters count 2 bytes, many symbols 3-4)"
        )
    if "\x00" in password:
        return "must not contain NUL characters"
    return None


class PasswordHasher:
    """bcrypt hashing and checking at a fixed cost (``rounds``, 12 in production).

    The async methods run bcrypt in worker threads, at most one per CPU at a time, so a
    burst of logins queues here instead of taking every thread the database work needs.
    At most ``max_pending`` checks run or wait at once (default: two per CPU); past that
    they raise :class:`HasherBusy` before any hashing, so a flood cannot delay a real
    user's login by more than a few checks. Half of them are kept for ``reserved``
    checks (a username signing in again from an address it used before), so a flood of
    strangers is shed before the people who work here.
    """

    def __init__(self, rounds: int, max_pending: int | None = None) -> None:
        self.rounds = rounds
        self.max_pending = max_pending or 2 * (os.cpu_count() or 2)
        self._pending = 0
        self._limiter: anyio.CapacityLimiter | None = None
        self._dummy_hash = bcrypt.hashpw(
            secrets.token_bytes(16).hex().encode(), bcrypt.gensalt(rounds)
        )

    def hash_now(self, password: str) -> str:
        """The bcrypt hash of ``password`` (blocking; callers in async code use :meth:`hash`)."""
        problem = password_problem(password)
        if problem is not None:
            raise ValueError(f"password {problem}")
        return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(self.rounds)).decode("ascii")

    async def hash(self, password: str) -> str:
        """Hash ``password`` in a worker thread."""
        return await self._off_loop(lambda: self.hash_now(password))

    def verify_now(self, password: str, password_hash: str | None) -> bool:
        """Whether ``password`` matches ``password_hash``; ``None`` (no such user) is
        checked against the dummy hash and is always false. Blocking."""
        candidate = password.encode("utf-8")
        usable = len(candidate) <= MAX_PASSWORD_BYTES and b"\x00" not in candidate
        if password_hash is None or not usable:
            bcrypt.checkpw(candidate[:MAX_PASSWORD_BYTES].replace(b"\x00", b"?"), self._dummy_hash)
            return False
        try:
            return bcrypt.checkpw(candidate, password_hash.encode("ascii"))
        except ValueError:
            bcrypt.checkpw(candidate, self._dummy_hash)
            return False

    async def verify(
        self, password: str, password_hash: str | None, *, reserved: bool = False
    ) -> bool:
        """:meth:`verify_now` in a worker thread; ``reserved`` may use the kept half."""
        return await self._off_loop(
            lambda: self.verify_now(password, password_hash), reserved=reserved
        )

    async def _off_loop(self, work: Callable[[], T], *, reserved: bool = True) -> T:
        limit = self.max_pending if reserved else max(1, self.max_pending // 2)
        if self._pending >= limit:
            raise HasherBusy
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(os.cpu_count() or 2)
        self._pending += 1
        try:
            return await anyio.to_thread.run_sync(work, limiter=self._limiter)
        finally:
            self._pending -= 1


class HasherBusy(Exception):
    """As many password checks as allowed are running or waiting: try again shortly."""
