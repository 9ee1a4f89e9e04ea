"""Runway (``api.dev.runwayml.com``): a Gen-4 still from the scene, then image to video.

Runway's video models start from an image, so a clip is two tasks: ``POST
/v1/text_to_image`` (gen4_image), then ``POST /v1/image_to_video`` (gen4_turbo)
with that still as ``promptImage``. Tasks are read at ``GET /v1/tasks/{id}``:
``PENDING``/``THROTTLED``/``RUNNING``, then ``SUCCEEDED`` with ``output`` URLs
(they expire within 24-48 hours; re-read for fresh ones), ``FAILED`` with
``failure`` and a dotted ``failureCode``, or ``CANCELLED``. Codes with a ``SAFETY``
segment (``SAFETY.INPUT.TEXT``, ``INPUT_PREPROCESSING.SAFETY.TEXT``) are moderation
and must not be retried. Every call sends ``X-Runway-Version``. HTTP errors: 400
(``{"error": ...}``), 401, 404 and 405 are final; 429, 502, 503 and 504 may be
retried (Runway's "HTTP Errors" page).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vividverse_desktop.providers.cloud import pricing
from vividverse_desktop.providers.cloud.base import CloudProvider, expect
from vividverse_desktop.providers.cloud.http import policy_refusal
from vividverse_desktop.providers.cloud.shape import clip_prompt, clip_seconds, nearest_duration
from vividverse_desktop.providers.contract import (
    ClipRequest,
    Modality,
    PollResult,
    ProviderError,
    Request,
    Ticket,
)

API_VERSION = "2024-11-06"
DURATIONS = (5, 10)
POLL_WAIT = 5.0
RUNNING = {"PENDING", "THROTTLED", "RUNNING"}


def _ratios(width: int, height: int) -> tuple[str, str]:
    """(still ratio, video ratio) of the frame's shape."""
    if width > height * 1.2:
        return "1920:1080", "1280:720"
    if height > width * 1.2:
        return "1080:1920", "720:1280"
    return "1024:1024", "960:960"


class RunwayVideo(CloudProvider):
    """Scene clips from Runway Gen-4 Turbo; cost = the still plus seconds of video (estimate).

    Still ratios are gen4_image's ``1920:1080``/``1080:1920``/``1024:1024``; video
    ratios gen4_turbo's ``1280:720``/``720:1280``/``960:960``.
    """

    name = "runway"
    modality = Modality.VIDEO
    base_url = "https://api.dev.runwayml.com"
    model = "gen4_turbo"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._video_task: dict[str, str] = {}
        self._lock = threading.Lock()

    def auth_headers(self, key: str) -> dict[str, str]:
        """Bearer key and the API version every call must name."""
        return {"Authorization": f"Bearer {key}", "X-Runway-Version": API_VERSION}

    def settings(self) -> Mapping[str, Any]:
        """The video model changes the clip."""
        return {"model": self.model, "image_model": "gen4_image"}

    def cost(self, request: Request) -> float:
        """Estimated USD: one still plus the asked seconds at the model's rate."""
        clip: ClipRequest = expect(request, ClipRequest, self.name)
        seconds = nearest_duration(clip_seconds(clip), DURATIONS)
        return pricing.RUNWAY_STILL + seconds * pricing.RUNWAY_PER_SECOND.get(self.model, 0.0)

    def _create(self, path: str, body: Mapping[str, Any]) -> str:
        answer = self.json("POST", path, json=body, refusal=policy_refusal)
        if not isinstance(answer, Mapping) or not answer.get("id"):
            raise ProviderError(f"{self.name} answered no task id")
        return str(answer["id"])

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Start the still's task; :meth:`poll` starts the video when the still is done."""
        clip: ClipRequest = expect(request, ClipRequest, self.name)
        still_ratio, _ = _ratios(clip.fmt.width, clip.fmt.height)
        body = {"promptText": clip_prompt(clip), "model": "gen4_image", "ratio": still_ratio}
        return Ticket(self._create("/v1/text_to_image", body), clip, scratch)

    def _task(self, task_id: str) -> Mapping[str, Any]:
        answer = self.json("GET", f"/v1/tasks/{task_id}")
        if not isinstance(answer, Mapping):
            raise ProviderError(f"{self.name} answered an unreadable task")
        return answer

    def poll(self, ticket: Ticket) -> PollResult:
        """Still, then video: done when the video task succeeded; failures name Runway's code."""
        with self._lock:
            video = self._video_task.get(ticket.job_id)
        task = self._task(video or ticket.job_id)
        status = task.get("status")
        if status in RUNNING:
            return PollResult(done=False, wait=POLL_WAIT)
        if status != "SUCCEEDED":
            with self._lock:
                self._video_task.pop(ticket.job_id, None)
            code = str(task.get("failureCode") or "")
            why = task.get("failure") or status or "unknown state"
            kind = "refused (content policy)" if "SAFETY" in code.split(".") else "failed"
            return PollResult(done=False, error=f"{self.name} task {kind}: {why} {code}".strip())
        if video:
            return PollResult(done=True)
        clip: ClipRequest = expect(ticket.request, ClipRequest, self.name)
        _, video_ratio = _ratios(clip.fmt.width, clip.fmt.height)
        body = {
            "promptImage": _first_output(task, self.name), "promptText": clip_prompt(clip),
            "model": self.model, "ratio": video_ratio,
            "duration": nearest_duration(clip_seconds(clip), DURATIONS),
        }  # fmt: skip
        created = self._create("/v1/image_to_video", body)
        with self._lock:
            self._video_task[ticket.job_id] = created
        return PollResult(done=False, wait=POLL_WAIT)

    def locate(self, ticket: Ticket) -> str:
        """The video task's output URL as Runway signs it now."""
        with self._lock:
            video = self._video_task.get(ticket.job_id)
        if video is None:
            raise ProviderError(f"{self.name} has no video task for {ticket.job_id}")
        return _first_output(self._task(video), self.name)


def _first_output(task: Mapping[str, Any], service: str) -> str:
    output = task.get("output")
    if isinstance(output, list) and output and output[0]:
        return str(output[0])
    raise ProviderError(f"{service} task {task.get('id')} has no output")
