"""Publishing a render: the server's movie record follows the render, then gets the film.

:func:`publish` is what a front end calls: it checks the user may publish, starts a
movie for a Selected script when no movie is named, and runs :func:`publish_render`.
That renders on a worker thread and, on the asyncio loop, reports progress on the
movie (``sync.publishing``), throttled by :class:`ProgressThrottle`: a stage change
is sent at once, otherwise at most one report per ``interval`` seconds, and the latest
held-back report is sent when its turn comes.

The end is always reported: ``completed`` (progress 1) when the film is written (and
uploaded), ``failed`` with the cause as the stage when the render fails, ``cancelled``
when it is cancelled (the script stays Generating, so a resumed render can finish it).
A progress report that fails while the render runs does not stop the render: it is
counted in :attr:`Publication.missed_reports` and the next report carries on. With
``upload`` (the default) the render counts for 90 % of the progress and the upload for
the rest. :func:`publish_film` publishes a film already on disk (probed for its length).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.plan import Plan
from vividverse_desktop.core.wire import MovieRecord, UserRecord
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.render.engine import Renderer
from vividverse_desktop.render.events import (
    ProgressCallback,
    RenderCancelled,
    RenderProgress,
    RenderResult,
)
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.sync import SessionEnded, SyncClient
from vividverse_desktop.sync.publishing import (
    MovieReport,
    PublishError,
    report_progress,
    start_movie,
    upload_film,
)

RENDERING = "rendering"
COMPLETED = "completed"
FAILED = "failed"
CANCELLED = "cancelled"

RENDER_SHARE = 0.9
"""Share of the progress for the render when the film is uploaded after it."""

PUBLISHERS = frozenset({Role.EDITOR, Role.ADMIN})
"""Roles the server lets report renders and upload films."""

UploadCallback = Callable[[int, int], None]
"""Told the bytes of the film sent so far and its size (on the loop)."""


def may_publish(roles: Iterable[Role]) -> bool:
    """Whether a user holding ``roles`` may report renders and upload films."""
    return any(role in PUBLISHERS for role in roles)


def check_publisher(*, user: UserRecord | None, server_url: str) -> None:
    """Raise :class:`StudioError` when ``user`` (if known) may not publish on the server."""
    if user is not None and not may_publish([user.role]):
        raise StudioError(
            f"{user.username} is a {user.role.value} on {server_url}: "
            "only editors and admins publish films"
        )


@dataclass(frozen=True, slots=True)
class Publication:
    """What publishing did: the render, the reports sent and missed, the movie at the end."""

    result: RenderResult
    reports: int
    missed_reports: int
    movie: MovieRecord
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


class _Reporter:
    """Sends one movie's reports, counting those sent and missed; keeps the last movie."""

    def __init__(self, client: SyncClient, movie_id: str) -> None:
        self.client = client
        self.movie_id = movie_id
        self.sent = 0
        self.missed = 0
        self.movie: MovieRecord | None = None

    async def send(self, report: MovieReport) -> MovieRecord:
        self.movie = await report_progress(self.client, self.movie_id, report)
        self.sent += 1
        return self.movie

    async def try_send(self, report: MovieReport) -> None:
        """Send, counting a failure instead of raising (reports during a render)."""
        try:
            await self.send(report)
        except (PublishError, SessionEnded):
            self.missed += 1

    @property
    def progress(self) -> float:
        return 0.0 if self.movie is None else self.movie.progress


async def publish(
    *,
    client: SyncClient,
    renderer: Renderer,
    plan: Plan,
    output: Path,
    movie_id: str | None = None,
    script_id: str | None = None,
    on_started: Callable[[MovieRecord], None] | None = None,
    on_progress: ProgressCallback | None = None,
    on_upload: UploadCallback | None = None,
) -> Publication:
    """Render ``plan`` to ``output`` and publish it to movie ``movie_id``, or to a new movie
    started for the Selected script ``script_id`` (``on_started`` is told of it).

    Everything that can be checked before the render is: the user's role
    (:class:`StudioError`), the movie (its first report must be accepted, else
    ``PublishError``). See :func:`publish_render` for the rest.
    """
    if (movie_id is None) == (script_id is None):
        raise ValueError("name one of movie_id or script_id")
    check_publisher(user=client.user, server_url=client.server_url)
    if movie_id is None:
        assert script_id is not None
        started = await start_movie(client, script_id)
        if on_started is not None:
            on_started(started)
        movie_id = started.id
    return await publish_render(
        client=client,
        movie_id=movie_id,
        renderer=renderer,
        plan=plan,
        output=output,
        on_progress=on_progress,
        on_upload=on_upload,
        strict_start=True,
    )


