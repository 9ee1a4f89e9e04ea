"""Dump frames of a keyless film, to look at the storyboard cards before and after a change.

Run ``.venv/bin/python -m bench.film_frames --label after``. Renders
``resources/samples/real/brick_and_steel.fountain`` (or ``--script``) with the
keyless providers (storyboard cards and espeak-ng) at 640x360, 24 fps, and writes
one PNG per ``--at`` time to ``bench/output/film-frames/LABEL-TTT.Ts.png``. Run it
on the code before a change with ``--label before`` and after it with ``--label
after`` to compare the same moments of the film.
"""

from __future__ import annotations

import argparse
import tempfile
from fractions import Fraction
from pathlib import Path

from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat, global_args
from vividverse_desktop.core.pipeline.plan import build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.media.ffmpeg import FFmpeg
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.engine import Renderer, RenderSettings

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "resources" / "samples" / "real" / "brick_and_steel.fountain"
OUTPUT = ROOT / "bench" / "output" / "film-frames"
TIMES = (0.2, 5.0, 10.3, 13.0, 20.0, 25.1, 57.0, 59.0, 85.0, 132.0, 149.8)
"""Moments of brick_and_steel: the prologue, establishing, action and speech cards."""


def frame_path(folder: Path, label: str, seconds: float) -> Path:
    """Where the frame at ``seconds`` is written: ``LABEL-013.0s.png``."""
    return folder / f"{label}-{seconds:05.1f}s.png"


def main(argv: list[str] | None = None) -> int:
    """Render the script and write its frames; exit 0."""
    parser = argparse.ArgumentParser(prog="python -m bench.film_frames", description=__doc__)
    parser.add_argument("--script", type=Path, default=SCRIPT)
    parser.add_argument("--label", default="after")
    parser.add_argument("--size", default="640x360")
    parser.add_argument("--at", type=float, nargs="+", default=list(TIMES))
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.split("x"))
    fmt = VideoFormat(width, height, Fraction(24))
    plan = build_plan(parse(args.script.read_text(encoding="utf-8")))
    ffmpeg = FFmpeg()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vv-film-frames-") as scratch:
        film = Path(scratch) / "film.mp4"
        settings = RenderSettings(fmt=fmt)
        Renderer(Path(scratch) / "job", StoryboardCards(), LocalSpeech(), settings).render(
            plan, film
        )
        for seconds in args.at:
            path = frame_path(args.out, args.label, seconds)
            ffmpeg.run(
                (*global_args(), "-ss", f"{seconds:.3f}", "-i", str(film), "-frames:v", "1",
                 str(path)),
                timeout=60,
            )  # fmt: skip
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
