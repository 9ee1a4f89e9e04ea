"""Playback in the Screening Room at 1x and 2x: does every frame reach the screen?

Films, 1280x720 (``--size``): a frame-code film (every frame shows its number;
``studio.screening``) at each of ``--fps`` (24 and 29.97 DF), played whole; and a film made by
our render (a ``--pages``-page script: storyboard cards, espeak voices, 24 fps), of which
``--seconds`` from its middle are played. Each plays in the Screening Room (QMediaPlayer
decoding into the player's QVideoSink, offscreen) from a paused frame, at 1x and at 2x,
``--runs`` times. We record every frame the sink hands the player and every frame painted,
and read the number back from each painted picture of a frame-code film.

Per film and speed, the median over the runs (and the worst run) of:
- not delivered: frames of the stretch the sink never handed over;
- stale: frames handed over after a later one had already reached the sink (the GUI
  thread fell behind), which the player skips rather than paint a backlog;
- unpainted: frames the player took but replaced before they were painted;
- unseen: frames painted but replaced before a 60 Hz (``--hz``) display's next refresh, so
  such a display would never show them (the paint times are sampled at each refresh, at
  ten phases; the median of the ten);
- late: how far each painted frame fell behind the best-timed one (p95 and max);
- GUI CPU: the GUI thread's CPU time per frame of the stretch (``time.thread_time``).

"Drops no frame" means none in any of these four. At 2x a 24 or 29.97 fps film asks for 48 or
59.94 frames a second, no more than a 60 Hz display refreshes, so every frame is to be
shown, not a decimated half (a 50 or 60 fps film at 2x would have to be decimated); at
59.94 frames a second each frame has one refresh and no slack, so any jitter hides some.
The peer is a bare QMediaPlayer + QVideoSink whose slot only notes each frame: what Qt
delivers without our conversion (``QVideoFrame.toImage``, in Qt's renderer thread) and
painting.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """One play of a stretch at one speed (``painted`` False: the peer, which paints none)."""

    due: int
    not_delivered: int
    stale: int
    unpainted: int
    unseen: float
    wrong: int
    late_p95: float
    late_max: float
    cpu_ms: float
    painted: bool = True


@dataclass(frozen=True)
class Stretch:
    """Frames ``first + 1 .. last`` of a film at ``fps``, played from a pause on ``first``."""

    path: Path
    label: str
    fps: Fraction
    first: int
    last: int
    coded: bool  # each frame's number is in its picture


def _lateness(times: list[tuple[int, float]], first: int, per_s: float) -> list[float]:
    """How far each (frame, time) fell behind the best-timed one, in ms."""
    offsets = [t - (n - first) / per_s for n, t in times]
    best = min(offsets, default=0.0)
    return [(o - best) * 1000 for o in offsets]


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))] if values else 0.0


def _unseen(shown: list[tuple[int, float]], refresh_s: float, phases: int = 10) -> float:
    """How many painted frames a display refreshing every ``refresh_s`` would never show
    (none was the latest painted at any refresh), the median over ``phases`` phases."""
    if len(shown) < 2:
        return 0.0
    counts = []
    for phase in range(phases):
        tick = shown[0][1] + refresh_s * phase / phases
        seen, i = {shown[-1][0]}, 0
        while tick < shown[-1][1]:
            while i + 1 < len(shown) and shown[i + 1][1] <= tick:
                i += 1
            if shown[i][1] <= tick:
                seen.add(shown[i][0])
            tick += refresh_s
        counts.append(len({n for n, _ in shown} - seen))
    return statistics.median(counts)


def _run(
    due: set[int],
    *,
    delivered: list[tuple[int, float]],
    shown: list[int] | None,
    painted: list[tuple[int, float]] | None,
    stretch: Stretch,
    speed: float,
    refresh_ms: float,
    wrong: int,
    cpu_s: float,
) -> Run:
    got = {n for n, _ in delivered if n in due}
    taken = {n for n in shown or [] if n in due}
    on_screen = [(n, t) for n, t in painted or [] if n in due]
    timed = on_screen if painted is not None else [(n, t) for n, t in delivered if n in due]
    late = _lateness(timed, stretch.first, float(stretch.fps) * speed)
    return Run(
        due=len(due),
        not_delivered=len(due - got),
        stale=len(got - taken),
        unpainted=len(taken - {n for n, _ in on_screen}),
        unseen=_unseen(on_screen, refresh_ms / 1000),
        wrong=wrong,
        late_p95=_p95(late),
        late_max=max(late, default=0.0),
        cpu_ms=cpu_s * 1000 / max(1, len(due)),
        painted=painted is not None,
    )


def _report(label: str, runs: list[Run]) -> None:
    def med(name: str) -> float:
        return float(statistics.median(getattr(r, name) for r in runs))

    counts: tuple[str, ...] = ("not_delivered", "stale", "unpainted", "unseen", "wrong")
    if not runs[0].painted:
        counts = counts[:1]
    worst = max(runs, key=lambda r: (sum(getattr(r, n) for n in counts[:4]), r.late_max))
    text = ", ".join(f"{n.replace('_', ' ')} {med(n):g}" for n in counts)
    worst_text = "/".join(f"{getattr(worst, n):g}" for n in counts)
    print(
        f"  {label:<4} due {runs[0].due}: {text}; late p95 {med('late_p95'):.0f} ms, "
        f"max {med('late_max'):.0f} ms; GUI CPU {med('cpu_ms'):.1f} ms/frame "
        f"(median of {len(runs)}; worst run {worst_text}, late max {worst.late_max:.0f} ms)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench.playback", description=__doc__)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--fps", default="24,29.97", help="frame-code films, comma-separated")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--pages", type=int, default=3, help="the rendered film (0: none)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--speeds", default="1,2")
    parser.add_argument("--hz", type=float, default=60, help="the display refresh simulated")
    args = parser.parse_args(sys.argv[1:])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QUrl
    from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame, QVideoSink
    from PySide6.QtWidgets import QApplication

    from vividverse_desktop.core.pipeline.frame_code import read_frame_code
    from vividverse_desktop.core.timecode import FrameRate
    from vividverse_desktop.gui.hub import ChangeHub
    from vividverse_desktop.gui.rooms import ROOMS_BY_KEY
    from vividverse_desktop.gui.rooms.screening import ScreeningRoom
    from vividverse_desktop.gui.screenshots import wait_for
    from vividverse_desktop.gui.tasks import TaskRunner
    from vividverse_desktop.studio.screening import make_frame_code_film

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    width, height = (int(n) for n in args.size.split("x"))
    speeds = [float(s) for s in args.speeds.split(",")]
    screen_hz = app.primaryScreen().refreshRate()
    refresh_ms = 1000 / args.hz
    print(
        f"unseen: at a {args.hz:g} Hz display's refreshes (the offscreen screen reports "
        f"{screen_hz:g} Hz); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )

    with tempfile.TemporaryDirectory(prefix="vv-bench-playback-") as tmp:
        stretches = []
        for value in args.fps.split(","):
            rate = FrameRate.conventional(value.strip())
            frames = round(rate.fps * args.seconds)
            # Square pixels, as our renders have: 16:9 cells scaled up to the review size.
            base = (64, max(6, round(64 * height / width / 6) * 6))
            path = make_frame_code_film(
                path=Path(tmp) / f"code-{value.strip()}.mp4", rate=rate, frames=frames,
                width=base[0], height=base[1], scale_to=(width, height), timeout=600,
            )  # fmt: skip
            label = f"frame-code film {width}x{height} {rate}, {frames} frames"
            stretches.append(Stretch(path, label, rate.exact, 0, frames - 1, True))
        if args.pages > 0:
            stretches.append(_rendered(Path(tmp), args.pages, width, height, args.seconds))

        from vividverse_desktop.gui.collector import freeze_long_lived

        runner = TaskRunner()
        room = ScreeningRoom(ROOMS_BY_KEY["screening"], runner=runner, hub=ChangeHub())
        room.resize(1366, 720)
        room.show()
        player = room.player
        delivered: list[tuple[int, float]] = []
        shown: list[int] = []
        painted: list[tuple[int, float]] = []
        wrong = [0]
        coded = [False]

        def on_painted(frame: int) -> None:
            painted.append((frame, time.perf_counter()))
            if coded[0]:
                image = player.image
                wrong[0] += frame != read_frame_code(
                    lambda x, y: image.pixelColor(x, y).lightness(), image.width(), image.height()
                )

        def on_sink(frame: QVideoFrame) -> None:  # queued to the GUI thread, as ours is
            if frame.isValid():
                delivered.append((player.frame_number(frame), time.perf_counter()))

        player.sink.videoFrameChanged.connect(on_sink)
        player.frame_shown.connect(shown.append)
        player.frame_painted.connect(on_painted)

        media, sink = QMediaPlayer(), QVideoSink()
        media.setVideoSink(sink)
        peer: list[tuple[int, float]] = []
        kept: list[QVideoFrame] = []
        peer_fps = [Fraction(24)]

        def on_peer(frame: QVideoFrame) -> None:
            if frame.isValid():
                peer.append(
                    (round(frame.startTime() * peer_fps[0] / 1_000_000), time.perf_counter())
                )
                if len(peer) % 25 == 0 and len(kept) < 8:
                    kept.append(QVideoFrame(frame))

        sink.videoFrameChanged.connect(on_peer)

        def ours(stretch: Stretch, speed: float) -> Run:
            player.pause()
            player.seek(stretch.first)
            if not wait_for(
                lambda: player.frame == stretch.first and player.image.width() > 0, 10_000
            ):
                raise RuntimeError(f"frame {stretch.first} never shown")
            wait_for(lambda: False, 300, tick_ms=50)
            delivered.clear()
            shown.clear()
            painted.clear()
            wrong[0] = 0
            cpu = time.thread_time()
            player.play(speed)
            span_ms = (stretch.last - stretch.first) / float(stretch.fps) / speed * 1000
            wait_for(
                lambda: player.frame >= stretch.last or not player.speed,
                int(span_ms) + 10_000,
                tick_ms=20,
            )
            cpu = time.thread_time() - cpu
            player.pause()
            wait_for(lambda: False, 200, tick_ms=50)
            due = set(range(stretch.first + 1, stretch.last + 1))
            return _run(
                due, delivered=delivered, shown=shown, painted=painted, stretch=stretch,
                speed=speed, refresh_ms=refresh_ms, wrong=wrong[0], cpu_s=cpu,
            )  # fmt: skip

        def bare(stretch: Stretch, speed: float) -> Run:
            peer_fps[0] = stretch.fps
            media.pause()
            media.setPlaybackRate(1.0)
            media.setPosition(
                FrameRate(stretch.fps.numerator, stretch.fps.denominator).seek_ms(stretch.first)
            )
            wait_for(lambda: bool(peer) and peer[-1][0] == stretch.first, 10_000)
            wait_for(lambda: False, 300, tick_ms=50)
            peer.clear()
            cpu = time.thread_time()
            media.setPlaybackRate(speed)
            media.play()
            span_ms = (stretch.last - stretch.first) / float(stretch.fps) / speed * 1000
            wait_for(
                lambda: bool(peer) and peer[-1][0] >= stretch.last,
                int(span_ms) + 10_000,
                tick_ms=20,
            )
            cpu = time.thread_time() - cpu
            media.pause()
            due = set(range(stretch.first + 1, stretch.last + 1))
            return _run(
                due, delivered=list(peer), shown=None, painted=None, stretch=stretch,
                speed=speed, refresh_ms=refresh_ms, wrong=0, cpu_s=cpu,
            )  # fmt: skip

        freeze_long_lived()  # as the shell does once a session opens (gui/collector.py)
        for stretch in stretches:
            print(f"\n{stretch.label}; frames {stretch.first + 1}-{stretch.last} played")
            room.open_file(stretch.path)
            if not wait_for(lambda: player.is_open and room.facts is not None, 20_000):
                raise RuntimeError(f"{stretch.path.name} did not open")
            coded[0] = stretch.coded
            media.setSource(QUrl.fromLocalFile(str(stretch.path)))
            media.pause()
            for speed in speeds:
                rate_text = f"{float(stretch.fps) * speed:.2f} frames/s"
                print(f" {speed:g}x ({rate_text})")
                _report("ours", [ours(stretch, speed) for _ in range(args.runs)])
                _report("peer", [bare(stretch, speed) for _ in range(args.runs)])
            media.stop()
        wall, cpu_ms = [], []
        for frame in kept:
            started, cpu_started = time.perf_counter(), time.thread_time()
            frame.toImage()
            wall.append((time.perf_counter() - started) * 1000)
            cpu_ms.append((time.thread_time() - cpu_started) * 1000)
        if wall:
            print(
                f"\nQVideoFrame.toImage of one {width}x{height} frame (our conversion, done in "
                f"Qt's renderer thread rather than the GUI thread): "
                f"median {statistics.median(wall):.1f} ms wall, "
                f"{statistics.median(cpu_ms):.1f} ms CPU (n={len(wall)})"
            )
        room.close()
        runner.shutdown()
    return 0


def _rendered(folder: Path, pages: int, width: int, height: int, seconds: float) -> Stretch:
    """A ``pages``-page script rendered by our engine; ``seconds`` from its middle."""
    from bench.scriptgen import feature_script
    from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
    from vividverse_desktop.core.pipeline.plan import build_plan
    from vividverse_desktop.core.screenplay import parse
    from vividverse_desktop.media.probe import count_frames
    from vividverse_desktop.providers.speech import LocalSpeech
    from vividverse_desktop.providers.storyboard import StoryboardCards
    from vividverse_desktop.render.engine import Renderer, RenderSettings

    fmt = VideoFormat(width, height, Fraction(24))
    started = time.perf_counter()
    renderer = Renderer(
        folder / "job", StoryboardCards(), LocalSpeech(), RenderSettings(fmt=fmt, jobs=2)
    )
    path = folder / "rendered.mp4"
    renderer.render(build_plan(parse(feature_script(pages))), path)
    frames = count_frames(path)
    first = frames // 2
    last = min(frames - 1, first + round(24 * seconds))
    label = (
        f"rendered film ({pages}-page script) {width}x{height} 24 fps, {frames} frames, "
        f"made in {time.perf_counter() - started:.1f} s"
    )
    return Stretch(path, label, Fraction(24), first, last, False)


if __name__ == "__main__":
    sys.exit(main())
