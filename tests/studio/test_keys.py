"""studio.keys: which providers need a key and where it comes from; keeping and removing it."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from tests.sync.memory_keyring import MemoryKeyring
from vividverse_desktop.providers.keys import KEYRING_SERVICE, env_var
from vividverse_desktop.studio import keys
from vividverse_desktop.studio.errors import StudioError


def _status(name: str) -> keys.KeyStatus:
    (found,) = [s for s in keys.statuses() if s.provider == name]
    return found


def test_keyed_providers_are_listed_and_keyless_ones_are_not(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(env_var("luma"), raising=False)
    names = {s.provider for s in keys.statuses()}
    assert {"luma", "elevenlabs", "openai-images"} <= names
    assert not {"storyboard", "espeak"} & names
    assert _status("luma").missing


def test_a_saved_key_is_in_the_keyring_and_removing_it_falls_back_to_the_environment(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(env_var("luma"), "from-env")
    assert _status("luma").source == "environment"
    keys.save_key(provider="luma", key="  lk-123  ")
    assert memory_keyring.secrets[(KEYRING_SERVICE, "luma")] == "lk-123"
    assert _status("luma").source == "keyring"
    keys.remove_key(provider="luma")
    keys.remove_key(provider="luma")  # twice is fine
    assert _status("luma").source == "environment"


@pytest.mark.parametrize(("key", "message"), [("", "paste the key"), ("a b", "no spaces")])
def test_a_malformed_key_is_refused(memory_keyring: MemoryKeyring, key: str, message: str) -> None:
    with pytest.raises(StudioError, match=message):
        keys.save_key(provider="luma", key=key)
    assert not memory_keyring.secrets


def test_without_a_usable_keyring_the_environment_is_suggested() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(StudioError, match="VIVIDVERSE_LUMA_API_KEY"):
            keys.save_key(provider="luma", key="lk-123")
    finally:
        keyring.set_keyring(previous)
