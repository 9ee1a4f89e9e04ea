"""OpenAI image generation (``POST /v1/images/generations``, GPT image models).

GPT image models always answer the picture inline as ``data[0].b64_json`` (the API
reference: ``response_format`` "isn't supported for gpt-image-1 which will always
return base64-encoded images"), so nothing is fetched afterwards. Sizes are the
three the GPT image models take (square, landscape, portrait), picked by the
frame's shape; ``output_format`` asks for PNG. A prompt the safety system refuses
answers 400 with ``code: moderation_blocked``. DALL·E models take other sizes and
qualities and are not driven by this adapter.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vividverse_desktop.providers.cloud import pricing
from vividverse_desktop.providers.cloud.base import CloudProvider, expect
from vividverse_desktop.providers.cloud.http import policy_refusal
from vividverse_desktop.providers.contract import (
    ImageRequest,
    Modality,
    PollResult,
    ProviderError,
    Request,
    Ticket,
)

PROMPT_LIMIT = 32_000
"""Characters a GPT image model's prompt may have (API reference)."""


def image_size(width: int, height: int) -> str:
    """The GPT image size closest in shape to ``width`` x ``height``."""
    if width > height * 1.2:
        return "1536x1024"
    if height > width * 1.2:
        return "1024x1536"
    return "1024x1024"


class OpenAIImages(CloudProvider):
    """Stills from OpenAI's image API; cost from :data:`pricing.OPENAI_IMAGE`."""

    name = "openai-images"
    modality = Modality.IMAGE
    base_url = "https://api.openai.com/v1"
    key_check = "/models"
    model = "gpt-image-1"
    quality = "medium"

    def settings(self) -> Mapping[str, Any]:
        """Model and quality change the picture."""
        return {"model": self.model, "quality": self.quality}

    def cost(self, request: Request) -> float:
        """Estimated USD for one image of the request's size and this quality."""
        still: ImageRequest = expect(request, ImageRequest, self.name)
        size = image_size(still.fmt.width, still.fmt.height)
        return pricing.OPENAI_IMAGE.get((self.quality, size), 0.0)

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Generate the image (the API answers synchronously) and keep it in ``scratch``."""
        still: ImageRequest = expect(request, ImageRequest, self.name)
        body = {
            "model": self.model, "prompt": still.prompt[:PROMPT_LIMIT], "n": 1,
            "quality": self.quality, "size": image_size(still.fmt.width, still.fmt.height),
            "output_format": "png",
        }  # fmt: skip
        answer = self.json("POST", "/images/generations", json=body, refusal=policy_refusal)
        try:
            encoded = answer["data"][0]["b64_json"]
        except (KeyError, IndexError, TypeError) as error:
            raise ProviderError(f"{self.name} answered no b64_json image") from error
        try:
            payload = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError, TypeError) as error:
            raise ProviderError(f"{self.name} answered unreadable base64") from error
        if not payload:
            raise ProviderError(f"{self.name} answered an empty image")
        return self.store(still, scratch, payload, ".png")

    def poll(self, ticket: Ticket) -> PollResult:
        """Done at once: the API is synchronous."""
        return PollResult(done=True)
