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
from vividverse_desktop.providers.cloud.http import ContentRefused, KeyRejected, OutOfCredits
from vividverse_desktop.providers.cloud.kling import TASKS, KlingVideo, kling_token
from vividverse_desktop.providers.contract import ClipRequest, ProviderError, fetch

Build = Callable[..., CloudProvider]
KEY = "ak-123:sk-secret-that-is-long-enough-for-hs256"


def _answer(code: int, message: str, status: int, data: object = None) -> Reply:
    return json_reply({"code": code, "message": message, "request_id": "rq-1", "data": data},
                      status)  # fmt: skip


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
            return _answer(1002, "Authorization is invalid", 401)
        body = seen.json()
        if (body.get("mode") not in ("std", "pro") or body.get("duration") not in ("5", "10")
                or body.get("aspect_ratio") not in ("16:9", "9:16", "1:1")
                or not 0 < len(body.get("prompt", "")) <= 2500):  # fmt: skip
            return _answer(1201, "Invalid request parameters", 400)
        if "forbidden" in body["prompt"]:
            return _answer(1301, "Trigger the content security policy of the platform", 400)
        self.body = body
        return _answer(0, "SUCCEED", 200, {"task_id": "t1", "task_status": "submitted"})

    def read(self, seen: Seen, match: re.Match[str]) -> Reply:
        if not self.authorised(seen):
            return _answer(1002, "Authorization is invalid", 401)
        self.reads += 1
        data: dict[str, object] = {"task_id": match["id"], "task_status": "processing"}
        if self.reads >= 2 and self.fail_with:
            data.update(task_status="failed", task_status_msg=self.fail_with)
        elif self.reads >= 2:
            url = f"{self.service.url}/videos/{match['id']}.mp4"
            videos = [{"id": "v1", "url": url, "duration": "5"}]
            data.update(task_status="succeed", task_result={"videos": videos})
        return _answer(0, "SUCCEED", 200, data)

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


def test_an_exhausted_resource_pack_is_not_retried(
    tmp_path: Path, kling: FakeKling, build: Build, clip: ClipRequest
) -> None:
    """Kling's 429 with code 1102 is an account problem: OutOfCredits, asked once."""
    kling.service.fail("POST", TASKS, _answer(1102, "Resource pack depleted", 429))
    with pytest.raises(OutOfCredits, match="1102"):
        fetch(build(KlingVideo, key=KEY), clip, tmp_path / "c.mp4", scratch=tmp_path)
    assert len(kling.service.calls("POST", TASKS)) == 1


def test_a_real_rate_limit_is_retried(
    tmp_path: Path, kling: FakeKling, build: Build, clip: ClipRequest, waits: list[float]
) -> None:
    """Code 1302 (requests too fast) on a 429 waits and asks again."""
    kling.service.fail("POST", TASKS, _answer(1302, "API request too fast", 429))
    fetch(build(KlingVideo, key=KEY), clip, tmp_path / "c.mp4", scratch=tmp_path,
          sleep=lambda s: None)  # fmt: skip
    assert len(kling.service.calls("POST", TASKS)) == 2
    assert len(waits) == 1


def test_a_prompt_against_the_content_policy_is_refused(
    tmp_path: Path, kling: FakeKling, build: Build, clip: ClipRequest
) -> None:
    """Code 1301 is a ContentRefused, not a generic bad request."""
    kling.service.fail("POST", TASKS, _answer(1301, "Trigger the content security policy",
                                              400))  # fmt: skip
    with pytest.raises(ContentRefused, match="content policy"):
        fetch(build(KlingVideo, key=KEY), clip, tmp_path / "c.mp4", scratch=tmp_path)


def test_a_wrong_secret_is_a_rejected_key(
    tmp_path: Path, kling: FakeKling, build: Build, clip: ClipRequest
) -> None:
    """A token signed with another secret gets 401 code 1002: KeyRejected."""
    with pytest.raises(KeyRejected, match="1002"):
        fetch(build(KlingVideo, key="ak-123:another-secret-long-enough-for-hs256"), clip,
              tmp_path / "c.mp4", scratch=tmp_path)  # fmt: skip
