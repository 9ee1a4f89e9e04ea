"""Shared pieces for render tests: a short script, a tiny format, counting providers, a priced
cloud voice (OpenAI speech against its fake on loopback)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.providers.cloud.fake import FakeService
from tests.providers.cloud.media import make_media
from tests.providers.cloud.openai_fake import serve_openai
from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.providers.cloud.openai_speech import OpenAISpeech
from vividverse_desktop.providers.contract import PollResult, Provider, Request, Ticket
from vividverse_desktop.render.engine import RenderSettings

SCRIPT = """\
Title: Pier Nine

EXT. PIER - NIGHT

Fog rolls in. MARA waits under a lamp.

MARA
He's late.

INT. HARBOUR OFFICE - DAY

JONAS sorts manifests. The radio crackles.

JONAS
Nobody ships fish at midnight.

MARA
Somebody does.

EXT. ROAD - DAWN

An empty road. A van disappears over the hill.
"""

TINY = VideoFormat(160, 90, Fraction(12))


def tiny_settings(jobs: int = 2) -> RenderSettings:
    """160x90 at 12 fps, mono audio: real FFmpeg, instant."""
    return RenderSettings(fmt=TINY, jobs=jobs, audio_channels=1, audio_bitrate="64k")


class Counting:
    """Wraps a provider, counting downloads and the most running at once."""

    def __init__(self, inner: Provider, fail_on: str | None = None) -> None:
        self.inner = inner
        self.name, self.modality, self.version = inner.name, inner.modality, inner.version
        self.calls: list[Request] = []
        self.running = 0
        self.peak = 0
        self.fail_on = fail_on
        self._lock = threading.Lock()

    def settings(self) -> Mapping[str, Any]:
        return self.inner.settings()

    def cost(self, request: Request) -> float:
        return self.inner.cost(request)

    def cast(self, speakers: tuple[str, ...]) -> dict[str, str]:
        cast: dict[str, str] = self.inner.cast(speakers)  # type: ignore[attr-defined]
        return cast

    def submit(self, request: Request, scratch: Path) -> Ticket:
        return self.inner.submit(request, scratch)

    def poll(self, ticket: Ticket) -> PollResult:
        return self.inner.poll(ticket)

    def download(self, ticket: Ticket, part: Path, cancel: CancelToken | None) -> None:
        with self._lock:
            self.calls.append(ticket.request)
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            text = repr(ticket.request)
            if self.fail_on is not None and self.fail_on in text:
                raise RuntimeError(f"upstream refused: {self.fail_on}")
            self.inner.download(ticket, part, cancel)
        finally:
            with self._lock:
                self.running -= 1

    def verify(self, path: Path, request: Request) -> float:
        return self.inner.verify(path, request)


OPENAI_KEY = "render-test-key"


@pytest.fixture
def fake_openai(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeService]:
    """OpenAI's speech endpoint on 127.0.0.1, accepting ``Bearer KEY``."""
    service = serve_openai(
        FakeService().start(), make_media(tmp_path_factory.mktemp("m")), OPENAI_KEY
    )
    yield service
    service.stop()


@pytest.fixture
def openai_voice(fake_openai: FakeService) -> Iterator[OpenAISpeech]:
    """OpenAI speech aimed at the fake (it charges per character, as the real one)."""
    with httpx.Client(timeout=httpx.Timeout(5.0)) as http:
        yield OpenAISpeech(api_key=OPENAI_KEY, base_url=fake_openai.url, http=http)
