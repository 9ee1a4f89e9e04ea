"""API keys: where they are looked for, and which chosen providers lack one."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest

from tests.sync.memory_keyring import MemoryKeyring
from vividverse_desktop.providers.cloud.elevenlabs import ElevenLabsSpeech
from vividverse_desktop.providers.cloud.luma import LumaVideo
from vividverse_desktop.providers.keys import (
    KEYRING_SERVICE,
    env_var,
    missing_keys,
    where_to_put,
)
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """An empty in-memory keyring and no provider keys in the environment."""
    for name in ("luma", "elevenlabs"):
        monkeypatch.delenv(env_var(name), raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_keyless_providers_never_miss_a_key() -> None:
    """The storyboard cards and local speech need nothing."""
    assert missing_keys([StoryboardCards(), LocalSpeech()]) == []


def test_a_cloud_provider_without_a_key_is_named() -> None:
    """Luma with no keyring entry and no env var is missing its key."""
    assert missing_keys([LumaVideo(), LocalSpeech()]) == ["luma"]


def test_a_key_in_the_environment_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    """VIVIDVERSE_LUMA_API_KEY satisfies Luma; ElevenLabs is still missing."""
    monkeypatch.setenv("VIVIDVERSE_LUMA_API_KEY", "luma-test")
    assert missing_keys([LumaVideo(), ElevenLabsSpeech()]) == ["elevenlabs"]


def test_a_key_in_the_keyring_counts(memory_keyring: MemoryKeyring) -> None:
    """A keyring entry (service 'vividverse', user = provider name) satisfies the provider."""
    memory_keyring.set_password(KEYRING_SERVICE, "elevenlabs", "el-test")
    assert missing_keys([ElevenLabsSpeech()]) == []


def test_a_key_given_to_the_provider_counts() -> None:
    """A provider built with an explicit key is not missing one."""
    assert missing_keys([LumaVideo(api_key="given")]) == []


def test_an_empty_env_var_is_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """VIVIDVERSE_LUMA_API_KEY set to nothing does not count as a key."""
    monkeypatch.setenv("VIVIDVERSE_LUMA_API_KEY", "")
    assert missing_keys([LumaVideo()]) == ["luma"]


def test_a_provider_chosen_twice_is_named_once() -> None:
    """The same provider for two roles appears once in the answer."""
    assert missing_keys([LumaVideo(), LumaVideo()]) == ["luma"]


def test_the_hint_names_the_env_var_and_the_keyring_entry() -> None:
    """The instruction says both places a key may go."""
    hint = where_to_put("openai-tts")
    assert "VIVIDVERSE_OPENAI_TTS_API_KEY" in hint
    assert "service 'vividverse', user 'openai-tts'" in hint
