"""The render engine: a plan becomes a film, scene by scene in parallel, resumable.

Per scene (in a bounded thread pool): each voice line from the voice provider,
the scene's audio (the lines placed at their start samples, 48 kHz PCM, as long
as the scene's longest possible slot), its loudness, and the scene clip from the
video provider (enough frames for that slot). Scenes are cut by cumulative time
(``core.pipeline.mux.film_slots``). Then :mod:`render.assembly` encodes each
scene's audio to AAC, joins the film's track and stitches the film by stream copy.

Every asset is keyed by the hash of its inputs and recorded in the job database
once verified; a later render (after a crash, a cancel or an edit) reuses every
asset whose key it finds, so only what changed is made again.
"""

from __future__ import annotations

import functools
import math
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

from vividverse_desktop.core.pipeline.ffmpeg_args import AUDIO_RATE, X264, VideoFormat
from vividverse_desktop.core.pipeline.loudness import loudness_argv, parse_loudness
from vividverse_desktop.core.pipeline.mux import (
    SceneSlot,
    VoiceCue,
    film_slots,
    scene_audio_argv,
    scene_samples,
    seconds_to_samples,
)
from vividverse_desktop.core.pipeline.plan import Plan, PlanScene, scene_to_json
from vividverse_desktop.core.pipeline.stitch import concat_list
from vividverse_desktop.media.ffmpeg import FFmpeg, FFmpegCancelled, FFmpegError
from vividverse_desktop.providers.contract import (
    Asset,
    ClipRequest,
    Provider,
    ProviderCancelled,
    VoiceProvider,
    VoiceRequest,
    fetch,
    part_path,
)
from vividverse_desktop.render.events import (
    Eta,
    ProgressCallback,
    RenderCancelled,
    RenderError,
    RenderProgress,
    RenderResult,
)
from vividverse_desktop.render.jobdb import AssetRow, JobDB, asset_key

ENGINE_VERSION = "1"
"""Changes whenever the engine would assemble the same inputs differently."""

SCENES_SHARE = 0.8
"""Share of the progress bar for the scenes; the rest is audio and stitch."""

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RenderSettings:
    """Everything about a render that is not the plan or a provider.

    ``jobs`` bounds the scenes rendered at once; ``timeout`` bounds each FFmpeg
    run and each provider request (seconds). The film's AAC track is 48 kHz
    stereo by default; ``audio_channels=1`` encodes ~2.8x faster (the AAC encode
    is the slowest step of a keyless render) and loses nothing for the keyless
    voices, which are mono.
    """

    fmt: VideoFormat = field(default_factory=lambda: VideoFormat(1280, 720, Fraction(24)))
    jobs: int = max(1, os.cpu_count() or 1)
    x264: X264 = field(default_factory=X264)
    audio_channels: int = 2
    audio_bitrate: str = "160k"
    timeout: float = 600.0


