"""Where the refresh token lives between sessions: the OS keyring, or nowhere.

Only the refresh token is ever kept (access tokens live in memory). It is stored with
``keyring`` under the service ``"Vividverse"`` and the username ``"<server URL>|<user>"``.
When no usable keyring exists (the ``fail`` or ``null`` backend, as on a headless
machine, or a plain-text file backend) nothing is stored: the user signs in each session.
A token is never written in plain text by this module.

On Linux a keyring call is a D-Bus round trip (and the first one may unlock a wallet):
code on an event loop uses the ``a``-prefixed methods, which run the call on a worker
thread (``asyncio.to_thread``), never the plain ones.
"""

from __future__ import annotations

import asyncio
import logging

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

SERVICE = "Vividverse"

log = logging.getLogger(__name__)


def account_key(server_url: str, username: str) -> str:
    """The keyring username for ``username`` on the server at ``server_url``."""
    return f"{server_url.rstrip('/')}|{username.strip().lower()}"


def is_usable(backend: KeyringBackend) -> bool:
    """Whether ``backend`` keeps secrets somewhere safe (not nowhere, not a plain file)."""
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return any(is_usable(inner) for inner in backend.backends)
    kind = type(backend)
    return "plaintext" not in f"{kind.__module__}.{kind.__qualname__}".lower()


class Keychain:
    """The refresh-token store for one server; every method is safe without a keyring."""

    def __init__(self, server_url: str, backend: KeyringBackend | None = None) -> None:
        self.server_url = server_url.rstrip("/")
        self._backend = backend

    @property
    def backend(self) -> KeyringBackend:
        """The keyring backend in use (the one ``keyring`` picked unless one was given)."""
        return self._backend if self._backend is not None else keyring.get_keyring()

    @property
    def usable(self) -> bool:
        """Whether a refresh token saved now would be kept safely."""
        return is_usable(self.backend)

    def load(self, username: str) -> str | None:
        """The kept refresh token of ``username``, or ``None`` (none kept, or no keyring)."""
        if not self.usable:
            return None
        try:
            return self.backend.get_password(SERVICE, account_key(self.server_url, username))
        except keyring.errors.KeyringError as exc:
            log.warning("the keyring could not be read: %s", exc)
            return None

    def save(self, username: str, refresh_token: str) -> bool:
        """Keep ``refresh_token`` for ``username``; False when it was not kept anywhere."""
        if not self.usable:
            return False
        try:
            self.backend.set_password(
                SERVICE, account_key(self.server_url, username), refresh_token
            )
        except keyring.errors.KeyringError as exc:
            log.warning("the keyring refused the refresh token: %s", exc)
            return False
        return True

    def forget(self, username: str) -> None:
        """Remove the kept refresh token of ``username`` (nothing happens if there is none)."""
        if not self.usable:
            return
        try:
            self.backend.delete_password(SERVICE, account_key(self.server_url, username))
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as exc:
            log.warning("the keyring could not forget the refresh token: %s", exc)

    # --- for code on an event loop: the same calls on a worker thread ----------------

    async def ausable(self) -> bool:
        """:attr:`usable`, found on a worker thread (picking a backend may ask D-Bus)."""
        return await asyncio.to_thread(lambda: self.usable)

    async def aload(self, username: str) -> str | None:
        """:meth:`load` on a worker thread."""
        return await asyncio.to_thread(self.load, username)

    async def asave(self, username: str, refresh_token: str) -> bool:
        """:meth:`save` on a worker thread."""
        return await asyncio.to_thread(self.save, username, refresh_token)

    async def aforget(self, username: str) -> None:
        """:meth:`forget` on a worker thread."""
        await asyncio.to_thread(self.forget, username)
