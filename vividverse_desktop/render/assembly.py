"""The film from its scenes: each scene's audio encoded once, joined, then a stream-copy stitch.

The film's loudness is the duration-weighted energy mean of the scenes' measured
loudness, so an edited scene needs only its own measurement; the gain it implies
is kept from the previous render while it moves by less than
:data:`GAIN_HYSTERESIS_DB` (a small edit must not re-encode every scene). Each
scene's audio is encoded to an AAC segment keyed by that audio, the gain and the
encoding alone (``core.pipeline.audio_segment``); where the segments go is decided
when joining them, so an edit re-encodes only the scenes whose audio changed, even
when it moves every later scene.

Without B-frames (x264 ``ultrafast``) each scene clip is also kept as an Annex B
H.264 stream with its frames' byte offsets (made once per clip), and the stitch
reads the film's picture as byte ranges of those streams: one raw H.264 input, which
FFmpeg 9 copies with a quarter of the thread wake-ups of the concat demuxer's MP4s
(~3.3 s instead of ~4.7 s for a two-hour film). Other presets use the concat list.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from vividverse_desktop.core.pipeline.audio_segment import (
    PRIMING,
    SegmentPlacement,
    place_segments,
    placed_bytes,
    segment_argv,
)
from vividverse_desktop.core.pipeline.loudness import SILENCE_LUFS, Loudness
from vividverse_desktop.core.pipeline.plan import Plan
from vividverse_desktop.core.pipeline.progress import Progress
from vividverse_desktop.core.pipeline.stitch import (
    AudioEncoding,
    Chapter,
    EncodedAudio,
    Stitch,
    access_units,
    annexb_argv,
    byte_range_list,
    ffmetadata,
    srt,
    stitch_argv,
)
from vividverse_desktop.providers.cutlist import cut_list
from vividverse_desktop.providers.subtitles import film_subtitles
from vividverse_desktop.render.assets import Made, Where, Workshop
from vividverse_desktop.render.edl import EdlEvent, film_edl
from vividverse_desktop.render.events import RenderError, RenderResult, Stage
from vividverse_desktop.render.jobdb import AssetRow, JobDB, asset_key
from vividverse_desktop.render.scenes import SceneOutput
from vividverse_desktop.render.settings import RenderSettings

GAIN_HYSTERESIS_DB = 1.0
"""A new loudness measurement replaces the stored one only when it differs by more."""


def film_loudness(scenes: Sequence[tuple[int, float | None]]) -> float:
    """Integrated loudness (LUFS) of scenes given as (samples, measured LUFS or None).

    Energy mean weighted by length over the scenes above the silence gate; silence
    overall is :data:`SILENCE_LUFS`.
    """
    energy, length = 0.0, 0
    for samples, lufs in scenes:
        if lufs is None or lufs <= SILENCE_LUFS or samples <= 0:
            continue
        energy += samples * 10 ** (lufs / 10)
        length += samples
    if not length:
        return SILENCE_LUFS
    return 10 * math.log10(energy / length)


def assemble(
    shop: Workshop,
    settings: RenderSettings,
    *,
    plan: Plan,
    scenes: Sequence[SceneOutput],
    output: Path,
) -> RenderResult:
    """Encode the film's audio, write chapters and subtitles, stitch ``output``."""
    fmt, job, db, run_id, report = settings.fmt, shop.job_dir, shop.db, shop.run_id, shop.report
    audio_scenes = [s for s in scenes if s.audio is not None]
    video_scenes = [s for s in scenes if s.clip is not None]
    if len(audio_scenes) != len(scenes) or not video_scenes:
        raise RenderError(None, "film", "engine", "the plan has no scene long enough for a frame")
    measured = film_loudness([(s.slot.samples, s.audio.meta.get("lufs")) for s in audio_scenes])  # type: ignore[union-attr]
    stored = db.setting("film_lufs")
    if stored is not None and abs(float(stored) - measured) <= GAIN_HYSTERESIS_DB:
        measured = float(stored)
    else:
        db.set_setting("film_lufs", f"{measured:.2f}")
    encoding = AudioEncoding(
        Loudness().with_measurement(round(measured, 2)),
        bitrate=settings.audio_bitrate,
        channels=settings.audio_channels,
    )
    placements = place_segments([s.slot.start_sample for s in scenes], scenes[-1].slot.end_sample)
    message = f"encoding the film's audio ({len(scenes)} scenes)"
    report.step(Stage.AUDIO, 0.0, message)
    byte_ranges = settings.x264.preset == "ultrafast"  # no B-frames: frame n is packet n
    counted = _Counter(len(scenes) + (len(video_scenes) if byte_ranges else 0))

    def segment(scene: SceneOutput) -> AssetRow:
        row = _segment(shop, scene=scene, plan=plan, encoding=encoding)
        report.step(Stage.AUDIO, counted.one(), message)
        return row

    def stream(scene: SceneOutput) -> AssetRow:
        row = _annexb(shop, scene=scene, plan=plan)
        report.step(Stage.AUDIO, counted.one(), message)
        return row

    with ThreadPoolExecutor(max_workers=max(1, settings.jobs)) as pool:
        streams = [pool.submit(stream, s) for s in (video_scenes if byte_ranges else ())]
        rows = list(pool.map(segment, scenes))
        annexb = [future.result() for future in streams]
    film_aac = job / "film.aac"
    _join(
        db,
        film_aac,
        [(p, job / row.path, row.key) for p, row in zip(placements, rows, strict=True)],
    )
    report.step(Stage.STITCH, 0.0, "stitching the film")
    if byte_ranges:
        ranges = [
            (row.path, _prefix(row, s.slot.frames))
            for row, s in zip(annexb, video_scenes, strict=True)
        ]
        (job / "video.txt").write_text(byte_range_list(ranges), encoding="utf-8")
    else:
        (job / "video.txt").write_text(
            cut_list([(s.clip.path, s.slot.frames) for s in video_scenes], fmt.fps),  # type: ignore[union-attr]
            encoding="utf-8",
        )
    chapters = [
        Chapter(f"{plan.scenes[s.index].id}. {plan.scenes[s.index].heading}", s.slot.start_frame,
                s.slot.end_frame)
        for s in video_scenes
    ]  # fmt: skip
    (job / "chapters.txt").write_text(ffmetadata(chapters, fmt.fps, plan.title), encoding="utf-8")
    edit = [
        EdlEvent(
            chapter.title, str(job / s.clip.path),  # type: ignore[union-attr]
            str(job / s.audio.path) if s.audio is not None else None,
            s.slot.start_frame, s.slot.frames,
        )
        for chapter, s in zip(chapters, video_scenes, strict=True)
    ]  # fmt: skip
    (job / "film.edl").write_text(film_edl(plan.title, edit, fmt.fps), encoding="utf-8")
    starts = [float(fmt.seconds(s.slot.start_frame)) for s in scenes]
    ends = [float(fmt.seconds(s.slot.end_frame)) for s in scenes]
    spoken = {(s.index, n): sec for s in scenes for n, sec in enumerate(s.line_seconds)}
    cues = film_subtitles(plan, starts, ends, spoken)
    subtitles = None
    if cues:
        subtitles = job / "film.srt"
        subtitles.write_text(srt(cues), encoding="utf-8")
    frames = scenes[-1].slot.end_frame
    film_seconds = float(fmt.seconds(frames))

    def stitched(progress: Progress) -> None:
        report.step(Stage.STITCH, progress.fraction(film_seconds), "stitching the film")

    def make(path: Path) -> Made:
        shop.encode(
            path,
            lambda part: stitch_argv(
                Stitch(
                    job / "video.txt",
                    EncodedAudio(film_aac, adts_priming=PRIMING),
                    part,
                    chapters=job / "chapters.txt",
                    subtitles=subtitles,
                    video_rate=fmt.fps if byte_ranges else None,
                )
            ),
            timeout=max(settings.timeout, film_seconds / 10),
            on_progress=stitched,
        )
        return Made()

    shop.make(Where(None, None, "film stitch"), "ffmpeg", output, make)
    made: dict[str, int] = {}
    for row in db.rows(run_id):
        if row.kind != "annexb":  # a clip's bytes repackaged, not a new asset
            made[row.kind] = made.get(row.kind, 0) + 1
    used = [s.clip for s in video_scenes] + [s.audio for s in audio_scenes]
    return RenderResult(
        output=output,
        scenes=len(plan.scenes),
        duration=film_seconds,
        frames=frames,
        cost=sum(s.cost for s in scenes),
        spent=sum(r.cost for r in db.rows(run_id)),
        seconds=0.0,
        run_id=run_id,
        made=made,
        reused=sum(1 for r in used if r is not None and r.run_id != run_id),
        clip_keys=tuple(s.clip.key for s in video_scenes),  # type: ignore[union-attr]
        chapters=tuple((c.start_frame, c.end_frame) for c in chapters),
    )


