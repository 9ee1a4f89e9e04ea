"""What every cloud adapter shares: its key, its HTTP client, fresh-URL downloads and probes.

An adapter subclasses :class:`CloudProvider` and writes ``submit``, ``poll`` and
``locate`` (the current result URL of a finished job, asked again whenever a URL
has expired or a transfer broke off). Synchronous APIs (speech, some images)
answer the result in ``submit``; they store it in the ticket's scratch directory
and :meth:`CloudProvider.download` copies it.
"""

from __future__ import annotations

import shutil
import uuid
import wave
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.media.ffmpeg import FFmpeg
from vividverse_desktop.media.probe import MediaInfo, ProbeError, probe
from vividverse_desktop.providers import keys
from vividverse_desktop.providers.cloud.http import ServiceClient
from vividverse_desktop.providers.contract import (
    ClipRequest,
    ImageRequest,
    Modality,
    PollResult,
    ProviderError,
    Request,
    Ticket,
    VoiceRequest,
)
from vividverse_desktop.providers.retry import RetryPolicy, with_retries

DEFAULT_POLICY = RetryPolicy(attempts=5, base=1.0, cap=60.0)


class CloudProvider:
    """Shared machinery; subclasses set the class attributes and the job methods."""

    name: str
    modality: Modality
    version: str = "1"
    base_url: str
    key_check: str | None = None
    """A free, authenticated GET (a path under ``base_url``) that tells whether a key
    works, where the service has one; None: the key is first used by a render."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        http: httpx.Client | None = None,
        policy: RetryPolicy = DEFAULT_POLICY,
        sleep: Callable[[float], None] | None = None,
        ffmpeg: FFmpeg | None = None,
    ) -> None:
        self._key = api_key
        self.url = (base_url or self.base_url).rstrip("/")
        self.policy = policy
        self.sleep = sleep
        self._ffmpeg = ffmpeg
        self.client = ServiceClient(self.name, headers=self._auth, http=http)

    # -- keys and HTTP -------------------------------------------------------------------

    def key(self) -> str:
        """The API key: given, else keyring, else ``VIVIDVERSE_<NAME>_API_KEY``."""
        found = self._key or keys.api_key(self.name)
        if not found:
            raise ProviderError(f"no API key for {self.name}: {keys.where_to_put(self.name)}")
        return found

    def has_key(self) -> bool:
        """Whether a key is at hand, without using it (see :func:`keys.missing_keys`)."""
        return bool(self._key or keys.api_key(self.name))

    def auth_headers(self, key: str) -> dict[str, str]:
        """Headers that carry ``key``; Bearer unless the service says otherwise."""
        return {"Authorization": f"Bearer {key}"}

    def check_key(self, key: str, *, timeout: float = 10.0) -> None:
        """Ask the service whether ``key`` works (no job, no charge).

        Raises :class:`ProviderError` with a sentence for the person: refused, no such
        call for this service, or the service could not be reached.
        """
        if self.key_check is None:
            raise ProviderError(
                f"{self.name} has no free call to check a key with; it is checked on the "
                "first render"
            )
        try:
            with httpx.Client(timeout=timeout, trust_env=False) as http:
                answer = http.get(f"{self.url}{self.key_check}", headers=self.auth_headers(key))
        except httpx.HTTPError as exc:
            raise ProviderError(f"could not reach {self.name} to check the key: {exc}") from exc
        if answer.status_code in (401, 403):
            raise ProviderError(
                f"{self.name} refused this key (HTTP {answer.status_code}): check it was "
                "copied whole and is active"
            )
        if answer.status_code >= 400:
            raise ProviderError(
                f"{self.name} answered HTTP {answer.status_code} to the key check; try again later"
            )

    def _auth(self) -> Mapping[str, str]:
        return self.auth_headers(self.key())

    def close(self) -> None:
        """Release HTTP connections; the provider stays usable (a new pool is made on use)."""
        self.client.close()

    def retried(self, call: Callable[[], Any]) -> Any:
        """``call()`` under this provider's retry policy (429 waits, 5xx backoff)."""
        return with_retries(call, self.policy, sleep=self.sleep)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """A retried request whose answer is JSON; ``path`` may be absolute."""
        url = path if path.startswith("http") else f"{self.url}{path}"
        return self.retried(lambda: self.client.call(method, url, **kwargs).json())

    @property
    def ffmpeg(self) -> FFmpeg:
        """The FFmpeg used to probe results (bundled unless given)."""
        if self._ffmpeg is None:
            self._ffmpeg = FFmpeg()
        return self._ffmpeg

    # -- the contract ----------------------------------------------------------------------

    def settings(self) -> Mapping[str, Any]:
        """Settings that change the output; subclasses add their model and options."""
        return {}

    def cost(self, request: Request) -> float:
        """The estimated price of ``request`` in USD (each adapter has its table)."""
        raise NotImplementedError

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Start the job (each adapter speaks its service's protocol)."""
        raise NotImplementedError

    def poll(self, ticket: Ticket) -> PollResult:
        """The job's state (each adapter reads its service's states)."""
        raise NotImplementedError

    def locate(self, ticket: Ticket) -> str:
        """The result URL of a finished job, asked of the service now (so never stale)."""
        raise ProviderError(f"{self.name} keeps its results in the ticket")

    def download(self, ticket: Ticket, part: Path, cancel: CancelToken | None) -> None:
        """Move a stored result into ``part``, or fetch the job's URL (re-asked if it expired).

        A truncated transfer or an expired URL is retried with a freshly located URL,
        within the retry policy.
        """
        stored = ticket.data.get("stored")
        if stored:
            shutil.move(stored, part)
            return
        self.retried(lambda: self.client.download(self.locate(ticket), part, cancel))

    def verify(self, path: Path, request: Request) -> float:
        """Probe the file: video for clips, a picture for stills, audio for lines (seconds).

        WAV lines are measured exactly from their header; everything else by FFmpeg.
        """
        if isinstance(request, VoiceRequest) and _head(path) == b"RIFF":
            return _wav_seconds(self.name, path)
        try:
            info = probe(path, ffmpeg=self.ffmpeg)
        except ProbeError as error:
            raise ProviderError(
                f"{self.name}'s result is not readable media: {error.message}", retryable=True
            ) from error
        return _check(self.name, info, request)

    # -- helpers for subclasses --------------------------------------------------------

    def store(self, request: Request, scratch: Path, payload: bytes, suffix: str) -> Ticket:
        """Keep a synchronous answer in ``scratch`` (atomically) and ticket it as done."""
        job = uuid.uuid4().hex
        target = scratch / f"{self.name}-{job}{suffix}"
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_bytes(payload)
        temporary.replace(target)
        return Ticket(job, request, scratch, {"stored": str(target)})


def _wav_seconds(service: str, path: Path) -> float:
    try:
        with wave.open(str(path), "rb") as reader:
            frames, rate = reader.getnframes(), reader.getframerate()
    except (wave.Error, EOFError) as error:
        raise ProviderError(f"{service}'s speech is not a readable WAV: {error}") from error
    if frames == 0:
        raise ProviderError(f"{service}'s speech has no samples")
    return frames / rate


def _check(service: str, info: MediaInfo, request: Request) -> float:
    if isinstance(request, VoiceRequest):
        if not info.audio or not info.duration:
            raise ProviderError(f"{service}'s speech has no audio")
        return info.duration
    if not info.video or info.video[0].width <= 0:
        raise ProviderError(f"{service}'s result has no picture")
    if isinstance(request, ImageRequest):
        return 0.0
    if not info.duration:
        raise ProviderError(f"{service}'s clip has no duration")
    return info.duration


def expect(request: Request, kind: type[ClipRequest] | type[ImageRequest] | type[VoiceRequest],
           service: str) -> Any:  # fmt: skip
    """``request`` if it is of ``kind``, else a ProviderError naming what the service makes."""
    if not isinstance(request, kind):
        raise ProviderError(f"{service} makes {kind.__name__}s, not {type(request).__name__}")
    return request


def _head(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(4)
