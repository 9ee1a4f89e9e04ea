"""The key preflight: a render with a keyless cloud provider fails before any work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.render.conftest import SCRIPT, tiny_settings
from tests.sync.memory_keyring import MemoryKeyring
from vividverse_desktop.core.pipeline.plan import build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.providers.cloud.elevenlabs import ElevenLabsSpeech
from vividverse_desktop.providers.cloud.luma import LumaVideo
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.engine import Renderer
from vividverse_desktop.render.events import RenderError
from vividverse_desktop.render.preflight import MissingKeyError, check_keys


@pytest.fixture(autouse=True)
def no_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An empty in-memory keyring, no provider keys in the environment."""
    for name in ("LUMA", "ELEVENLABS"):
        monkeypatch.delenv(f"VIVIDVERSE_{name}_API_KEY", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


def test_keyless_providers_pass() -> None:
    """The default providers need no key: the check says nothing."""
    check_keys([StoryboardCards(), LocalSpeech()])


def test_every_missing_key_is_named_in_one_message() -> None:
    """Both keyless cloud providers are named, each with its env var."""
    with pytest.raises(MissingKeyError) as caught:
        check_keys([LumaVideo(), ElevenLabsSpeech()])
    assert caught.value.providers == ["luma", "elevenlabs"]
    message = str(caught.value)
    assert "\n" not in message
    assert "VIVIDVERSE_LUMA_API_KEY" in message
    assert "VIVIDVERSE_ELEVENLABS_API_KEY" in message


def test_a_key_from_the_environment_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """With VIVIDVERSE_LUMA_API_KEY set, Luma passes the check."""
    monkeypatch.setenv("VIVIDVERSE_LUMA_API_KEY", "luma-test")
    check_keys([LumaVideo(), LocalSpeech()])


def test_the_engine_refuses_before_making_anything(tmp_path: Path) -> None:
    """Renderer.render raises a RenderError for the missing key and writes no asset or film."""
    renderer = Renderer(tmp_path / "job", StoryboardCards(), ElevenLabsSpeech(), tiny_settings())
    with pytest.raises(RenderError, match="elevenlabs needs an API key"):
        renderer.render(build_plan(parse(SCRIPT)), tmp_path / "film.mp4")
    assert not (tmp_path / "job").exists()
    assert not (tmp_path / "film.mp4").exists()
