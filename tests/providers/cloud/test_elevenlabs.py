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
from vividverse_desktop.providers.cloud.elevenlabs import DEFAULT_VOICES, ElevenLabsSpeech
from vividverse_desktop.providers.cloud.http import ContentRefused, KeyRejected, OutOfCredits
from vividverse_desktop.providers.contract import ProviderError, VoiceRequest, fetch

Build = Callable[..., CloudProvider]
VOICE = DEFAULT_VOICES[0]
LINE = VoiceRequest("He's late.", "MARA", VOICE)
PCM_FORMATS = {"pcm_8000", "pcm_16000", "pcm_22050", "pcm_24000", "pcm_32000", "pcm_44100",
               "pcm_48000"}  # fmt: skip


def _detail(status: str, message: str, code: int) -> Reply:
    return json_reply({"detail": {"status": status, "message": message}}, code)


@pytest.fixture
def eleven(service: FakeService, media: Media) -> FakeService:
    """Checks xi-api-key and the body; raw PCM in the asked format; the documented errors."""

    @service.route("POST", r"/v1/text-to-speech/(?P<voice>\w+)")
    def speak(seen: Seen, match: re.Match[str]) -> Reply:
        if seen.headers.get("xi-api-key") != KEY:
            return _detail("invalid_api_key", "Invalid API key", 401)
        body = seen.json()
        if not isinstance(body.get("text"), str) or seen.query.get("output_format", [""])[
            0
        ] not in PCM_FORMATS:  # fmt: skip
            return json_reply({"detail": [{"loc": ["body", "text"], "msg": "field required",
                                           "type": "value_error.missing"}]}, 422)  # fmt: skip
        if len(body["text"]) > 10_000:
            return _detail("max_character_limit_exceeded", "Too many characters", 400)
        if "broke" in body["text"]:
            return _detail("quota_exceeded", "This request exceeds your quota.", 401)
        if "forbidden" in body["text"]:
            return _detail("content_against_policy", "Text violates policy", 400)
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


def test_an_exhausted_quota_is_not_taken_for_a_bad_key(
    tmp_path: Path, eleven: FakeService, build: Build
) -> None:
    """A 401 quota_exceeded says the account is out of credits and is not retried."""
    line = VoiceRequest("broke again", "MARA", VOICE)
    with pytest.raises(OutOfCredits, match="quota"):
        fetch(build(ElevenLabsSpeech), line, tmp_path / "l.wav", scratch=tmp_path)
    assert len(eleven.calls("POST", "/v1/")) == 1


def test_a_busy_service_is_asked_again(
    tmp_path: Path, eleven: FakeService, build: Build, waits: list[float]
) -> None:
    """429 system_busy (no Retry-After) is retried after a backoff wait."""
    eleven.fail("POST", "/v1/", _detail("system_busy", "Try again later.", 429))
    asset = fetch(build(ElevenLabsSpeech), LINE, tmp_path / "l.wav", scratch=tmp_path)
    assert asset.path.is_file()
    assert len(waits) == 1


def test_a_line_over_the_model_limit_is_refused_before_any_request(
    tmp_path: Path, eleven: FakeService, build: Build
) -> None:
    """More than 10,000 characters for multilingual v2 is a clear error, nothing is sent."""
    line = VoiceRequest("x" * 10_001, "MARA", VOICE)
    with pytest.raises(ProviderError, match="10000 characters"):
        fetch(build(ElevenLabsSpeech), line, tmp_path / "l.wav", scratch=tmp_path)
    assert eleven.calls("POST", "/v1/") == []


def test_cast_alternates_distinct_default_voices() -> None:
    """Twelve speakers get twelve different default voices."""
    voices = ElevenLabsSpeech().cast(tuple(f"S{n}" for n in range(12)))
    assert len(set(voices.values())) == 12
