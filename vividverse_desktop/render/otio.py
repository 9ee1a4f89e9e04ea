"""The film's edit as an OpenTimelineIO timeline, so an editor can continue in their NLE.

The timeline mirrors the CMX 3600 EDL the render writes (``render.edl``, the job's
``film.edl``): the same scene events, the same files, the same cuts. It holds

- a video track: one clip per scene, its media reference the scene clip file and
  its source range ``[0, frames)`` at the film's rate (a clip file may hold a
  frame more than its slot; the film uses the first ``frames``);
- an audio track: one clip per scene referencing the scene audio, cut the same;
- markers on the timeline's stack: one per scene (named after its heading,
  covering the scene) and one per dialogue line (``SPEAKER: words``, at the
  line's planned time), with the film's ``film.srt`` named in the timeline's
  metadata when the render wrote subtitles.

Times are exact frame counts: every record range is the scene's slot from
``core.pipeline.mux.film_slots`` (cut by cumulative time), so the clip durations
sum to the film's frame count.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio  # type: ignore[import-untyped]

from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.mux import SceneSlot, film_slots
from vividverse_desktop.core.pipeline.plan import Plan, PlanScene
from vividverse_desktop.render.edl import EdlEvent

METADATA_KEY = "vividverse"
"""Namespace of our metadata on OTIO objects."""

_EVENT = re.compile(
    r"^(?P<number>\d{3,})\s+\S+\s+(?P<track>V|A)\s+C\s+"
    r"(?P<src_in>\d\d:\d\d:\d\d:\d\d)\s+(?P<src_out>\d\d:\d\d:\d\d:\d\d)\s+"
    r"(?P<rec_in>\d\d:\d\d:\d\d:\d\d)\s+(?P<rec_out>\d\d:\d\d:\d\d:\d\d)\s*$"
)


class TimelineError(ValueError):
    """An edit that does not match the plan it claims to be (e.g. a stale ``film.edl``)."""


@dataclass(frozen=True, slots=True)
class TimelineScene:
    """One scene on the timeline: its plan scene, its slot, its clip and audio files."""

    scene: PlanScene
    slot: SceneSlot
    clip: str
    audio: str | None


def timecode_frames(code: str, fps: Fraction) -> int:
    """The frame number of a non-drop ``HH:MM:SS:FF`` timecode (inverse of ``edl.timecode``)."""
    hours, minutes, seconds, frames = (int(part) for part in code.split(":"))
    base = math.ceil(Fraction(fps))
    return ((hours * 60 + minutes) * 60 + seconds) * base + frames


def edl_events(text: str, fps: Fraction) -> list[EdlEvent]:
    """The scene events of an EDL written by ``edl.film_edl``, in record order.

    A picture event and the sound event that follows it on the same record range
    become one :class:`EdlEvent`; ``FROM CLIP NAME`` gives the files and
    ``COMMENT`` the title. Raises :class:`TimelineError` on a sound event with no
    picture before it.
    """
    events: list[EdlEvent] = []
    current: dict[str, Any] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if match := _EVENT.match(line):
            start = timecode_frames(match["rec_in"], fps)
            frames = timecode_frames(match["rec_out"], fps) - start
            current = {"track": match["track"], "start": start, "frames": frames}
            if match["track"] == "V":
                events.append(EdlEvent("", "", None, start, frames))
            elif not events or events[-1].start_frame != start:
                raise TimelineError(f"sound event {match['number']} has no picture event")
        elif current is not None and line.startswith("* FROM CLIP NAME:"):
            source = line.split(":", 1)[1].strip()
            last = events[-1]
            if current["track"] == "V":
                events[-1] = EdlEvent(last.title, source, last.audio, last.start_frame, last.frames)
            else:
                events[-1] = EdlEvent(last.title, last.clip, source, last.start_frame, last.frames)
        elif current is not None and line.startswith("* COMMENT:") and current["track"] == "V":
            last = events[-1]
            title = line.split(":", 1)[1].strip()
            events[-1] = EdlEvent(title, last.clip, last.audio, last.start_frame, last.frames)
    return events


def timeline_scenes(
    plan: Plan, fmt: VideoFormat, events: Sequence[EdlEvent]
) -> list[TimelineScene]:
    """Pair each EDL event with its plan scene by the slot it fills.

    Slots come from ``film_slots`` over the plan's durations (as the engine cuts);
    scenes too short for a frame have no event and are left out. Raises
    :class:`TimelineError` when an event does not sit on a scene's slot exactly.
    """
    slots = film_slots([scene.duration for scene in plan.scenes], fmt)
    by_start = {slot.start_frame: slot for slot in slots if slot.frames > 0}
    paired: list[TimelineScene] = []
    for event in events:
        slot = by_start.get(event.start_frame)
        if slot is None or slot.frames != event.frames:
            raise TimelineError(
                f"the edit's event at frame {event.start_frame} ({event.frames} frames) "
                "is no scene of this plan; render the plan again"
            )
        paired.append(TimelineScene(plan.scenes[slot.index], slot, event.clip, event.audio))
    return paired


def _rational(frames: int | float, fps: Fraction) -> Any:
    return otio.opentime.RationalTime(frames, float(fps))


def _range(start: int | float, frames: int | float, fps: Fraction) -> Any:
    return otio.opentime.TimeRange(_rational(start, fps), _rational(frames, fps))


def _reference(path: str) -> Any:
    return otio.schema.ExternalReference(target_url=otio.url_utils.url_from_filepath(path))


def film_timeline(
    title: str,
    scenes: Sequence[TimelineScene],
    fps: Fraction,
    *,
    subtitles: str | None = None,
) -> Any:
    """The OTIO timeline of a film: a video track, an audio track, scene and dialogue markers.

    Clips are in scene order with no gaps (slots are contiguous), each with the
    source range ``[0, slot.frames)`` at ``fps``. Each scene's marker spans its
    record range; each dialogue line's marker starts at its planned time in the
    film and is cut at the scene's end. ``subtitles`` (an SRT path) is noted in
    the timeline's metadata.
    """
    timeline = otio.schema.Timeline(name=title or "Vividverse film")
    timeline.global_start_time = _rational(0, fps)
    meta: dict[str, Any] = {"fps": str(Fraction(fps)), "scenes": len(scenes)}
    if subtitles is not None:
        meta["subtitles"] = subtitles
    timeline.metadata[METADATA_KEY] = meta
    video = otio.schema.Track(name="Video", kind=otio.schema.TrackKind.Video)
    audio = otio.schema.Track(name="Audio", kind=otio.schema.TrackKind.Audio)
    markers = timeline.tracks.markers
    for item in scenes:
        scene, slot = item.scene, item.slot
        name = f"{scene.id}. {scene.heading}"
        scene_meta = {METADATA_KEY: {"scene_id": scene.id, "start_frame": slot.start_frame}}
        video.append(
            otio.schema.Clip(
                name=name,
                media_reference=_reference(item.clip),
                source_range=_range(0, slot.frames, fps),
                metadata=scene_meta,
            )
        )
        if item.audio is not None:
            audio.append(
                otio.schema.Clip(
                    name=name,
                    media_reference=_reference(item.audio),
                    source_range=_range(0, slot.frames, fps),
                    metadata=scene_meta,
                )
            )
        else:
            audio.append(otio.schema.Gap(source_range=_range(0, slot.frames, fps)))
        markers.append(
            otio.schema.Marker(
                name=scene.heading or name,
                marked_range=_range(slot.start_frame, slot.frames, fps),
                color=otio.schema.MarkerColor.GREEN,
                metadata=scene_meta,
            )
        )
        for line in scene.lines:
            start = slot.start_frame + round(Fraction(line.start) * Fraction(fps))
            end = min(slot.end_frame, start + max(1, round(Fraction(line.duration) * fps)))
            if start >= slot.end_frame:
                continue
            markers.append(
                otio.schema.Marker(
                    name=f"{line.speaker}: {line.text}",
                    marked_range=_range(start, end - start, fps),
                    color=otio.schema.MarkerColor.YELLOW,
                    metadata={
                        METADATA_KEY: {
                            "kind": "dialogue",
                            "scene_id": scene.id,
                            "speaker": line.speaker,
                            "text": line.text,
                            "parenthetical": line.parenthetical,
                        }
                    },
                )
            )
    timeline.tracks.append(video)
    timeline.tracks.append(audio)
    return timeline


def write_timeline(timeline: Any, path: Path) -> Path:
    """Write ``timeline`` as OTIO JSON to ``path`` (any suffix; ``.otio`` by convention)."""
    path.write_text(otio.adapters.write_to_string(timeline, "otio_json"), encoding="utf-8")
    return path


def export_render(job_dir: Path, plan: Plan, fmt: VideoFormat, output: Path) -> Path:
    """Write the OTIO timeline of the film last rendered from ``plan`` in ``job_dir``.

    Reads the job's ``film.edl`` (the render's own edit, so the two exports agree)
    and pairs it with ``plan``; the subtitles are noted when ``film.srt`` exists.
    Raises :class:`TimelineError` when the EDL is missing or belongs to another plan.
    """
    edl = job_dir / "film.edl"
    if not edl.is_file():
        raise TimelineError(f"no edit in {job_dir}: render the film first")
    events = edl_events(edl.read_text(encoding="utf-8"), fmt.fps)
    scenes = timeline_scenes(plan, fmt, events)
    srt = job_dir / "film.srt"
    timeline = film_timeline(
        plan.title, scenes, fmt.fps, subtitles=str(srt) if srt.is_file() else None
    )
    return write_timeline(timeline, output)
