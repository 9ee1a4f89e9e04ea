"""Figures a test measures and the suite reports at the end (e.g. import accuracy).

pytest captures what tests print; lines given to ``report`` are shown in the terminal
summary of every run, so the figures are in the test output without ``-s``.
"""

from __future__ import annotations

REPORTED: list[str] = []


def report(line: str) -> None:
    """Add a line to the end-of-run summary (and print it for ``-s`` runs)."""
    REPORTED.append(line)
    print(line)
