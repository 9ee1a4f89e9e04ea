"""Kling (``api-singapore.klingai.com``): text to video, authorised by a short JWT per call.

Kling's API moved from ``api.klingai.com`` to ``api-singapore.klingai.com`` for
servers outside China. Kling issues an access key and a secret key; store them as
one secret ``ACCESS_KEY:SECRET_KEY``. Each call carries ``Authorization: Bearer
<JWT>`` signed HS256 with the secret (``iss`` = access key, ``exp`` 30 minutes on,
``nbf`` 5 seconds back). Answers are ``{code, message, request_id, data}`` (``code`` 0
is success). ``POST /v1/videos/text2video`` answers ``data.task_id``; ``GET
/v1/videos/text2video/{id}`` answers ``task_status`` (``submitted``, ``processing``,
``succeed``, ``failed`` with ``task_status_msg``) and ``task_result.videos[0].url``.

Kling's HTTP codes do not mean what they usually do: a 429 with codes 1100-1104 is an
account problem (in arrears, resource pack used up or expired) that no retry fixes,
while 1302/1303 are real rate and concurrency limits; 401 carries 1000-1004 (bad or
expired token) and 1301 is the content-security policy. :func:`kling_error` reads them.
(Codes 1000-1004 and 1100-1102 were checked against Kling's "General Information" page;
1103-1104 and 1301-1303 are as recalled from the same table.)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import jwt

from vividverse_desktop.providers.cloud import pricing
from vividverse_desktop.providers.cloud.base import CloudProvider, expect
from vividverse_desktop.providers.cloud.http import (
    ContentRefused,
    KeyRejected,
    OutOfCredits,
    policy_refusal,
)
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
from vividverse_desktop.providers.retry import RateLimited, parse_retry_after

DURATIONS = (5, 10)
ASPECT_RATIOS = ("16:9", "9:16", "1:1")
TASKS = "/v1/videos/text2video"
ACCOUNT_CODES = range(1100, 1105)
RATE_CODES = (1302, 1303)
POLICY_CODE = 1301


def kling_error(response: httpx.Response) -> ProviderError | None:
    """The error a Kling answer's business ``code`` stands for; None to use the defaults."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("code"), int):
        return None
    code, said = body["code"], body.get("message") or "no message"
    if 1000 <= code <= 1004:
        return KeyRejected(f"kling rejected the token ({code}): {said}. Check ACCESS:SECRET.")
    if code in ACCOUNT_CODES:
        return OutOfCredits(f"kling account problem ({code}): {said}. Top up or renew the pack.")
    if code == POLICY_CODE:
        return ContentRefused(f"kling refused the request (content policy, {code}): {said}")
    if code in RATE_CODES:
        wait = parse_retry_after(response.headers.get("Retry-After"))
        return RateLimited(f"kling is rate limiting ({code}): {said}", wait)
    return None


def kling_token(key: str, now: float | None = None) -> str:
    """The JWT for ``ACCESS:SECRET``: HS256, ``iss`` access key, valid 30 min from 5 s ago."""
    access, sep, secret = key.partition(":")
    if not sep or not access or not secret:
        raise ProviderError("a Kling key is stored as ACCESS_KEY:SECRET_KEY")
    issued = int(time.time() if now is None else now)
    claims = {"iss": access, "exp": issued + 1800, "nbf": issued - 5}
    return jwt.encode(claims, secret, algorithm="HS256", headers={"typ": "JWT"})


class KlingVideo(CloudProvider):
    """Scene clips from Kling's text-to-video; cost per second (an estimate)."""

    name = "kling"
    modality = Modality.VIDEO
    base_url = "https://api-singapore.klingai.com"
    model = "kling-v1"
    mode = "std"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.client.interpret = kling_error

    def auth_headers(self, key: str) -> dict[str, str]:
        """A fresh JWT signed with the secret half of the key."""
        return {"Authorization": f"Bearer {kling_token(key)}"}

    def settings(self) -> Mapping[str, Any]:
        """Model and mode change the clip."""
        return {"model_name": self.model, "mode": self.mode}

    def cost(self, request: Request) -> float:
        """Estimated USD for the asked seconds."""
        clip: ClipRequest = expect(request, ClipRequest, self.name)
        return nearest_duration(clip_seconds(clip), DURATIONS) * pricing.KLING_PER_SECOND.get(
            self.model, 0.0
        )

    def _data(self, answer: Any) -> Mapping[str, Any]:
        if not isinstance(answer, Mapping) or answer.get("code") != 0:
            said = answer.get("message") if isinstance(answer, Mapping) else answer
            raise ProviderError(f"{self.name} answered an error: {said}")
        data = answer.get("data")
        if not isinstance(data, Mapping):
            raise ProviderError(f"{self.name} answered no data")
        return data

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Create the text-to-video task."""
        clip: ClipRequest = expect(request, ClipRequest, self.name)
        body = {
            "model_name": self.model, "mode": self.mode, "prompt": clip_prompt(clip, 2500),
            "aspect_ratio": aspect_ratio(clip.fmt.width, clip.fmt.height, ASPECT_RATIOS),
            "duration": str(nearest_duration(clip_seconds(clip), DURATIONS)),
        }  # fmt: skip
        data = self._data(self.json("POST", TASKS, json=body, refusal=policy_refusal))
        return Ticket(str(data["task_id"]), clip, scratch)

    def _task(self, ticket: Ticket) -> Mapping[str, Any]:
        return self._data(self.json("GET", f"{TASKS}/{ticket.job_id}"))

    def poll(self, ticket: Ticket) -> PollResult:
        """succeed, failed (with Kling's message) or ask again."""
        task = self._task(ticket)
        status = task.get("task_status")
        if status == "succeed":
            return PollResult(done=True)
        if status == "failed":
            why = task.get("task_status_msg") or "no reason given"
            return PollResult(done=False, error=f"{self.name} task failed: {why}")
        return PollResult(done=False, wait=5.0)

    def locate(self, ticket: Ticket) -> str:
        """The task's first video URL, read now."""
        result = self._task(ticket).get("task_result") or {}
        videos = result.get("videos") if isinstance(result, Mapping) else None
        if isinstance(videos, list) and videos and isinstance(videos[0], Mapping):
            return str(videos[0]["url"])
        raise ProviderError(f"{self.name} task {ticket.job_id} has no video")
