"""The sync client: httpx, JWT refresh, token storage in the OS keyring.

``SyncClient`` talks to the server (login, push, pull); ``synchronize(store, client)``
runs one sync and returns a ``SyncReport``; ``Keychain`` keeps the refresh token.
"""

from __future__ import annotations

from vividverse_desktop.sync.auth import TokenAuth, TokenPair
from vividverse_desktop.sync.client import SyncClient
from vividverse_desktop.sync.cycle import DEFAULT_BATCH_SIZE, synchronize
from vividverse_desktop.sync.errors import (
    AccountRefused,
    BodyTooLarge,
    ProtocolViolation,
    RateLimited,
    ServerFailure,
    ServerUnreachable,
    SessionEnded,
    SyncError,
    WrongCredentials,
)
from vividverse_desktop.sync.keychain import SERVICE, Keychain, account_key
from vividverse_desktop.sync.report import SyncReport
from vividverse_desktop.sync.retry import RetryPolicy

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "SERVICE",
    "AccountRefused",
    "BodyTooLarge",
    "Keychain",
    "ProtocolViolation",
    "RateLimited",
    "RetryPolicy",
    "ServerFailure",
    "ServerUnreachable",
    "SessionEnded",
    "SyncClient",
    "SyncError",
    "SyncReport",
    "TokenAuth",
    "TokenPair",
    "WrongCredentials",
    "account_key",
    "synchronize",
]
