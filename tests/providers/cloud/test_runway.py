"""Runway's two tasks (text_to_image, then image_to_video) against a fake of its task API."""

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
from vividverse_desktop.providers.cloud.runway import API_VERSION, RunwayVideo
from vividverse_desktop.providers.contract import ClipRequest, ProviderError, fetch

Build = Callable[..., CloudProvider]
STILL_RATIOS = {"1024:1024", "1080:1080", "1168:880", "1360:768", "1440:1080", "1080:1440",
                "1808:768", "1920:1080", "1080:1920", "2112:912", "1280:720", "720:1280",
                "720:720", "960:720", "720:960", "1680:720"}  # fmt: skip
VIDEO_RATIOS = {"1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672"}


class FakeRunway:
    """Tasks run for one poll, then succeed (or fail with ``failure_code``)."""

    def __init__(self, service: FakeService, media: Media) -> None:
        self.service, self.media = service, media
        self.tasks: dict[str, dict[str, object]] = {}
        self.bodies: dict[str, object] = {}
        self.failure_code: str | None = None
        self.final = "SUCCEEDED"
        self.signed = itertools.count(1)
        for path in ("/v1/text_to_image", "/v1/image_to_video"):
            service.route("POST", path)(self.create)
        service.route("GET", r"/v1/tasks/(?P<id>[\w-]+)")(self.read)
        service.route("GET", r"/outputs/(?P<name>[\w.-]+)")(self.output)

    def create(self, seen: Seen, match: re.Match[str]) -> Reply:
        if seen.headers.get("authorization") != f"Bearer {KEY}":
            return json_reply({"error": "Invalid API key"}, 401)
        if seen.headers.get("x-runway-version") != API_VERSION:
            return json_reply({"error": "X-Runway-Version header is required"}, 400)
        body = seen.json()
        kind = "png" if seen.path.endswith("image") else "mp4"
        model, ratios = ("gen4_image", STILL_RATIOS) if kind == "png" else (
            "gen4_turbo", VIDEO_RATIOS)  # fmt: skip
        if (body.get("model") != model or body.get("ratio") not in ratios
                or not 0 < len(body.get("promptText", "")) <= 1000
                or (kind == "mp4" and not isinstance(body.get("duration"), int))):  # fmt: skip
            return json_reply({"error": "Validation of body failed"}, 400)
        tid = f"task-{len(self.tasks) + 1}"
        self.tasks[tid] = {"id": tid, "status": "PENDING", "kind": kind, "reads": 0}
        self.bodies[seen.path] = body
        return json_reply({"id": tid})

    def read(self, seen: Seen, match: re.Match[str]) -> Reply:
        task = self.tasks[match["id"]]
        task["reads"] = int(str(task["reads"])) + 1
        head = {"id": task["id"], "createdAt": "2026-11-24T13:00:00.000Z"}
        if task["reads"] == 1:
            return json_reply({**head, "status": "RUNNING", "progress": 0.5})
        if self.final == "CANCELLED" and task["kind"] == "mp4":
            return json_reply({**head, "status": "CANCELLED"})
        if self.failure_code and task["kind"] == "mp4":
            failed = {"status": "FAILED", "failure": "Input rejected",
                      "failureCode": self.failure_code}  # fmt: skip
            return json_reply({**head, **failed})
        url = f"{self.service.url}/outputs/{task['id']}-{next(self.signed)}.{task['kind']}"
        return json_reply({**head, "status": "SUCCEEDED", "output": [url]})

    def output(self, seen: Seen, match: re.Match[str]) -> Reply:
        data = self.media.mp4 if match["name"].endswith(".mp4") else self.media.png
        return Reply(200, data)


@pytest.fixture
def runway(service: FakeService, media: Media) -> FakeRunway:
    """The fake Runway API."""
    return FakeRunway(service, media)


