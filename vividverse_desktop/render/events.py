"""What the engine reports while it works: progress events, failures, the result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RenderProgress:
    """One progress report.

    ``stage`` is ``scenes``, ``audio``, ``stitch`` or ``done``; ``scene_index`` the
    scene (0-based) a ``scenes`` event is about; ``fraction`` the whole render's
    share done (0..1); ``eta`` the seconds left (None until it can be estimated).
    """

    stage: str
    scenes_done: int
    scenes_total: int
    fraction: float
    elapsed: float
    eta: float | None
    scene_index: int | None = None
    scene_id: str | None = None
    message: str = ""


ProgressCallback = Callable[[RenderProgress], None]


class RenderError(RuntimeError):
    """A render failed: which scene, which asset, which provider, and why."""

    def __init__(self, scene_id: str | None, asset: str, provider: str, cause: str) -> None:
        where = f"scene {scene_id}" if scene_id is not None else "film"
        super().__init__(f"{where}: {asset} ({provider}) failed: {cause}")
        self.scene_id = scene_id
        self.asset = asset
        self.provider = provider
        self.cause = cause


class RenderCancelled(RuntimeError):
    """The render was cancelled; finished assets stay in the job directory for a resume."""


@dataclass(frozen=True, slots=True)
class RenderResult:
    """A finished film and what it took.

    ``duration`` is the film's video length (frames / fps); ``cost`` the price of
    every asset the film uses, ``spent`` what this run paid for new ones; ``made``
    counts assets made by this run per kind; ``clip_keys`` each scene's clip hash.
    """

    output: Path
    scenes: int
    duration: float
    frames: int
    cost: float
    spent: float
    seconds: float
    run_id: int
    made: dict[str, int] = field(default_factory=dict)
    reused: int = 0
    clip_keys: tuple[str, ...] = ()
    chapters: tuple[tuple[int, int], ...] = ()


class Eta:
    """Seconds left from the share done so far (linear; None below 2 %)."""

    def __init__(self, started: float) -> None:
        self.started = started

    def estimate(self, fraction: float, now: float) -> float | None:
        """Elapsed * (1 - f) / f, or None when too little is done to tell."""
        if fraction < 0.02:
            return None
        if fraction >= 1.0:
            return 0.0
        elapsed = now - self.started
        return elapsed * (1.0 - fraction) / fraction
