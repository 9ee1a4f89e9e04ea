"""Time the stitch of 60 scene clips: concat demuxer with stream copy against re-encoding.

Run ``.venv/bin/python -m bench.stitch``. Makes 60 scene clips the way the render
pipeline does (``core.pipeline.mux``: normalised H.264 yuv420p clips cut by
cumulative time, and 48 kHz PCM scene audio of exactly matching length, from a
test pattern, ``--source`` card or footage, and a beep at each scene's start),
then in the same run:

- joins the clips by the concat demuxer with stream copy (``providers.cutlist``);
- joins the same concat list by re-encoding with the pipeline's x264 settings;
- writes the film as the render does (``core.pipeline.stitch``: video copied,
  the scene audio encoded to AAC once, one chapter per scene, faststart).

Prints both join times (the copy as the median of three runs), each as speed
against real time, their ratio by wall and by CPU time (goal >= 50x), and the
A/V drift at the end of the stitched film (goal <= 1 frame).

With ``--job DIR`` (a job kept by ``python -m bench.render --keep DIR``, i.e.
``DIR/job``) it instead times the render's final stitch of that film both ways,
alternately: the scene clips as MP4s through the concat demuxer, and as Annex B
byte ranges (what the render does with x264 ``ultrafast``); wall and CPU time each.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

from vividverse_desktop.core.pipeline.audio_segment import PRIMING
from vividverse_desktop.core.pipeline.ffmpeg_args import (
    X264,
    Argv,
    VideoFormat,
    global_args,
    input_path,
)
from vividverse_desktop.core.pipeline.mux import (
    SceneSlot,
    ShotClip,
    VoiceCue,
    film_slots,
    scene_audio_argv,
    scene_video_argv,
)
from vividverse_desktop.core.pipeline.stitch import (
    AudioEncoding,
    Chapter,
    EncodedAudio,
    Stitch,
    concat_list,
    ffmetadata,
    stitch_argv,
)
from vividverse_desktop.media.ffmpeg import FFmpeg
from vividverse_desktop.media.probe import audio_duration, count_frames
from vividverse_desktop.providers.cutlist import copy_concat_argv, cut_list

TIMEOUT = 900.0
COPY_RUNS = 3
MONO = AudioEncoding(loudness=None, bitrate="128k", channels=1)
"""The film's audio as a keyless render encodes it (mono speech; gain already measured)."""


SOURCES = {"card": "testsrc", "footage": "testsrc2"}
"""Test patterns standing in for scene pictures: a still card with a running counter
(like a storyboard animatic, ~0.3 Mbit/s at 720p) or busy moving footage (like a
cloud video provider's clip, ~6 Mbit/s)."""


def _pattern_argv(fmt: VideoFormat, seconds: float, output: Path, source: str) -> Argv:
    """A test pattern: the shot every scene clip is made from."""
    pattern = f"{SOURCES[source]}=size={fmt.size}:rate={fmt.rate}:duration={seconds}"
    return (
        *global_args(),
        "-f", "lavfi", "-i", pattern,
        *X264().args(fmt), "-f", "mp4", input_path(output),
    )  # fmt: skip


def _beep_argv(output: Path) -> Argv:
    """Half a second of a 1 kHz tone: the voice line at each scene's start."""
    return (
        *global_args(),
        "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000:duration=0.5",
        "-c:a", "pcm_s16le", "-f", "wav", input_path(output),
    )  # fmt: skip


def _reencode_argv(listing: Path, output: Path, fmt: VideoFormat) -> Argv:
    """The same concat list joined by decoding and encoding again (the peer being beaten)."""
    return (
        *global_args(),
        "-protocol_whitelist", "file", "-f", "concat", "-safe", "1", "-i", input_path(listing),
        "-map", "0:v:0", *X264().args(fmt), "-an", "-f", "mp4", input_path(output),
    )  # fmt: skip


