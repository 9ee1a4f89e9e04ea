"""Models hosted on fal through its queue API: Pika (video) and Flux (images).

``POST https://queue.fal.run/{model}`` with ``Authorization: Key …`` answers a
``request_id`` with ``status_url`` and ``response_url``. The status is
``IN_QUEUE``, ``IN_PROGRESS`` or ``COMPLETED``; the response then holds the result
(``video.url`` or ``images[0].url``) or, for a failed request, an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from vividverse_desktop.providers.cloud import pricing
from vividverse_desktop.providers.cloud.base import CloudProvider, expect
from vividverse_desktop.providers.cloud.http import policy_refusal
from vividverse_desktop.providers.cloud.shape import aspect_ratio, clip_prompt
from vividverse_desktop.providers.contract import (
    ClipRequest,
    ImageRequest,
    Modality,
    PollResult,
    ProviderError,
    Request,
    Ticket,
)


class FalQueue(CloudProvider):
    """A fal-hosted model driven through the queue; subclasses say what to ask and read."""

    base_url = "https://queue.fal.run"
    model: ClassVar[str]
    poll_wait: ClassVar[float] = 2.0

    def auth_headers(self, key: str) -> dict[str, str]:
        """fal takes ``Authorization: Key <key>``."""
        return {"Authorization": f"Key {key}"}

    def settings(self) -> Mapping[str, Any]:
        """The model changes the result."""
        return {"model": self.model}

    def arguments(self, request: Request) -> dict[str, Any]:
        """The model's input for ``request``."""
        raise NotImplementedError

    def result_url(self, result: Mapping[str, Any]) -> str | None:
        """Where the model's result names its file."""
        raise NotImplementedError

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Queue the request; the ticket keeps fal's status and response URLs."""
        answer = self.json(
            "POST", f"/{self.model}", json=self.arguments(request), refusal=policy_refusal
        )
        try:
            data = {"status_url": str(answer["status_url"]),
                    "response_url": str(answer["response_url"])}  # fmt: skip
            return Ticket(str(answer["request_id"]), request, scratch, data)
        except (KeyError, TypeError) as error:
            raise ProviderError(f"{self.name} answered no request id") from error

    def poll(self, ticket: Ticket) -> PollResult:
        """COMPLETED (then the response must hold a result) or ask again."""
        status = self.json("GET", str(ticket.data["status_url"]))
        if status.get("status") != "COMPLETED":
            return PollResult(done=False, wait=self.poll_wait)
        try:
            self.locate(ticket)
        except ProviderError as error:
            if error.retryable:
                raise
            return PollResult(done=False, error=str(error))
        return PollResult(done=True)

    def locate(self, ticket: Ticket) -> str:
        """The file URL in the request's response (asked again each time)."""
        url = str(ticket.data["response_url"])

        result = self.retried(lambda: self.client.call("GET", url, refusal=policy_refusal).json())
        found = self.result_url(result) if isinstance(result, Mapping) else None
        if not found:
            raise ProviderError(f"{self.name} request {ticket.job_id} has no result file")
        return found


class PikaVideo(FalQueue):
    """Scene clips from Pika 2.2 on fal; a flat price per clip (an estimate)."""

    name = "pika"
    modality = Modality.VIDEO
    model = "fal-ai/pika/v2.2/text-to-video"
    poll_wait = 3.0

    def cost(self, request: Request) -> float:
        """Estimated USD per 5-second 720p clip."""
        expect(request, ClipRequest, self.name)
        return pricing.FAL_PER_VIDEO.get(self.model, 0.0)

    def arguments(self, request: Request) -> dict[str, Any]:
        """Prompt, ratio and 720p; Pika makes 5-second clips."""
        clip: ClipRequest = expect(request, ClipRequest, self.name)
        ratio = aspect_ratio(clip.fmt.width, clip.fmt.height)
        return {"prompt": clip_prompt(clip), "aspect_ratio": ratio, "resolution": "720p",
                "duration": 5}  # fmt: skip

    def result_url(self, result: Mapping[str, Any]) -> str | None:
        """``video.url``."""
        video = result.get("video")
        return str(video["url"]) if isinstance(video, Mapping) and video.get("url") else None


class FluxImages(FalQueue):
    """Stills from Flux on fal; a price per image (an estimate)."""

    name = "flux"
    modality = Modality.IMAGE
    model = "fal-ai/flux-pro/v1.1"
    poll_wait = 1.0

    def cost(self, request: Request) -> float:
        """Estimated USD per image."""
        expect(request, ImageRequest, self.name)
        return pricing.FAL_PER_IMAGE.get(self.model, 0.0)

    def arguments(self, request: Request) -> dict[str, Any]:
        """Prompt and a landscape, portrait or square preset; PNG output."""
        still: ImageRequest = expect(request, ImageRequest, self.name)
        w, h = still.fmt.width, still.fmt.height
        size = "landscape_16_9" if w > h * 1.2 else "portrait_16_9" if h > w * 1.2 else "square_hd"
        return {"prompt": still.prompt, "image_size": size, "num_images": 1,
                "output_format": "png"}  # fmt: skip

    def result_url(self, result: Mapping[str, Any]) -> str | None:
        """``images[0].url``."""
        images = result.get("images")
        if isinstance(images, list) and images and isinstance(images[0], Mapping):
            url = images[0].get("url")
            return str(url) if url else None
        return None
