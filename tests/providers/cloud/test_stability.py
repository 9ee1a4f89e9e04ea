"""Stability's Stable Image API against a fake of ``/v2beta/stable-image/generate/core``."""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

from tests.providers.cloud.conftest import HD, KEY, Media
from tests.providers.cloud.fake import FakeService, Reply, Seen, json_reply
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.providers.cloud.base import CloudProvider
from vividverse_desktop.providers.cloud.http import ContentRefused
from vividverse_desktop.providers.cloud.stability import StabilityImages
from vividverse_desktop.providers.contract import ImageRequest, fetch

Build = Callable[..., CloudProvider]
CORE = "/v2beta/stable-image/generate/core"
RATIOS = {"16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21"}


@pytest.fixture
def stability(service: FakeService, media: Media) -> FakeService:
    """Multipart in, image bytes out; 'forbidden' is moderated (403), 'filtered' is flagged."""

    @service.route("POST", CORE)
    def generate(seen: Seen, match: re.Match[str]) -> Reply:
        if seen.headers.get("authorization") != f"Bearer {KEY}":
            return json_reply({"name": "unauthorized", "errors": ["bad key"]}, 401)
        if not seen.headers.get("content-type", "").startswith("multipart/form-data"):
            return json_reply({"name": "bad_request", "errors": ["multipart required"]}, 400)
        ratio = re.search(rb'name="aspect_ratio"\r\n\r\n([^\r]*)\r\n', seen.body)
        if ratio is None or ratio[1].decode() not in RATIOS:
            return json_reply({"name": "bad_request", "errors": ["aspect_ratio: invalid"]}, 400)
        if b"forbidden" in seen.body:
            errors = ["Your request was flagged by our content moderation system."]
            return json_reply({"name": "content_moderation", "errors": errors}, 403)
        flag = "CONTENT_FILTERED" if b"filtered" in seen.body else "SUCCESS"
        return Reply(200, media.png, {"Content-Type": "image/png", "finish-reason": flag})

    return service


def test_a_still_is_generated_from_a_multipart_form(
    tmp_path: Path, stability: FakeService, build: Build, still: ImageRequest, media: Media
) -> None:
    """The form carries prompt, aspect ratio and PNG output; the image bytes are the asset."""
    asset = fetch(build(StabilityImages), still, tmp_path / "a.png", scratch=tmp_path)
    assert asset.path.read_bytes() == media.png
    seen = stability.calls("POST", CORE)[0]
    assert seen.headers["accept"] == "image/*"
    for field, value in (("prompt", still.prompt), ("aspect_ratio", "16:9"),
                         ("output_format", "png")):  # fmt: skip
        assert f'name="{field}"\r\n\r\n{value}\r\n'.encode() in seen.body
    assert asset.cost == 0.03


def test_moderation_is_a_content_refusal(
    tmp_path: Path, stability: FakeService, build: Build
) -> None:
    """403 content_moderation is a ContentRefused and not retried."""
    with pytest.raises(ContentRefused):
        fetch(build(StabilityImages), ImageRequest("forbidden", HD), tmp_path / "a.png",
              scratch=tmp_path)  # fmt: skip
    assert len(stability.calls("POST", CORE)) == 1


def test_a_filtered_image_is_not_kept(tmp_path: Path, stability: FakeService, build: Build) -> None:
    """finish-reason CONTENT_FILTERED is a refusal even with a 200."""
    with pytest.raises(ContentRefused, match="filtered"):
        fetch(build(StabilityImages), ImageRequest("filtered", HD), tmp_path / "a.png",
              scratch=tmp_path)  # fmt: skip
    assert list(tmp_path.glob("a.png*")) == []


def test_a_four_by_three_frame_asks_a_ratio_stability_has(
    tmp_path: Path, stability: FakeService, build: Build
) -> None:
    """Stability has no 4:3: a 960x720 frame asks the nearest of its nine ratios (5:4)."""
    request = ImageRequest("A lamp.", VideoFormat(960, 720, Fraction(24)))
    fetch(build(StabilityImages), request, tmp_path / "a.png", scratch=tmp_path)
    assert b'name="aspect_ratio"\r\n\r\n5:4\r\n' in stability.calls("POST", CORE)[0].body


def test_a_rate_limit_waits_and_goes_through(
    tmp_path: Path, stability: FakeService, build: Build, still: ImageRequest, waits: list[float]
) -> None:
    """A 429 (over 150 requests in 10 s; no Retry-After documented) is retried after backoff."""
    stability.fail("POST", CORE, json_reply({"name": "rate_limit_exceeded",
                                             "errors": ["slow down"]}, 429))  # fmt: skip
    fetch(build(StabilityImages), still, tmp_path / "a.png", scratch=tmp_path)
    assert len(waits) == 1
    assert len(stability.calls("POST", CORE)) == 2
