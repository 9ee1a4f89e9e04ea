"""The server's movie routes for publishing a render, as typed calls on a signed-in client.

- :func:`start_movie`: ``POST /api/movies/generate``, a movie record for a Selected script.
- :func:`report_progress`: ``PUT /api/movies/{id}/progress`` with a :class:`MovieReport`.
- :func:`upload_film`: ``PUT /api/movies/{id}/video``, the film streamed (never read into
  memory whole), which sets the movie's video key and duration.
- :func:`video_link`: ``GET /api/movies/{id}/video-url``, an expiring download link.

Each returns a core :class:`MovieRecord` (or a :class:`VideoLink`) and raises
:class:`PublishError` naming the server's reason, or the client's ``SessionEnded``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from vividverse_desktop.core.wire import MovieRecord, WireError
from vividverse_desktop.sync.client import SyncClient
from vividverse_desktop.sync.errors import ServerFailure, ServerUnreachable

STAGE_LIMIT = 64
"""The server keeps at most this many characters of a stage."""

UPLOAD_CHUNK = 1024 * 1024
"""Bytes read from the film and sent at a time."""

FILM_TYPE = "video/mp4"

_MOVIE_FIELDS = (
    "id", "scriptVersionId", "status", "progress", "stage",
    "createdBy", "revision", "videoKey", "durationS", "decidedBy", "decisionComment",
)  # fmt: skip

OnSent = Callable[[int, int], Awaitable[None]]
"""Awaited after each chunk of an upload: (bytes sent so far, file size)."""


class PublishError(ServerFailure):
    """The server refused or could not take a publishing call; ``status`` is the HTTP status."""


@dataclass(frozen=True, slots=True)
class MovieReport:
    """One report of a movie's render: status, progress 0..1, stage."""

    status: str
    progress: float
    stage: str

    def to_json(self) -> dict[str, Any]:
        """The body of ``PUT /api/movies/{id}/progress`` (progress clamped, stage cut)."""
        return {
            "status": self.status,
            "progress": min(1.0, max(0.0, self.progress)),
            "stage": self.stage[:STAGE_LIMIT],
        }


@dataclass(frozen=True, slots=True)
class VideoLink:
    """An expiring link to a movie's film."""

    url: str
    expires_at: datetime
    size: int
    content_type: str


async def start_movie(client: SyncClient, script_id: str) -> MovieRecord:
    """A new movie record for a Selected script (which moves to Generating).

    Raises :class:`PublishError` naming the server's reason (no such script, not
    Selected, not an editor) or ``SessionEnded``.
    """
    response = await _call(client, "POST", "/api/movies/generate", json={"scriptId": script_id})
    if response.status_code != 201:
        raise PublishError(
            f"the server would not start a movie for script {script_id} "
            f"(HTTP {response.status_code}): {detail_of(response)}",
            response.status_code,
        )
    return _movie(response, "/api/movies/generate")


async def report_progress(client: SyncClient, movie_id: str, report: MovieReport) -> MovieRecord:
    """Record ``report`` on the movie; returns the movie as the server now has it.

    Sent once (no retries: a render reports again soon). Raises :class:`PublishError`.
    """
    path = f"/api/movies/{movie_id}/progress"
    response = await _call(client, "PUT", path, json=report.to_json())
    if response.status_code != 200:
        raise PublishError(
            f"the server refused the progress report (HTTP {response.status_code}): "
            f"{detail_of(response)}",
            response.status_code,
        )
    return _movie(response, path)


async def upload_film(
    client: SyncClient,
    movie_id: str,
    film: Path,
    duration: float,
    on_sent: OnSent | None = None,
) -> MovieRecord:
    """Stream ``film`` to the movie's video (``duration`` in seconds); returns the movie.

    A 401 renews the session and streams the file once more. Raises
    :class:`PublishError` (too large, refused, unreachable) or ``SessionEnded``.
    """
    path = f"/api/movies/{movie_id}/video"
    size = film.stat().st_size
    params = {"duration": f"{duration:.6f}", "name": film.name}
    try:
        response = await client.stream(
            "PUT",
            path,
            lambda: _chunks(film, size, on_sent),
            size=size,
            content_type=FILM_TYPE,
            params=params,
        )
    except ServerUnreachable as error:
        raise PublishError(f"the upload failed: {error}") from error
    if response.status_code != 200:
        raise PublishError(
            f"the server refused the film (HTTP {response.status_code}): {detail_of(response)}",
            response.status_code,
        )
    return _movie(response, path)


async def video_link(client: SyncClient, movie_id: str, expires: int | None = None) -> VideoLink:
    """An expiring download link to the movie's film (``expires`` seconds, if given)."""
    path = f"/api/movies/{movie_id}/video-url"
    params = None if expires is None else {"expires": str(expires)}
    response = await _call(client, "GET", path, params=params)
    if response.status_code != 200:
        raise PublishError(
            f"the server gave no link to the film of movie {movie_id} "
            f"(HTTP {response.status_code}): {detail_of(response)}",
            response.status_code,
        )
    body = _object(response, path)
    try:
        return VideoLink(
            url=str(body["url"]),
            expires_at=datetime.fromisoformat(str(body["expiresAt"])),
            size=int(body["size"]),
            content_type=str(body["contentType"]),
        )
    except (KeyError, TypeError, ValueError):
        raise PublishError(f"the server's reply to {path} is not a video link") from None


def detail_of(response: httpx.Response) -> str:
    """The server's error ``detail`` as one line (its body cut short when not JSON)."""
    try:
        data = response.json()
    except ValueError:
        return " ".join(response.text.split())[:200] or response.reason_phrase
    detail = data.get("detail") if isinstance(data, dict) else None
    if isinstance(detail, dict):
        detail = detail.get("message")
    if isinstance(detail, list):
        detail = "; ".join(
            f"{d.get('field')}: {d.get('message')}" if isinstance(d, dict) else str(d)
            for d in detail
        )
    if isinstance(detail, str) and detail:
        return detail[:200]
    return " ".join(response.text.split())[:200] or response.reason_phrase


async def _call(
    client: SyncClient,
    method: str,
    path: str,
    *,
    json: Any = None,
    params: dict[str, str] | None = None,
) -> httpx.Response:
    try:
        return await client.authorized(method, path, json=json, params=params)
    except ServerUnreachable as error:
        raise PublishError(str(error)) from error


def _object(response: httpx.Response, path: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise PublishError(f"the server's reply to {path} is not a JSON object")
    return body


def _movie(response: httpx.Response, path: str) -> MovieRecord:
    """The movie in a reply (extra fields such as ``videoUrl`` or ``file`` ignored)."""
    body = _object(response, path)
    try:
        return MovieRecord.from_json({k: body[k] for k in _MOVIE_FIELDS if k in body})
    except WireError as error:
        raise PublishError(f"the server's reply to {path} names no movie: {error}") from None


async def _chunks(film: Path, size: int, on_sent: OnSent | None) -> AsyncIterator[bytes]:
    """The film's bytes, a chunk at a time, read on a worker thread."""
    done = 0
    with film.open("rb") as source:
        while True:
            chunk = await asyncio.to_thread(source.read, UPLOAD_CHUNK)
            if not chunk:
                return
            done += len(chunk)
            yield chunk
            if on_sent is not None:
                await on_sent(done, max(size, done))
