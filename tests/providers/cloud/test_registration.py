"""Every cloud adapter loads through the entry-point group without a key and meets the contract."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from vividverse_desktop.providers.contract import Modality, VoiceProvider
from vividverse_desktop.providers.registry import GROUP, load_registry

ENTRY_POINTS = {
    "openai-images": "vividverse_desktop.providers.cloud.openai_images:OpenAIImages",
    "openai-tts": "vividverse_desktop.providers.cloud.openai_speech:OpenAISpeech",
    "elevenlabs": "vividverse_desktop.providers.cloud.elevenlabs:ElevenLabsSpeech",
    "stability": "vividverse_desktop.providers.cloud.stability:StabilityImages",
    "luma": "vividverse_desktop.providers.cloud.luma:LumaVideo",
    "runway": "vividverse_desktop.providers.cloud.runway:RunwayVideo",
    "kling": "vividverse_desktop.providers.cloud.kling:KlingVideo",
    "pika": "vividverse_desktop.providers.cloud.fal:PikaVideo",
    "flux": "vividverse_desktop.providers.cloud.fal:FluxImages",
    "bfl-flux": "vividverse_desktop.providers.cloud.bfl:BflFlux",
}
"""The lines to add under [project.entry-points."vividverse.providers"]."""


@pytest.fixture
def registry():  # type: ignore[no-untyped-def]
    """A registry built from exactly these entry points."""
    return load_registry([EntryPoint(n, t, GROUP) for n, t in ENTRY_POINTS.items()])


def test_all_adapters_load_without_keys(registry) -> None:  # type: ignore[no-untyped-def]
    """Constructing an adapter never needs a key or the network: none is broken."""
    assert registry.broken == []
    assert set(ENTRY_POINTS) <= set(registry.names())


def test_modalities_are_as_documented(registry) -> None:  # type: ignore[no-untyped-def]
    """Two voice, four image and four video adapters; voices can cast."""
    assert set(registry.names(Modality.VOICE)) >= {"openai-tts", "elevenlabs"}
    assert set(registry.names(Modality.IMAGE)) >= {"openai-images", "stability", "flux",
                                                   "bfl-flux"}  # fmt: skip
    assert set(registry.names(Modality.VIDEO)) >= {"luma", "runway", "kling", "pika"}
    for name in ("openai-tts", "elevenlabs"):
        assert isinstance(registry.get(name), VoiceProvider)
