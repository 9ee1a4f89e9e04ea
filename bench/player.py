"""The Screening Room's player: from a key press (or a click on the timeline) to the right
frame painted on screen.

A frame-code film (every frame shows its number; ``studio.screening``) is made by FFmpeg
at a review size (``--size``, default 1280x720, 24 fps, a keyframe every ``--gop``
frames: our renders put one at least every half second). In the Screening Room we press
Right ``--steps`` times and Left as often (each press waits for its frame), then click the
timeline at ``--seeks`` random frames, timing each from the event to the player's
``frame_painted`` and checking the number in the decoded picture. The peer is a bare
QMediaPlayer + QVideoSink seeking to the same frames (mid-frame positions), timed to
``videoFrameChanged``: the floor Qt's decoder sets, without our painting.
Goal (DESIGN §8): frame step and seek shown within 80 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench.player", description=__doc__)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--fps", type=float, default=24)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--gop", type=int, default=12)
    parser.add_argument("--steps", type=int, default=48)
    parser.add_argument("--seeks", type=int, default=48)
    args = parser.parse_args(sys.argv[1:])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEvent, QPointF, Qt, QUrl
    from PySide6.QtGui import QKeyEvent, QMouseEvent
    from PySide6.QtMultimedia import QMediaPlayer, QVideoSink
    from PySide6.QtWidgets import QApplication

    from vividverse_desktop.core.pipeline.frame_code import read_frame_code
    from vividverse_desktop.core.timecode import FrameRate
    from vividverse_desktop.gui.hub import ChangeHub
    from vividverse_desktop.gui.rooms import ROOMS_BY_KEY
    from vividverse_desktop.gui.rooms.screening import ScreeningRoom
    from vividverse_desktop.gui.screenshots import wait_for
    from vividverse_desktop.gui.tasks import TaskRunner
    from vividverse_desktop.studio.screening import make_frame_code_film

    _app = QApplication.instance() or QApplication([])  # kept alive for the run
    width, height = (int(n) for n in args.size.split("x"))
    rate = FrameRate.conventional(args.fps)
    frames = round(args.fps * args.seconds)

    def number(image) -> int:  # type: ignore[no-untyped-def]
        return read_frame_code(
            lambda x, y: image.pixelColor(x, y).lightness(), image.width(), image.height()
        )

    def summary(label: str, ms: list[float]) -> None:
        print(
            f"{label:<34} median {statistics.median(ms):6.1f} ms   max {max(ms):6.1f} ms   "
            f"(n={len(ms)})"
        )

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path = make_frame_code_film(
            path=Path(tmp) / "film.mp4",
            rate=rate,
            frames=frames,
            scale_to=(width, height),
            keyframe_every=args.gop,
            timeout=600,
        )
        print(
            f"film: {width}x{height}, {rate}, {frames} frames, keyframe every {args.gop}, "
            f"made in {time.perf_counter() - started:.1f} s"
        )
        runner = TaskRunner()
        room = ScreeningRoom(ROOMS_BY_KEY["screening"], runner=runner, hub=ChangeHub())
        room.resize(1366, 720)
        room.show()
        room.open_file(path)
        player = room.player
        painted: list[tuple[int, float]] = []
        player.frame_painted.connect(lambda f: painted.append((f, time.perf_counter())))
        assert wait_for(lambda: player.is_open and room.facts is not None, 20_000), "film not open"
        wrong = 0

        def timed(act: Callable[[], None], expected: int) -> float:
            nonlocal wrong
            painted.clear()
            t0 = time.perf_counter()
            act()
            if not wait_for(lambda: any(f == expected for f, _ in painted)):
                raise RuntimeError(f"frame {expected} never painted")
            t1 = next(t for f, t in painted if f == expected)
            wrong += number(player.image) != expected
            return (t1 - t0) * 1000

        def key(k: Qt.Key) -> Callable[[], None]:
            press = QKeyEvent(QEvent.Type.KeyPress, k, Qt.KeyboardModifier.NoModifier)
            return lambda: QApplication.sendEvent(player, press)

        steps = [timed(key(Qt.Key.Key_Right), n) for n in range(1, args.steps + 1)]
        back = [timed(key(Qt.Key.Key_Left), n) for n in range(args.steps - 1, -1, -1)]
        picks = random.Random(12).sample(range(frames), args.seeks)
        timeline = room.timeline

        def click(frame: int) -> Callable[[], None]:
            at = QPointF(timeline.x_of(frame), 30)
            event = QMouseEvent(
                QEvent.Type.MouseButtonPress,
                at,
                timeline.mapToGlobal(at),
                Qt.MouseButton.LeftButton,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            )
            return lambda: QApplication.sendEvent(timeline, event)

        seeks = []
        for frame in picks:
            if frame == player.frame:
                continue
            seeks.append(timed(click(frame), frame))
        summary("ours: Right (frame step)", steps)
        summary("ours: Left (frame step back)", back)
        summary("ours: timeline click (seek)", seeks)
        print(f"ours: frames painted that were not the frame named: {wrong}")
        room.close()
        runner.shutdown()

        media, sink = QMediaPlayer(), QVideoSink()
        media.setVideoSink(sink)
        arrived: list[tuple[int, float]] = []

        def on_frame(frame) -> None:  # type: ignore[no-untyped-def]
            if frame.isValid():
                n = round(frame.startTime() * rate.exact / 1_000_000)
                arrived.append((n, time.perf_counter()))

        sink.videoFrameChanged.connect(on_frame)
        media.setSource(QUrl.fromLocalFile(str(path)))
        media.pause()
        assert wait_for(lambda: bool(arrived))
        peer_steps, peer_seeks = [], []
        for targets, out in ((range(1, args.steps + 1), peer_steps), (picks, peer_seeks)):
            current = arrived[-1][0]
            for frame in targets:
                if frame == current:
                    continue
                arrived.clear()
                t0 = time.perf_counter()
                media.setPosition(rate.seek_ms(frame))
                if not wait_for(lambda f=frame: any(n == f for n, _ in arrived)):  # type: ignore[misc]
                    raise RuntimeError(f"peer: frame {frame} never arrived")
                out.append((next(t for n, t in arrived if n == frame) - t0) * 1000)
                current = frame
        summary("peer: bare QMediaPlayer step", peer_steps)
        summary("peer: bare QMediaPlayer seek", peer_seeks)
        ratio = statistics.median(seeks) / statistics.median(peer_seeks)
        print(f"seek median, ours / peer: {ratio:.2f}x")
        media.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
