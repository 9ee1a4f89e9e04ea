"""Publishing a render: throttled progress on the real server's movie record, and the end."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import keyring
import pytest
from keyring.backend import KeyringBackend
from starlette.applications import Starlette

from sync_server.app import create_app
from tests.render.conftest import SCRIPT, Counting, tiny_settings
from tests.sync.memory_keyring import MemoryKeyring
from tests.sync_server.conftest import (
    PASSWORD,
    admin_tokens,
    bearer,
    make_settings,
    signed_in,
    staff_tokens,
)
from tests.sync_server.test_sync import Device, score
from vividverse_desktop.core.pipeline.plan import Plan, build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.core.wire import Op, ScriptMetadata, ScriptSubmission
from vividverse_desktop.core.workflow import Status
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.engine import Renderer
from vividverse_desktop.render.events import RenderCancelled, RenderError
from vividverse_desktop.render.publish import (
    MovieReport,
    ProgressThrottle,
    PublishError,
    publish_render,
    start_movie,
)
from vividverse_desktop.sync import SyncClient

SERVER_URL = "http://studio.test"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_new_stage_is_reported_at_once() -> None:
    """Every stage change goes out, however soon after the last report."""
    clock = Clock()
    throttle = ProgressThrottle(1.0, clock)
    sent = [throttle.offer(MovieReport("rendering", p, s)) for p, s in
            ((0.1, "scenes"), (0.8, "audio"), (0.9, "stitch"))]  # fmt: skip
    assert [r.stage for r in sent if r is not None] == ["scenes", "audio", "stitch"]


def test_reports_within_an_interval_are_held_and_the_latest_sent_later() -> None:
    """Same-stage reports inside one interval wait; the newest is due when the interval ends."""
    clock = Clock()
    throttle = ProgressThrottle(1.0, clock)
    assert throttle.offer(MovieReport("rendering", 0.1, "scenes")) is not None
    clock.now += 0.3
    assert throttle.offer(MovieReport("rendering", 0.2, "scenes")) is None
    clock.now += 0.2
    assert throttle.offer(MovieReport("rendering", 0.3, "scenes")) is None
    assert throttle.due_in() == pytest.approx(0.5)
    clock.now += 0.5
    assert throttle.flush() == MovieReport("rendering", 0.3, "scenes")
    assert throttle.flush() is None
    assert throttle.due_in() is None


def test_a_report_after_the_interval_goes_out() -> None:
    """Once an interval has passed, the next report of the same stage is sent at once."""
    clock = Clock()
    throttle = ProgressThrottle(1.0, clock)
    throttle.offer(MovieReport("rendering", 0.1, "scenes"))
    clock.now += 1.0
    assert throttle.offer(MovieReport("rendering", 0.5, "scenes")) is not None


def test_the_report_body_fits_the_servers_fields() -> None:
    """Progress is clamped to 0..1 and the stage cut to the server's 64 characters."""
    body = MovieReport("failed", 1.2, "scene 2: " + "x" * 100).to_json()
    assert body["progress"] == 1.0
    assert len(body["stage"]) == 64


# -- against the real server app ----------------------------------------------------------


@dataclass
class Recording(httpx.AsyncBaseTransport):
    """The app's transport, recording each progress report and failing some on request."""

    inner: httpx.ASGITransport
    reports: list[dict[str, Any]] = field(default_factory=list)
    fail_reports: int = 0
    expire_uploads: int = 0
    uploads: int = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT" and request.url.path.endswith("/video"):
            self.uploads += 1
            if self.expire_uploads:
                self.expire_uploads -= 1
                return httpx.Response(401, json={"detail": "token expired"})
        if request.method == "PUT" and request.url.path.endswith("/progress"):
            if self.fail_reports:
                self.fail_reports -= 1
                return httpx.Response(503, json={"detail": "busy"})
            self.reports.append(json.loads(await request.aread()))
        return await self.inner.handle_async_request(request)


@dataclass
class Server:
    """The app, an admin-side HTTP client and a movie waiting for its render."""

    app: Starlette
    transport: Recording
    http: httpx.AsyncClient
    movie_id: str = ""

    async def script_status(self) -> str:
        admin = bearer((await admin_tokens(self.http))["access_token"])
        listing = (await self.http.get("/api/scripts", headers=admin)).json()
        return str(listing["items"][0]["status"])


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def memory_keyring() -> Iterator[None]:
    previous: KeyringBackend = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
