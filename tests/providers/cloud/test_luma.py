"""Luma Dream Machine against a fake of its documented generations API on loopback."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.providers.cloud.conftest import FAST, Media
from tests.providers.cloud.fake import FakeService, Reply, Seen, json_reply
from vividverse_desktop.providers.cloud.http import KeyRejected
from vividverse_desktop.providers.cloud.luma import LumaVideo
from vividverse_desktop.providers.contract import ClipRequest, ProviderError, fetch

KEY = "luma-test-key"
GENERATIONS = "/dream-machine/v1/generations"
MODELS = ("ray-1-6", "ray-2", "ray-flash-2")
RATIOS = ("1:1", "16:9", "9:16", "4:3", "3:4", "21:9", "9:21")
EXPIRED = Reply(403, b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message>"
                     b"</Error>", {"Content-Type": "application/xml"})  # fmt: skip


class FakeLuma:
    """Generations go queued -> dreaming -> completed over polls; each read signs a new URL."""

    def __init__(self, service: FakeService, media: Media, fail_with: str | None = None) -> None:
        self.generations: dict[str, dict[str, object]] = {}
        self.polls: dict[str, int] = {}
        self.signed = itertools.count(1)
        self.fail_with = fail_with
        self.media = media
        self.base = service.url
        self.service = service
        service.route("POST", GENERATIONS)(self.create)
        service.route("GET", GENERATIONS + r"/(?P<id>[\w-]+)")(self.read)
        service.route("GET", r"/cdn/(?P<id>[\w-]+)\.mp4")(self.video)

    def create(self, seen: Seen, match: re.Match[str]) -> Reply:
        if seen.headers.get("authorization") != f"Bearer {KEY}":
            return json_reply({"detail": "Invalid API key"}, 401)
        body = seen.json()
        if (body.get("model") not in MODELS or body.get("duration") not in ("5s", "9s")
                or body.get("aspect_ratio") not in RATIOS
                or body.get("resolution") not in ("540p", "720p", "1080p", "4k")):  # fmt: skip
            return json_reply({"detail": "Invalid request"}, 400)
        gid = f"gen-{len(self.generations) + 1}"
        self.generations[gid] = {"id": gid, "generation_type": "video", "state": "queued",
                                 "failure_reason": None, "assets": None,
                                 "request": body}  # fmt: skip
        self.polls[gid] = 0
        return json_reply(self.generations[gid], 201)

    def read(self, seen: Seen, match: re.Match[str]) -> Reply:
        generation = self.generations[match["id"]]
        self.polls[match["id"]] += 1
        polls = self.polls[match["id"]]
        if polls >= 3 and self.fail_with:
            generation.update(state="failed", failure_reason=self.fail_with)
        elif polls >= 3:
            url = f"{self.base}/cdn/{match['id']}.mp4?signature={next(self.signed)}"
            generation.update(state="completed", assets={"video": url})
        elif polls == 2:
            generation["state"] = "dreaming"
        return json_reply(generation)

    def video(self, seen: Seen, match: re.Match[str]) -> Reply:
        return Reply(200, self.media.mp4, {"Content-Type": "video/mp4"})


@pytest.fixture
def luma(service: FakeService, media: Media) -> FakeLuma:
    """The fake Luma API on the fake service."""
    return FakeLuma(service, media)


@pytest.fixture
def make(service: FakeService, waits: list[float], http: httpx.Client) -> Callable[..., LumaVideo]:
    """Luma adapters pointed at the fake, with fast retries and recorded waits."""

    def build(key: str | None = KEY) -> LumaVideo:
        return LumaVideo(api_key=key, base_url=service.url, policy=FAST, sleep=waits.append,
                         http=http)  # fmt: skip

    return build


def test_a_scene_becomes_a_probed_clip(
    tmp_path: Path,
    luma: FakeLuma,
    clip: ClipRequest,
    make: Callable[..., LumaVideo],
) -> None:
    """Submit, poll through queued and dreaming, download: a probed one-second H.264 clip."""
    polled: list[float] = []
    asset = fetch(make(), clip, tmp_path / "c.mp4", scratch=tmp_path / "s",
                  sleep=polled.append)  # fmt: skip
    assert asset.path.read_bytes() == luma.media.mp4
    assert asset.seconds == pytest.approx(1.0, abs=0.05)
    assert polled == [3.0, 3.0]
    assert list(tmp_path.glob("*.part")) == []


def test_the_request_follows_the_documented_body(
    tmp_path: Path,
    luma: FakeLuma,
    clip: ClipRequest,
    make: Callable[..., LumaVideo],
) -> None:
    """Prompt from the scene, ray-2, 16:9 for 1280x720 and the shortest duration covering 4 s."""
    fetch(make(), clip, tmp_path / "c.mp4", scratch=tmp_path,
          sleep=lambda s: None)  # fmt: skip
    body = luma.generations["gen-1"]["request"]
    assert isinstance(body, dict)
    assert body["prompt"].startswith("EXT. PIER - NIGHT")
    assert (body["model"], body["aspect_ratio"], body["duration"]) == ("ray-2", "16:9", "5s")


def test_cost_is_the_estimated_price_of_the_requested_seconds(clip: ClipRequest) -> None:
    """Five seconds of ray-2 at the table's per-second price."""
    from vividverse_desktop.providers.cloud.pricing import LUMA_PER_SECOND

    assert LumaVideo(api_key=KEY).cost(clip) == pytest.approx(5 * LUMA_PER_SECOND["ray-2"])


