"""What a render is made with besides plan and providers; how scenes are cut into frames."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from fractions import Fraction

from vividverse_desktop.core.pipeline.ffmpeg_args import X264, VideoFormat
from vividverse_desktop.core.pipeline.mux import SceneSlot
from vividverse_desktop.core.pipeline.plan import PlanScene

ENGINE_VERSION = "1"
"""Changes whenever the engine would assemble the same inputs differently."""


@dataclass(frozen=True, slots=True)
class RenderSettings:
    """Everything about a render that is not the plan or a provider.

    ``jobs`` bounds the scenes rendered at once; ``timeout`` bounds each FFmpeg
    run and each provider request (seconds). The film's AAC track is 48 kHz
    stereo by default; ``audio_channels=1`` encodes ~2.8x faster (the AAC encode
    is the slowest step of a keyless render) and loses nothing for the keyless
    voices, which are mono.
    """

    fmt: VideoFormat = field(default_factory=lambda: VideoFormat(1280, 720, Fraction(24)))
    jobs: int = max(1, os.cpu_count() or 1)
    x264: X264 = field(default_factory=X264)
    audio_channels: int = 2
    audio_bitrate: str = "160k"
    timeout: float = 600.0


def clip_frames(scene: PlanScene, slot: SceneSlot, settings: RenderSettings) -> int:
    """Frames to render for a scene's clip: enough for any slot its duration can get.

    A scene's slot is cut by cumulative time, so its frame count moves by one when
    an earlier scene changes length. Rendering ``ceil(duration * fps) + 1`` frames
    (which depends on the scene alone) and cutting the clip to its slot in the
    concat list keeps the clip's hash, so such an edit re-renders no later clip.
    The cut drops trailing packets by stream copy, which is exact only without
    B-frames: x264 ``ultrafast`` has none; other presets render the slot exactly.
    """
    if settings.x264.preset != "ultrafast":
        return slot.frames
    need = math.ceil(Fraction(scene.duration) * Fraction(settings.fmt.fps)) + 1
    return max(need, slot.frames)


def shot_frames(scene: PlanScene, frames: int) -> tuple[int, ...]:
    """Split a scene's frames over its shots by their (scaled) durations, cut by cumulative time."""
    seconds = scene.shot_seconds()
    total = sum(seconds) or 1.0
    cuts, elapsed, previous = [], 0.0, 0
    for value in seconds:
        elapsed += value
        cut = round(frames * elapsed / total)
        cuts.append(cut - previous)
        previous = cut
    return tuple(cuts)