async def server(tmp_path: Path, memory_keyring: None) -> AsyncIterator[Server]:
    """A fresh server where a scored, selected script has a queued movie by editor 'eddie'."""
    app = create_app(make_settings(tmp_path / "server"))
    transport = Recording(httpx.ASGITransport(app=app, client=("198.51.100.7", 40000)))
    async with httpx.AsyncClient(transport=transport, base_url=SERVER_URL) as http:
        writer = Device(http, await signed_in(http, "ada"))
        submission = ScriptSubmission.of("Pier Nine", SCRIPT)
        await writer.push(Op.of(submission))
        for i in range(3):
            validator = Device(http, await signed_in(http, f"val{i}", "validator"))
            await validator.push(Op.of(score(validator, submission.version_id)))
        admin = Device(http, await admin_tokens(http))
        select = ScriptMetadata(submission.script_id, base_revision=2, status=Status.SELECTED)
        assert (await admin.push(Op.of(select))).results[0].outcome.value == "accepted"
        editor = bearer((await staff_tokens(http, "eddie", "editor"))["access_token"])
        made = await http.post(
            "/api/movies/generate", json={"scriptId": submission.script_id}, headers=editor
        )
        assert made.status_code == 201, made.text
        yield Server(app, transport, http, made.json()["id"])
    app.state.context.database.dispose()


async def _editor(server: Server) -> SyncClient:
    client = SyncClient(SERVER_URL, transport=server.transport)
    await client.login("eddie", PASSWORD)
    return client


def _plan() -> Plan:
    return build_plan(parse(SCRIPT))


