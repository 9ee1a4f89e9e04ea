"""Stability's Stable Image API against a fake of ``/v2beta/stable-image/generate/core``."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.providers.cloud.conftest import HD, KEY, Media
from tests.providers.cloud.fake import FakeService, Reply, Seen, json_reply
from vividverse_desktop.providers.cloud.base import CloudProvider
from vividverse_desktop.providers.cloud.http import ContentRefused
from vividverse_desktop.providers.cloud.stability import StabilityImages
from vividverse_desktop.providers.contract import ImageRequest, fetch

Build = Callable[..., CloudProvider]
CORE = "/v2beta/stable-image/generate/core"


@pytest.fixture
def stability(service: FakeService, media: Media) -> FakeService:
    """Multipart in, image bytes out; 'forbidden' is moderated (403), 'filtered' is flagged."""

    @service.route("POST", CORE)
    def generate(seen: Seen, match: re.Match[str]) -> Reply:
        if seen.headers.get("authorization") != f"Bearer {KEY}":
            return json_reply({"name": "unauthorized", "errors": ["bad key"]}, 401)
        if not seen.headers.get("content-type", "").startswith("multipart/form-data"):
            return json_reply({"name": "bad_request", "errors": ["multipart required"]}, 400)
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