@dataclass(frozen=True, slots=True)
class SceneOutput:
    """What one scene contributes to the film."""

    index: int
    slot: SceneSlot
    clip: AssetRow | None
    audio: AssetRow | None
    line_seconds: tuple[float, ...]
    cost: float = 0.0


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

    def render(
        self,
        plan: Plan,
        output: Path,
        *,
        on_progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> RenderResult:
        """Render ``plan`` to ``output`` (a faststart MP4); returns what it took.

        Raises :class:`RenderError` naming the scene, asset, provider and cause of
        the first failure (the other scenes are stopped), or :class:`RenderCancelled`.
        Finished assets stay recorded either way, so the next render resumes.
        """
        from vividverse_desktop.render.assembly import assemble
        from vividverse_desktop.render.preflight import check_keys

        check_keys((self.video, self.voice))  # a missing API key fails before any work
        started = time.monotonic()
        output = output.resolve()
        self.assets_dir.mkdir(parents=True, exist_ok=True)
        leftovers = [*self.assets_dir.glob("*.part"), *output.parent.glob(f"{output.name}.*.part")]
        for stale in leftovers:  # left by a killed render
            stale.unlink(missing_ok=True)
        stop = threading.Event()
        report = _Reporter(plan, on_progress, started)
        with JobDB(self.job_dir) as db:
            run_id = db.start_run()
            status = "failed"
            try:
                slots = film_slots([s.duration for s in plan.scenes], self.settings.fmt)
                speakers = tuple(dict.fromkeys(ln.speaker for s in plan.scenes for ln in s.lines))
                voices = self.voice.cast(speakers) if speakers else {}
                work = _SceneWork(self, db, run_id, voices, _Stop(stop, cancel))
                tasks: list[Callable[[], SceneOutput]] = [
                    functools.partial(work.scene, i, s, slots[i]) for i, s in enumerate(plan.scenes)
                ]
                outputs = _run_parallel(
                    tasks,
                    self.settings.jobs,
                    stop,
                    report.scene,
                )
                if cancel is not None and cancel.is_set():
                    raise RenderCancelled("the render was cancelled")
                result = assemble(
                    self,
                    db,
                    run_id=run_id,
                    plan=plan,
                    scenes=outputs,
                    output=output,
                    report=report,
                    stop=work.stop,
                )
                status = "done"
                report.done()
                return _finish(result, time.monotonic() - started)
            except RenderCancelled:
                status = "cancelled"
                raise
            finally:
                db.finish_run(run_id, status)


def _finish(result: RenderResult, seconds: float) -> RenderResult:
    from dataclasses import replace

    return replace(result, seconds=seconds)


class _Stop:
    """The engine's own stop flag (set on a failure) joined with the caller's cancel."""

    def __init__(self, own: threading.Event, caller: threading.Event | None) -> None:
        self.own, self.caller = own, caller
        self.any = threading.Event()

    def is_set(self) -> bool:
        stopped = self.own.is_set() or (self.caller is not None and self.caller.is_set())
        if stopped:
            self.any.set()
        return stopped

    def event(self) -> threading.Event:
        """An event set when either flag is (polled by FFmpeg runs and providers)."""
        self.is_set()
        return _Joined(self)


class _Joined(threading.Event):
    def __init__(self, stop: _Stop) -> None:
        super().__init__()
        self._stop = stop

    def is_set(self) -> bool:
        return self._stop.is_set()


class _Reporter:
    """Turns finished scenes and stages into progress events with an ETA."""

    def __init__(self, plan: Plan, callback: ProgressCallback | None, started: float) -> None:
        self.plan, self.callback, self.eta = plan, callback, Eta(started)
        self.total = max(plan.duration, 1e-9)
        self.done_seconds = 0.0
        self.done_count = 0
        self.lock = threading.Lock()

    def _emit(self, stage: str, fraction: float, **extra: Any) -> None:
        if self.callback is None:
            return
        now = time.monotonic()
        event = RenderProgress(
            stage=stage,
            scenes_done=self.done_count,
            scenes_total=len(self.plan.scenes),
            fraction=min(1.0, fraction),
            elapsed=now - self.eta.started,
            eta=self.eta.estimate(fraction, now),
            **extra,
        )
        self.callback(event)

    def scene(self, index: int) -> None:
        with self.lock:
            scene = self.plan.scenes[index]
            self.done_seconds += scene.duration
            self.done_count += 1
            fraction = min(SCENES_SHARE, SCENES_SHARE * self.done_seconds / self.total)
            self._emit(
                "scenes", fraction, scene_index=index, scene_id=scene.id,
                message=f"scene {scene.id} ready",
            )  # fmt: skip

    def stage(self, stage: str, share: float, message: str) -> None:
        with self.lock:
            self._emit(stage, SCENES_SHARE + (1 - SCENES_SHARE) * share, message=message)

    def done(self) -> None:
        with self.lock:
            self._emit("done", 1.0, message="film written")


def _run_parallel(
    tasks: list[Callable[[], T]],
    jobs: int,
    stop: threading.Event,
    on_done: Callable[[int], None],
) -> list[T]:
    """Run tasks on ``jobs`` threads; the first exception stops the rest and is raised."""
    results: list[T | None] = [None] * len(tasks)
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="render") as pool:
        futures: dict[Future[T], int] = {pool.submit(task): n for n, task in enumerate(tasks)}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
            failed = [f for f in finished if f.exception() is not None]
            if failed:
                stop.set()
                for future in pending:
                    future.cancel()
                wait(pending)
                errors = [f.exception() for f in failed]
                real = [e for e in errors if not isinstance(e, RenderCancelled)]
                raise (real or errors)[0]  # type: ignore[misc]
            for future in finished:
                results[futures[future]] = future.result()
                on_done(futures[future])
    return [r for r in results if r is not None]


