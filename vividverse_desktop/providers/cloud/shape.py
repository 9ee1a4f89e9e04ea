"""What video and image services are asked for: a prompt, an aspect ratio, a duration."""

from __future__ import annotations

from collections.abc import Sequence

from vividverse_desktop.providers.contract import ClipRequest

RATIOS = {
    "16:9": 16 / 9, "9:16": 9 / 16, "1:1": 1.0, "4:3": 4 / 3, "3:4": 3 / 4, "21:9": 21 / 9,
    "9:21": 9 / 21, "3:2": 3 / 2, "2:3": 2 / 3, "5:4": 5 / 4, "4:5": 4 / 5,
}  # fmt: skip
"""Every ratio name a service below accepts; each adapter passes its own documented subset."""


def clip_prompt(clip: ClipRequest, limit: int = 1000) -> str:
    """The scene's heading and its shots' prompts in order, cut to ``limit`` characters."""
    parts = [clip.scene.heading, *(shot.prompt or shot.action for shot in clip.scene.shots)]
    return " ".join(p.strip() for p in parts if p.strip())[:limit]


def aspect_ratio(width: int, height: int, allowed: Sequence[str]) -> str:
    """The ratio in ``allowed`` (names from :data:`RATIOS`) nearest to ``width``/``height``."""
    shape = width / height
    return min(allowed, key=lambda name: abs(RATIOS[name] - shape))


def clip_seconds(clip: ClipRequest) -> float:
    """How long the scene clip should play."""
    return float(clip.fmt.seconds(sum(clip.shot_frames)))


def nearest_duration(seconds: float, offered: Sequence[int]) -> int:
    """The shortest offered duration that covers ``seconds`` (the longest if none does)."""
    covering = [d for d in sorted(offered) if d >= seconds]
    return covering[0] if covering else max(offered)
