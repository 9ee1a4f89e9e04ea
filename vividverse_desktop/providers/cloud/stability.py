"""Stability AI image generation (``POST /v2beta/stable-image/generate/{core|ultra|sd3}``).

A multipart form (``prompt``, ``aspect_ratio``, ``output_format``) with
``Authorization: Bearer`` and ``Accept: image/*`` answers the picture's bytes
synchronously, with a ``finish-reason`` header (``SUCCESS`` or ``CONTENT_FILTERED``).
Errors are JSON ``{"name", "errors": [...]}``: 403 ``content_moderation``, 429 past
150 requests in 10 seconds. The aspect ratios are the nine below (no 4:3 or 3:4).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from vividverse_desktop.providers.cloud import pricing
from vividverse_desktop.providers.cloud.base import CloudProvider, expect
from vividverse_desktop.providers.cloud.http import ContentRefused, policy_refusal
from vividverse_desktop.providers.cloud.shape import aspect_ratio
from vividverse_desktop.providers.contract import (
    ImageRequest,
    Modality,
    PollResult,
    ProviderError,
    Request,
    Ticket,
)

ASPECT_RATIOS = ("16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21")


def _moderated(response: httpx.Response) -> bool:
    return response.status_code == 403 or policy_refusal(response)


class StabilityImages(CloudProvider):
    """Stills from Stability's Stable Image API; a price per image (see :mod:`.pricing`)."""

    name = "stability"
    modality = Modality.IMAGE
    base_url = "https://api.stability.ai"
    key_check = "/v1/user/account"
    service = "core"

    def settings(self) -> Mapping[str, Any]:
        """The service (core, ultra, sd3) changes the picture."""
        return {"service": self.service}

    def cost(self, request: Request) -> float:
        """Estimated USD per image for the service."""
        expect(request, ImageRequest, self.name)
        return pricing.STABILITY_PER_IMAGE.get(self.service, 0.0)

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Generate the image (synchronous) and keep it in ``scratch``."""
        still: ImageRequest = expect(request, ImageRequest, self.name)
        form = {
            "prompt": (None, still.prompt),
            "aspect_ratio": (None, aspect_ratio(still.fmt.width, still.fmt.height, ASPECT_RATIOS)),
            "output_format": (None, "png"),
        }
        url = f"{self.url}/v2beta/stable-image/generate/{self.service}"
        response: httpx.Response = self.retried(
            lambda: self.client.call(
                "POST", url, files=form, headers={"Accept": "image/*"}, refusal=_moderated
            )
        )
        if response.headers.get("finish-reason", "").upper() == "CONTENT_FILTERED":
            raise ContentRefused(f"{self.name} filtered the image (content policy)")
        if not response.content:
            raise ProviderError(f"{self.name} answered no image")
        return self.store(still, scratch, response.content, ".png")

    def poll(self, ticket: Ticket) -> PollResult:
        """Done at once: the API is synchronous."""
        return PollResult(done=True)
