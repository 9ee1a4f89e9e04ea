"""Flux from BFL's API against a fake of its submit / polling_url protocol."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.providers.cloud.conftest import KEY, Media
from tests.providers.cloud.fake import FakeService, Reply, Seen, json_reply
from vividverse_desktop.providers.cloud.base import CloudProvider
from vividverse_desktop.providers.cloud.bfl import BflFlux, flux_size
from vividverse_desktop.providers.cloud.http import KeyRejected, OutOfCredits
from vividverse_desktop.providers.contract import ImageRequest, ProviderError, fetch

Build = Callable[..., CloudProvider]


class FakeBfl:
    """Pending once, then Ready with a sample URL (or ``final`` status instead)."""

    def __init__(self, service: FakeService, media: Media) -> None:
        self.service, self.media = service, media
        self.final = "Ready"
        self.reads = 0
        self.body: dict[str, object] = {}
        service.route("POST", r"/v1/flux-pro-1\.1")(self.submit)
        service.route("GET", "/eu1/v1/get_result")(self.result)
        service.route("GET", r"/samples/(?P<n>\d+)\.png")(self.sample)

    def submit(self, seen: Seen, match: re.Match[str]) -> Reply:
        if seen.headers.get("x-key") != KEY:
            return json_reply({"detail": "Not authenticated"}, 403)
        body = seen.json()
        sides = (body.get("width"), body.get("height"))
        if (not all(isinstance(v, int) and 256 <= v <= 1440 and v % 32 == 0 for v in sides)
                or body.get("output_format") not in ("jpeg", "png")):  # fmt: skip
            detail = [{"loc": ["body", "width"], "msg": "invalid", "type": "value_error"}]
            return json_reply({"detail": detail}, 422)
        self.body = body
        polling = f"{self.service.url}/eu1/v1/get_result?id=r1"
        return json_reply({"id": "r1", "polling_url": polling})

    def result(self, seen: Seen, match: re.Match[str]) -> Reply:
        if seen.headers.get("x-key") != KEY:
            return json_reply({"detail": "Not authenticated"}, 403)
        self.reads += 1
        if self.reads == 1:
            return json_reply({"id": "r1", "status": "Pending", "result": None})
        if self.final != "Ready":
            details = {"Moderation Reasons": ["Derivative Works Filter"]}
            return json_reply({"id": "r1", "status": self.final, "result": None,
                               "details": details})  # fmt: skip
        url = f"{self.service.url}/samples/{self.reads}.png"
        return json_reply({"id": "r1", "status": "Ready", "result": {"sample": url}})

    def sample(self, seen: Seen, match: re.Match[str]) -> Reply:
        return Reply(200, self.media.png)


@pytest.fixture
def bfl(service: FakeService, media: Media) -> FakeBfl:
    """The fake BFL API."""
    return FakeBfl(service, media)


def test_sizes_keep_the_shape_in_multiples_of_32() -> None:
    """1280x720 becomes 1440x800 (16:9 within rounding, both multiples of 32)."""
    assert flux_size(1280, 720) == (1440, 800)


def test_a_still_is_polled_and_downloaded(
    tmp_path: Path, bfl: FakeBfl, build: Build, still: ImageRequest
) -> None:
    """x-key auth, Pending then Ready; the sample is the probed PNG."""
    asset = fetch(build(BflFlux), still, tmp_path / "a.png", scratch=tmp_path,
                  sleep=lambda s: None)  # fmt: skip
    assert asset.path.read_bytes() == bfl.media.png
    assert (bfl.body["width"], bfl.body["height"]) == (1440, 800)


def test_an_expired_sample_is_read_again(
    tmp_path: Path, bfl: FakeBfl, build: Build, still: ImageRequest
) -> None:
    """Samples last minutes: a 403 makes the adapter ask the polling URL again."""
    bfl.service.fail("GET", "/samples/", Reply(403, b"Request has expired"))
    fetch(build(BflFlux), still, tmp_path / "a.png", scratch=tmp_path, sleep=lambda s: None)
    assert len(bfl.service.calls("GET", "/samples/")) == 2


def test_moderation_is_reported_as_content_policy(
    tmp_path: Path, bfl: FakeBfl, build: Build, still: ImageRequest
) -> None:
    """Content Moderated stops the job with a content-policy error."""
    bfl.final = "Content Moderated"
    with pytest.raises(ProviderError, match="content policy"):
        fetch(build(BflFlux), still, tmp_path / "a.png", scratch=tmp_path, sleep=lambda s: None)


def test_a_key_without_permission_is_rejected_once(
    tmp_path: Path, bfl: FakeBfl, build: Build, still: ImageRequest
) -> None:
    """BFL's 403 means the key: KeyRejected, not retried, not taken for moderation."""
    with pytest.raises(KeyRejected):
        fetch(build(BflFlux, key="wrong"), still, tmp_path / "a.png", scratch=tmp_path)
    assert len(bfl.service.calls("POST", "/v1/")) == 1


def test_no_credits_is_out_of_credits(
    tmp_path: Path, bfl: FakeBfl, build: Build, still: ImageRequest
) -> None:
    """402 Payment Required is OutOfCredits, asked once."""
    bfl.service.fail("POST", "/v1/", json_reply({"detail": "Insufficient credits"}, 402))
    with pytest.raises(OutOfCredits):
        fetch(build(BflFlux), still, tmp_path / "a.png", scratch=tmp_path)
    assert len(bfl.service.calls("POST", "/v1/")) == 1


def test_a_moderated_request_names_the_reason(
    tmp_path: Path, bfl: FakeBfl, build: Build, still: ImageRequest
) -> None:
    """Request Moderated reports the content policy with BFL's details."""
    bfl.final = "Request Moderated"
    with pytest.raises(ProviderError, match="Derivative Works"):
        fetch(build(BflFlux), still, tmp_path / "a.png", scratch=tmp_path, sleep=lambda s: None)


def test_the_polling_url_is_used_as_given(
    tmp_path: Path, bfl: FakeBfl, build: Build, still: ImageRequest
) -> None:
    """A regional polling_url is followed, never rebuilt from the base URL."""
    fetch(build(BflFlux), still, tmp_path / "a.png", scratch=tmp_path, sleep=lambda s: None)
    assert bfl.service.calls("GET", "/v1/get_result") == []
    assert len(bfl.service.calls("GET", "/eu1/v1/get_result")) >= 2
