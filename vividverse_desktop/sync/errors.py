"""Sync failures a person can act on: each message says what happened and what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vividverse_desktop.sync.report import SyncReport


class SyncError(Exception):
    """A sync that could not be completed; ``str()`` is a sentence for the user.

    Nothing the user saved is lost when this is raised: unsent ops stay in the outbox
    and the next sync sends them again.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.report: SyncReport | None = None
        """What the sync had done when this was raised (set by ``synchronize``)."""


class ServerUnreachable(SyncError):
    """The server did not answer (no network, wrong address, server down)."""


class WrongCredentials(SyncError):
    """The username or password was refused."""


class SessionEnded(SyncError):
    """The session is over (expired, revoked, password changed): sign in again."""


class AccountRefused(SyncError):
    """The account may not sign in (e.g. disabled by an admin)."""


class RateLimited(SyncError):
    """The server asked us to wait longer than we are willing to; ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerFailure(SyncError):
    """The server kept failing (5xx) after the bounded retries, or refused a whole request."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class BodyTooLarge(ServerFailure):
    """The server refused a request body as too large (413): send smaller batches."""


class ProtocolViolation(SyncError):
    """The server answered something that does not follow the sync protocol."""
