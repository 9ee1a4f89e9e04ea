"""The film from its scenes: audio encoded once (in cached chunks), then a stream-copy stitch.

The film's loudness is the duration-weighted energy mean of the scenes' measured
loudness, so an edited scene needs only its own measurement; the gain it implies
is kept from the previous render while it moves by less than
:data:`GAIN_HYSTERESIS_DB` (a small edit must not re-encode every chunk). AAC is
encoded in ~60 s chunks (``core.pipeline.audio_chunk``), each keyed by the scene
audio it covers, so an edit that keeps the timing re-encodes one chunk or two.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from vividverse_desktop.core.pipeline.audio_chunk import (
    PRIMING,
    AudioChunk,
    adts_frames,
    chunk_argv,
    film_chunks,
    kept_frames,
)
from vividverse_desktop.core.pipeline.loudness import SILENCE_LUFS, Loudness
from vividverse_desktop.core.pipeline.plan import Plan
from vividverse_desktop.core.pipeline.stitch import (
    AudioEncoding,
    Chapter,
    EncodedAudio,
    Stitch,
    concat_list,
    ffmetadata,
    srt,
    stitch_argv,
)
from vividverse_desktop.media.ffmpeg import FFmpegCancelled, FFmpegError
from vividverse_desktop.providers.contract import part_path
from vividverse_desktop.providers.cutlist import cut_list
from vividverse_desktop.providers.subtitles import film_subtitles
from vividverse_desktop.render.edl import EdlEvent, film_edl
from vividverse_desktop.render.events import RenderCancelled, RenderError, RenderResult
from vividverse_desktop.render.jobdb import AssetRow, JobDB, asset_key

if TYPE_CHECKING:
    from vividverse_desktop.render.engine import Renderer, SceneOutput, _Reporter, _Stop


def _cause(error: BaseException) -> str:
    from vividverse_desktop.render.engine import _cause as cause

    return cause(error)


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
    renderer: Renderer,
    db: JobDB,
    *,
    run_id: int,
    plan: Plan,
    scenes: Sequence[SceneOutput],
    output: Path,
    report: _Reporter,
    stop: _Stop,
) -> RenderResult:
    """Encode the film's audio, write chapters and subtitles, stitch ``output``."""
    settings, fmt, job = renderer.settings, renderer.settings.fmt, renderer.job_dir
    audio_scenes = [s for s in scenes if s.audio is not None]
    video_scenes = [s for s in scenes if s.clip is not None]
    if not audio_scenes or not video_scenes:
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
    total = scenes[-1].slot.end_sample
    chunks = film_chunks(total)
    report.stage("audio", 0.0, f"encoding the film's audio ({len(chunks)} chunks)")
    with ThreadPoolExecutor(max_workers=max(1, settings.jobs)) as pool:
        rows = list(
            pool.map(
                lambda c: _chunk(
                    renderer,
                    db,
                    run_id=run_id,
                    scenes=audio_scenes,
                    chunk=c,
                    total=total,
                    encoding=encoding,
                    stop=stop,
                ),
                chunks,
            )
        )
    film_aac = job / "film.aac"
    joined = asset_key("film_audio", {"chunks": [row.key for row in rows]})
    if db.setting("film_audio") != joined or not film_aac.is_file():
        db.set_setting("film_audio", "")
        with film_aac.open("wb") as sink:
            for chunk, row in zip(chunks, rows, strict=True):
                data = (job / row.path).read_bytes()
                sink.write(b"".join(kept_frames(chunk, adts_frames(data))))
        db.set_setting("film_audio", joined)
    report.stage("stitch", 0.6, "stitching the film")
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
    part = part_path(output)
    stitch = Stitch(
        job / "video.txt",
        EncodedAudio(film_aac, adts_priming=PRIMING),
        part,
        chapters=job / "chapters.txt",
        subtitles=subtitles,
    )
    frames = scenes[-1].slot.end_frame
    try:
        renderer.ffmpeg.run(
            stitch_argv(stitch),
            timeout=max(settings.timeout, float(fmt.seconds(frames)) / 10),
            cancel=stop.event(),
            cwd=job,
        )
        os.replace(part, output)
    except FFmpegCancelled as error:
        raise RenderCancelled("the render was cancelled") from error
    except (FFmpegError, OSError) as error:
        raise RenderError(None, "film stitch", "ffmpeg", _cause(error)) from error
    finally:
        part.unlink(missing_ok=True)
    made: dict[str, int] = {}
    for row in db.rows(run_id):
        made[row.kind] = made.get(row.kind, 0) + 1
    used = [s.clip for s in video_scenes] + [s.audio for s in audio_scenes]
    return RenderResult(
        output=output,
        scenes=len(plan.scenes),
        duration=float(fmt.seconds(frames)),
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


def _chunk(
    renderer: Renderer,
    db: JobDB,
    *,
    run_id: int,
    scenes: Sequence[SceneOutput],
    chunk: AudioChunk,
    total: int,
    encoding: AudioEncoding,
    stop: _Stop,
) -> AssetRow:
    """One AAC chunk, from a concat list of just the scene audio its input overlaps."""
    end = total if chunk.input_end is None else min(total, chunk.input_end)
    covering = [
        s for s in scenes if s.slot.start_sample < end and chunk.input_start < s.slot.end_sample
    ]
    list_start = covering[0].slot.start_sample
    key = asset_key("aac_chunk", {
        "chunk": [chunk.index, chunk.start, chunk.end, None if chunk.end else total],
        "scenes": [[s.audio.key, s.slot.start_sample] for s in covering],  # type: ignore[union-attr]
        "encoding": [encoding.bitrate, encoding.aac_coder, encoding.channels,
                     encoding.loudness.measured if encoding.loudness else None],
    })  # fmt: skip
    found = db.get(key)
    if found is not None:
        return found
    job = renderer.job_dir
    name = f"aac-{key[:24]}"
    listing = renderer.assets_dir / f"{name}.txt"
    path = renderer.assets_dir / f"{name}.aac"
    part = part_path(path)
    try:
        listing.write_text(
            concat_list([Path(s.audio.path).name for s in covering]),  # type: ignore[union-attr]
            encoding="utf-8",
        )
        renderer.ffmpeg.run(
            chunk_argv(listing, chunk, part, encoding, list_start=list_start),
            timeout=renderer.settings.timeout,
            cancel=stop.event(),
            cwd=job,
        )
        os.replace(part, path)
    except FFmpegCancelled as error:
        raise RenderCancelled("the render was cancelled") from error
    except (FFmpegError, OSError) as error:
        raise RenderError(
            None, f"audio chunk {chunk.index + 1}", "ffmpeg", _cause(error)
        ) from error
    finally:
        part.unlink(missing_ok=True)
        listing.unlink(missing_ok=True)
    return db.record(
        key, kind="aac_chunk", scene_id=None, provider="ffmpeg", path=path, run_id=run_id
    )
