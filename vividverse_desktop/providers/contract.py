"""The one contract every image, video and voice provider follows: submit -> poll -> download.

A provider turns a request into a ticket (:meth:`Provider.submit`), reports when
the ticket is done (:meth:`Provider.poll`, which may ask to be asked again later),
then writes the asset to a ``.part`` file (:meth:`Provider.download`) that
:meth:`Provider.verify` probes before :func:`fetch` renames it into place. Nothing
counts as an asset until it has been probed. Local providers do their work in
``download``; cloud providers upload in ``submit`` and fetch a URL in ``download``.

Cancelling: :func:`fetch` takes the one :class:`CancelToken`, waits between polls
with it, passes it to ``download`` and makes it the current token
(:func:`current_cancel`) while the provider works, so a provider's own waits
(retry back-off, a 429's Retry-After) wake the moment it is cancelled without the
protocol's ``submit``/``poll`` taking a token argument.
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from vividverse_desktop.core.cancel import Cancelled, CancelToken
from vividverse_desktop.core.pipeline.ffmpeg_args import X264, VideoFormat
from vividverse_desktop.core.pipeline.plan import PlanScene


class Modality(enum.StrEnum):
    """What a provider makes: a still per shot, a clip per scene, or a voice line."""

    IMAGE = "image"
    VIDEO = "video"
    VOICE = "voice"


class ProviderError(RuntimeError):
    """A provider could not make an asset; ``retryable`` errors may succeed when retried."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class ProviderCancelled(ProviderError):
    """The caller cancelled while the provider was working."""


@dataclass(frozen=True, slots=True)
class ClipRequest:
    """A scene clip of exactly ``sum(shot_frames)`` frames of ``fmt``, video only."""

    scene: PlanScene
    fmt: VideoFormat
    shot_frames: tuple[int, ...]
    x264: X264 = field(default_factory=X264)
    before: PlanScene | None = None
    """The scene this one dissolves from (its last shot), when it opens on a dissolve."""
    cast: tuple[str, ...] = ()
    """The film's characters in order of first appearance (``plan.film_cast``): a
    provider that draws characters' marks (:attr:`StoryboardCards.draws_marks`) gives
    each the mark of its place in it."""


@dataclass(frozen=True, slots=True)
class ImageRequest:
    """A still for one shot, at least ``fmt``'s size."""

    prompt: str
    fmt: VideoFormat


@dataclass(frozen=True, slots=True)
class VoiceRequest:
    """A spoken line in a provider voice id (from :meth:`VoiceProvider.cast`)."""

    text: str
    speaker: str
    voice: str


Request = ClipRequest | ImageRequest | VoiceRequest


@dataclass(frozen=True, slots=True)
class Ticket:
    """A submitted request: the provider's job id and what it needs to finish the job."""

    job_id: str
    request: Request
    scratch: Path
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PollResult:
    """A ticket's state: ``done``, or ask again after ``wait`` seconds; ``error`` if it failed."""

    done: bool
    wait: float = 1.0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Asset:
    """A finished, probed asset: its file, what it cost (USD) and how long it plays."""

    path: Path
    cost: float
    seconds: float


@runtime_checkable
class Provider(Protocol):
    """Anything that makes assets: the contract the engine and the registry rely on.

    ``name`` is the registry name, ``version`` changes whenever the same request
    would give a different asset (it is part of every asset hash).
    """

    name: str
    modality: Modality
    version: str

    def settings(self) -> Mapping[str, Any]:
        """Settings that change the output (hashed with each request); JSON-able."""
        ...

    def cost(self, request: Request) -> float:
        """The price of one request in USD (0 for local providers)."""
        ...

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Start making the asset; ``scratch`` is a directory the provider may write to."""
        ...

    def poll(self, ticket: Ticket) -> PollResult:
        """Whether the ticket is done (or failed, or when to ask again)."""
        ...

    def download(self, ticket: Ticket, part: Path, cancel: CancelToken | None) -> None:
        """Write the finished asset to ``part`` (a ``.part`` path the caller renames)."""
        ...

    def verify(self, path: Path, request: Request) -> float:
        """Probe the written asset; its duration in seconds, or raise ProviderError."""
        ...


@runtime_checkable
class VoiceProvider(Provider, Protocol):
    """A voice provider also casts: one voice id per speaker, distinct where it can."""

    def cast(self, speakers: tuple[str, ...]) -> dict[str, str]:
        """A voice id for every speaker, deterministic for the same speakers."""
        ...


def part_path(output: Path) -> Path:
    """Where an asset is written before it counts: ``NAME.<unique>.part`` next to ``output``.

    Unique per call, so a writer orphaned by a killed render (FFmpeg runs in its own
    process group and outlives a kill -9 of its parent) never shares a file with
    the resumed render.
    """
    return output.with_name(f"{output.name}.{uuid.uuid4().hex[:12]}.part")


_CURRENT: contextvars.ContextVar[CancelToken | None] = contextvars.ContextVar(
    "vividverse_provider_cancel", default=None
)


def current_cancel() -> CancelToken | None:
    """The token of the :func:`fetch` running on this thread (None outside one)."""
    return _CURRENT.get()


@contextlib.contextmanager
def cancel_scope(cancel: CancelToken | None) -> Iterator[None]:
    """Make ``cancel`` the current token for the provider calls inside the block."""
    mark = _CURRENT.set(cancel)
    try:
        yield
    finally:
        _CURRENT.reset(mark)


def fetch(
    provider: Provider,
    request: Request,
    output: Path,
    *,
    scratch: Path,
    timeout: float = 600.0,
    cancel: CancelToken | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Asset:
    """Drive one request through submit -> poll -> download -> verify -> rename.

    The asset appears at ``output`` only once verified; a failure leaves no
    ``output`` and no ``.part``. Raises :class:`ProviderError` (its subclass
    :class:`ProviderCancelled` on cancel, at once even mid-wait; a timeout after
    ``timeout`` seconds). ``sleep`` replaces the waits between polls (tests).
    """
    token = cancel or CancelToken()
    wait = sleep or token.sleep
    deadline = time.monotonic() + timeout
    scratch.mkdir(parents=True, exist_ok=True)
    part = part_path(output)
    try:
        with cancel_scope(token):
            ticket = provider.submit(request, scratch)
            while True:
                token.check()
                state = provider.poll(ticket)
                if state.error is not None:
                    raise ProviderError(state.error)
                if state.done:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ProviderError(f"no result within {timeout:g} s", retryable=True)
                wait(min(max(0.0, state.wait), remaining))
            token.check()
            provider.download(ticket, part, token)
            token.check()
            if not part.is_file():
                raise ProviderError("the provider wrote no file")
            seconds = provider.verify(part, request)
            os.replace(part, output)
    except Cancelled as error:
        part.unlink(missing_ok=True)
        raise ProviderCancelled(str(error) or "cancelled") from error
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return Asset(output, provider.cost(request), seconds)