class _SceneWork:
    """The per-scene steps, shared by the worker threads."""

    def __init__(
        self,
        renderer: Renderer,
        db: JobDB,
        run_id: int,
        voices: dict[str, str],
        stop: _Stop,
    ) -> None:
        self.r, self.db, self.run_id, self.voices, self.stop = renderer, db, run_id, voices, stop

    def check(self) -> None:
        if self.stop.is_set():
            raise RenderCancelled("the render was cancelled")

    def scene(self, index: int, scene: PlanScene, slot: SceneSlot) -> SceneOutput:
        """Voice lines, scene audio and scene clip of one scene (each reused if recorded)."""
        lines: list[tuple[AssetRow, int]] = []
        for n, line in enumerate(scene.lines):
            self.check()
            lines.append((self.voice_line(scene, n), seconds_to_samples(line.start)))
        audio = self.scene_audio(scene, lines)
        self.check()
        clip = self.scene_clip(scene, slot) if slot.frames > 0 else None
        cost = sum(row.cost for row, _ in lines) + (clip.cost if clip is not None else 0.0)
        seconds = tuple(row.seconds for row, _ in lines)
        return SceneOutput(index, slot, clip, audio, seconds, cost)

    def _provided(
        self, kind: str, scene: PlanScene, *, asset: str, provider: Provider, request: Any,
        key: str, suffix: str,
    ) -> AssetRow:  # fmt: skip
        found = self.db.get(key)
        if found is not None:
            return found
        path = self.r.assets_dir / f"{kind}-{key[:24]}{suffix}"
        try:
            made: Asset = fetch(
                provider, request, path, scratch=self.r.job_dir / "scratch",
                timeout=self.r.settings.timeout, cancel=self.stop.event(),
            )  # fmt: skip
        except ProviderCancelled as error:
            raise RenderCancelled("the render was cancelled") from error
        except Exception as error:  # any provider failure is reported, plugins included
            if self.stop.is_set():
                raise RenderCancelled("the render was cancelled") from error
            raise RenderError(scene.id, asset, provider.name, _cause(error)) from error
        return self.db.record(
            key, kind=kind, scene_id=scene.id, provider=provider.name, path=made.path,
            run_id=self.run_id, cost=made.cost, seconds=made.seconds,
        )  # fmt: skip

    def voice_line(self, scene: PlanScene, n: int) -> AssetRow:
        line = scene.lines[n]
        provider = self.r.voice
        request = VoiceRequest(line.text, line.speaker, self.voices[line.speaker])
        key = asset_key("voice", {
            "provider": [provider.name, provider.version, dict(provider.settings())],
            "text": " ".join(line.text.split()), "voice": request.voice,
        })  # fmt: skip
        return self._provided(
            "voice", scene, asset=f"voice line {n + 1} ({line.speaker})", provider=provider,
            request=request, key=key, suffix=".wav",
        )  # fmt: skip

    def scene_clip(self, scene: PlanScene, slot: SceneSlot) -> AssetRow:
        provider, settings = self.r.video, self.r.settings
        frames = shot_frames(scene, clip_frames(scene, slot, settings))
        request = ClipRequest(scene, settings.fmt, frames, settings.x264)
        picture = scene_to_json(scene)
        del picture["id"], picture["lines"]
        key = asset_key("clip", {
            "provider": [provider.name, provider.version, dict(provider.settings())],
            "scene": picture, "frames": list(frames),
            "format": [settings.fmt.width, settings.fmt.height, settings.fmt.rate],
            "x264": [settings.x264.preset, settings.x264.crf], "engine": ENGINE_VERSION,
        })  # fmt: skip
        return self._provided(
            "clip", scene, asset="scene clip", provider=provider, request=request, key=key,
            suffix=".mp4",
        )  # fmt: skip

    def scene_audio(self, scene: PlanScene, lines: list[tuple[AssetRow, int]]) -> AssetRow:
        """The scene's lines placed in silence, as long as its longest possible slot.

        Keyed by the scene alone (never by its place in the film), so a scene that
        only moves keeps its audio; the join of the film's track cuts it to its slot.
        """
        samples = scene_samples(scene.duration, self.r.settings.fmt)
        key = asset_key("scene_audio", {
            "cues": [[row.key, start] for row, start in lines],
            "samples": samples, "rate": AUDIO_RATE, "engine": ENGINE_VERSION,
        })  # fmt: skip
        found = self.db.get(key)
        if found is not None:
            return found
        name = f"audio-{key[:24]}.au"
        path = self.r.assets_dir / name
        part = part_path(path)
        cues = [VoiceCue(self.r.job_dir / row.path, start) for row, start in lines]
        listing = part_path(self.r.assets_dir / f"audio-{key[:24]}.txt")
        try:
            self.run(scene_audio_argv(cues, samples, part))
            os.replace(part, path)
            listing.write_text(concat_list([name]), encoding="utf-8")
            log = self.run(loudness_argv(listing), ok_log=True)
            lufs = parse_loudness(log)
        except FFmpegCancelled as error:
            raise RenderCancelled("the render was cancelled") from error
        except (FFmpegError, OSError) as error:
            raise RenderError(scene.id, "scene audio", "ffmpeg", _cause(error)) from error
        finally:
            part.unlink(missing_ok=True)
            listing.unlink(missing_ok=True)
        return self.db.record(
            key, kind="scene_audio", scene_id=scene.id, provider="ffmpeg", path=path,
            run_id=self.run_id, seconds=samples / AUDIO_RATE, meta={"lufs": lufs},
        )  # fmt: skip

    def run(self, args: tuple[str, ...], *, ok_log: bool = False) -> str:
        result = self.r.ffmpeg.run(
            args, timeout=self.r.settings.timeout, cancel=self.stop.event(), cwd=self.r.job_dir
        )
        return result.stderr if ok_log else ""


