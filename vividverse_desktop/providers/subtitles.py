"""Subtitles from the dialogue, timed to the speech: one cue per spoken line.

A cue starts when its line starts in the film and lasts as long as the line's
speech (or its planned duration when there is no speech), never past the next
line of its scene or the scene's end, and at least :data:`MIN_CUE_S` where room allows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from vividverse_desktop.core.pipeline.plan import NARRATOR, Plan
from vividverse_desktop.core.pipeline.stitch import Subtitle

MIN_CUE_S = 0.7
"""The shortest cue worth showing (seconds), room permitting."""


def film_subtitles(
    plan: Plan,
    scene_starts: Sequence[float],
    scene_ends: Sequence[float],
    speech_seconds: Mapping[tuple[int, int], float] | None = None,
) -> list[Subtitle]:
    """Cues for every line of ``plan``; ``speech_seconds[(scene, line)]`` is the spoken length.

    ``scene_starts``/``scene_ends`` are each scene's place in the film (seconds),
    as cut; lines are labelled with their speaker (``MARA: ...``), narration is not.
    """
    cues: list[Subtitle] = []
    spoken = speech_seconds or {}
    for s, scene in enumerate(plan.scenes):
        begin, end = scene_starts[s], scene_ends[s]
        for n, line in enumerate(scene.lines):
            start = begin + line.start
            if start >= end:
                continue
            limit = end
            if n + 1 < len(scene.lines):
                limit = min(limit, begin + max(line.start, scene.lines[n + 1].start))
            length = max(MIN_CUE_S, spoken.get((s, n), line.duration))
            stop = min(limit, start + length)
            if stop - start < 0.04:
                continue
            label = "" if line.speaker == NARRATOR else f"{line.speaker}: "
            cues.append(Subtitle(start, stop, f"{label}{line.text}"))
    return cues
