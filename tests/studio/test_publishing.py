"""Publishing a render: throttled progress on the real server's movie record, and the end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.render.conftest import SCRIPT, Counting, tiny_settings
from tests.sync.movie_server import UNKNOWN_MOVIE, MovieServer, movie_server
from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.plan import Plan, build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.core.workflow import Role, Status
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.engine import Renderer
from vividverse_desktop.render.events import RenderCancelled, RenderError
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.studio.publishing import (
    ProgressThrottle,
    Publication,
    may_publish,
    publish,
    publish_film,
    publish_render,
)
from vividverse_desktop.sync import SyncClient
from vividverse_desktop.sync.publishing import MovieReport, PublishError, video_link


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


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[MovieServer]:
    """A fresh server where a scored, selected script has a queued movie by editor 'eddie'."""
    async with movie_server(tmp_path / "server") as opened:
        yield opened


async def _editor(server: MovieServer) -> SyncClient:
    return await server.client()


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


async def _publish(
    server: MovieServer, job: Path | Renderer, output: Path, **options: Any
) -> Publication:
    """``publish_render`` of the plan as the editor, to the server's movie unless named."""
    renderer = job if isinstance(job, Renderer) else _renderer(job)
    options.setdefault("movie_id", server.movie_id)
    async with await _editor(server) as client:
        return await publish_render(
            client=client, renderer=renderer, plan=_plan(), output=output, **options
        )


@pytest.mark.anyio
async def test_a_published_render_completes_the_movie_and_the_script(
    server: MovieServer, tmp_path: Path, warm_job: Path
) -> None:
    """After the film is written the movie is completed at 1.0 and the script Completed."""
    published = await _publish(server, warm_job, tmp_path / "film.mp4")
    assert published.result.output.is_file()
    assert (published.movie.status, published.movie.progress) == ("completed", 1.0)
    assert await server.script_status() == Status.COMPLETED.value
    assert published.missed_reports == 0
    assert published.uploaded


@pytest.mark.anyio
async def test_the_uploaded_film_is_the_rendered_file(
    server: MovieServer, tmp_path: Path, warm_job: Path
) -> None:
    """The movie's download link serves the very bytes rendered, with the film's duration."""
    published = await _publish(server, warm_job, tmp_path / "film.mp4")
    async with await _editor(server) as client:
        link = await video_link(client, server.movie_id)
    film = await server.http.get(link.url)
    assert film.content == published.result.output.read_bytes()
    assert published.movie.duration_s == pytest.approx(published.result.duration)
    assert (published.movie.video_key or "").startswith("movies/")


@pytest.mark.anyio
async def test_an_upload_refused_for_an_expired_token_is_sent_again(
    server: MovieServer, tmp_path: Path, warm_job: Path
) -> None:
    """A 401 on the upload renews the session and streams the film once more."""
    server.transport.expire_uploads = 1
    published = await _publish(server, warm_job, tmp_path / "film.mp4")
    assert server.transport.uploads == 2
    assert published.movie.video_key is not None


@pytest.mark.anyio
async def test_without_upload_the_film_stays_local(
    server: MovieServer, tmp_path: Path, warm_job: Path
) -> None:
    """``upload=False`` records the progress and the end, and sends no file."""
    published = await _publish(server, warm_job, tmp_path / "film.mp4", upload=False)
    assert server.transport.uploads == 0
    assert not published.uploaded
    assert published.movie.status == "completed"
    assert published.movie.video_key is None


@pytest.mark.anyio
async def test_progress_reports_follow_the_stages_and_never_go_back(
    server: MovieServer, tmp_path: Path, warm_job: Path
) -> None:
    """The server hears each stage in order, progress only rising, the end last."""
    await _publish(server, warm_job, tmp_path / "film.mp4")
    stages = [r["stage"] for r in server.transport.reports]
    assert list(dict.fromkeys(stages)) == [
        "starting", "scenes", "audio", "stitch", "upload", "published",
    ]  # fmt: skip
    progress = [r["progress"] for r in server.transport.reports]
    assert progress == sorted(progress)
    assert [r["status"] for r in server.transport.reports][-1] == "completed"


