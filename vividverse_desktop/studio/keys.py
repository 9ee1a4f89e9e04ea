"""Provider API keys: which providers need one, where each key comes from, and keeping
or removing a key in the OS keyring (never in a file). Every call here may talk to the
keyring (a D-Bus round trip on Linux): front ends call it off their event loop.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from vividverse_desktop.providers import keys
from vividverse_desktop.providers.registry import Registry, load_registry
from vividverse_desktop.studio.errors import StudioError


@dataclass(frozen=True, slots=True)
class KeyStatus:
    """A provider that needs a key: where its key comes from now (None: nowhere)."""

    provider: str
    modality: str
    source: str | None  # "keyring", "environment" or None
    env_var: str

    @property
    def missing(self) -> bool:
        """Whether renders with this provider would be refused for want of a key."""
        return self.source is None


def statuses(*, registry: Registry | None = None) -> tuple[KeyStatus, ...]:
    """Every installed provider that needs a key, by name, with where its key is."""
    found = registry or load_registry()
    result = []
    for name in found.names():
        provider = found.get(name)
        if not isinstance(provider, keys.KeyedProvider):
            continue
        result.append(
            KeyStatus(
                provider=name,
                modality=provider.modality.value,
                source=_source(name),
                env_var=keys.env_var(name),
            )
        )
    return tuple(result)


def _source(provider: str) -> str | None:
    if _stored(provider):
        return "keyring"
    if os.environ.get(keys.env_var(provider)):
        return "environment"
    return None


def _stored(provider: str) -> bool:
    try:
        import keyring

        return bool(keyring.get_password(keys.KEYRING_SERVICE, provider))
    except Exception:  # a broken backend holds nothing
        return False


def save_key(*, provider: str, key: str) -> None:
    """Keep ``key`` for ``provider`` in the OS keyring; StudioError when there is none."""
    key = key.strip()
    if not key:
        raise StudioError("paste the key first")
    if any(ch.isspace() for ch in key):
        raise StudioError("an API key has no spaces or line breaks; paste it again")
    import keyring
    from keyring.errors import KeyringError

    from vividverse_desktop.sync.keychain import is_usable

    if not is_usable(keyring.get_keyring()):
        raise StudioError(
            "this computer has no usable keyring to keep the key safely; set "
            f"{keys.env_var(provider)} in the environment instead"
        )
    try:
        keyring.set_password(keys.KEYRING_SERVICE, provider, key)
    except KeyringError as exc:
        raise StudioError(f"the keyring refused the key: {exc}") from exc


def remove_key(*, provider: str) -> None:
    """Forget the key kept for ``provider`` (a key in the environment stays)."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(keys.KEYRING_SERVICE, provider)
    except PasswordDeleteError:
        return
    except KeyringError as exc:
        raise StudioError(f"the keyring refused: {exc}") from exc


def check_key(
    *, provider: str, key: str = "", base_url: str | None = None, registry: Registry | None = None
) -> str:
    """Check ``key`` (or the key kept for ``provider``) with the service's free call.

    Returns what to tell the person when the key works; raises :class:`StudioError`
    when it is refused, there is no key, the service has no such call, or it is
    unreachable.
    """
    from vividverse_desktop.providers.cloud.base import CloudProvider
    from vividverse_desktop.providers.contract import ProviderError

    try:
        found = (registry or load_registry()).get(provider)
    except KeyError as exc:
        raise StudioError(f"no provider {provider!r}") from exc
    if not isinstance(found, CloudProvider):
        raise StudioError(f"{provider} runs on this computer and needs no key")
    checker = type(found)(base_url=base_url)
    chosen = key.strip() or keys.api_key(provider) or ""
    if not chosen:
        raise StudioError(f"no key for {provider} yet: paste one first")
    try:
        checker.check_key(chosen)
    except ProviderError as exc:
        raise StudioError(str(exc)) from exc
    finally:
        checker.close()
    return f"{provider} accepted the key"
