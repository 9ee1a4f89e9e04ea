"""Pika and Flux through a fake of fal's queue API (submit, status, response)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

from tests.providers.cloud.conftest import KEY, Media
from tests.providers.cloud.fake import FakeService, Reply, Seen, json_reply
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.providers.cloud.base import CloudProvider
from vividverse_desktop.providers.cloud.fal import FluxImages, PikaVideo
from vividverse_desktop.providers.cloud.http import KeyRejected, OutOfCredits
from vividverse_desktop.providers.cloud.pricing import FAL_PER_VIDEO
from vividverse_desktop.providers.contract import ClipRequest, ImageRequest, ProviderError, fetch

Build = Callable[..., CloudProvider]
PIKA = "/fal-ai/pika/v2.2/text-to-video"
PIKA_RATIOS = ("16:9", "9:16", "1:1", "4:5", "5:4", "3:2", "2:3")
FLUX_SIZES = ("square_hd", "square", "portrait_4_3", "portrait_16_9", "landscape_4_3",
              "landscape_16_9")  # fmt: skip


class FakeFal:
    """IN_QUEUE, IN_PROGRESS, then COMPLETED; ``outcome`` decides what the response holds."""

    def __init__(self, service: FakeService, media: Media) -> None:
        self.service, self.media = service, media
        self.outcome = "ok"
        self.inputs: list[object] = []
        self.statuses: dict[str, int] = {}
        self.signed = itertools.count(1)
        service.route("POST", r"/fal-ai/.+")(self.submit)
        service.route("GET", r"/(?P<app>fal-ai/[\w-]+)/requests/(?P<id>[\w-]+)/status")(self.status)
        service.route("GET", r"/(?P<app>fal-ai/[\w-]+)/requests/(?P<id>[\w-]+)")(self.result)
        service.route("GET", r"/media/(?P<name>[\w.-]+)")(self.file)

    def submit(self, seen: Seen, match: re.Match[str]) -> Reply:
        if seen.headers.get("authorization") != f"Key {KEY}":
            return json_reply({"detail": "Invalid key"}, 401)
        body = seen.json()
        valid = (
            body.get("aspect_ratio") in PIKA_RATIOS and body.get("duration") in (5, 10)
            and body.get("resolution") in ("720p", "1080p")
            if "pika" in seen.path else
            body.get("image_size") in FLUX_SIZES and body.get("output_format") in ("jpeg", "png")
        )  # fmt: skip
        if not valid:
            detail = [{"loc": ["body"], "msg": "Input should be one of the options",
                       "type": "enum"}]  # fmt: skip
            return json_reply({"detail": detail}, 422)
        self.inputs.append(body)
        rid = f"req-{len(self.inputs)}"
        app = "/".join(seen.path.strip("/").split("/")[:2])
        base = f"{self.service.url}/{app}/requests/{rid}"
        self.statuses[rid] = 0
        return json_reply({"request_id": rid, "status_url": f"{base}/status",
                           "response_url": base, "cancel_url": f"{base}/cancel"})  # fmt: skip

    def status(self, seen: Seen, match: re.Match[str]) -> Reply:
        self.statuses[match["id"]] += 1
        n = self.statuses[match["id"]]
        if n == 1:
            return json_reply({"status": "IN_QUEUE", "queue_position": 2}, 202)
        if n == 2:
            return json_reply({"status": "IN_PROGRESS", "logs": []}, 202)
        response_url = f"{self.service.url}{seen.path.removesuffix('/status')}"
        return json_reply({"status": "COMPLETED", "response_url": response_url})

    def result(self, seen: Seen, match: re.Match[str]) -> Reply:
        if self.outcome == "policy":
            detail = [{"loc": ["body", "prompt"], "msg": "The prompt was flagged.",
                       "type": "content_policy_violation"}]  # fmt: skip
            return json_reply({"detail": detail}, 422)
        if self.outcome == "fail":
            return json_reply({"detail": "Generation failed: runner crashed"}, 400)
        url = f"{self.service.url}/media/out-{next(self.signed)}"
        if "pika" in match["app"]:
            return json_reply({"video": {"url": url + ".mp4", "content_type": "video/mp4",
                                         "file_name": "out.mp4", "file_size": 1}})  # fmt: skip
        image = {"url": url + ".png", "width": 64, "height": 36, "content_type": "image/png"}
        return json_reply({"images": [image], "timings": {"inference": 1.0}, "seed": 7,
                           "has_nsfw_concepts": [self.outcome == "nsfw"],
                           "prompt": "p"})  # fmt: skip

    def file(self, seen: Seen, match: re.Match[str]) -> Reply:
        video = match["name"].endswith(".mp4")
        return Reply(200, self.media.mp4 if video else self.media.png)


@pytest.fixture
def fal(service: FakeService, media: Media) -> FakeFal:
    """The fake queue on the fake service."""
    return FakeFal(service, media)


def test_pika_clip_goes_through_the_queue(
    tmp_path: Path, fal: FakeFal, build: Build, clip: ClipRequest
) -> None:
    """Key auth, two pending polls at Pika's wait, then video.url downloaded and probed."""
    polled: list[float] = []
    asset = fetch(build(PikaVideo), clip, tmp_path / "c.mp4", scratch=tmp_path,
                  sleep=polled.append)  # fmt: skip
    assert asset.path.read_bytes() == fal.media.mp4
    assert asset.seconds == pytest.approx(1.0, abs=0.05)
    assert polled == [3.0, 3.0]
    assert fal.inputs[0] == {"prompt": fal.inputs[0]["prompt"], "aspect_ratio": "16:9",  # type: ignore[index]
                             "resolution": "720p", "duration": 5}  # fmt: skip
    assert len(fal.service.calls("POST", PIKA)) == 1