@pytest.mark.anyio
async def test_reports_are_throttled_to_one_a_second_plus_stage_changes(
    server: MovieServer, tmp_path: Path, warm_job: Path
) -> None:
    """With a long interval, three scenes make one ``scenes`` report, not three."""
    await _publish(server, warm_job, tmp_path / "film.mp4", interval=60.0)
    stages = [r["stage"] for r in server.transport.reports]
    assert stages.count("scenes") == 1
    assert len(stages) == len(set(stages))


@pytest.mark.anyio
async def test_a_failed_render_fails_the_movie_naming_the_scene(
    server: MovieServer, tmp_path: Path
) -> None:
    """A provider failure is raised and the movie records ``failed`` with the scene and cause."""
    video = Counting(StoryboardCards(), fail_on="HARBOUR OFFICE")
    renderer = Renderer(tmp_path / "job", video, LocalSpeech(), tiny_settings())
    with pytest.raises(RenderError):
        await _publish(server, renderer, tmp_path / "film.mp4")
    last = server.transport.reports[-1]
    assert last["status"] == "failed"
    assert last["stage"].startswith("scene 2:")
    assert await server.script_status() == Status.FAILED.value


@pytest.mark.anyio
async def test_a_refused_progress_report_does_not_stop_the_render(
    server: MovieServer, tmp_path: Path, warm_job: Path
) -> None:
    """A busy server during the render costs a report, not the film."""
    server.transport.fail_reports = 2
    published = await _publish(server, warm_job, tmp_path / "film.mp4")
    assert published.missed_reports == 2
    assert published.movie.status == "completed"


@pytest.mark.anyio
async def test_a_refused_final_report_is_an_error(
    server: MovieServer, tmp_path: Path, warm_job: Path
) -> None:
    """When the server will not take ``completed``, publishing says so (the film stays)."""
    with pytest.raises(PublishError) as caught:
        await _publish(server, warm_job, tmp_path / "film.mp4", movie_id=UNKNOWN_MOVIE)
    assert caught.value.status == 404
    assert (tmp_path / "film.mp4").is_file()


@pytest.mark.anyio
async def test_a_cancelled_render_is_reported_and_leaves_the_script_generating(
    server: MovieServer, tmp_path: Path, warm_job: Path
) -> None:
    """Cancelling raises RenderCancelled after a ``cancelled`` report; a resume can finish."""
    cancel = CancelToken()
    cancel.cancel("changed my mind")
    with pytest.raises(RenderCancelled):
        await _publish(server, warm_job, tmp_path / "film.mp4", cancel=cancel)
    assert server.transport.reports[-1]["status"] == "cancelled"
    assert server.transport.uploads == 0
    assert await server.script_status() == Status.GENERATING.value


@pytest.mark.anyio
async def test_a_strict_start_refuses_an_unknown_movie_before_rendering(
    server: MovieServer, tmp_path: Path, warm_job: Path
) -> None:
    """With ``strict_start`` a 404 on the first report raises before any film is written."""
    with pytest.raises(PublishError) as caught:
        await _publish(
            server, warm_job, tmp_path / "film.mp4", movie_id=UNKNOWN_MOVIE, strict_start=True
        )
    assert caught.value.status == 404
    assert f"no movie {UNKNOWN_MOVIE}" in str(caught.value)
    assert not (tmp_path / "film.mp4").exists()


@pytest.mark.anyio
async def test_local_watchers_see_every_render_event_and_the_upload(
    server: MovieServer, tmp_path: Path, warm_job: Path
) -> None:
    """``on_progress`` gets the engine's events up to ``done``; ``on_upload`` ends at the size."""
    stages: list[str] = []
    sent: list[tuple[int, int]] = []
    published = await _publish(
        server, warm_job, tmp_path / "film.mp4",
        on_progress=lambda event: stages.append(event.stage),
        on_upload=lambda done, total: sent.append((done, total)),
    )  # fmt: skip
    assert stages[-1] == "done"
    size = published.result.output.stat().st_size
    assert sent[-1] == (size, size)


# -- the front ends' entry points ------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "allowed"),
    [
        ([Role.EDITOR], True),
        ([Role.ADMIN], True),
        ([Role.WRITER], False),
        ([Role.VALIDATOR, Role.REVIEWER], False),
        ([], False),
    ],
)
def test_editors_and_admins_may_publish(roles: list[Role], allowed: bool) -> None:
    """``may_publish`` says yes for an editor or an admin among the roles, else no."""
    assert may_publish(roles) is allowed


