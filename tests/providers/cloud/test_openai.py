"""OpenAI images and speech against fakes of ``/v1/images/generations`` and ``/v1/audio/speech``."""

from __future__ import annotations

import wave
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

from tests.providers.cloud.conftest import HD, KEY, Media
from tests.providers.cloud.fake import FakeService, json_reply
from tests.providers.cloud.openai_fake import IMAGES, SPEECH, SPEECH_VOICES, serve_openai
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


@pytest.fixture
def openai(service: FakeService, media: Media) -> FakeService:
    """The documented shapes: GPT image models answer b64_json only; speech answers raw PCM."""
    return serve_openai(service, media, KEY)


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


def test_the_key_check_says_yes_to_the_right_key_and_why_not_to_a_wrong_one(
    openai: FakeService,
) -> None:
    from vividverse_desktop.providers.contract import ProviderError
    from vividverse_desktop.studio import keys as studio_keys
    from vividverse_desktop.studio.errors import StudioError

    assert "accepted" in studio_keys.check_key(
        provider="openai-images", key=KEY, base_url=openai.url
    )
    with pytest.raises(StudioError, match="refused this key"):
        studio_keys.check_key(provider="openai-tts", key="sk-wrong", base_url=openai.url)
    assert [s.path for s in openai.seen][-2:] == ["/models", "/models"]
    with pytest.raises(StudioError, match="no free call"):
        studio_keys.check_key(provider="luma", key="anything")
    with pytest.raises(StudioError, match="needs no key"):
        studio_keys.check_key(provider="storyboard", key="x")
    unreachable = OpenAIImages(base_url="http://127.0.0.1:9")
    with pytest.raises(ProviderError, match="could not reach"):
        unreachable.check_key("sk-x", timeout=2)
