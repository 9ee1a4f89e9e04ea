"""Fixtures for cloud adapters: a fake service on loopback and tiny real media made by FFmpeg."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

import httpx
import pytest

from tests.providers.cloud.fake import FakeService
from tests.providers.cloud.media import Media, make_media
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.plan import build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.providers.cloud.base import CloudProvider
from vividverse_desktop.providers.contract import ClipRequest, ImageRequest, VoiceRequest
from vividverse_desktop.providers.retry import RetryPolicy

FAST = RetryPolicy(attempts=4, base=0.001, cap=0.002)
"""Real retries with waits too short to notice (sleep is injected anyway)."""


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> Media:
    """Made once per session with the bundled FFmpeg."""
    return make_media(tmp_path_factory.mktemp("media"))


@pytest.fixture
def service() -> Iterator[FakeService]:
    """A fake service listening on 127.0.0.1 (a free port), stopped after the test."""
    fake = FakeService().start()
    yield fake
    fake.stop()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """The HTTP client adapters use in a test, closed after it."""
    with httpx.Client(timeout=httpx.Timeout(5.0)) as client:
        yield client


@pytest.fixture
def waits() -> list[float]:
    """Where injected sleeps record how long they were asked to wait."""
    return []


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys come from the test, never from the machine's keyring."""
    import keyring

    monkeypatch.setattr(keyring, "get_password", lambda service, user: None)


SCRIPT = """\
EXT. PIER - NIGHT

Fog. MARA waits.

MARA
He's late.
"""

HD = VideoFormat(1280, 720, Fraction(24))


@pytest.fixture(scope="session")
def clip() -> ClipRequest:
    """A four-second 720p clip request for the one scene of SCRIPT."""
    scene = build_plan(parse(SCRIPT)).scenes[0]
    frames = [96 // len(scene.shots)] * len(scene.shots)
    frames[-1] += 96 - sum(frames)
    return ClipRequest(scene, HD, tuple(frames))


@pytest.fixture(scope="session")
def still() -> ImageRequest:
    """A 720p still of a pier at night."""
    return ImageRequest("A fog-bound pier at night, one lamp.", HD)


@pytest.fixture(scope="session")
def line() -> VoiceRequest:
    """Mara's line."""
    return VoiceRequest("He's late.", "MARA", "nova")


KEY = "test-key"


@pytest.fixture
def build(
    service: FakeService, waits: list[float], http: httpx.Client
) -> Callable[..., CloudProvider]:
    """``build(Adapter, key=...)``: an adapter aimed at the fake, fast retries, waits recorded."""

    def make(kind: type[CloudProvider], key: str | None = KEY, **options: Any) -> CloudProvider:
        return kind(api_key=key, base_url=service.url, policy=FAST, sleep=waits.append, http=http,
                    **options)  # fmt: skip

    return make
