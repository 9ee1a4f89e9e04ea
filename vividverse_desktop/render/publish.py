"""Publish a render: report its progress on the server's movie record, then the result.

:func:`publish_render` runs the render engine on a worker thread and, on the
asyncio loop, sends ``PUT /api/movies/{id}/progress`` through a signed-in
:class:`~vividverse_desktop.sync.SyncClient` (its ``httpx`` client and its
refresh-on-401 auth flow). Reports are throttled by :class:`ProgressThrottle`: a
stage change is sent at once, otherwise at most one report per ``interval``
seconds, and the latest held-back report is sent when its turn comes, so the
server never lags more than one interval behind.

The end is always reported: ``completed`` (progress 1) when the film is written,
``failed`` with the cause as the stage when the render fails, ``cancelled`` when it
is cancelled (the script stays Generating, so a resumed render can finish it).
A progress report that fails while the render runs does not stop the render: it
is counted in :attr:`Publication.missed_reports` and the next report carries on.

With ``upload`` (the default) the film is then streamed to the server's storage
(``PUT /api/movies/{id}/video?duration=&name=``, raw ``video/mp4``, never read
into memory whole), which sets the movie's video key and duration; the render
then counts for 90 % of the progress and the upload for the rest. The upload
sends the access token itself rather than through the refresh-on-401 flow (that
flow keeps the whole body to send it again): on a 401 it renews the session with
one small authenticated request and streams the file once more.

:func:`start_movie` makes the movie record for a Selected script
(``POST /api/movies/generate``) when there is none yet.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from vividverse_desktop.core.pipeline.plan import Plan
from vividverse_desktop.render.engine import Renderer
from vividverse_desktop.render.events import (
    ProgressCallback,
    RenderCancelled,
    RenderProgress,
    RenderResult,
)
from vividverse_desktop.sync import SessionEnded, SyncClient

RENDERING = "rendering"
COMPLETED = "completed"
FAILED = "failed"
CANCELLED = "cancelled"
STAGE_LIMIT = 64
"""The server keeps at most this many characters of a stage."""

RENDER_SHARE = 0.9
"""Share of the progress for the render when the film is uploaded after it."""

UPLOAD_CHUNK = 1024 * 1024
"""Bytes read from the film and sent at a time."""


class PublishError(RuntimeError):
    """The server refused or could not take a report; ``status`` is the HTTP status if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class MovieReport:
    """One report of a movie's render: status, progress 0..1, stage."""

    status: str
    progress: float
    stage: str

    def to_json(self) -> dict[str, Any]:
        """The body of ``PUT /api/movies/{id}/progress``."""
        return {
            "status": self.status,
            "progress": min(1.0, max(0.0, self.progress)),
            "stage": self.stage[:STAGE_LIMIT],
        }


@dataclass(frozen=True, slots=True)
class Publication:
    """What publishing did: the render, the reports sent and missed, the final movie JSON."""

    result: RenderResult
    reports: int
    missed_reports: int
    movie: dict[str, Any]
    uploaded: bool = False