@pytest.fixture(scope="module")
def warm_job(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A job directory holding every asset of the plan: later renders only stitch."""
    job = tmp_path_factory.mktemp("publish") / "job"
    _renderer(job).render(_plan(), job.parent / "film.mp4")
    return job


def _renderer(job: Path) -> Renderer:
    return Renderer(job, StoryboardCards(), LocalSpeech(), tiny_settings())


@pytest.mark.anyio
async def test_a_published_render_completes_the_movie_and_the_script(
    server: Server, tmp_path: Path, warm_job: Path
) -> None:
    """After the film is written the movie is completed at 1.0 and the script Completed."""
    renderer = _renderer(warm_job)
    async with await _editor(server) as client:
        published = await publish_render(
            client, server.movie_id, renderer, _plan(), tmp_path / "film.mp4"
        )
    assert published.result.output.is_file()
    assert (published.movie["status"], published.movie["progress"]) == ("completed", 1.0)
    assert await server.script_status() == Status.COMPLETED.value
    assert published.missed_reports == 0
    assert published.uploaded


@pytest.mark.anyio
async def test_the_uploaded_film_is_the_rendered_file(
    server: Server, tmp_path: Path, warm_job: Path
) -> None:
    """The movie's download link serves the very bytes rendered, with the film's duration."""
    renderer = _renderer(warm_job)
    async with await _editor(server) as client:
        published = await publish_render(
            client, server.movie_id, renderer, _plan(), tmp_path / "film.mp4"
        )
        link = await client.http.get(
            f"{SERVER_URL}/api/movies/{server.movie_id}/video-url", auth=client.auth
        )
        assert link.status_code == 200, link.text
        film = await server.http.get(link.json()["url"])
    assert film.content == published.result.output.read_bytes()
    assert published.movie["durationS"] == pytest.approx(published.result.duration)
    assert published.movie["videoKey"].startswith("movies/")


@pytest.mark.anyio
async def test_an_upload_refused_for_an_expired_token_is_sent_again(
    server: Server, tmp_path: Path, warm_job: Path
) -> None:
    """A 401 on the upload renews the session and streams the film once more."""
    server.transport.expire_uploads = 1
    renderer = _renderer(warm_job)
    async with await _editor(server) as client:
        published = await publish_render(
            client, server.movie_id, renderer, _plan(), tmp_path / "film.mp4"
        )
    assert server.transport.uploads == 2
    assert published.movie["videoKey"] is not None


@pytest.mark.anyio
async def test_without_upload_the_film_stays_local(
    server: Server, tmp_path: Path, warm_job: Path
) -> None:
    """``upload=False`` records the progress and the end, and sends no file."""
    renderer = _renderer(warm_job)
    async with await _editor(server) as client:
        published = await publish_render(
            client, server.movie_id, renderer, _plan(), tmp_path / "film.mp4", upload=False
        )
    assert server.transport.uploads == 0
    assert not published.uploaded
    assert published.movie["status"] == "completed"
    assert published.movie["videoKey"] is None


@pytest.mark.anyio
async def test_progress_reports_follow_the_stages_and_never_go_back(
    server: Server, tmp_path: Path, warm_job: Path
) -> None:
    """The server hears each stage in order, progress only rising, the end last."""
    renderer = _renderer(warm_job)
    async with await _editor(server) as client:
        await publish_render(client, server.movie_id, renderer, _plan(), tmp_path / "film.mp4")
    stages = [r["stage"] for r in server.transport.reports]
    assert list(dict.fromkeys(stages)) == [
        "starting", "scenes", "audio", "stitch", "upload", "published",
    ]  # fmt: skip
    progress = [r["progress"] for r in server.transport.reports]
    assert progress == sorted(progress)
    assert [r["status"] for r in server.transport.reports][-1] == "completed"


@pytest.mark.anyio
async def test_reports_are_throttled_to_one_a_second_plus_stage_changes(
    server: Server, tmp_path: Path, warm_job: Path
) -> None:
    """With a long interval, three scenes make one ``scenes`` report, not three."""
    renderer = _renderer(warm_job)
    async with await _editor(server) as client:
        await publish_render(
            client, server.movie_id, renderer, _plan(), tmp_path / "film.mp4", interval=60.0
        )
    stages = [r["stage"] for r in server.transport.reports]
    assert stages.count("scenes") == 1
    assert len(stages) == len(set(stages))


@pytest.mark.anyio
async def test_a_failed_render_fails_the_movie_naming_the_scene(
    server: Server, tmp_path: Path
) -> None:
    """A provider failure is raised and the movie records ``failed`` with the scene and cause."""
    video = Counting(StoryboardCards(), fail_on="HARBOUR OFFICE")
    renderer = Renderer(tmp_path / "job", video, LocalSpeech(), tiny_settings())
    async with await _editor(server) as client:
        with pytest.raises(RenderError):
            await publish_render(client, server.movie_id, renderer, _plan(), tmp_path / "film.mp4")
    last = server.transport.reports[-1]
    assert last["status"] == "failed"
    assert last["stage"].startswith("scene 2:")
    assert await server.script_status() == Status.FAILED.value


@pytest.mark.anyio
async def test_a_refused_progress_report_does_not_stop_the_render(
    server: Server, tmp_path: Path, warm_job: Path
) -> None:
    """A busy server during the render costs a report, not the film."""
    server.transport.fail_reports = 2
    renderer = _renderer(warm_job)
    async with await _editor(server) as client:
        published = await publish_render(
            client, server.movie_id, renderer, _plan(), tmp_path / "film.mp4"
        )
    assert published.missed_reports == 2
    assert published.movie["status"] == "completed"


@pytest.mark.anyio
async def test_a_refused_final_report_is_an_error(
    server: Server, tmp_path: Path, warm_job: Path
) -> None:
    """When the server will not take ``completed``, publishing says so (the film stays)."""
    renderer = _renderer(warm_job)
    async with await _editor(server) as client:
        with pytest.raises(PublishError) as caught:
            await publish_render(client, "0" * 8 + "-0000-4000-8000-" + "0" * 12, renderer,
                                 _plan(), tmp_path / "film.mp4")  # fmt: skip
    assert caught.value.status == 404
    assert (tmp_path / "film.mp4").is_file()


@pytest.mark.anyio
async def test_a_cancelled_render_is_reported_and_leaves_the_script_generating(
    server: Server, tmp_path: Path, warm_job: Path
) -> None:
    """Cancelling raises RenderCancelled after a ``cancelled`` report; a resume can finish."""
    cancel = threading.Event()
    cancel.set()
    async with await _editor(server) as client:
        with pytest.raises(RenderCancelled):
            await publish_render(
                client, server.movie_id, _renderer(warm_job), _plan(), tmp_path / "film.mp4",
                cancel=cancel,
            )  # fmt: skip
    assert server.transport.reports[-1]["status"] == "cancelled"
    assert server.transport.uploads == 0
    assert await server.script_status() == Status.GENERATING.value


@pytest.mark.anyio
async def test_a_strict_start_refuses_an_unknown_movie_before_rendering(
    server: Server, tmp_path: Path, warm_job: Path
) -> None:
    """With ``strict_start`` a 404 on the first report raises before any film is written."""
    unknown = "0" * 8 + "-0000-4000-8000-" + "0" * 12
    async with await _editor(server) as client:
        with pytest.raises(PublishError) as caught:
            await publish_render(client, unknown, _renderer(warm_job), _plan(),
                                 tmp_path / "film.mp4", strict_start=True)  # fmt: skip
    assert caught.value.status == 404
    assert f"no movie {unknown}" in str(caught.value)
    assert not (tmp_path / "film.mp4").exists()


@pytest.mark.anyio
async def test_local_watchers_see_every_render_event_and_the_upload(
    server: Server, tmp_path: Path, warm_job: Path
) -> None:
    """``on_progress`` gets the engine's events up to ``done``; ``on_upload`` ends at the size."""
    stages: list[str] = []
    sent: list[tuple[int, int]] = []
    async with await _editor(server) as client:
        published = await publish_render(
            client, server.movie_id, _renderer(warm_job), _plan(), tmp_path / "film.mp4",
            on_progress=lambda event: stages.append(event.stage),
            on_upload=lambda done, total: sent.append((done, total)),
        )  # fmt: skip
    assert stages[-1] == "done"
    size = published.result.output.stat().st_size
    assert sent[-1] == (size, size)


@pytest.mark.anyio
async def test_a_movie_cannot_be_started_twice_for_one_selection(server: Server) -> None:
    """The fixture's script is Generating already: ``start_movie`` raises its 409, named."""
    admin = bearer((await admin_tokens(server.http))["access_token"])
    listing = (await server.http.get("/api/scripts", headers=admin)).json()
    script_id = str(listing["items"][0]["id"])
    async with await _editor(server) as client:
        with pytest.raises(PublishError) as caught:
            await start_movie(client, script_id)
    assert caught.value.status == 409
    assert f"would not start a movie for script {script_id}" in str(caught.value)