def test_a_429_waits_the_retry_after_then_succeeds(
    tmp_path: Path,
    luma: FakeLuma,
    clip: ClipRequest,
    waits: list[float],
    make: Callable[..., LumaVideo],
) -> None:
    """A rate-limited submit waits exactly what Retry-After asked, then goes through."""
    slow_down = json_reply({"detail": "Too many requests"}, 429, {"Retry-After": "7"})
    luma.service.fail("POST", GENERATIONS, slow_down)
    fetch(make(), clip, tmp_path / "c.mp4", scratch=tmp_path,
          sleep=lambda s: None)  # fmt: skip
    assert waits == [7.0]
    assert len(luma.service.calls("POST", GENERATIONS)) == 2


def test_server_errors_are_retried(
    tmp_path: Path,
    luma: FakeLuma,
    clip: ClipRequest,
    waits: list[float],
    make: Callable[..., LumaVideo],
) -> None:
    """Two 5xx answers while polling are retried with backoff; the clip still arrives."""
    luma.service.fail("GET", GENERATIONS, json_reply({"detail": "upstream"}, 502),
                      json_reply({"detail": "busy"}, 503))  # fmt: skip
    asset = fetch(make(), clip, tmp_path / "c.mp4", scratch=tmp_path,
                  sleep=lambda s: None)  # fmt: skip
    assert asset.path.is_file()
    assert len(waits) == 2


def test_a_failed_generation_reports_lumas_reason(
    tmp_path: Path,
    service: FakeService,
    media: Media,
    clip: ClipRequest,
    make: Callable[..., LumaVideo],
) -> None:
    """state=failed is an error carrying failure_reason; no file is left."""
    FakeLuma(service, media, fail_with="prompt not allowed")
    with pytest.raises(ProviderError, match="prompt not allowed"):
        fetch(make(), clip, tmp_path / "c.mp4", scratch=tmp_path,
              sleep=lambda s: None)  # fmt: skip
    assert list(tmp_path.glob("c.mp4*")) == []


def test_an_expired_video_url_is_replaced_by_a_fresh_one(
    tmp_path: Path,
    luma: FakeLuma,
    clip: ClipRequest,
    make: Callable[..., LumaVideo],
) -> None:
    """A 403 from the video URL makes the adapter read the generation again for a new URL."""
    luma.service.fail("GET", "/cdn/", EXPIRED)
    asset = fetch(make(), clip, tmp_path / "c.mp4", scratch=tmp_path,
                  sleep=lambda s: None)  # fmt: skip
    downloads = luma.service.calls("GET", "/cdn/")
    assert len(downloads) == 2
    assert asset.path.read_bytes() == luma.media.mp4
    assert len(luma.service.calls("GET", GENERATIONS)) == 5  # 3 polls + a URL per download


def test_a_truncated_download_is_fetched_again(
    tmp_path: Path,
    luma: FakeLuma,
    clip: ClipRequest,
    make: Callable[..., LumaVideo],
) -> None:
    """A transfer cut short of its Content-Length is retried; the clip is whole."""
    luma.service.fail("GET", "/cdn/", Reply(200, luma.media.mp4, cut=200))
    asset = fetch(make(), clip, tmp_path / "c.mp4", scratch=tmp_path,
                  sleep=lambda s: None)  # fmt: skip
    assert asset.path.read_bytes() == luma.media.mp4
    assert len(luma.service.calls("GET", "/cdn/")) == 2


def test_a_file_that_is_not_video_fails_its_probe_and_leaves_nothing(
    tmp_path: Path,
    luma: FakeLuma,
    clip: ClipRequest,
    make: Callable[..., LumaVideo],
) -> None:
    """A complete download that FFmpeg cannot read is reported, never kept."""
    luma.service.fail("GET", "/cdn/", Reply(200, b"<html>maintenance</html>"))
    with pytest.raises(ProviderError, match="not readable media"):
        fetch(make(), clip, tmp_path / "c.mp4", scratch=tmp_path,
              sleep=lambda s: None)  # fmt: skip
    assert list(tmp_path.glob("c.mp4*")) == []


def test_a_bad_key_is_a_clear_error_not_retried(
    tmp_path: Path,
    luma: FakeLuma,
    clip: ClipRequest,
    make: Callable[..., LumaVideo],
) -> None:
    """401 says the key was rejected and is tried once."""
    with pytest.raises(KeyRejected, match="rejected the API key"):
        fetch(make(key="wrong"), clip, tmp_path / "c.mp4", scratch=tmp_path)
    assert len(luma.service.calls("POST", GENERATIONS)) == 1


def test_the_key_comes_from_the_environment_when_not_given(
    tmp_path: Path, luma: FakeLuma, clip: ClipRequest, make: Callable[..., LumaVideo],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """With no key given and none in the keyring, VIVIDVERSE_LUMA_API_KEY is sent."""
    monkeypatch.setenv("VIVIDVERSE_LUMA_API_KEY", KEY)
    fetch(make(key=None), clip, tmp_path / "c.mp4", scratch=tmp_path,
          sleep=lambda s: None)  # fmt: skip
    assert luma.service.calls("POST", GENERATIONS)[0].headers["authorization"] == f"Bearer {KEY}"


def test_a_missing_key_names_where_to_put_one(
    tmp_path: Path, clip: ClipRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No key anywhere: the error names the keyring entry and the variable."""
    monkeypatch.delenv("VIVIDVERSE_LUMA_API_KEY", raising=False)
    with pytest.raises(ProviderError, match="VIVIDVERSE_LUMA_API_KEY"):
        LumaVideo(base_url="http://127.0.0.1:9").submit(clip, tmp_path)
