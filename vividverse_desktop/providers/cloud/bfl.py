"""Flux from Black Forest Labs' own API (``api.bfl.ai``).

``POST /v1/{model}`` (``flux-pro-1.1``: ``prompt``, ``width``/``height`` multiples of
32 in 256..1440, ``output_format``) with the ``x-key`` header answers ``id`` and a
``polling_url``, which must be used as given (it may name a regional host).
Polling, also with ``x-key``, answers ``status``: ``Pending``, ``Ready``,
``Request Moderated`` (the prompt), ``Content Moderated`` (the output), ``Task not
found`` or ``Error``, with ``details`` on moderation; when ready ``result.sample`` is a
signed URL valid for ten minutes, read again from the polling URL when it expired.
HTTP errors (BFL's "Errors" page): 402 no credits, 403 a key without permission,
422 a bad body, 429 over the rate limit, 500/503 worth retrying.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from vividverse_desktop.providers.cloud import pricing
from vividverse_desktop.providers.cloud.base import CloudProvider, expect
from vividverse_desktop.providers.cloud.http import KeyRejected, policy_refusal
from vividverse_desktop.providers.contract import (
    ImageRequest,
    Modality,
    PollResult,
    ProviderError,
    Request,
    Ticket,
)

MODERATED = {"Content Moderated", "Request Moderated"}
FAILED = {"Error", "Failed", "Task not found"}


def bfl_error(response: httpx.Response) -> KeyRejected | None:
    """BFL's 403 means the key lacks permission (not moderation, not an expired URL)."""
    if response.status_code == 403:
        return KeyRejected(
            f"bfl-flux refused the key (403: no permission for this model): {response.text[:200]}"
        )
    return None


def flux_size(width: int, height: int, longest: int = 1440) -> tuple[int, int]:
    """The frame's shape scaled to fit ``longest``, each side a multiple of 32 in 256..1440."""
    scale = longest / max(width, height)

    def side(value: int) -> int:
        return max(256, min(1440, round(value * scale / 32) * 32))

    return side(width), side(height)


class BflFlux(CloudProvider):
    """Stills from Flux via BFL; a price per image (see :mod:`.pricing`)."""

    name = "bfl-flux"
    modality = Modality.IMAGE
    base_url = "https://api.bfl.ai"
    model = "flux-pro-1.1"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.client.interpret = bfl_error

    def auth_headers(self, key: str) -> dict[str, str]:
        """BFL takes the key in ``x-key``."""
        return {"x-key": key}

    def settings(self) -> Mapping[str, Any]:
        """The model changes the picture."""
        return {"model": self.model}

    def cost(self, request: Request) -> float:
        """Estimated USD per image."""
        expect(request, ImageRequest, self.name)
        return pricing.BFL_PER_IMAGE.get(self.model, 0.0)

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Queue the image; the ticket keeps the polling URL."""
        still: ImageRequest = expect(request, ImageRequest, self.name)
        width, height = flux_size(still.fmt.width, still.fmt.height)
        body = {"prompt": still.prompt, "width": width, "height": height, "output_format": "png"}
        answer = self.json("POST", f"/v1/{self.model}", json=body, refusal=policy_refusal)
        if not isinstance(answer, Mapping) or not answer.get("id"):
            raise ProviderError(f"{self.name} answered no request id")
        polling = answer.get("polling_url") or f"{self.url}/v1/get_result?id={answer['id']}"
        return Ticket(str(answer["id"]), still, scratch, {"polling_url": str(polling)})

    def _result(self, ticket: Ticket) -> Mapping[str, Any]:
        answer = self.json("GET", str(ticket.data["polling_url"]))
        if not isinstance(answer, Mapping):
            raise ProviderError(f"{self.name} answered an unreadable result")
        return answer

    def poll(self, ticket: Ticket) -> PollResult:
        """Ready, moderated, failed, or ask again in a second."""
        answer = self._result(ticket)
        status = str(answer.get("status"))
        if status == "Ready":
            return PollResult(done=True)
        details = answer.get("details")
        said = f" {details}" if details else ""
        if status in MODERATED:
            return PollResult(
                done=False, error=f"{self.name} refused ({status}: content policy){said}"
            )
        if status in FAILED:
            return PollResult(done=False, error=f"{self.name} request failed: {status}{said}")
        return PollResult(done=False, wait=1.0)

    def locate(self, ticket: Ticket) -> str:
        """``result.sample`` as the polling URL names it now."""
        result = self._result(ticket).get("result")
        sample = result.get("sample") if isinstance(result, Mapping) else None
        if not sample:
            raise ProviderError(f"{self.name} request {ticket.job_id} has no sample")
        return str(sample)
