"""A fake of OpenAI's image and speech endpoints, as the API reference documents them.

``/v1/images/generations`` serves GPT image models only and answers the picture
inline as ``b64_json`` (no ``response_format``); ``/v1/audio/speech`` answers raw
PCM. A wrong key is 401 ``invalid_api_key``; a prompt containing "forbidden" is
400 ``moderation_blocked``, one containing "broke" is 429 ``insufficient_quota``.
Shared by the adapter tests and the render tests that drive a film through it.
"""

from __future__ import annotations

import base64
import re

from tests.providers.cloud.fake import FakeService, Reply, Seen, json_reply
from tests.providers.cloud.media import Media

IMAGES = "/images/generations"
SPEECH = "/audio/speech"

GPT_IMAGE_SIZES = {"1024x1024", "1536x1024", "1024x1536", "auto"}
SPEECH_VOICES = {"alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage",
                 "shimmer", "verse"}  # fmt: skip


def openai_error(message: str, status: int, kind: str, code: str | None) -> Reply:
    """An error in OpenAI's envelope: ``{"error": {message, type, param, code}}``."""
    return json_reply({"error": {"message": message, "type": kind, "param": None, "code": code}},
                      status)  # fmt: skip


def serve_openai(service: FakeService, media: Media, key: str) -> FakeService:
    """Add the image and speech routes to ``service``, accepting only ``Bearer key``."""

    def authorised(seen: Seen) -> Reply | None:
        if seen.headers.get("authorization") != f"Bearer {key}":
            return openai_error("Incorrect API key provided", 401, "invalid_request_error",
                                "invalid_api_key")  # fmt: skip
        return None

    @service.route("POST", IMAGES)
    def images(seen: Seen, match: re.Match[str]) -> Reply:
        denied = authorised(seen)
        if denied:
            return denied
        body = seen.json()
        if not str(body.get("model", "")).startswith("gpt-image"):
            return openai_error("This fake serves GPT image models only", 400,
                                "invalid_request_error", None)  # fmt: skip
        if "response_format" in body:
            return openai_error("Unknown parameter: 'response_format'.", 400,
                                "invalid_request_error", "unknown_parameter")  # fmt: skip
        if body.get("size") not in GPT_IMAGE_SIZES or body.get("quality") not in {
            "low", "medium", "high", "auto"
        }:  # fmt: skip
            return openai_error("Invalid size or quality", 400, "invalid_request_error", None)
        if "forbidden" in body["prompt"]:
            return openai_error("Your request was rejected by the safety system.", 400,
                                "image_generation_user_error", "moderation_blocked")  # fmt: skip
        if "broke" in body["prompt"]:
            return openai_error("You exceeded your current quota, please check your plan and "
                                "billing details.", 429, "insufficient_quota",
                                "insufficient_quota")  # fmt: skip
        encoded = base64.b64encode(media.png).decode()
        return json_reply({"created": 1, "data": [{"b64_json": encoded}],
                           "usage": {"input_tokens": 10, "output_tokens": 1056}})  # fmt: skip

    @service.route("GET", "/models")
    def models(seen: Seen, match: re.Match[str]) -> Reply:
        denied = authorised(seen)
        return denied or json_reply({"object": "list", "data": [{"id": "gpt-image-1"}]}, 200)

    @service.route("POST", SPEECH)
    def speech(seen: Seen, match: re.Match[str]) -> Reply:
        denied = authorised(seen)
        if denied:
            return denied
        body = seen.json()
        if body.get("voice") not in SPEECH_VOICES or len(body.get("input", "")) > 4096:
            return openai_error("Invalid voice or input", 400, "invalid_request_error", None)
        if body.get("response_format") != "pcm":
            return openai_error("This fake answers pcm only", 400, "invalid_request_error", None)
        return Reply(200, media.pcm, {"Content-Type": "audio/pcm"})

    return service