def _join(db: JobDB, film_aac: Path, placed: Sequence[tuple[SegmentPlacement, Path, str]]) -> None:
    """Write the film's ADTS track from the placed segments, unless it is already there."""
    joined = asset_key("film_audio", {"segments": [[k, p.block, p.packets] for p, _, k in placed]})
    if db.setting("film_audio") == joined and film_aac.is_file():
        return
    db.set_setting("film_audio", "")
    with film_aac.open("wb") as sink:
        for placement, path, _ in placed:
            sink.write(placed_bytes(placement, path.read_bytes()))
    db.set_setting("film_audio", joined)


def _prefix(stream: AssetRow, frames: int) -> int:
    """Bytes of an Annex B clip holding its first ``frames`` frames."""
    offsets: list[int] = stream.meta["frames"]
    if frames > len(offsets):
        raise RenderError(
            stream.scene_id, "film stitch", "engine", "the clip is shorter than its slot"
        )
    return offsets[frames] if frames < len(offsets) else int(stream.meta["bytes"])


def _annexb(shop: Workshop, *, scene: SceneOutput, plan: Plan) -> AssetRow:
    """The scene clip as an Annex B H.264 stream, with each frame's byte offset (once per clip)."""
    clip = scene.clip
    assert clip is not None
    key = asset_key("annexb", {"clip": clip.key})

    def make(path: Path) -> Made:
        shop.encode(path, lambda part: annexb_argv(shop.job_dir / clip.path, part))
        stream = path.read_bytes()
        return Made(meta={"frames": access_units(stream), "bytes": len(stream)})

    where = Where(None, plan.scenes[scene.index].id, "annex b clip")
    return shop.obtain(key, where, kind="annexb", provider="ffmpeg",
                       name=f"annexb-{key[:24]}.h264", make=make)  # fmt: skip


def _segment(
    shop: Workshop, *, scene: SceneOutput, plan: Plan, encoding: AudioEncoding
) -> AssetRow:
    """One scene's AAC segment: its audio with the film's gain, wherever the scene sits."""
    audio = scene.audio
    assert audio is not None
    key = asset_key("aac_segment", {
        "audio": audio.key,
        "encoding": [encoding.bitrate, encoding.aac_coder, encoding.channels,
                     encoding.loudness.measured if encoding.loudness else None],
    })  # fmt: skip

    def make(path: Path) -> Made:
        shop.encode(path, lambda part: segment_argv(shop.job_dir / audio.path, part, encoding))
        return Made(meta={"audio": audio.key})

    where = Where(None, plan.scenes[scene.index].id, "audio segment")
    return shop.obtain(key, where, kind="aac_segment", provider="ffmpeg",
                       name=f"aac-{key[:24]}.aac", make=make)  # fmt: skip


class _Counter:
    """Counts finished steps across threads; :meth:`one` gives the share done."""

    def __init__(self, total: int) -> None:
        self.total, self.done = max(1, total), 0
        self.lock = threading.Lock()

    def one(self) -> float:
        with self.lock:
            self.done += 1
            return self.done / self.total
