"""OpenAI images and speech against fakes of ``/v1/images/generations`` and ``/v1/audio/speech``."""

from __future__ import annotations

import base64
import re
import wave
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.providers.cloud.conftest import HD, KEY, Media
from tests.providers.cloud.fake import FakeService, Reply, Seen, json_reply
from vividverse_desktop.providers.cloud.base import CloudProvider
from vividverse_desktop.providers.cloud.http import ContentRefused, KeyRejected
from vividverse_desktop.providers.cloud.openai_images import OpenAIImages
from vividverse_desktop.providers.cloud.openai_speech import OpenAISpeech
from vividverse_desktop.providers.cloud.pricing import OPENAI_IMAGE, OPENAI_SPEECH_PER_CHAR
from vividverse_desktop.providers.contract import (
    ImageRequest,
    ProviderError,
    VoiceRequest,
    fetch,
)

Build = Callable[..., CloudProvider]
IMAGES = "/images/generations"
SPEECH = "/audio/speech"


def _authorised(seen: Seen) -> Reply | None:
    if seen.headers.get("authorization") != f"Bearer {KEY}":
        error = {"message": "Incorrect API key provided", "type": "invalid_request_error",
                 "code": "invalid_api_key"}  # fmt: skip
        return json_reply({"error": error}, 401)
    return None


@pytest.fixture
def openai(service: FakeService, media: Media) -> FakeService:
    """Images answer b64_json (or a URL when the prompt says 'url'); speech answers raw PCM."""

    @service.route("POST", IMAGES)
    def images(seen: Seen, match: re.Match[str]) -> Reply:
        body = seen.json()
        if "url" in body["prompt"]:
            return json_reply({"created": 1, "data": [{"url": f"{service.url}/files/img.png"}]})
        if "forbidden" in body["prompt"]:
            error = {
                "message": "Your request was rejected by the safety system.",
                "type": "image_generation_user_error",
                "code": "moderation_blocked",
            }
            return json_reply({"error": error}, 400)
        encoded = base64.b64encode(media.png).decode()
        return _authorised(seen) or json_reply({"created": 1, "data": [{"b64_json": encoded}]})

    @service.route("GET", "/files/img.png")
    def image_file(seen: Seen, match: re.Match[str]) -> Reply:
        return Reply(200, media.png, {"Content-Type": "image/png"})

    @service.route("POST", SPEECH)
    def speech(seen: Seen, match: re.Match[str]) -> Reply:
        return _authorised(seen) or Reply(200, media.pcm, {"Content-Type": "audio/pcm"})

    return service


def test_an_image_arrives_inline_and_is_probed(
    tmp_path: Path, openai: FakeService, build: Build, still: ImageRequest, media: Media
) -> None:
    """b64_json is decoded to the PNG; the request asks gpt-image-1 for the landscape size."""
    asset = fetch(build(OpenAIImages), still, tmp_path / "a.png", scratch=tmp_path / "s")
    assert asset.path.read_bytes() == media.png
    body = openai.calls("POST", IMAGES)[0].json()
    assert (body["model"], body["size"], body["n"]) == ("gpt-image-1", "1536x1024", 1)
    assert asset.cost == OPENAI_IMAGE[("medium", "1536x1024")]


def test_an_image_url_result_is_downloaded(
    tmp_path: Path, openai: FakeService, build: Build, media: Media
) -> None:
    """A ``url`` answer is fetched from the URL."""
    request = ImageRequest("a url please", HD)
    asset = fetch(build(OpenAIImages), request, tmp_path / "a.png", scratch=tmp_path)
    assert asset.path.read_bytes() == media.png


def test_an_expired_image_url_is_a_clear_error(
    tmp_path: Path, openai: FakeService, build: Build
) -> None:
    """OpenAI cannot re-issue an image URL: an expired one says so and leaves nothing."""
    openai.fail("GET", "/files/", Reply(403, b"AuthenticationFailed"))
    with pytest.raises(ProviderError, match="expired"):
        fetch(build(OpenAIImages), ImageRequest("a url please", HD), tmp_path / "a.png",
              scratch=tmp_path)  # fmt: skip
    assert list(tmp_path.glob("a.png*")) == []


def test_a_moderated_prompt_is_a_content_refusal(
    tmp_path: Path, openai: FakeService, build: Build
) -> None:
    """400 moderation_blocked is a ContentRefused naming the content policy, not retried."""
    with pytest.raises(ContentRefused, match="content policy"):
        fetch(build(OpenAIImages), ImageRequest("forbidden", HD), tmp_path / "a.png",
              scratch=tmp_path)  # fmt: skip
    assert len(openai.calls("POST", IMAGES)) == 1


def test_a_line_is_spoken_into_a_wav(
    tmp_path: Path, openai: FakeService, build: Build, line: VoiceRequest, media: Media
) -> None:
    """Raw 24 kHz PCM becomes a mono 16-bit WAV, moved out of scratch, timed to the sample."""
    asset = fetch(build(OpenAISpeech), line, tmp_path / "l.wav", scratch=tmp_path / "s")
    assert list((tmp_path / "s").iterdir()) == []
    with wave.open(str(asset.path)) as reader:
        assert (reader.getframerate(), reader.getnchannels(), reader.getsampwidth()) == (
            24000, 1, 2)  # fmt: skip
        assert reader.getnframes() == len(media.pcm) // 2
    assert asset.seconds == len(media.pcm) // 2 / 24000
    body = openai.calls("POST", SPEECH)[0].json()
    assert (body["voice"], body["input"], body["response_format"]) == ("nova", "He's late.", "pcm")
    assert asset.cost == pytest.approx(len("He's late.") * OPENAI_SPEECH_PER_CHAR["tts-1"])


def test_speech_survives_a_5xx_and_a_429(
    tmp_path: Path, openai: FakeService, build: Build, line: VoiceRequest, waits: list[float]
) -> None:
    """A 500 then a 429 (Retry-After 2) are retried; the second wait is the server's."""
    openai.fail("POST", SPEECH, json_reply({"error": {"message": "oops"}}, 500),
                json_reply({"error": {"message": "slow"}}, 429, {"Retry-After": "2"}))  # fmt: skip
    asset = fetch(build(OpenAISpeech), line, tmp_path / "l.wav", scratch=tmp_path)
    assert asset.path.is_file()
    assert waits[1] == 2.0
    assert len(openai.calls("POST", SPEECH)) == 3


def test_speech_with_a_bad_key_is_rejected(
    tmp_path: Path, openai: FakeService, build: Build, line: VoiceRequest
) -> None:
    """401 is a KeyRejected with OpenAI's words."""
    with pytest.raises(KeyRejected, match="Incorrect API key"):
        fetch(build(OpenAISpeech, key="sk-wrong"), line, tmp_path / "l.wav", scratch=tmp_path)


def test_cast_gives_distinct_voices_in_a_stable_order() -> None:
    """Each speaker gets another built-in voice, the same for the same speakers."""
    voices = OpenAISpeech().cast(("MARA", "JONAS", "NARRATOR"))
    assert len(set(voices.values())) == 3
    assert voices == OpenAISpeech().cast(("MARA", "JONAS", "NARRATOR"))
