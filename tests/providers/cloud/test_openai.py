"""OpenAI images and speech against fakes of ``/v1/images/generations`` and ``/v1/audio/speech``."""

from __future__ import annotations

import base64
import re
import wave
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

from tests.providers.cloud.conftest import HD, KEY, Media
from tests.providers.cloud.fake import FakeService, Reply, Seen, json_reply
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.providers.cloud.base import CloudProvider
from vividverse_desktop.providers.cloud.http import ContentRefused, KeyRejected, OutOfCredits
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


def _error(message: str, status: int, kind: str, code: str | None) -> Reply:
    return json_reply({"error": {"message": message, "type": kind, "param": None, "code": code}},
                      status)  # fmt: skip


def _authorised(seen: Seen) -> Reply | None:
    if seen.headers.get("authorization") != f"Bearer {KEY}":
        return _error("Incorrect API key provided", 401, "invalid_request_error",
                      "invalid_api_key")  # fmt: skip
    return None


GPT_IMAGE_SIZES = {"1024x1024", "1536x1024", "1024x1536", "auto"}
SPEECH_VOICES = {"alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage",
                 "shimmer", "verse"}  # fmt: skip


@pytest.fixture
def openai(service: FakeService, media: Media) -> FakeService:
    """The documented shapes: GPT image models answer b64_json only; speech answers raw PCM."""

    @service.route("POST", IMAGES)
    def images(seen: Seen, match: re.Match[str]) -> Reply:
        denied = _authorised(seen)
        if denied:
            return denied
        body = seen.json()
        if not str(body.get("model", "")).startswith("gpt-image"):
            return _error("This fake serves GPT image models only", 400, "invalid_request_error",
                          None)  # fmt: skip
        if "response_format" in body:
            return _error("Unknown parameter: 'response_format'.", 400,
                          "invalid_request_error", "unknown_parameter")  # fmt: skip
        if body.get("size") not in GPT_IMAGE_SIZES or body.get("quality") not in {
            "low", "medium", "high", "auto"
        }:  # fmt: skip
            return _error("Invalid size or quality", 400, "invalid_request_error", None)
        if "forbidden" in body["prompt"]:
            return _error("Your request was rejected by the safety system.", 400,
                          "image_generation_user_error", "moderation_blocked")  # fmt: skip
        if "broke" in body["prompt"]:
            return _error("You exceeded your current quota, please check your plan and "
                          "billing details.", 429, "insufficient_quota",
                          "insufficient_quota")  # fmt: skip
        encoded = base64.b64encode(media.png).decode()
        return json_reply({"created": 1, "data": [{"b64_json": encoded}],
                           "usage": {"input_tokens": 10, "output_tokens": 1056}})  # fmt: skip

    @service.route("POST", SPEECH)
    def speech(seen: Seen, match: re.Match[str]) -> Reply:
        denied = _authorised(seen)
        if denied:
            return denied
        body = seen.json()
        if body.get("voice") not in SPEECH_VOICES or len(body.get("input", "")) > 4096:
            return _error("Invalid voice or input", 400, "invalid_request_error", None)
        if body.get("response_format") != "pcm":
            return _error("This fake answers pcm only", 400, "invalid_request_error", None)
        return Reply(200, media.pcm, {"Content-Type": "audio/pcm"})

    return service


def test_an_image_arrives_inline_and_is_probed(
    tmp_path: Path, openai: FakeService, build: Build, still: ImageRequest, media: Media
) -> None:
    """b64_json is decoded to the PNG; the request asks gpt-image-1 for the landscape size."""
    asset = fetch(build(OpenAIImages), still, tmp_path / "a.png", scratch=tmp_path / "s")
    assert asset.path.read_bytes() == media.png
    body = openai.calls("POST", IMAGES)[0].json()
    assert (body["model"], body["size"], body["n"], body["output_format"]) == (
        "gpt-image-1", "1536x1024", 1, "png")  # fmt: skip
    assert asset.cost == OPENAI_IMAGE[("medium", "1536x1024")]


@pytest.mark.parametrize(("frame", "size"), [((720, 1280), "1024x1536"),
                                             ((1000, 1000), "1024x1024")])  # fmt: skip
def test_portrait_and_square_frames_ask_the_matching_size(
    tmp_path: Path, openai: FakeService, build: Build, frame: tuple[int, int], size: str
) -> None:
    """A tall frame asks the portrait size, a square one the square size."""
    request = ImageRequest("A lamp.", VideoFormat(*frame, Fraction(24)))
    fetch(build(OpenAIImages), request, tmp_path / "a.png", scratch=tmp_path)
    assert openai.calls("POST", IMAGES)[0].json()["size"] == size


def test_an_empty_account_is_not_retried(tmp_path: Path, openai: FakeService, build: Build) -> None:
    """429 insufficient_quota is OutOfCredits, asked once, unlike a rate limit."""
    with pytest.raises(OutOfCredits, match="out of credits"):
        fetch(build(OpenAIImages), ImageRequest("broke", HD), tmp_path / "a.png",
              scratch=tmp_path)  # fmt: skip
    assert len(openai.calls("POST", IMAGES)) == 1


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


def test_a_large_cast_only_gets_documented_voices() -> None:
    """Twelve speakers all get voices the speech API documents."""
    voices = OpenAISpeech().cast(tuple(f"S{n}" for n in range(12))).values()
    assert set(voices) <= SPEECH_VOICES


def test_a_line_over_the_input_limit_is_refused_before_any_request(
    tmp_path: Path, openai: FakeService, build: Build
) -> None:
    """More than 4,096 characters is a clear error and nothing is sent."""
    line = VoiceRequest("word " * 1000, "MARA", "nova")
    with pytest.raises(ProviderError, match="4096 characters"):
        fetch(build(OpenAISpeech), line, tmp_path / "l.wav", scratch=tmp_path)
    assert openai.calls("POST", SPEECH) == []
