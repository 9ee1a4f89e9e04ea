"""Kling's JWT-authorised text-to-video against a fake of its task API."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import jwt
import pytest

from tests.providers.cloud.conftest import Media
from tests.providers.cloud.fake import FakeService, Reply, Seen, json_reply
from vividverse_desktop.providers.cloud.base import CloudProvider
from vividverse_desktop.providers.cloud.kling import TASKS, KlingVideo, kling_token
from vividverse_desktop.providers.contract import ClipRequest, ProviderError, fetch

Build = Callable[..., CloudProvider]
KEY = "ak-123:sk-secret-that-is-long-enough-for-hs256"


class FakeKling:
    """Verifies each call's JWT; tasks go submitted -> processing -> succeed (or failed)."""

    def __init__(self, service: FakeService, media: Media) -> None:
        self.service, self.media = service, media
        self.reads = 0
        self.fail_with: str | None = None
        self.body: dict[str, object] = {}
        service.route("POST", TASKS)(self.create)
        service.route("GET", TASKS + r"/(?P<id>[\w-]+)")(self.read)
        service.route("GET", r"/videos/(?P<id>[\w-]+)\.mp4")(self.video)

    def authorised(self, seen: Seen) -> bool:
        token = seen.headers.get("authorization", "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, KEY.split(":")[1], algorithms=["HS256"])
        except jwt.InvalidTokenError:
            return False
        return bool(claims["iss"] == "ak-123")

    def create(self, seen: Seen, match: re.Match[str]) -> Reply:
        if not self.authorised(seen):
            return json_reply({"code": 1002, "message": "Authorization is invalid"}, 401)
        self.body = seen.json()
        return json_reply({"code": 0, "message": "SUCCEED",
                           "data": {"task_id": "t1", "task_status": "submitted"}})  # fmt: skip

    def read(self, seen: Seen, match: re.Match[str]) -> Reply:
        if not self.authorised(seen):
            return json_reply({"code": 1002, "message": "Authorization is invalid"}, 401)
        self.reads += 1
        data: dict[str, object] = {"task_id": match["id"], "task_status": "processing"}
        if self.reads >= 2 and self.fail_with:
            data.update(task_status="failed", task_status_msg=self.fail_with)
        elif self.reads >= 2:
            url = f"{self.service.url}/videos/{match['id']}.mp4"
            videos = [{"id": "v1", "url": url, "duration": "5"}]
            data.update(task_status="succeed", task_result={"videos": videos})
        return json_reply({"code": 0, "message": "SUCCEED", "data": data})

    def video(self, seen: Seen, match: re.Match[str]) -> Reply:
        return Reply(200, self.media.mp4)


@pytest.fixture
def kling(service: FakeService, media: Media) -> FakeKling:
    """The fake Kling API."""
    return FakeKling(service, media)


def test_the_token_is_a_signed_jwt_naming_the_access_key() -> None:
    """HS256 with the secret; iss is the access key; valid for 30 minutes."""
    token = kling_token(KEY, now=1_000_000)
    claims = jwt.decode(token, KEY.split(":")[1], algorithms=["HS256"],
                        options={"verify_exp": False, "verify_nbf": False})  # fmt: skip
    assert claims == {"iss": "ak-123", "exp": 1_001_800, "nbf": 999_995}


def test_a_key_without_its_secret_half_is_refused() -> None:
    """The stored key must be ACCESS:SECRET."""
    with pytest.raises(ProviderError, match="ACCESS_KEY:SECRET_KEY"):
        kling_token("only-access")


def test_a_clip_is_made_and_downloaded(
    tmp_path: Path, kling: FakeKling, build: Build, clip: ClipRequest
) -> None:
    """Every call is authorised; the succeeded task's video is the probed clip."""
    asset = fetch(build(KlingVideo, key=KEY), clip, tmp_path / "c.mp4", scratch=tmp_path,
                  sleep=lambda s: None)  # fmt: skip
    assert asset.path.read_bytes() == kling.media.mp4
    assert (kling.body["duration"], kling.body["aspect_ratio"]) == ("5", "16:9")


def test_a_failed_task_reports_klings_message(
    tmp_path: Path, kling: FakeKling, build: Build, clip: ClipRequest
) -> None:
    """task_status failed carries task_status_msg into the error."""
    kling.fail_with = "Failure to pass the risk control system"
    with pytest.raises(ProviderError, match="risk control"):
        fetch(build(KlingVideo, key=KEY), clip, tmp_path / "c.mp4", scratch=tmp_path,
              sleep=lambda s: None)  # fmt: skip
