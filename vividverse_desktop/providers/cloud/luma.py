"""Luma Dream Machine (``/dream-machine/v1/generations``): submit, poll ``state``, fetch the video.

``POST /generations`` with a Bearer key takes ``prompt``, ``model`` (``ray-2``,
``ray-flash-2``), ``resolution``, ``aspect_ratio`` and ``duration`` (``"5s"`` or
``"9s"``) and answers the generation. ``GET /generations/{id}`` answers ``state``:
``queued``, ``dreaming``, ``completed`` or ``failed`` (with ``failure_reason``). A
completed generation names its video in ``assets.video``; the URL is asked for
again at download so an expired one is replaced. Errors are ``{"detail": ...}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vividverse_desktop.providers.cloud import pricing
from vividverse_desktop.providers.cloud.base import CloudProvider, expect
from vividverse_desktop.providers.cloud.http import policy_refusal
from vividverse_desktop.providers.cloud.shape import (
    aspect_ratio,
    clip_prompt,
    clip_seconds,
    nearest_duration,
)
from vividverse_desktop.providers.contract import (
    ClipRequest,
    Modality,
    PollResult,
    ProviderError,
    Request,
    Ticket,
)

DURATIONS = (5, 9)
ASPECT_RATIOS = ("1:1", "16:9", "9:16", "4:3", "3:4", "21:9", "9:21")
POLL_WAIT = 3.0


class LumaVideo(CloudProvider):
    """Scene clips from Luma's Ray models; cost per second of video (see :mod:`.pricing`)."""

    name = "luma"
    modality = Modality.VIDEO
    base_url = "https://api.lumalabs.ai"
    model = "ray-2"
    resolution = "720p"

    def settings(self) -> Mapping[str, Any]:
        """Model and resolution change the clip."""
        return {"model": self.model, "resolution": self.resolution}

    def cost(self, request: Request) -> float:
        """Estimated USD for the duration Luma will be asked for."""
        clip: ClipRequest = expect(request, ClipRequest, self.name)
        seconds = nearest_duration(clip_seconds(clip), DURATIONS)
        return seconds * pricing.LUMA_PER_SECOND.get(self.model, 0.0)

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Create a generation for the scene; its id is the job id."""
        clip: ClipRequest = expect(request, ClipRequest, self.name)
        body = {
            "prompt": clip_prompt(clip), "model": self.model, "resolution": self.resolution,
            "aspect_ratio": aspect_ratio(clip.fmt.width, clip.fmt.height, ASPECT_RATIOS),
            "duration": f"{nearest_duration(clip_seconds(clip), DURATIONS)}s",
        }  # fmt: skip
        answer = self.json(
            "POST", "/dream-machine/v1/generations", json=body, refusal=policy_refusal
        )
        if not isinstance(answer, Mapping) or not answer.get("id"):
            raise ProviderError(f"{self.name} answered no generation id")
        return Ticket(str(answer["id"]), clip, scratch)

    def _generation(self, ticket: Ticket) -> Mapping[str, Any]:
        answer = self.json("GET", f"/dream-machine/v1/generations/{ticket.job_id}")
        if not isinstance(answer, Mapping):
            raise ProviderError(f"{self.name} answered an unreadable generation")
        return answer

    def poll(self, ticket: Ticket) -> PollResult:
        """Completed, failed (with Luma's reason) or ask again in a few seconds."""
        generation = self._generation(ticket)
        state = generation.get("state")
        if state == "completed":
            return PollResult(done=True)
        if state == "failed":
            reason = generation.get("failure_reason") or "no reason given"
            return PollResult(done=False, error=f"{self.name} generation failed: {reason}")
        return PollResult(done=False, wait=POLL_WAIT)

    def locate(self, ticket: Ticket) -> str:
        """The video URL of the generation as Luma names it now."""
        assets = self._generation(ticket).get("assets") or {}
        url = assets.get("video") if isinstance(assets, Mapping) else None
        if not url:
            raise ProviderError(f"{self.name} generation {ticket.job_id} has no video")
        return str(url)
