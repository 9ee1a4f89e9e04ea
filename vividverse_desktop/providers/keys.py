"""API keys for cloud providers: the OS keyring first, then an environment variable.

Keys are never written to files by Vividverse. Headless runs set
``VIVIDVERSE_<PROVIDER>_API_KEY`` (e.g. ``VIVIDVERSE_LUMA_API_KEY``).

A provider that needs a key says so by having a ``has_key()`` method
(:class:`KeyedProvider`); keyless providers have none. A provider built on others
(e.g. stills from an image provider) names them with ``wrapped()``
(:class:`WrappingProvider`), so their keys are checked under their own names.
:func:`missing_keys` lets a render check every chosen provider before it starts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from typing import Protocol, runtime_checkable

KEYRING_SERVICE = "vividverse"


@runtime_checkable
class KeyedProvider(Protocol):
    """A provider that cannot work without an API key."""

    name: str

    def has_key(self) -> bool:
        """Whether a key is at hand (given, in the keyring or in the environment)."""
        ...


@runtime_checkable
class WrappingProvider(Protocol):
    """A provider that makes its assets with other providers (whose keys it needs)."""

    def wrapped(self) -> tuple[object, ...]:
        """The providers this one calls."""
        ...


def env_var(provider: str) -> str:
    """The environment variable holding ``provider``'s key."""
    return f"VIVIDVERSE_{re.sub(r'[^A-Z0-9]+', '_', provider.upper()).strip('_')}_API_KEY"


def where_to_put(provider: str) -> str:
    """Where a key for ``provider`` is looked for, as an instruction: the env var or keyring."""
    return (
        f"set {env_var(provider)} or store it in the keyring "
        f"(service {KEYRING_SERVICE!r}, user {provider!r})"
    )


def api_key(provider: str) -> str | None:
    """The key for ``provider`` from the keyring (service ``vividverse``), else the env, else None.

    A keyring that is missing or broken counts as empty, never as an error.
    """
    try:
        import keyring

        stored = keyring.get_password(KEYRING_SERVICE, provider)
    except Exception:  # any backend failure: fall back to the environment
        stored = None
    if stored:
        return str(stored)
    return os.environ.get(env_var(provider)) or None


def missing_keys(providers: Iterable[object]) -> list[str]:
    """Names of the ``providers`` that need a key and have none, each once, in order.

    Providers without ``has_key`` (the keyless ones) are never missing anything;
    the providers a wrapping provider calls are checked in its place.
    """
    missing: list[str] = []
    for provider in _unwrapped(providers):
        if not isinstance(provider, KeyedProvider) or provider.name in missing:
            continue
        if not provider.has_key():
            missing.append(provider.name)
    return missing


def _unwrapped(providers: Iterable[object]) -> Iterator[object]:
    for provider in providers:
        if isinstance(provider, WrappingProvider):
            yield from _unwrapped(provider.wrapped())
        else:
            yield provider
