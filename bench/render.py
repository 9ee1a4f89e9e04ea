"""Time a keyless animatic render of a feature script, and a re-render after a one-scene edit.

Run ``.venv/bin/python -m bench.render``. Renders ``feature_script(120)`` at
1280x720, 24 fps with the storyboard and espeak providers, then edits one scene
three ways and renders again into the same job directory:

- a picture edit (one shot's action text, as in an edited plan.json): one clip;
- a dialogue edit (one line's words, same timing): one voice line, its scene's
  audio and its AAC segment;
- a script edit that changes the scene's length (re-planned): everything after
  it moves in time but keeps its assets (clips, scene audio and AAC segments are
  keyed by the scene alone); only the edited scene's are made again.

Prints speed against real time (goal >= 40x on 2 cores), peak RSS of this
process and of the largest FFmpeg child (goal <= 500 MB), A/V drift at the end
(goal <= 1 frame), and each re-render as a share of the full render (goal <= 5 %).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from bench.scriptgen import feature_script
from vividverse_desktop.core.pipeline.audio_segment import place_segments
from vividverse_desktop.core.pipeline.ffmpeg_args import AUDIO_RATE, VideoFormat
from vividverse_desktop.core.pipeline.mux import film_slots
from vividverse_desktop.core.pipeline.plan import Plan, build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.media.probe import audio_duration, count_frames
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.engine import Renderer, RenderSettings
from vividverse_desktop.render.events import RenderProgress, RenderResult


def _rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, child


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _picture_edit(plan: Plan, index: int) -> Plan:
    scene = plan.scenes[index]
    shot = dataclasses.replace(scene.shots[0], action=scene.shots[0].action + " (revised)")
    scenes = list(plan.scenes)
    scenes[index] = dataclasses.replace(scene, shots=(shot, *scene.shots[1:]))
    return dataclasses.replace(plan, scenes=tuple(scenes))


def _line_edit(plan: Plan, index: int) -> Plan:
    for offset in range(len(plan.scenes)):
        k = (index + offset) % len(plan.scenes)
        scene = plan.scenes[k]
        if scene.lines:
            line = dataclasses.replace(scene.lines[0], text=scene.lines[0].text.upper())
            scenes = list(plan.scenes)
            scenes[k] = dataclasses.replace(scene, lines=(line, *scene.lines[1:]))
            return dataclasses.replace(plan, scenes=tuple(scenes))
    return plan


def _timing_edit(text: str, heading_index: int) -> Plan:
    """The script with a sentence added to one scene's first action paragraph, re-planned."""
    screenplay = parse(text)
    heading = screenplay.scenes()[heading_index].heading
    lines = text.split("\n")
    at = heading.line  # the blank line after the heading, 1-based heading line
    lines.insert(at + 1, "Thunder rolls over the harbour and the lights flicker twice.\n")
    return build_plan(parse("\n".join(lines)))


def _render(renderer: Renderer, plan: Plan, output: Path) -> tuple[RenderResult, float, str]:
    """Render; returns the result, wall seconds and where they went (scenes, audio, stitch)."""
    marks: dict[str, float] = {}

    def mark(event: RenderProgress) -> None:
        marks.setdefault(event.stage, event.elapsed)

    started = time.perf_counter()
    result = renderer.render(plan, output, on_progress=mark)
    seconds = time.perf_counter() - started
    audio, stitch = marks.get("audio", 0.0), marks.get("stitch", 0.0)
    split = (
        f"scenes {audio:.2f} s, audio segments + join {stitch - audio:.2f} s, "
        f"stitch {marks.get('done', seconds) - stitch:.2f} s"
    )
    return result, seconds, split


def _cut_offsets_ms(plan: Plan, fmt: VideoFormat) -> float:
    """The largest distance between a scene's audio and its picture cut, in milliseconds."""
    slots = film_slots([s.duration for s in plan.scenes], fmt)
    placed = place_segments([s.start_sample for s in slots], slots[-1].end_sample)
    return max(abs(p.offset) for p in placed) / AUDIO_RATE * 1000


def main(argv: list[str] | None = None) -> int:
    """Run the render benchmark and print its figures; exit 0."""
    parser = argparse.ArgumentParser(prog="python -m bench.render", description=__doc__)
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="render into this folder and keep it (for bench.stitch)",
    )
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.split("x"))
    fmt = VideoFormat(width, height, Fraction(24))
    text = feature_script(args.pages)
    plan = build_plan(parse(text))
    defaults = RenderSettings()
    lines = sum(len(s.lines) for s in plan.scenes)
    print(
        f"script: {args.pages} pages, {len(plan.scenes)} scenes, {lines} lines, "
        f"planned {plan.duration / 60:.1f} min; {fmt.size} @ 24 fps, {args.jobs} workers, "
        f"{os.cpu_count()} CPUs; AAC {'stereo' if defaults.audio_channels == 2 else 'mono'} "
        f"{defaults.audio_bitrate}"
    )
    with tempfile.TemporaryDirectory(prefix="vv-bench-render-") as scratch:
        folder = str(args.keep) if args.keep is not None else scratch
        Path(folder).mkdir(parents=True, exist_ok=True)
        job = Path(folder) / "job"
        settings = RenderSettings(fmt=fmt, jobs=args.jobs)
        renderer = Renderer(job, StoryboardCards(), LocalSpeech(), settings)
        film = Path(folder) / "film.mp4"
        load = os.getloadavg()[0]
        cpu_before = _cpu_seconds()
        full, full_s, full_split = _render(renderer, plan, film)
        cpu = _cpu_seconds() - cpu_before
        own, child = _rss_mb()
        frames = count_frames(film)
        drift = audio_duration(film) - frames / 24
        print(
            f"full render: {full.duration / 60:.1f} min film in {full_s:.1f} s = "
            f"{full.duration / full_s:.1f}x real time (goal >= 40x)"
        )
        cores = os.cpu_count() or 1
        print(
            f"  CPU time {cpu:.1f} s (this process and its FFmpeg children); on {cores} idle "
            f"cores that is {full.duration / (cpu / cores):.1f}x real time. Load average "
            f"{load:.1f} before, {os.getloadavg()[0]:.1f} after (other work shares the CPUs)"
        )
        print(f"peak RSS: engine {own:.0f} MB, largest FFmpeg child {child:.0f} MB (goal <= 500)")
        print(
            f"A/V: {frames} frames (planned {round(plan.duration * 24)}), audio ends "
            f"{drift * 1000:+.1f} ms after video = {drift * 24:+.2f} frames (goal <= 1 frame); "
            f"each scene's audio within {_cut_offsets_ms(plan, fmt):.1f} ms of its cut"
        )
        print(f"  full render wall split: {full_split}")
        middle = len(plan.scenes) // 2
        edits = [
            ("picture edit (one shot's action)", _picture_edit(plan, middle)),
            ("dialogue edit (one line, same timing)", _line_edit(plan, middle)),
            ("script edit changing one scene's length", _timing_edit(text, middle)),
        ]
        for label, edited in edits:
            cpu_before = _cpu_seconds()
            result, seconds, split = _render(renderer, edited, film)
            edit_cpu = _cpu_seconds() - cpu_before
            made = ", ".join(f"{n} {k}" for k, n in sorted(result.made.items()))
            print(
                f"re-render after {label}: {seconds:.2f} s = {100 * seconds / full_s:.1f}% "
                f"of the full render (goal <= 5%; by CPU time {100 * edit_cpu / cpu:.1f}%); "
                f"made {made}\n  wall split: {split}"
            )
            renderer.render(plan, film)  # back to the original for the next edit
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
