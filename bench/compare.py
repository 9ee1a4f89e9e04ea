"""Compare mode in the Screening Room: two films kept on one frame number.

Two frame-code films (every frame shows its number; ``studio.screening``) are made by
FFmpeg at a review size (``--size``, 24 fps, a keyframe every ``--gop`` frames): A, and B
at ``--fps-b`` (default: A's rate). In the Screening Room, first alone (the peer: the
single player) then comparing side by side, we press Right ``--steps`` times and click
the timeline at ``--seeks`` random frames, timing each from the event until the frame is
painted (comparing: until both A and B have painted it) and reading the number back from
both decoded pictures. Then both play at 1x for ``--play`` seconds: how far B strays from
A's frame number at each frame A shows, how often it is put back, and whether, paused,
both show the same frame. Goal (DESIGN §8): a frame step shown within 80 ms, both films.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench.compare", description=__doc__)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--fps-b", type=float, default=24)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--gop", type=int, default=12)
    parser.add_argument("--steps", type=int, default=36)
    parser.add_argument("--seeks", type=int, default=36)
    parser.add_argument("--play", type=float, default=6.0)
    args = parser.parse_args(sys.argv[1:])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEvent, QEventLoop, QPointF, Qt, QTimer
    from PySide6.QtGui import QKeyEvent, QMouseEvent
    from PySide6.QtWidgets import QApplication

    from bench.frames import number, summary, wait
    from vividverse_desktop.core.timecode import FrameRate
    from vividverse_desktop.gui.hub import ChangeHub
    from vividverse_desktop.gui.rooms import ROOMS_BY_KEY
    from vividverse_desktop.gui.rooms.screening import ScreeningRoom
    from vividverse_desktop.gui.tasks import TaskRunner
    from vividverse_desktop.studio.screening import make_frame_code_film

    _app = QApplication.instance() or QApplication([])  # kept alive for the run
    width, height = (int(n) for n in args.size.split("x"))

    with tempfile.TemporaryDirectory() as tmp:

        def made(name: str, fps: float) -> Path:
            rate = FrameRate.conventional(fps)
            return make_frame_code_film(
                path=Path(tmp) / name,
                rate=rate,
                frames=round(fps * args.seconds),
                scale_to=(width, height),
                keyframe_every=args.gop,
                timeout=600,
            )

        film_a, film_b = made("a.mp4", 24), made("b.mp4", args.fps_b)
        print(f"films: {width}x{height}, A 24 fps, B {args.fps_b:g} fps, {args.seconds} s each")
        runner = TaskRunner()
        room = ScreeningRoom(ROOMS_BY_KEY["screening"], runner=runner, hub=ChangeHub())
        room.resize(1366, 720)
        room.show()
        room.open_file(film_a)
        a, b = room.player, room.compare.other
        assert wait(lambda: a.is_open and room.facts is not None, 20_000), "film A not open"
        painted: dict[str, list[tuple[int, float]]] = {"a": [], "b": []}
        a.frame_painted.connect(lambda f: painted["a"].append((f, time.perf_counter())))
        b.frame_painted.connect(lambda f: painted["b"].append((f, time.perf_counter())))
        wrong = 0
        frames = room.facts.frames if room.facts is not None else 0
        picks = random.Random(12).sample(range(frames), args.seeks)

        def timed(act: Callable[[], None], expected: int, sides: tuple[str, ...]) -> float:
            nonlocal wrong
            for side in sides:
                painted[side].clear()
            t0 = time.perf_counter()
            act()

            def shown(side: str) -> float | None:
                return next((t for f, t in painted[side] if f == expected), None)

            if not wait(lambda: all(shown(s) is not None for s in sides)):
                raise RuntimeError(f"frame {expected} never painted on {sides}")
            wrong += number(a.image) != expected
            if "b" in sides:
                wrong += number(b.image) != min(expected, b.last_frame)
            return (max(shown(s) or t0 for s in sides) - t0) * 1000

        def right() -> None:
            press = QKeyEvent(
                QEvent.Type.KeyPress, Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier
            )
            QApplication.sendEvent(a, press)

        def click(frame: int) -> Callable[[], None]:
            at = QPointF(room.timeline.x_of(frame), 30)
            event = QMouseEvent(
                QEvent.Type.MouseButtonPress,
                at,
                room.timeline.mapToGlobal(at),
                Qt.MouseButton.LeftButton,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            )
            return lambda: QApplication.sendEvent(room.timeline, event)

        def run(sides: tuple[str, ...]) -> tuple[list[float], list[float]]:
            a.seek(0)
            wait(lambda: a.frame == 0 and (b.path is None or b.frame == 0))
            steps = [timed(right, n, sides) for n in range(1, args.steps + 1)]
            seeks = [timed(click(f), f, sides) for f in picks if f != a.frame]
            return steps, seeks

        single_steps, single_seeks = run(("a",))
        room.compare.open_file(film_b)
        assert wait(lambda: room.compare.comparison is not None, 20_000), "film B not read"
        both_steps, both_seeks = run(("a", "b"))
        peer = summary("peer: single player, Right", single_steps)
        summary("peer: single player, timeline click", single_seeks)
        ours = summary("compare: Right, both painted", both_steps)
        summary("compare: timeline click, both painted", both_seeks)
        print(f"frame step median, compare / single: {ours / peer:.2f}x")
        print(f"pictures showing another frame than the one named: {wrong}")

        a.seek(0)
        wait(lambda: a.frame == 0 == b.frame)
        drifts: list[int] = []
        a.frame_shown.connect(lambda f: drifts.append(abs(b.frame - min(f, b.last_frame))))
        a.play(1.0)
        loop, stop = QEventLoop(), QTimer()
        stop.setSingleShot(True)
        stop.timeout.connect(loop.quit)
        stop.start(round(args.play * 1000))
        loop.exec()
        a.pause()
        follower = room.compare.follower
        settled = wait(
            lambda: not b.seeking and b.frame == a.frame and number(b.image) == number(a.image)
        )
        same = sum(d == 0 for d in drifts)
        near = sum(d <= 1 for d in drifts)
        print(
            f"playing {args.play:g} s at 1x: A showed {len(drifts)} frames; B on the same frame "
            f"at {same} ({same / max(1, len(drifts)):.0%}), within 1 at {near} "
            f"({near / max(1, len(drifts)):.0%}); worst drift {max(drifts, default=0)} frames; "
            f"put back {follower.resyncs} times"
        )
        print(f"paused after playing: both on frame {a.frame}: {settled}")
        room.compare.stop()
        room.close()
        runner.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
