"""Run benchmarks: ``python -m bench`` runs all, ``python -m bench parse pdf_import`` some."""

from __future__ import annotations

import importlib
import platform
import sys
import time

BENCHMARKS = (
    "parse",
    "pdf_import",
    "render",
    "stitch",
    "sync",
    "server",
    "server_stall",
    "ui",
    "player",
    "compare",
    "playback",
    "write",
)


def main(argv: list[str]) -> int:
    """Run the named benchmarks (all when none are named); non-zero if any failed to run."""
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    failures = 0
    for name in names:
        print(f"\n=== bench/{name}")
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        # Each benchmark reads its own options from sys.argv; run it with its defaults.
        saved, sys.argv = sys.argv, [f"bench.{name}"]
        try:
            code = int(module.main())
        finally:
            sys.argv = saved
        failures += code != 0
        print(f"=== bench/{name} done in {time.perf_counter() - started:.1f} s (exit {code})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