def test_flux_still_reads_the_first_image(
    tmp_path: Path, fal: FakeFal, build: Build, still: ImageRequest
) -> None:
    """images[0].url is the still; the input asks a 16:9 preset in PNG."""
    asset = fetch(build(FluxImages), still, tmp_path / "a.png", scratch=tmp_path,
                  sleep=lambda s: None)  # fmt: skip
    assert asset.path.read_bytes() == fal.media.png
    assert fal.inputs[0] == {"prompt": still.prompt, "image_size": "landscape_16_9",
                             "num_images": 1, "output_format": "png"}  # fmt: skip
    assert asset.seconds == 0.0


def test_a_refused_prompt_is_reported_as_policy(
    tmp_path: Path, fal: FakeFal, build: Build, clip: ClipRequest
) -> None:
    """A 422 content_policy_violation result stops the job with a content-policy error."""
    fal.outcome = "policy"
    with pytest.raises(ProviderError, match="content policy"):
        fetch(build(PikaVideo), clip, tmp_path / "c.mp4", scratch=tmp_path, sleep=lambda s: None)
    assert list(tmp_path.glob("c.mp4*")) == []


def test_a_failed_job_is_reported(
    tmp_path: Path, fal: FakeFal, build: Build, clip: ClipRequest
) -> None:
    """An error result is a ProviderError with fal's detail."""
    fal.outcome = "fail"
    with pytest.raises(ProviderError, match="runner crashed"):
        fetch(build(PikaVideo), clip, tmp_path / "c.mp4", scratch=tmp_path, sleep=lambda s: None)


def test_an_expired_media_url_is_located_again(
    tmp_path: Path, fal: FakeFal, build: Build, clip: ClipRequest
) -> None:
    """A 410 from the media URL re-reads the response for a fresh URL."""
    fal.service.fail("GET", "/media/", Reply(410, b"Gone"))
    asset = fetch(build(PikaVideo), clip, tmp_path / "c.mp4", scratch=tmp_path,
                  sleep=lambda s: None)  # fmt: skip
    paths = [seen.path for seen in fal.service.calls("GET", "/media/")]
    assert len(paths) == 2
    assert paths[0] != paths[1]
    assert asset.path.is_file()


def test_a_429_on_status_waits_as_asked(
    tmp_path: Path, fal: FakeFal, build: Build, clip: ClipRequest, waits: list[float]
) -> None:
    """A rate-limited status poll waits the Retry-After, then polling continues."""
    fal.service.fail("GET", "/fal-ai/pika/requests/",
                     json_reply({"detail": "Rate limited"}, 429, {"Retry-After": "4"}))  # fmt: skip
    fetch(build(PikaVideo), clip, tmp_path / "c.mp4", scratch=tmp_path, sleep=lambda s: None)
    assert waits == [4.0]


def test_a_bad_key_is_rejected(
    tmp_path: Path, fal: FakeFal, build: Build, clip: ClipRequest
) -> None:
    """401 on submit is a KeyRejected."""
    with pytest.raises(KeyRejected):
        fetch(build(PikaVideo, key="wrong"), clip, tmp_path / "c.mp4", scratch=tmp_path)


def test_a_four_by_three_scene_asks_a_ratio_pika_has(
    tmp_path: Path, fal: FakeFal, build: Build, clip: ClipRequest
) -> None:
    """Pika has no 4:3: a 960x720 scene asks the nearest of its seven ratios (5:4)."""
    square = ClipRequest(clip.scene, VideoFormat(960, 720, Fraction(24)), clip.shot_frames)
    fetch(build(PikaVideo), square, tmp_path / "c.mp4", scratch=tmp_path, sleep=lambda s: None)
    assert fal.inputs[0]["aspect_ratio"] == "5:4"  # type: ignore[index]


def test_a_long_scene_asks_ten_seconds_and_costs_two_units(
    tmp_path: Path, fal: FakeFal, build: Build, clip: ClipRequest
) -> None:
    """Over five seconds asks Pika's 10-second clip, priced as two 5-second units."""
    long = ClipRequest(clip.scene, clip.fmt, (24 * 7,))
    asset = fetch(build(PikaVideo), long, tmp_path / "c.mp4", scratch=tmp_path,
                  sleep=lambda s: None)  # fmt: skip
    assert fal.inputs[0]["duration"] == 10  # type: ignore[index]
    assert asset.cost == pytest.approx(2 * FAL_PER_VIDEO["fal-ai/pika/v2.2/text-to-video"])


def test_a_flagged_flux_image_is_refused(
    tmp_path: Path, fal: FakeFal, build: Build, still: ImageRequest
) -> None:
    """has_nsfw_concepts [true] stops the still with a content-policy error, nothing kept."""
    fal.outcome = "nsfw"
    with pytest.raises(ProviderError, match="content policy"):
        fetch(build(FluxImages), still, tmp_path / "a.png", scratch=tmp_path,
              sleep=lambda s: None)  # fmt: skip
    assert list(tmp_path.glob("a.png*")) == []


def test_an_exhausted_balance_is_not_retried(
    tmp_path: Path, fal: FakeFal, build: Build, clip: ClipRequest
) -> None:
    """fal's 403 "Exhausted balance" is OutOfCredits, asked once."""
    fal.service.fail("POST", PIKA, json_reply(
        {"detail": "User is locked. Reason: Exhausted balance. Top up your balance at "
                   "fal.ai/dashboard/billing."}, 403))  # fmt: skip
    with pytest.raises(OutOfCredits):
        fetch(build(PikaVideo), clip, tmp_path / "c.mp4", scratch=tmp_path)
    assert len(fal.service.calls("POST", PIKA)) == 1
