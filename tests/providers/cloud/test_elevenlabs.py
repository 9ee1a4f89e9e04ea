"""ElevenLabs speech against a fake of ``POST /v1/text-to-speech/{voice_id}``."""

from __future__ import annotations

import re
import wave
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.providers.cloud.conftest import KEY, Media
from tests.providers.cloud.fake import FakeService, Reply, Seen, json_reply
from vividverse_desktop.providers.cloud.base import CloudProvider
from vividverse_desktop.providers.cloud.elevenlabs import PREMADE_VOICES, ElevenLabsSpeech
from vividverse_desktop.providers.cloud.http import ContentRefused, KeyRejected
from vividverse_desktop.providers.contract import VoiceRequest, fetch

Build = Callable[..., CloudProvider]
VOICE = PREMADE_VOICES[0]
LINE = VoiceRequest("He's late.", "MARA", VOICE)


@pytest.fixture
def eleven(service: FakeService, media: Media) -> FakeService:
    """Checks xi-api-key; answers raw PCM in the asked output_format; refuses 'forbidden'."""

    @service.route("POST", r"/v1/text-to-speech/(?P<voice>\w+)")
    def speak(seen: Seen, match: re.Match[str]) -> Reply:
        if seen.headers.get("xi-api-key") != KEY:
            detail = {"status": "invalid_api_key", "message": "Invalid API key"}
            return json_reply({"detail": detail}, 401)
        if "forbidden" in seen.json()["text"]:
            detail = {"status": "content_against_policy", "message": "Text violates policy"}
            return json_reply({"detail": detail}, 400)
        return Reply(200, media.pcm, {"Content-Type": "audio/pcm"})

    return service


def test_a_line_is_spoken_with_the_voice_and_format_asked(
    tmp_path: Path, eleven: FakeService, build: Build, media: Media
) -> None:
    """The voice id is in the path, pcm_24000 in the query; the WAV holds every sample."""
    asset = fetch(build(ElevenLabsSpeech), LINE, tmp_path / "l.wav", scratch=tmp_path)
    seen = eleven.calls("POST", "/v1/text-to-speech/")[0]
    assert seen.path.endswith(VOICE)
    assert seen.query["output_format"] == ["pcm_24000"]
    assert seen.json() == {"text": "He's late.", "model_id": "eleven_multilingual_v2"}
    with wave.open(str(asset.path)) as reader:
        assert reader.getnframes() == len(media.pcm) // 2
    assert asset.seconds == pytest.approx(0.5, abs=0.02)


def test_a_bad_key_is_rejected_once(tmp_path: Path, eleven: FakeService, build: Build) -> None:
    """401 is a KeyRejected, not retried."""
    with pytest.raises(KeyRejected, match="Invalid API key"):
        fetch(build(ElevenLabsSpeech, key="nope"), LINE, tmp_path / "l.wav", scratch=tmp_path)
    assert len(eleven.calls("POST", "/v1/")) == 1


def test_a_policy_refusal_is_reported(tmp_path: Path, eleven: FakeService, build: Build) -> None:
    """A 400 naming the content policy is a ContentRefused."""
    line = VoiceRequest("forbidden words", "MARA", VOICE)
    with pytest.raises(ContentRefused, match="policy"):
        fetch(build(ElevenLabsSpeech), line, tmp_path / "l.wav", scratch=tmp_path)


def test_a_truncated_answer_is_asked_again(
    tmp_path: Path, eleven: FakeService, build: Build, media: Media
) -> None:
    """Speech cut off mid-answer is requested again rather than kept short."""
    eleven.fail("POST", "/v1/", Reply(200, media.pcm, cut=1000))
    asset = fetch(build(ElevenLabsSpeech), LINE, tmp_path / "l.wav", scratch=tmp_path)
    assert asset.seconds == pytest.approx(0.5, abs=0.02)
    assert len(eleven.calls("POST", "/v1/")) == 2
