"""Time our Fountain parser against screenplain and jouvence on a 120-page script.

Run ``.venv/bin/python -m bench.parse``. Each parser is warmed up, then the three
run interleaved (so background load hits all alike) and the median is reported,
with the ratio peer time / our time (above 1 means we are faster).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

from bench.scriptgen import feature_script
from vividverse_desktop.core.screenplay import parse


def _peers(text: str) -> dict[str, Callable[[], object]]:
    """Callables parsing ``text`` with each installed peer."""
    runs: dict[str, Callable[[], object]] = {}
    try:
        from screenplain.parsers import fountain as screenplain_fountain

        runs["screenplain"] = lambda: screenplain_fountain.parse(io.StringIO(text))
    except ImportError:
        pass
    try:
        from jouvence.parser import JouvenceParser

        runs["jouvence"] = lambda: JouvenceParser().parseString(text)
    except ImportError:
        pass
    return runs


def measure(pages: int = 120, rounds: int = 40, warmup: int = 5) -> dict[str, float]:
    """Median seconds per parse of a ``pages``-page script, ours under ``vividverse``."""
    text = feature_script(pages)
    runs: dict[str, Callable[[], object]] = {"vividverse": lambda: parse(text)}
    runs.update(_peers(text))
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        for _ in range(warmup):
            run()
    clock = time.perf_counter
    for _ in range(rounds):
        for name, run in runs.items():
            start = clock()
            run()
            samples[name].append(clock() - start)
    return {name: statistics.median(times) for name, times in samples.items()}


def main(argv: list[str] | None = None) -> int:
    """Print a table of parse times and ratios; exit 0."""
    parser = argparse.ArgumentParser(prog="python -m bench.parse", description=__doc__)
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args(argv)
    text = feature_script(args.pages)
    lines = text.count("\n") + 1
    print(f"script: {args.pages} pages, {lines:,} lines, {len(text):,} characters")
    medians = measure(args.pages, args.rounds)
    ours = medians["vividverse"]
    print(f"{'parser':<12} {'median ms':>10} {'us/line':>8} {'peer/ours':>10}")
    for name, seconds in medians.items():
        ratio = seconds / ours
        print(f"{name:<12} {seconds * 1e3:>10.2f} {seconds * 1e6 / lines:>8.2f} {ratio:>9.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
