"""Models hosted on fal through its queue API: Pika (video) and Flux (images).

``POST https://queue.fal.run/{model_id}[/{subpath}]`` with ``Authorization: Key …``
answers a ``request_id`` with ``status_url``, ``response_url`` and ``cancel_url``;
status and response live under the model id without its subpath
(``fal-ai/pika/requests/{id}``), so the answered URLs are used as given. The status
is ``IN_QUEUE``, ``IN_PROGRESS`` or ``COMPLETED``; the response then holds the result
(``video.url``, or ``images[0].url`` with ``has_nsfw_concepts``) or the request's
error with its status code: model errors are 422 with a ``detail`` list (``type:
content_policy_violation`` for a refused prompt), platform errors a ``detail`` string
with ``error_type`` (fal's "Request Errors" page). fal's 403 "Exhausted balance" (as
recalled, not found in the docs) is taken for an empty account by :mod:`.http`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from vividverse_desktop.providers.cloud import pricing
from vividverse_desktop.providers.cloud.base import CloudProvider, expect
from vividverse_desktop.providers.cloud.http import ContentRefused, policy_refusal
from vividverse_desktop.providers.cloud.shape import (
    aspect_ratio,
    clip_prompt,
    clip_seconds,
    nearest_duration,
)
from vividverse_desktop.providers.contract import (
    ClipRequest,
    ImageRequest,
    Modality,
    PollResult,
    ProviderError,
    Request,
    Ticket,
)

WAITING = ("IN_QUEUE", "IN_PROGRESS")


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
        """COMPLETED (then the response must hold a result), ask again, or an unknown state."""
        status = self.json("GET", str(ticket.data["status_url"]))
        state = status.get("status") if isinstance(status, Mapping) else None
        if state in WAITING:
            return PollResult(done=False, wait=self.poll_wait)
        if state != "COMPLETED":
            return PollResult(done=False, error=f"{self.name} request is {state or 'unreadable'}")
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


PIKA_RATIOS = ("16:9", "9:16", "1:1", "4:5", "5:4", "3:2", "2:3")
PIKA_DURATIONS = (5, 10)


class PikaVideo(FalQueue):
    """Scene clips from Pika 2.2 on fal; priced per 5 seconds of 720p (see :mod:`.pricing`)."""

    name = "pika"
    modality = Modality.VIDEO
    model = "fal-ai/pika/v2.2/text-to-video"
    poll_wait = 3.0

    def cost(self, request: Request) -> float:
        """Estimated USD: the 5-second 720p price per 5 seconds asked."""
        clip: ClipRequest = expect(request, ClipRequest, self.name)
        seconds = nearest_duration(clip_seconds(clip), PIKA_DURATIONS)
        return seconds / 5 * pricing.FAL_PER_VIDEO.get(self.model, 0.0)

    def arguments(self, request: Request) -> dict[str, Any]:
        """Prompt, one of Pika's seven ratios, 720p and 5 or 10 seconds."""
        clip: ClipRequest = expect(request, ClipRequest, self.name)
        ratio = aspect_ratio(clip.fmt.width, clip.fmt.height, PIKA_RATIOS)
        seconds = nearest_duration(clip_seconds(clip), PIKA_DURATIONS)
        return {"prompt": clip_prompt(clip), "aspect_ratio": ratio, "resolution": "720p",
                "duration": seconds}  # fmt: skip

    def result_url(self, result: Mapping[str, Any]) -> str | None:
        """``video.url``."""
        video = result.get("video")
        return str(video["url"]) if isinstance(video, Mapping) and video.get("url") else None


class FluxImages(FalQueue):
    """Stills from Flux on fal; a price per image (see :mod:`.pricing`)."""

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
        """``images[0].url``; a flagged image (``has_nsfw_concepts``) is a content refusal."""
        flags = result.get("has_nsfw_concepts")
        if isinstance(flags, list) and flags and flags[0] is True:
            raise ContentRefused(f"{self.name} flagged the image (content policy: NSFW)")
        images = result.get("images")
        if isinstance(images, list) and images and isinstance(images[0], Mapping):
            url = images[0].get("url")
            return str(url) if url else None
        return None
