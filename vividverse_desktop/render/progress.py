"""The engine's reporter: turns what the workers do into typed progress events with an ETA."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from vividverse_desktop.core.pipeline.plan import Plan
from vividverse_desktop.render.events import (
    Eta,
    ProgressCallback,
    RenderProgress,
    SceneState,
    SceneStatus,
    Stage,
)

SCENES_SHARE = 0.8
"""Share of the progress bar for the scenes; the rest is audio and stitch."""

AUDIO_SHARE = 0.6
"""Share of the part after the scenes for the film's audio; the rest is the stitch."""


class Reporter:
    """Thread-safe: worker threads report scenes, assets and costs; one callback hears all."""

    def __init__(
        self,
        plan: Plan,
        callback: ProgressCallback | None,
        started: float,
        providers: Iterable[str] = (),
    ) -> None:
        self.plan, self.callback, self.eta = plan, callback, Eta(started)
        self.total = max(plan.duration, 1e-9)
        self.done_seconds = 0.0
        self.done_count = 0
        self.fraction = 0.0
        self.spent: dict[str, float] = dict.fromkeys(providers, 0.0)
        self.lock = threading.Lock()

    def _emit(self, stage: Stage, fraction: float, **extra: Any) -> None:
        self.fraction = max(self.fraction, min(1.0, fraction))
        if self.callback is None:
            return
        now = time.monotonic()
        self.callback(
            RenderProgress(
                stage=stage,
                scenes_done=self.done_count,
                scenes_total=len(self.plan.scenes),
                fraction=self.fraction,
                elapsed=now - self.eta.started,
                eta=self.eta.estimate(self.fraction, now),
                spent=dict(self.spent),
                **extra,
            )
        )

    def queued(self) -> None:
        """The scenes stage begins: every scene is queued."""
        with self.lock:
            for index, scene in enumerate(self.plan.scenes):
                status = SceneStatus(index, scene.id, SceneState.QUEUED)
                self._emit(
                    Stage.SCENES, 0.0, scene_index=index, scene_id=scene.id, scene=status,
                    message=f"scene {scene.id} queued",
                )  # fmt: skip

    def scene(
        self,
        index: int,
        state: SceneState,
        *,
        asset: str | None = None,
        provider: str | None = None,
        cause: str = "",
    ) -> None:
        """A scene changed state (or started making ``asset`` with ``provider``)."""
        with self.lock:
            scene = self.plan.scenes[index]
            if state is SceneState.DONE:
                self.done_seconds += scene.duration
                self.done_count += 1
            words = {
                SceneState.CACHED: f"scene {scene.id} is cached",
                SceneState.RENDERING: f"scene {scene.id}: making {asset}"
                if asset
                else f"scene {scene.id} rendering",
                SceneState.DONE: f"scene {scene.id} ready",
                SceneState.FAILED: f"scene {scene.id} failed: {cause}",
                SceneState.QUEUED: f"scene {scene.id} queued",
            }
            status = SceneStatus(index, scene.id, state, asset, provider, cause)
            fraction = SCENES_SHARE * self.done_seconds / self.total
            self._emit(
                Stage.SCENES, fraction, scene_index=index, scene_id=scene.id,
                message=words[state], scene=status,
            )  # fmt: skip

    def spend(self, provider: str, amount: float) -> None:
        """Add what a provider charged for an asset just made."""
        with self.lock:
            self.spent[provider] = self.spent.get(provider, 0.0) + amount

    def step(self, stage: Stage, step: float, message: str = "") -> None:
        """Progress within the audio or the stitch step (``step`` 0..1)."""
        step = min(1.0, max(0.0, step))
        start, width = (
            (0.0, AUDIO_SHARE) if stage is Stage.AUDIO else (AUDIO_SHARE, 1 - AUDIO_SHARE)
        )
        share = start + width * step
        with self.lock:
            self._emit(stage, SCENES_SHARE + (1 - SCENES_SHARE) * share, message=message, step=step)

    def done(self) -> None:
        """The film is written."""
        with self.lock:
            self._emit(Stage.DONE, 1.0, message="film written")
