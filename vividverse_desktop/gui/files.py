"""Which room opens a file: scripts go to Write, films to the Screening Room."""

from __future__ import annotations

from pathlib import Path

SCRIPT_SUFFIXES = frozenset({".fountain", ".spmd", ".pdf", ".txt", ".fdx"})
FILM_SUFFIXES = frozenset({".mp4", ".mov", ".m4v"})
OPEN_FILTER = (
    "Scripts and films (*.fountain *.spmd *.pdf *.txt *.fdx *.mp4 *.mov *.m4v);;"
    "Scripts (*.fountain *.spmd *.pdf *.txt *.fdx);;Films (*.mp4 *.mov *.m4v)"
)

FILM_FILTER = "Films (*.mp4 *.mov *.m4v);;All files (*)"


def room_for(path: str | Path) -> str | None:
    """The key of the room that opens ``path``, or None for a file no room reads."""
    suffix = Path(path).suffix.lower()
    if suffix in SCRIPT_SUFFIXES:
        return "write"
    if suffix in FILM_SUFFIXES:
        return "screening"
    return None
