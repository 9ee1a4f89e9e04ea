"""The render engine: a plan becomes a film, scene by scene in parallel, resumable.

Per scene (in a bounded thread pool, :mod:`render.scenes`): each voice line from
the voice provider, the scene's audio (the lines placed at their start samples,
48 kHz PCM, as long as the scene's longest possible slot), its loudness, and the
scene clip from the video provider (enough frames for that slot). Scenes are cut
by cumulative time (``core.pipeline.mux.film_slots``). Then :mod:`render.assembly`
encodes each scene's audio to AAC, joins the film's track and stitches the film by
stream copy.

Every asset is keyed by the hash of its inputs and recorded in the job database
once verified (:mod:`render.assets`); a later render (after a crash, a cancel or an
edit) reuses every asset whose key it finds, so only what changed is made again.
:meth:`Renderer.rerender_scene` forgets one scene's assets and renders again, so
that scene alone is made anew; :meth:`Renderer.estimate` says beforehand what a
render would make, cost and take.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.mux import film_slots
from vividverse_desktop.core.pipeline.plan import Plan, film_cast
from vividverse_desktop.media.ffmpeg import FFmpeg
from vividverse_desktop.providers.contract import Provider, VoiceProvider
from vividverse_desktop.render.assembly import assemble
from vividverse_desktop.render.assets import CANCELLED, Workshop
from vividverse_desktop.render.estimate import RenderEstimate, estimate
from vividverse_desktop.render.events import ProgressCallback, RenderCancelled, RenderResult
from vividverse_desktop.render.jobdb import ASSEMBLY_RATE, JobDB
from vividverse_desktop.render.preflight import check_keys
from vividverse_desktop.render.progress import Reporter
from vividverse_desktop.render.scenes import SceneOutput, SceneWork, cast, scene_keys
from vividverse_desktop.render.settings import (
    ENGINE_VERSION,
    RenderSettings,
    clip_frames,
    shot_frames,
)

__all__ = [
    "ASSEMBLY_RATE",
    "ENGINE_VERSION",
    "RenderSettings",
    "Renderer",
    "SceneOutput",
    "clip_frames",
    "shot_frames",
]

T = TypeVar("T")


Cancel = CancelToken | threading.Event
"""What a caller may cancel a render with: the cancel token (or, for older callers, an event)."""


class Renderer:
    """Renders plans into one job directory with one video and one voice provider."""

    def __init__(
        self,
        job_dir: Path,
        video: Provider,
        voice: VoiceProvider,
        settings: RenderSettings | None = None,
        ffmpeg: FFmpeg | None = None,
    ) -> None:
        self.job_dir = job_dir.resolve()
        self.assets_dir = self.job_dir / "assets"
        self.video = video
        self.voice = voice
        self.settings = settings or RenderSettings()
        self.ffmpeg = ffmpeg or FFmpeg()

    def estimate(self, plan: Plan) -> RenderEstimate:
        """What rendering ``plan`` here would reuse, make, cost and take (nothing is made)."""
        return estimate(
            plan, job_dir=self.job_dir, video=self.video, voice=self.voice, settings=self.settings
        )

    def render(
        self,
        plan: Plan,
        output: Path,
        *,
        on_progress: ProgressCallback | None = None,
        cancel: Cancel | None = None,
    ) -> RenderResult:
        """Render ``plan`` to ``output`` (a faststart MP4); returns what it took.

        Raises :class:`RenderError` naming the scene, asset, provider and cause of
        the first failure (the other scenes are stopped), or :class:`RenderCancelled`
        (every wait, provider poll, back-off and FFmpeg run ends at once on cancel).
        Finished assets stay recorded either way, so the next render resumes.
        """
        check_keys((self.video, self.voice))  # a missing API key fails before any work
        started = time.monotonic()
        output = output.resolve()
        self.assets_dir.mkdir(parents=True, exist_ok=True)
        leftovers = [*self.assets_dir.glob("*.part"), *output.parent.glob(f"{output.name}.*.part")]
        for stale in leftovers:  # left by a killed render
            stale.unlink(missing_ok=True)
        caller, end_relay = _token(cancel)
        stop = caller.child()  # also cancelled by the engine itself when a scene fails
        report = Reporter(plan, on_progress, started, (self.video.name, self.voice.name))
        try:
            with JobDB(self.job_dir) as db:
                run_id = db.start_run()
                status = "failed"
                try:
                    result = self._render(
                        plan, output, db=db, run_id=run_id, stop=stop, caller=caller, report=report
                    )
                    status = "done"
                    return replace(result, seconds=time.monotonic() - started)
                except RenderCancelled:
                    status = "cancelled"
                    raise
                finally:
                    db.finish_run(run_id, status)
        finally:
            stop.release()
            end_relay()

    def _render(
        self,
        plan: Plan,
        output: Path,
        *,
        db: JobDB,
        run_id: int,
        stop: CancelToken,
        caller: CancelToken,
        report: Reporter,
    ) -> RenderResult:
        slots = film_slots([s.duration for s in plan.scenes], self.settings.fmt)
        voices = cast(plan, self.voice)
        shop = Workshop(
            job_dir=self.job_dir, db=db, run_id=run_id, ffmpeg=self.ffmpeg,
            timeout=self.settings.timeout, stop=stop, report=report,
        )  # fmt: skip
        report.queued()
        work = SceneWork(
            shop, video=self.video, voice=self.voice, voices=voices, settings=self.settings,
            cast=film_cast(plan),
        )  # fmt: skip
        tasks: list[Callable[[], SceneOutput]] = [
            functools.partial(work.scene, i, s, slots[i], plan.scenes[i - 1] if i else None)
            for i, s in enumerate(plan.scenes)
        ]
        outputs = _run_parallel(tasks, self.settings.jobs, stop)
        if caller.cancelled:
            raise RenderCancelled(CANCELLED)
        assembling = time.monotonic()
        result = assemble(shop, self.settings, plan=plan, scenes=outputs, output=output)
        rate = (time.monotonic() - assembling) / max(result.duration, 1e-9)
        db.set_setting(ASSEMBLY_RATE, f"{rate:.6f}")  # read by estimate()
        report.done()
        return result

    def rerender_scene(
        self,
        plan: Plan,
        scene_id: str,
        output: Path,
        *,
        on_progress: ProgressCallback | None = None,
        cancel: Cancel | None = None,
    ) -> RenderResult:
        """Make scene ``scene_id`` anew (its lines, audio and clip) and stitch the film again.

        Every other scene's assets are reused; this scene's recorded assets (and what
        was derived from them) are forgotten and their files removed first, so even a
        provider that answers differently each time gives a fresh take.
        Raises KeyError for a scene id the plan does not have.
        """
        index = next((i for i, s in enumerate(plan.scenes) if s.id == scene_id), None)
        if index is None:
            raise KeyError(f"the plan has no scene {scene_id}")
        slots = film_slots([s.duration for s in plan.scenes], self.settings.fmt)
        keys = scene_keys(
            plan.scenes[index], slots[index], video=self.video, voice=self.voice,
            voices=cast(plan, self.voice), settings=self.settings,
            before=plan.scenes[index - 1] if index else None, cast=film_cast(plan),
        )  # fmt: skip
        with JobDB(self.job_dir) as db:
            for row in db.forget_scene(scene_id, keys.all()):
                (self.job_dir / row.path).unlink(missing_ok=True)
        return self.render(plan, output, on_progress=on_progress, cancel=cancel)


def _token(cancel: Cancel | None) -> tuple[CancelToken, Callable[[], None]]:
    """The caller's cancel as a token, and what to call when the render ends."""
    if isinstance(cancel, CancelToken):
        return cancel, lambda: None
    token = CancelToken()
    if cancel is None:
        return token, lambda: None
    finished = threading.Event()
    event = cancel

    def watch() -> None:  # a plain event cannot wake anyone: relay it to the token
        while not finished.is_set():
            if event.wait(0.05):
                token.cancel(CANCELLED)
                return

    threading.Thread(target=watch, name="render-cancel", daemon=True).start()
    return token, finished.set


def _run_parallel(tasks: list[Callable[[], T]], jobs: int, stop: CancelToken) -> list[T]:
    """Run tasks on ``jobs`` threads; the first exception stops the rest and is raised."""
    results: list[T | None] = [None] * len(tasks)
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="render") as pool:
        futures: dict[Future[T], int] = {pool.submit(task): n for n, task in enumerate(tasks)}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
            failed = [f for f in finished if f.exception() is not None]
            if failed:
                errors = [f.exception() for f in failed]
                real = [e for e in errors if not isinstance(e, RenderCancelled)]
                stop.cancel("another scene failed" if real else CANCELLED)
                for future in pending:
                    future.cancel()
                wait(pending)
                raise (real or errors)[0]  # type: ignore[misc]
            for future in finished:
                results[futures[future]] = future.result()
    return [r for r in results if r is not None]