@pytest.mark.anyio
async def test_a_writer_is_refused_before_anything_is_rendered(
    server: MovieServer, tmp_path: Path, warm_job: Path
) -> None:
    """``publish`` as a writer: a StudioError naming the role; no report, no film."""
    async with await server.client("ada") as client:
        with pytest.raises(StudioError, match=r"ada is a writer .* only editors and admins"):
            await publish(
                client=client, renderer=_renderer(warm_job), plan=_plan(),
                output=tmp_path / "film.mp4", movie_id=server.movie_id,
            )  # fmt: skip
    assert server.transport.reports == []
    assert not (tmp_path / "film.mp4").exists()


@pytest.mark.anyio
async def test_publishing_for_a_script_starts_its_movie(tmp_path: Path, warm_job: Path) -> None:
    """``publish`` with a script id starts a movie (told to ``on_started``) and completes it."""
    started: list[str] = []
    async with movie_server(tmp_path / "server", movie=False) as server:
        async with await server.client() as client:
            published = await publish(
                client=client, renderer=_renderer(warm_job), plan=_plan(),
                output=tmp_path / "film.mp4", script_id=server.script_id,
                on_started=lambda movie: started.append(movie.id),
            )  # fmt: skip
        assert started == [published.movie.id]
        assert published.movie.status == "completed"
        assert await server.script_status() == Status.COMPLETED.value


@pytest.mark.anyio
async def test_a_film_on_disk_is_probed_uploaded_and_completes_the_movie(
    server: MovieServer, warm_job: Path
) -> None:
    """``publish_film``: the film's probed length is recorded and its bytes served."""
    film = warm_job.parent / "film.mp4"
    async with await _editor(server) as client:
        movie = await publish_film(client=client, movie_id=server.movie_id, film=film)
        link = await video_link(client, server.movie_id)
    assert (movie.status, movie.progress) == ("completed", 1.0)
    assert movie.duration_s == pytest.approx(16.0, abs=0.1)
    assert (await server.http.get(link.url)).content == film.read_bytes()


@pytest.mark.anyio
async def test_a_file_that_is_not_a_film_is_not_published(
    server: MovieServer, tmp_path: Path
) -> None:
    """``publish_film`` of a text file: a StudioError, and nothing sent to the server."""
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a film", encoding="utf-8")
    async with await _editor(server) as client:
        with pytest.raises(StudioError, match="cannot be published"):
            await publish_film(client=client, movie_id=server.movie_id, film=notes)
    assert server.transport.uploads == 0
    assert server.transport.reports == []


@pytest.mark.anyio
async def test_a_published_film_is_fetched_once_and_kept_for_offline_viewing(
    server: MovieServer, tmp_path: Path, warm_job: Path
) -> None:
    """The first open downloads the very bytes; the next one plays the kept copy even when
    the server is unreachable; a movie with no film says so."""
    from vividverse_desktop.studio.errors import StudioError
    from vividverse_desktop.studio.films import fetch_film

    published = await _publish(server, warm_job, tmp_path / "film.mp4")
    cache = tmp_path / "films"
    async with await _editor(server) as client:
        first = await fetch_film(client=client, movie_id=server.movie_id, cache_dir=cache)
    assert first.downloaded
    assert first.path.read_bytes() == published.result.output.read_bytes()
    assert not list(cache.glob("*.part"))
    import httpx

    from vividverse_desktop.sync.auth import TokenPair
    from vividverse_desktop.sync.client import SyncClient

    def no_network(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("the network plug is pulled", request=request)

    offline = SyncClient("http://studio.test", transport=httpx.MockTransport(no_network))
    offline.auth.tokens = TokenPair("access", "refresh")  # a session from before, offline now
    try:
        again = await fetch_film(client=offline, movie_id=server.movie_id, cache_dir=cache)
        assert (again.path, again.downloaded) == (first.path, False)
        with pytest.raises(StudioError, match="cannot be reached"):
            await fetch_film(client=offline, movie_id=server.movie_id, cache_dir=tmp_path / "x")
    finally:
        await offline.aclose()