def _durations(count: int, low: float, high: float) -> list[float]:
    """Scene lengths in seconds, reproducible, to the millisecond (as plans give them)."""
    rng = random.Random(2026)
    return [round(rng.uniform(low, high), 3) for _ in range(count)]


def _make_scenes(
    ffmpeg: FFmpeg,
    folder: Path,
    slots: tuple[SceneSlot, ...],
    fmt: VideoFormat,
    *,
    jobs: int,
    pattern: Path,
    beep: Path,
) -> None:
    """Each scene's clip and audio, ``jobs`` at a time, as the render's scene step makes them."""

    def one(slot: SceneSlot) -> None:
        clip = folder / f"clip-{slot.index:03d}.mp4"
        audio = folder / f"audio-{slot.index:03d}.au"
        ffmpeg.run(scene_video_argv([ShotClip(pattern, slot.frames)], fmt, clip), timeout=TIMEOUT)
        ffmpeg.run(scene_audio_argv([VoiceCue(beep, 0)], slot.samples, audio), timeout=TIMEOUT)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, slots))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(ffmpeg: FFmpeg, args: Argv, cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one FFmpeg run."""
    cpu = _children_cpu()
    started = time.perf_counter()
    ffmpeg.run(args, timeout=TIMEOUT, cwd=cwd)
    return time.perf_counter() - started, _children_cpu() - cpu


def _job_ab(job: Path, runs: int) -> None:
    """Time a kept render job's stitch from MP4 clips (concat demuxer) and from Annex B ranges."""
    ffmpeg = FFmpeg()
    fps = Fraction(24)
    bounds = [
        int(n)
        for n in re.findall(r"^(?:START|END)=(\d+)$", (job / "chapters.txt").read_text(), re.M)
    ]
    clips = re.findall(r"^\* FROM CLIP NAME: (.+\.mp4)$", (job / "film.edl").read_text(), re.M)
    frames = [end - start for start, end in zip(bounds[::2], bounds[1::2], strict=True)]
    entries = [(str(Path(c).relative_to(job)), n) for c, n in zip(clips, frames, strict=True)]
    (job / "video-concat.txt").write_text(cut_list(entries, fps), encoding="utf-8")
    film = job / "bench-film.mp4"
    audio = EncodedAudio(job / "film.aac", adts_priming=PRIMING)

    def stitch(video_list: str, rate: Fraction | None) -> Stitch:
        return Stitch(job / video_list, audio, film, job / "chapters.txt", job / "film.srt",
                      video_rate=rate)  # fmt: skip

    ways = {
        "concat demuxer of MP4 clips": stitch("video-concat.txt", None),
        "Annex B byte ranges": stitch("video.txt", fps),
    }
    print(f"{len(entries)} clips, {sum(frames)} frames; load average {os.getloadavg()[0]:.1f}")
    for _ in range(runs):
        for label, way in ways.items():
            wall, cpu = _timed(ffmpeg, stitch_argv(way), job)
            print(f"  {label}: {wall:.2f} s, CPU {cpu:.2f} s ({count_frames(film)} frames)")
    print(f"load average {os.getloadavg()[0]:.1f} after")
    film.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    """Run the stitch benchmark and print its figures; exit 0."""
    parser = argparse.ArgumentParser(prog="python -m bench.stitch", description=__doc__)
    parser.add_argument("--scenes", type=int, default=60)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--shortest", type=float, default=3.0, help="seconds")
    parser.add_argument("--longest", type=float, default=12.0, help="seconds")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--source", choices=sorted(SOURCES), default="card",
        help="scene pictures: storyboard-like cards (default) or busy footage",
    )  # fmt: skip
    parser.add_argument("--job", type=Path, help="A/B the stitch of a kept bench.render job")
    args = parser.parse_args(argv)
    if args.job is not None:
        _job_ab(args.job, COPY_RUNS)
        return 0
    width, height = (int(n) for n in args.size.split("x"))
    fmt = VideoFormat(width, height, Fraction(24))
    ffmpeg = FFmpeg()
    slots = film_slots(_durations(args.scenes, args.shortest, args.longest), fmt)
    frames = slots[-1].end_frame
    seconds = float(fmt.seconds(frames))
    print(
        f"{args.scenes} scene clips ({args.source}), {seconds / 60:.1f} min, {frames} frames at "
        f"{fmt.size} 24 fps; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="vv-bench-stitch-") as name:
        folder = Path(name)
        pattern, beep = folder / "pattern.mp4", folder / "beep.wav"
        ffmpeg.run(_pattern_argv(fmt, args.longest + 1, pattern, args.source), timeout=TIMEOUT)
        ffmpeg.run(_beep_argv(beep), timeout=TIMEOUT)
        started = time.perf_counter()
        _make_scenes(ffmpeg, folder, slots, fmt, jobs=args.jobs, pattern=pattern, beep=beep)
        print(f"made the scene clips and scene audio in {time.perf_counter() - started:.1f} s")
        video_list = folder / "video.txt"
        video_list.write_text(
            concat_list([f"clip-{s.index:03d}.mp4" for s in slots]), encoding="utf-8"
        )
        audio_list = folder / "audio.txt"
        audio_list.write_text(
            concat_list([f"audio-{s.index:03d}.au" for s in slots]), encoding="utf-8"
        )
        copied = folder / "copied.mp4"
        # The copy takes well under a second, so one scheduling hiccup on a shared
        # machine moves it a lot: take the median of three runs (the re-encode, tens of
        # seconds long, averages such noise out by itself).
        copies = sorted(
            _timed(ffmpeg, copy_concat_argv(video_list, copied, fmt.timescale), folder)
            for _ in range(COPY_RUNS)
        )
        copy_s, copy_cpu = copies[len(copies) // 2]
        reencoded = folder / "reencoded.mp4"
        encode_s, encode_cpu = _timed(ffmpeg, _reencode_argv(video_list, reencoded, fmt), folder)
        copied_frames, encoded_frames = count_frames(copied), count_frames(reencoded)
        print(
            f"stream copy concat: {copy_s:.2f} s = {seconds / copy_s:,.0f}x real time "
            f"({copied_frames} frames; CPU {copy_cpu:.2f} s; median of "
            f"{', '.join(f'{wall:.2f}' for wall, _ in copies)} s)"
        )
        print(
            f"re-encoding concat: {encode_s:.2f} s = {seconds / encode_s:,.1f}x real time "
            f"({encoded_frames} frames; CPU {encode_cpu:.2f} s)"
        )
        print(
            f"stream copy is {encode_s / copy_s:.1f}x faster than re-encoding (goal >= 50x); "
            f"by CPU time {encode_cpu / max(copy_cpu, 1e-3):.1f}x. Load average "
            f"{os.getloadavg()[0]:.1f} (other work shares the CPUs)"
        )
        chapters = folder / "chapters.txt"
        chapters.write_text(
            ffmetadata(
                [Chapter(f"Scene {s.index + 1}", s.start_frame, s.end_frame) for s in slots],
                fmt.fps,
                "Stitch bench",
            ),
            encoding="utf-8",
        )
        film = folder / "film.mp4"
        film_s, _ = _timed(
            ffmpeg,
            stitch_argv(Stitch(video_list, audio_list, film, chapters, encoding=MONO)),
            folder,
        )
        film_frames = count_frames(film)
        drift = audio_duration(film) - film_frames / 24
        print(
            "film stitch (video copied, mono AAC encoded once, chapters, faststart): "
            f"{film_s:.2f} s = {seconds / film_s:,.0f}x real time"
        )
        print(
            f"A/V at the end: {film_frames} frames (planned {frames}), audio ends "
            f"{drift * 1000:+.1f} ms after video = {drift * 24:+.2f} frames (goal <= 1 frame)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