async def publish_render(
    *,
    client: SyncClient,
    movie_id: str,
    renderer: Renderer,
    plan: Plan,
    output: Path,
    upload: bool = True,
    cancel: CancelToken | None = None,
    interval: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
    on_progress: ProgressCallback | None = None,
    on_upload: UploadCallback | None = None,
    strict_start: bool = False,
) -> Publication:
    """Render ``plan`` to ``output`` while reporting progress on movie ``movie_id``.

    With ``upload`` the film is sent to the movie's video before ``completed`` (a refused
    upload raises ``PublishError`` after a ``failed`` report). The render's own exception
    (``RenderError``, ``RenderCancelled``) is raised after its final report (sent best
    effort); a ``completed`` report the server refuses raises ``PublishError`` (the film
    stays at ``output``). Cancelling the calling task cancels the render.

    ``on_progress`` gets every engine event (on the render's worker thread);
    ``on_upload(sent, total)`` the upload's bytes so far (on the loop). With
    ``strict_start`` the first report must be accepted, else ``PublishError`` (or
    ``SessionEnded``) is raised before anything is rendered.
    """
    reporter = _Reporter(client, movie_id)
    throttle = ProgressThrottle(interval, clock)
    share = RENDER_SHARE if upload else 1.0
    loop = asyncio.get_running_loop()
    events: asyncio.Queue[RenderProgress | None] = asyncio.Queue()
    stop = cancel.child() if cancel is not None else CancelToken()

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
        await reporter.try_send(MovieReport(CANCELLED, reporter.progress, CANCELLED))
        raise
    except Exception as error:  # a RenderError, or anything else that stopped the render
        await reporter.try_send(MovieReport(FAILED, reporter.progress, str(error)))
        raise
    except asyncio.CancelledError:
        stop.cancel("the publishing task was cancelled")
        await asyncio.gather(job, return_exceptions=True)
        await asyncio.shield(
            reporter.try_send(MovieReport(CANCELLED, reporter.progress, CANCELLED))
        )
        raise
    if upload:
        await _upload(reporter, throttle, result.output, result.duration, on_upload)
    movie = await reporter.send(MovieReport(COMPLETED, 1.0, "published"))
    return Publication(result, reporter.sent, reporter.missed, movie, uploaded=upload)


async def publish_film(
    *,
    client: SyncClient,
    movie_id: str,
    film: Path,
    on_upload: UploadCallback | None = None,
) -> MovieRecord:
    """Upload a film already rendered (probed for its length) and complete the movie.

    Raises :class:`StudioError` when ``film`` is not a readable video, ``PublishError``
    when the server refuses it (after a ``failed`` report) or the final report.
    """
    from vividverse_desktop.media.probe import ProbeError, probe

    try:
        info = await asyncio.to_thread(probe, film)
    except (ProbeError, OSError) as error:
        raise StudioError(f"{film} cannot be published: {error}") from error
    if not info.video or info.duration is None:
        raise StudioError(f"{film} cannot be published: it holds no video of known length")
    reporter = _Reporter(client, movie_id)
    throttle = ProgressThrottle()
    await _upload(reporter, throttle, film, info.duration, on_upload)
    return await reporter.send(MovieReport(COMPLETED, 1.0, "published"))


async def _upload(
    reporter: _Reporter,
    throttle: ProgressThrottle,
    film: Path,
    duration: float,
    on_upload: UploadCallback | None = None,
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
        reporter.movie = await upload_film(reporter.client, reporter.movie_id, film, duration, sent)
    except (PublishError, SessionEnded) as error:
        await reporter.try_send(MovieReport(FAILED, RENDER_SHARE, f"upload: {error}"))
        raise


async def _relay(
    events: asyncio.Queue[RenderProgress | None],
    throttle: ProgressThrottle,
    reporter: _Reporter,
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