def test_a_clip_is_a_still_then_a_video(
    tmp_path: Path, runway: FakeRunway, build: Build, clip: ClipRequest
) -> None:
    """The still's output URL becomes promptImage; the video's output is the probed clip."""
    asset = fetch(build(RunwayVideo), clip, tmp_path / "c.mp4", scratch=tmp_path,
                  sleep=lambda s: None)  # fmt: skip
    assert asset.path.read_bytes() == runway.media.mp4
    video = runway.bodies["/v1/image_to_video"]
    assert isinstance(video, dict)
    assert video["promptImage"].endswith(".png")
    assert (video["model"], video["ratio"], video["duration"]) == ("gen4_turbo", "1280:720", 5)
    assert runway.bodies["/v1/text_to_image"]["ratio"] == "1920:1080"  # type: ignore[index]


@pytest.mark.parametrize("code", ["SAFETY.INPUT.TEXT", "INPUT_PREPROCESSING.SAFETY.TEXT"])
def test_a_safety_failure_is_named_a_content_refusal(
    tmp_path: Path, runway: FakeRunway, build: Build, clip: ClipRequest, code: str
) -> None:
    """FAILED with a code that has a SAFETY segment is a content-policy refusal."""
    runway.failure_code = code
    with pytest.raises(ProviderError, match=r"content policy.*Input rejected"):
        fetch(build(RunwayVideo), clip, tmp_path / "c.mp4", scratch=tmp_path,
              sleep=lambda s: None)  # fmt: skip


def test_an_expired_output_is_read_again(
    tmp_path: Path, runway: FakeRunway, build: Build, clip: ClipRequest
) -> None:
    """A 403 output URL is replaced by re-reading the task."""
    runway.service.fail("GET", "/outputs/task-2", Reply(403, b"Request has expired"))
    asset = fetch(build(RunwayVideo), clip, tmp_path / "c.mp4", scratch=tmp_path,
                  sleep=lambda s: None)  # fmt: skip
    assert asset.path.is_file()
    assert len(runway.service.calls("GET", "/outputs/task-2")) == 2


def test_an_internal_failure_is_not_called_a_refusal(
    tmp_path: Path, runway: FakeRunway, build: Build, clip: ClipRequest
) -> None:
    """INTERNAL.BAD_OUTPUT.CODE01 fails the clip without blaming the content policy."""
    runway.failure_code = "INTERNAL.BAD_OUTPUT.CODE01"
    with pytest.raises(ProviderError, match="task failed") as caught:
        fetch(build(RunwayVideo), clip, tmp_path / "c.mp4", scratch=tmp_path,
              sleep=lambda s: None)  # fmt: skip
    assert "content policy" not in str(caught.value)


def test_a_cancelled_task_stops_the_clip(
    tmp_path: Path, runway: FakeRunway, build: Build, clip: ClipRequest
) -> None:
    """CANCELLED is final: the clip fails naming the state and leaves nothing."""
    runway.final = "CANCELLED"
    with pytest.raises(ProviderError, match="CANCELLED"):
        fetch(build(RunwayVideo), clip, tmp_path / "c.mp4", scratch=tmp_path,
              sleep=lambda s: None)  # fmt: skip
    assert list(tmp_path.glob("c.mp4*")) == []


def test_a_portrait_frame_asks_portrait_ratios(
    tmp_path: Path, runway: FakeRunway, build: Build, clip: ClipRequest
) -> None:
    """A 720x1280 scene asks 1080:1920 for the still and 720:1280 for the video."""
    tall = ClipRequest(clip.scene, VideoFormat(720, 1280, Fraction(24)), clip.shot_frames)
    fetch(build(RunwayVideo), tall, tmp_path / "c.mp4", scratch=tmp_path, sleep=lambda s: None)
    assert runway.bodies["/v1/text_to_image"]["ratio"] == "1080:1920"  # type: ignore[index]
    assert runway.bodies["/v1/image_to_video"]["ratio"] == "720:1280"  # type: ignore[index]
