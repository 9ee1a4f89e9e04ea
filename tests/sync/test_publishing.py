"""The movie routes as typed calls (sync.publishing), against the real server app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.sync.movie_server import SERVER_URL, UNKNOWN_MOVIE, MovieServer, movie_server
from tests.sync_server.conftest import PASSWORD
from vividverse_desktop.core.wire import MovieRecord
from vividverse_desktop.sync import SessionEnded, SyncClient
from vividverse_desktop.sync.publishing import (
    MovieReport,
    PublishError,
    VideoLink,
    report_progress,
    start_movie,
    upload_film,
    video_link,
)

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("memory_keyring")]

FILM = bytes(range(256)) * 5000  # 1.28 MB: two chunks and a bit


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[MovieServer]:
    async with movie_server(tmp_path / "server") as opened:
        yield opened


@pytest.fixture
def film(tmp_path: Path) -> Path:
    path = tmp_path / "cut.mp4"
    path.write_bytes(FILM)
    return path


async def test_a_movie_cannot_be_started_twice_for_one_selection(server: MovieServer) -> None:
    """The fixture's script is Generating already: ``start_movie`` raises its 409, named."""
    async with await server.client() as client:
        with pytest.raises(PublishError) as caught:
            await start_movie(client, server.script_id)
    assert caught.value.status == 409
    assert f"would not start a movie for script {server.script_id}" in str(caught.value)


async def test_a_started_movie_is_a_typed_record(tmp_path: Path) -> None:
    """``start_movie`` returns the queued movie as a core MovieRecord, by its editor."""
    async with (
        movie_server(tmp_path / "server", movie=False) as server,
        await server.client() as client,
    ):
        movie = await start_movie(client, server.script_id)
        assert client.user is not None
        editor = client.user.id
    assert isinstance(movie, MovieRecord)
    assert (movie.status, movie.progress, movie.created_by) == ("queued", 0.0, editor)


async def test_a_progress_report_returns_the_movie_as_it_now_is(server: MovieServer) -> None:
    """The reply is the movie at the reported status, progress and stage."""
    async with await server.client() as client:
        movie = await report_progress(
            client, server.movie_id, MovieReport("rendering", 0.25, "scenes")
        )
    assert (movie.id, movie.status, movie.progress, movie.stage) == (
        server.movie_id, "rendering", 0.25, "scenes",
    )  # fmt: skip


async def test_a_report_on_an_unknown_movie_names_the_404(server: MovieServer) -> None:
    """An id the server does not know: PublishError with status 404 and its reason."""
    async with await server.client() as client:
        with pytest.raises(PublishError) as caught:
            await report_progress(client, UNKNOWN_MOVIE, MovieReport("rendering", 0.1, "x"))
    assert caught.value.status == 404
    assert f"no movie {UNKNOWN_MOVIE}" in str(caught.value)


async def test_an_uploaded_film_comes_back_through_its_link(
    server: MovieServer, film: Path
) -> None:
    """Upload in chunks (each told to ``on_sent``); the link serves the same bytes."""
    sent: list[tuple[int, int]] = []

    async def on_sent(done: int, total: int) -> None:
        sent.append((done, total))

    async with await server.client() as client:
        movie = await upload_film(client, server.movie_id, film, 12.5, on_sent)
        link = await video_link(client, server.movie_id, expires=60)
    assert (movie.duration_s, (movie.video_key or "").startswith("movies/")) == (12.5, True)
    assert len(sent) == 2
    assert sent[-1] == (len(FILM), len(FILM))
    assert isinstance(link, VideoLink)
    assert link.size == len(FILM)
    assert (await server.http.get(link.url)).content == FILM


async def test_a_movie_without_a_film_has_no_link(server: MovieServer) -> None:
    """``video_link`` before any upload: PublishError 404 naming the reason."""
    async with await server.client() as client:
        with pytest.raises(PublishError) as caught:
            await video_link(client, server.movie_id)
    assert caught.value.status == 404
    assert "no uploaded video" in str(caught.value)


async def test_publishing_calls_need_a_session(server: MovieServer, film: Path) -> None:
    """Without signing in, each call raises SessionEnded and sends nothing."""
    async with SyncClient(SERVER_URL, transport=server.transport) as client:
        with pytest.raises(SessionEnded):
            await report_progress(client, server.movie_id, MovieReport("rendering", 0.1, "x"))
        with pytest.raises(SessionEnded):
            await upload_film(client, server.movie_id, film, 1.0)
    assert (server.transport.reports, server.transport.uploads) == ([], 0)


class Unplugged(httpx.AsyncBaseTransport):
    """Passes requests on until ``down`` is set; then the server cannot be reached."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


async def test_a_server_that_is_gone_is_a_publish_error(server: MovieServer) -> None:
    """A transport failure after signing in becomes a PublishError naming the address."""
    network = Unplugged(server.transport)
    async with SyncClient(SERVER_URL, transport=network) as client:
        await client.login("eddie", PASSWORD)
        network.down = True
        with pytest.raises(PublishError, match=f"cannot reach {SERVER_URL}"):
            await report_progress(client, server.movie_id, MovieReport("rendering", 0, "x"))