class ProgressThrottle:
    """Decides which render reports go to the server: stage changes, else one per interval.

    :meth:`offer` takes every report and returns the ones due now (zero or one);
    :meth:`due_in` says how long a held-back report may wait; :meth:`flush` returns it.
    """

    def __init__(self, interval: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.interval = interval
        self.clock = clock
        self._sent_at: float | None = None
        self._stage: str | None = None
        self._held: MovieReport | None = None

    def offer(self, report: MovieReport) -> MovieReport | None:
        """``report`` if it is due now (first, new stage, or an interval since the last)."""
        now = self.clock()
        fresh_stage = report.stage != self._stage
        if self._sent_at is None or fresh_stage or now - self._sent_at >= self.interval:
            return self._send(report, now)
        self._held = report
        return None

    def due_in(self) -> float | None:
        """Seconds until the held-back report is due; None when nothing is held."""
        if self._held is None or self._sent_at is None:
            return None
        return max(0.0, self._sent_at + self.interval - self.clock())

    def flush(self) -> MovieReport | None:
        """The held-back report (marked sent now), or None."""
        if self._held is None:
            return None
        return self._send(self._held, self.clock())

    def _send(self, report: MovieReport, now: float) -> MovieReport:
        self._sent_at, self._stage, self._held = now, report.stage, None
        return report


def report_of(event: RenderProgress, share: float = 1.0) -> MovieReport:
    """The server report for an engine progress event: still rendering, at its stage.

    ``share`` is the part of the whole progress the render stands for.
    """
    return MovieReport(RENDERING, event.fraction * share, event.stage)


class MovieReporter:
    """Sends reports for one movie through a signed-in :class:`SyncClient`."""

    def __init__(self, client: SyncClient, movie_id: str) -> None:
        self.client = client
        self.movie_id = movie_id
        self.sent = 0
        self.missed = 0
        self.movie: dict[str, Any] = {}

    async def send(self, report: MovieReport) -> dict[str, Any]:
        """PUT the report; returns the movie JSON. Raises :class:`PublishError`."""
        if not self.client.signed_in:
            raise SessionEnded(self.client.auth.session_ended or "sign in first")
        url = f"{self.client.server_url}/api/movies/{self.movie_id}/progress"
        try:
            response = await self.client.http.put(url, json=report.to_json(), auth=self.client.auth)
        except httpx.TransportError as error:
            raise PublishError(f"cannot reach {self.client.server_url}: {error}") from error
        if response.status_code != 200:
            raise PublishError(
                f"the server refused the progress report (HTTP {response.status_code}): "
                f"{detail_of(response)}",
                response.status_code,
            )
        self.sent += 1
        body = response.json()
        self.movie = body if isinstance(body, dict) else {}
        return self.movie

    async def upload(
        self, film: Path, duration: float, on_sent: Callable[[int, int], Any] | None = None
    ) -> dict[str, Any]:
        """Stream ``film`` to the movie's video; returns the movie JSON. Raises PublishError.

        ``on_sent(sent, total)`` is awaited after each chunk (bytes so far, file size).
        """
        response = await self._upload_once(film, duration, on_sent)
        if response.status_code == 401:
            await self.client.me()  # renews the access token through the auth flow
            response = await self._upload_once(film, duration, on_sent)
        if response.status_code != 200:
            raise PublishError(
                f"the server refused the film (HTTP {response.status_code}): {detail_of(response)}",
                response.status_code,
            )
        body = response.json()
        self.movie = body if isinstance(body, dict) else {}
        return self.movie

    async def _upload_once(
        self, film: Path, duration: float, on_sent: Callable[[int, int], Any] | None
    ) -> httpx.Response:
        tokens = self.client.auth.tokens
        if tokens is None:
            raise SessionEnded(self.client.auth.session_ended or "sign in first")
        size = film.stat().st_size
        url = f"{self.client.server_url}/api/movies/{self.movie_id}/video"
        headers = {
            "Authorization": f"Bearer {tokens.access_token}",
            "Content-Type": "video/mp4",
            "Content-Length": str(size),
        }
        params = {"duration": f"{duration:.6f}", "name": film.name}
        try:
            return await self.client.http.put(
                url, params=params, headers=headers, content=_chunks(film, size, on_sent)
            )
        except httpx.TransportError as error:
            raise PublishError(f"the upload to {self.client.server_url} failed: {error}") from error

    async def try_send(self, report: MovieReport) -> None:
        """Send, counting a failure instead of raising (reports during a render)."""
        try:
            await self.send(report)
        except (PublishError, SessionEnded):
            self.missed += 1


async def publish_render(
    client: SyncClient,
    movie_id: str,
    renderer: Renderer,
    plan: Plan,
    output: Path,
    *,
    upload: bool = True,
    cancel: threading.Event | None = None,
    interval: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
    on_progress: ProgressCallback | None = None,
    on_upload: Callable[[int, int], None] | None = None,
    strict_start: bool = False,
) -> Publication:
    """Render ``plan`` to ``output`` while reporting progress on movie ``movie_id``.

    Reports are throttled (see :class:`ProgressThrottle`); the final report is
    ``completed``, ``failed`` or ``cancelled``. With ``upload`` the film is sent
    to the movie's video before ``completed`` (a refused upload raises
    :class:`PublishError` after a ``failed`` report). The render's own exception
    (``RenderError``, ``RenderCancelled``) is raised after its final report (sent
    best effort); a ``completed`` report the server refuses raises
    :class:`PublishError` (the film stays at ``output``). Cancelling the calling
    task cancels the render.

    ``on_progress`` also gets every engine event (on the render's worker thread, as
    :meth:`Renderer.render` calls it); ``on_upload(sent, total)`` gets the upload's
    bytes so far (on the loop). Both are for a local display. With ``strict_start``
    the first report (``starting``) must be accepted, else :class:`PublishError` (or
    ``SessionEnded``) is raised before anything is rendered: a wrong movie id or a
    revoked role costs no render.
    """
    reporter = MovieReporter(client, movie_id)
    throttle = ProgressThrottle(interval, clock)
    share = RENDER_SHARE if upload else 1.0
    loop = asyncio.get_running_loop()
    events: asyncio.Queue[RenderProgress | None] = asyncio.Queue()
    stop = cancel or threading.Event()

    def relay_progress(event: RenderProgress) -> None:
        if on_progress is not None:
            on_progress(event)
        loop.call_soon_threadsafe(events.put_nowait, event)

    async def render() -> RenderResult:
        try:
            return await asyncio.to_thread(
                renderer.render, plan, output, on_progress=relay_progress, cancel=stop
            )
        finally:
            loop.call_soon_threadsafe(events.put_nowait, None)

    first = MovieReport(RENDERING, 0.0, "starting")
    if strict_start:
        await reporter.send(first)
    else:
        await reporter.try_send(first)
    throttle.offer(first)
    job = asyncio.ensure_future(render())
    try:
        await _relay(events, throttle, reporter, share)
        result = await job
    except RenderCancelled:
        await reporter.try_send(MovieReport(CANCELLED, _last_progress(reporter), CANCELLED))
        raise
    except Exception as error:  # a RenderError, or anything else that stopped the render
        await reporter.try_send(MovieReport(FAILED, _last_progress(reporter), str(error)))
        raise
    except asyncio.CancelledError:
        stop.set()
        await asyncio.gather(job, return_exceptions=True)
        await asyncio.shield(
            reporter.try_send(MovieReport(CANCELLED, _last_progress(reporter), CANCELLED))
        )
        raise
    if upload:
        await _upload(reporter, throttle, result, on_upload)
    movie = await reporter.send(MovieReport(COMPLETED, 1.0, "published"))
    return Publication(result, reporter.sent, reporter.missed, movie, uploaded=upload)


async def start_movie(client: SyncClient, script_id: str) -> dict[str, Any]:
    """``POST /api/movies/generate``: a new movie record for a Selected script (which
    moves to Generating); returns the movie JSON (its ``id`` is what to publish to).

    Raises :class:`PublishError` naming the server's reason (no such script, not
    Selected, not an editor) or ``SessionEnded``.
    """
    if not client.signed_in:
        raise SessionEnded(client.auth.session_ended or "sign in first")
    url = f"{client.server_url}/api/movies/generate"
    try:
        response = await client.http.post(url, json={"scriptId": script_id}, auth=client.auth)
    except httpx.TransportError as error:
        raise PublishError(f"cannot reach {client.server_url}: {error}") from error
    if response.status_code != 201:
        raise PublishError(
            f"the server would not start a movie for script {script_id} "
            f"(HTTP {response.status_code}): {detail_of(response)}",
            response.status_code,
        )
    body = response.json()
    if not isinstance(body, dict) or not isinstance(body.get("id"), str):
        raise PublishError("the server's reply to /api/movies/generate names no movie")
    return body


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


async def _upload(
    reporter: MovieReporter,
    throttle: ProgressThrottle,
    result: RenderResult,
    on_upload: Callable[[int, int], None] | None = None,
) -> None:
    """Send the film, reporting the upload's share of the progress through the throttle."""

    async def sent(done: int, total: int) -> None:
        if on_upload is not None:
            on_upload(done, total)
        report = MovieReport(RENDERING, RENDER_SHARE + (1 - RENDER_SHARE) * done / total, "upload")
        due = throttle.offer(report)
        if due is not None:
            await reporter.try_send(due)

    try:
        await reporter.upload(result.output, result.duration, sent)
    except (PublishError, SessionEnded) as error:
        await reporter.try_send(MovieReport(FAILED, RENDER_SHARE, f"upload: {error}"))
        raise


async def _chunks(
    film: Path, size: int, on_sent: Callable[[int, int], Any] | None
) -> AsyncIterator[bytes]:
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


async def _relay(
    events: asyncio.Queue[RenderProgress | None],
    throttle: ProgressThrottle,
    reporter: MovieReporter,
    share: float,
) -> None:
    """Pass engine events to the server through the throttle until the render ends."""
    while True:
        wait = throttle.due_in()
        try:
            event = await asyncio.wait_for(events.get(), timeout=wait)
        except TimeoutError:
            held = throttle.flush()
            if held is not None:
                await reporter.try_send(held)
            continue
        if event is None:
            return
        if event.stage == "done":
            continue  # the final report says it
        due = throttle.offer(report_of(event, share))
        if due is not None:
            await reporter.try_send(due)


def _last_progress(reporter: MovieReporter) -> float:
    value = reporter.movie.get("progress", 0.0)
    return float(value) if isinstance(value, int | float) else 0.0
