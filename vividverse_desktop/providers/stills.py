"""Any image provider as a video provider: one still per shot, moved or held by FFmpeg.

For a scene clip, :class:`StillsVideo` asks its image provider for one still
per shot (``ImageRequest(prompt, fmt)``, driven by :func:`contract.fetch`, so
each still is probed before it counts), then encodes the stills into the clip
with ``core.pipeline.stills``: each fills the frame without distortion for
exactly its shot's frames, with the shot's camera motion.

Each still is an asset of its own in ``SCRATCH/stills``, named by the hash of
what made it (the image provider's name, version and settings, the prompt and
the frame size). A still found there is used again, never fetched again: when
the encode or a later still fails, or the render is killed, the next attempt
at the clip pays only for the stills it does not have. Shots with the same
prompt share one still.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.cards import Motion
from vividverse_desktop.core.pipeline.plan import Shot, Transition
from vividverse_desktop.core.pipeline.stills import Still, stills_argv
from vividverse_desktop.media.ffmpeg import FFmpeg, FFmpegCancelled, FFmpegError
from vividverse_desktop.providers.clipcheck import verify_clip
from vividverse_desktop.providers.contract import (
    ClipRequest,
    ImageRequest,
    Modality,
    PollResult,
    Provider,
    ProviderCancelled,
    ProviderError,
    Request,
    Ticket,
    fetch,
)

STILLS_VERSION = "1"
"""Changes whenever the same stills would be encoded into a different clip."""

STILLS_FOLDER = "stills"
"""Where, under the scratch directory, the fetched stills are kept."""


@dataclass(frozen=True, slots=True)
class ShotStill:
    """What one shot of a clip needs: the still to ask for, its frames and its motion."""

    request: ImageRequest
    frames: int
    motion: Motion


def _expect_clip(request: Request, name: str) -> ClipRequest:
    if not isinstance(request, ClipRequest):
        raise ProviderError(f"{name} makes scene clips, not {type(request).__name__}")
    if len(request.shot_frames) != len(request.scene.shots):
        raise ProviderError("one frame count per shot is needed")
    return request


def still_prompt(shot: Shot, heading: str) -> str:
    """The still's prompt: the shot's prompt, else its action, else the scene heading."""
    return shot.prompt.strip() or shot.action.strip() or heading


def shot_stills(clip: ClipRequest) -> list[ShotStill]:
    """One still per shot that has frames, in order (shots of zero frames need none)."""
    scene = clip.scene
    return [
        ShotStill(ImageRequest(still_prompt(shot, scene.heading), clip.fmt), frames, shot.motion)
        for shot, frames in zip(scene.shots, clip.shot_frames, strict=True)
        if frames > 0
    ]


def faded(stills: list[Still], clip: ClipRequest) -> list[Still]:
    """The scene's fades on its first and last still (half a second; a dissolve fades too)."""
    if not stills:
        return stills
    group = clip.fmt.keyframe_interval
    scene = clip.scene
    fall = min(group, stills[-1].frames) if scene.transition_out is Transition.FADE else 0
    stills[-1] = replace(stills[-1], fade_out=fall)
    rise = (
        0
        if scene.transition_in is Transition.CUT
        else min(group, stills[0].frames - stills[0].fade_out)
    )
    stills[0] = replace(stills[0], fade_in=rise)
    return stills


class StillsVideo:
    """Scene clips made of stills from an image provider; costs what the stills cost."""

    modality = Modality.VIDEO

    def __init__(
        self,
        images: Provider,
        *,
        ffmpeg: FFmpeg | None = None,
        timeout: float = 600.0,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        if images.modality is not Modality.IMAGE:
            raise ValueError(f"{images.name} is a {images.modality.value} provider, not image")
        self.images = images
        self.name = f"stills:{images.name}"
        self.version = f"{STILLS_VERSION}+{images.name}-{images.version}"
        self._ffmpeg = ffmpeg
        self._timeout = timeout
        self._sleep = sleep
        self._lock = threading.Lock()
        self._busy: dict[str, threading.Lock] = {}

    @property
    def ffmpeg(self) -> FFmpeg:
        """The FFmpeg used (located on first use)."""
        with self._lock:
            if self._ffmpeg is None:
                self._ffmpeg = FFmpeg()
            return self._ffmpeg

    def wrapped(self) -> tuple[Provider, ...]:
        """The image provider (its API key is checked under its own name)."""
        return (self.images,)

    def close(self) -> None:
        """Let go of the image provider's connections, if it keeps any."""
        close = getattr(self.images, "close", None)
        if callable(close):
            close()

    def settings(self) -> Mapping[str, Any]:
        """The image provider's name, version and settings: they change every still."""
        return {
            "images": {
                "name": self.images.name,
                "version": self.images.version,
                "settings": dict(self.images.settings()),
            }
        }

    def cost(self, request: Request) -> float:
        """What the image provider charges for the clip's distinct stills (USD)."""
        clip = _expect_clip(request, self.name)
        unique = {still.request: None for still in shot_stills(clip)}
        return sum(self.images.cost(still) for still in unique)

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Check the request; the stills are fetched in :meth:`download`."""
        clip = _expect_clip(request, self.name)
        if not shot_stills(clip):
            raise ProviderError("a scene clip needs at least one frame")
        return Ticket(uuid.uuid4().hex[:16], clip, scratch)

    def poll(self, ticket: Ticket) -> PollResult:
        """The work happens in :meth:`download`: always ready."""
        return PollResult(done=True)

    def download(self, ticket: Ticket, part: Path, cancel: CancelToken | None) -> None:
        """Fetch each shot's still (or find it kept), then encode the clip at ``part``."""
        clip = _expect_clip(ticket.request, self.name)
        folder = ticket.scratch / STILLS_FOLDER
        stills = faded(
            [
                Still(self.still(shot.request, folder, cancel), shot.frames, shot.motion)
                for shot in shot_stills(clip)
            ],
            clip,
        )
        try:
            self.ffmpeg.run(
                stills_argv(stills, clip.fmt, part, clip.x264),
                timeout=self._timeout,
                cancel=cancel,
            )
        except FFmpegCancelled as error:
            raise ProviderCancelled("cancelled") from error
        except FFmpegError as error:
            raise ProviderError(f"FFmpeg could not encode the stills: {error}") from error

    def still(self, request: ImageRequest, folder: Path, cancel: CancelToken | None) -> Path:
        """The still for ``request`` in ``folder``: kept from before, else fetched now.

        Two scenes asking for the same still at once fetch it once.
        """
        path = folder / f"still-{self.still_key(request)[:24]}.img"
        with self._lock:
            busy = self._busy.setdefault(path.name, threading.Lock())
        with busy:
            if not path.is_file():
                fetch(self.images, request, path, scratch=folder, timeout=self._timeout,
                      cancel=cancel, sleep=self._sleep)  # fmt: skip
        return path

    def still_key(self, request: ImageRequest) -> str:
        """The hex SHA-256 of what makes a still: the image provider, prompt and frame size."""
        facts = {
            "images": self.settings()["images"],
            "prompt": request.prompt,
            "size": [request.fmt.width, request.fmt.height],
        }
        text = json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def verify(self, path: Path, request: Request) -> float:
        """Probe the clip: one H.264 video stream of the requested size."""
        return verify_clip(path, _expect_clip(request, self.name), self.ffmpeg)
