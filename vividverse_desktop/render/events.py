"""What the engine reports while it works: typed progress events, failures, the result.

A render goes through the :class:`Stage` values in order. During ``scenes`` each
scene moves through :class:`SceneState` (queued, then cached or rendering, then
done or failed with a cause), and every asset being made is named (which asset of
which scene, by which provider). Each event carries the money spent so far per
provider (0 for keyless ones) and, during ``audio`` and ``stitch``, how far that
step has got.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


class Stage(enum.StrEnum):
    """Where a render is: the scenes' assets, the film's audio, the stitch, done.

    (Planning and the estimate come before a render, from :mod:`render.estimate`.)
    """

    SCENES = "scenes"
    AUDIO = "audio"
    STITCH = "stitch"
    DONE = "done"


class SceneState(enum.StrEnum):
    """One scene's state during a render."""

    QUEUED = "queued"
    CACHED = "cached"
    RENDERING = "rendering"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SceneStatus:
    """A scene's state; ``asset``/``provider`` name what is being made while rendering.

    ``cause`` says why a failed scene failed, in words a person can act on.
    """

    index: int
    scene_id: str
    state: SceneState
    asset: str | None = None
    provider: str | None = None
    cause: str = ""


@dataclass(frozen=True, slots=True)
class RenderProgress:
    """One progress report.

    ``stage`` is a :class:`Stage` (a string: ``"scenes"`` compares equal);
    ``scene`` the scene an event is about (with ``scene_index``/``scene_id``);
    ``fraction`` the whole render's share done (0..1); ``eta`` the seconds left
    (None until it can be estimated); ``step`` the share of the current audio or
    stitch step done; ``spent`` the money (USD) paid so far per provider.
    """

    stage: Stage
    scenes_done: int
    scenes_total: int
    fraction: float
    elapsed: float
    eta: float | None
    scene_index: int | None = None
    scene_id: str | None = None
    message: str = ""
    scene: SceneStatus | None = None
    step: float | None = None
    spent: Mapping[str, float] = field(default_factory=dict)

    @property
    def cost(self) -> float:
        """The money (USD) this render has spent so far, all providers together."""
        return sum(self.spent.values())


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
