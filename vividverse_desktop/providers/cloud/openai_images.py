"""OpenAI image generation (``POST /v1/images/generations``, gpt-image models).

gpt-image models answer the picture inline as ``b64_json``; older models may answer
a ``url`` valid for an hour, which OpenAI cannot re-issue. Sizes are the API's
three (square, landscape, portrait), picked by the frame's shape.
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vividverse_desktop.providers.cloud import pricing
from vividverse_desktop.providers.cloud.base import CloudProvider, expect
from vividverse_desktop.providers.cloud.http import ResultExpired, policy_refusal
from vividverse_desktop.providers.contract import (
    ImageRequest,
    Modality,
    PollResult,
    ProviderError,
    Request,
    Ticket,
)


def image_size(width: int, height: int) -> str:
    """The API size closest in shape to ``width`` x ``height``."""
    if width > height * 1.2:
        return "1536x1024"
    if height > width * 1.2:
        return "1024x1536"
    return "1024x1024"


class OpenAIImages(CloudProvider):
    """Stills from OpenAI's image API; cost from :data:`pricing.OPENAI_IMAGE` (an estimate)."""

    name = "openai-images"
    modality = Modality.IMAGE
    base_url = "https://api.openai.com/v1"
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
            "model": self.model, "prompt": still.prompt, "n": 1, "quality": self.quality,
            "size": image_size(still.fmt.width, still.fmt.height),
        }  # fmt: skip
        answer = self.json("POST", "/images/generations", json=body, refusal=policy_refusal)
        try:
            item = answer["data"][0]
        except (KeyError, IndexError, TypeError) as error:
            raise ProviderError(f"{self.name} answered no image") from error
        if item.get("b64_json"):
            try:
                payload = base64.b64decode(item["b64_json"], validate=True)
            except (binascii.Error, ValueError) as error:
                raise ProviderError(f"{self.name} answered unreadable base64") from error
            return self.store(still, scratch, payload, ".png")
        if item.get("url"):
            return Ticket("url", still, scratch, {"url": item["url"]})
        raise ProviderError(f"{self.name} answered neither b64_json nor url")

    def poll(self, ticket: Ticket) -> PollResult:
        """Done at once: the API is synchronous."""
        return PollResult(done=True)

    def locate(self, ticket: Ticket) -> str:
        """The URL answered at submit (it cannot be refreshed)."""
        return str(ticket.data["url"])

    def download(self, ticket: Ticket, part: Path, cancel: threading.Event | None) -> None:
        """Copy the inline image, or fetch the URL (retried if cut short); expiry is final."""
        if "url" not in ticket.data:
            super().download(ticket, part, cancel)
            return

        def once() -> None:
            try:
                self.client.download(self.locate(ticket), part, cancel)
            except ResultExpired as error:
                raise ProviderError(
                    f"{self.name}'s image URL expired (they last an hour and cannot be "
                    "re-issued): render the shot again"
                ) from error

        self.retried(once)