def clip_frames(scene: PlanScene, slot: SceneSlot, settings: RenderSettings) -> int:
    """Frames to render for a scene's clip: enough for any slot its duration can get.

    A scene's slot is cut by cumulative time, so its frame count moves by one when
    an earlier scene changes length. Rendering ``ceil(duration * fps) + 1`` frames
    (which depends on the scene alone) and cutting the clip to its slot in the
    concat list keeps the clip's hash, so such an edit re-renders no later clip.
    The cut drops trailing packets by stream copy, which is exact only without
    B-frames: x264 ``ultrafast`` has none; other presets render the slot exactly.
    """
    if settings.x264.preset != "ultrafast":
        return slot.frames
    need = math.ceil(Fraction(scene.duration) * Fraction(settings.fmt.fps)) + 1
    return max(need, slot.frames)


def shot_frames(scene: PlanScene, frames: int) -> tuple[int, ...]:
    """Split a scene's frames over its shots by their (scaled) durations, cut by cumulative time."""
    seconds = scene.shot_seconds()
    total = sum(seconds) or 1.0
    cuts, elapsed, previous = [], 0.0, 0
    for value in seconds:
        elapsed += value
        cut = round(frames * elapsed / total)
        cuts.append(cut - previous)
        previous = cut
    return tuple(cuts)


def _cause(error: BaseException) -> str:
    """One line saying why: the message, and FFmpeg's last log line when there is one."""
    if isinstance(error, FFmpegError):
        tail = error.stderr_tail.strip().splitlines()
        return f"{error.message}: {tail[-1]}" if tail else error.message
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
