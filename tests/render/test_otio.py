"""The OpenTimelineIO export of a real render: tracks, ranges, markers, agreement with the EDL."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio  # type: ignore[import-untyped]
import pytest

from tests.render.conftest import SCRIPT, TINY, tiny_settings
from vividverse_desktop.core.pipeline.mux import film_slots
from vividverse_desktop.core.pipeline.plan import Plan, build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.edl import EdlEvent, film_edl, timecode
from vividverse_desktop.render.engine import Renderer
from vividverse_desktop.render.events import RenderResult
from vividverse_desktop.render.otio import (
    TimelineError,
    edl_events,
    export_render,
    timecode_frames,
)


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The plan of the three-scene script."""
    return build_plan(parse(SCRIPT))


@pytest.fixture(scope="module")
def exported(
    tmp_path_factory: pytest.TempPathFactory, plan: Plan
) -> tuple[Path, RenderResult, Any]:
    """One tiny render, its job directory, and its timeline read back from disk."""
    folder = tmp_path_factory.mktemp("otio")
    job = folder / "job"
    renderer = Renderer(job, StoryboardCards(), LocalSpeech(), tiny_settings())
    result = renderer.render(plan, folder / "film.mp4")
    path = export_render(job, plan, TINY, folder / "film.otio")
    return job, result, otio.adapters.read_from_file(str(path))


def _frames(time: Any) -> int:
    value = float(time.rescaled_to(12).value)
    assert value.is_integer()
    return int(value)


def test_clip_durations_sum_to_the_films_frames(exported) -> None:  # type: ignore[no-untyped-def]
    """Both tracks last exactly the film's frame count."""
    _, result, timeline = exported
    video, audio = timeline.video_tracks()[0], timeline.audio_tracks()[0]
    assert sum(_frames(c.source_range.duration) for c in video) == result.frames
    assert sum(_frames(c.source_range.duration) for c in audio) == result.frames
    assert _frames(timeline.duration()) == result.frames


def test_clips_are_the_plans_scenes_at_their_slots(exported, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    """One video clip per scene, named after it, its range in the film where the plan cuts."""
    _, _, timeline = exported
    slots = film_slots([s.duration for s in plan.scenes], TINY)
    video = timeline.video_tracks()[0]
    assert [c.name for c in video] == [f"{s.id}. {s.heading}" for s in plan.scenes]
    placed = [
        (_frames(video.range_of_child_at_index(n).start_time), _frames(c.source_range.duration))
        for n, c in enumerate(video)
    ]
    assert placed == [(s.start_frame, s.frames) for s in slots]
    assert all(_frames(c.source_range.start_time) == 0 for c in video)


def test_media_references_are_the_jobs_files(exported) -> None:  # type: ignore[no-untyped-def]
    """Video clips point at the scene clip files, audio clips at the scene audio, all present."""
    job, _, timeline = exported
    for track, suffix in (
        (timeline.video_tracks()[0], ".mp4"),
        (timeline.audio_tracks()[0], ".au"),
    ):
        for clip in track:
            path = Path(otio.url_utils.filepath_from_url(clip.media_reference.target_url))
            assert path.is_file()
            assert path.suffix == suffix
            assert job.resolve() in path.resolve().parents


def test_markers_name_the_scenes_and_the_dialogue(exported, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    """A green marker per scene heading, a yellow one per dialogue line in its scene."""
    _, _, timeline = exported
    markers = list(timeline.tracks.markers)
    scenes = [m for m in markers if m.color == otio.schema.MarkerColor.GREEN]
    lines = [m for m in markers if m.color == otio.schema.MarkerColor.YELLOW]
    assert [m.name for m in scenes] == [s.heading for s in plan.scenes]
    expected = [f"{ln.speaker}: {ln.text}" for s in plan.scenes for ln in s.lines]
    assert [m.name for m in lines] == expected
    for line in lines:
        scene = next(m for m in scenes if m.metadata["vividverse"]["scene_id"]
                     == line.metadata["vividverse"]["scene_id"])  # fmt: skip
        assert scene.marked_range.contains(line.marked_range.start_time)
        assert line.marked_range.end_time_exclusive() <= scene.marked_range.end_time_exclusive()


def test_the_subtitles_are_noted(exported) -> None:  # type: ignore[no-untyped-def]
    """The timeline's metadata names the film's SRT file."""
    job, _, timeline = exported
    assert Path(timeline.metadata["vividverse"]["subtitles"]) == job / "film.srt"


def test_the_timeline_agrees_with_the_edl(exported) -> None:  # type: ignore[no-untyped-def]
    """The EDL's events are the timeline's clips: same files, same record frames."""
    job, _, timeline = exported
    events = edl_events((job / "film.edl").read_text(encoding="utf-8"), TINY.fps)
    video, audio = timeline.video_tracks()[0], timeline.audio_tracks()[0]
    from_otio = [
        (
            otio.url_utils.filepath_from_url(v.media_reference.target_url),
            otio.url_utils.filepath_from_url(a.media_reference.target_url),
            _frames(video.range_of_child_at_index(n).start_time),
            _frames(v.source_range.duration),
        )
        for n, (v, a) in enumerate(zip(video, audio, strict=True))
    ]
    assert from_otio == [(e.clip, e.audio, e.start_frame, e.frames) for e in events]


def test_a_plan_that_no_longer_matches_the_edit_is_refused(  # type: ignore[no-untyped-def]
    exported, plan: Plan, tmp_path: Path
) -> None:
    """Exporting with a changed plan (a longer first scene) names the mismatch."""
    job, _, _ = exported
    first = dataclasses.replace(plan.scenes[0], duration=plan.scenes[0].duration + 2.0)
    edited = dataclasses.replace(plan, scenes=(first, *plan.scenes[1:]))
    with pytest.raises(TimelineError, match="render the plan again"):
        export_render(job, edited, TINY, tmp_path / "stale.otio")


@pytest.mark.parametrize("fps", [Fraction(24), Fraction(30000, 1001), Fraction(25)])
def test_timecodes_read_back_to_their_frames(fps: Fraction) -> None:
    """``timecode_frames`` inverts the EDL's timecode at integer and NTSC rates."""
    for frame in (0, 1, 23, 24, 1799, 1800, 107_892, 215_999):
        assert timecode_frames(timecode(frame, fps), fps) == frame


def test_edl_events_read_back_what_film_edl_wrote() -> None:
    """Titles, files and record ranges survive an EDL round trip; silent scenes keep no audio."""
    fps = Fraction(24)
    written = [
        EdlEvent("1. EXT. PIER - NIGHT", "/j/assets/clip-a.mp4", "/j/assets/a.au", 0, 120),
        EdlEvent("2. INT. OFFICE - DAY", "/j/assets/clip-b.mp4", None, 120, 37),
    ]
    assert edl_events(film_edl("Pier", written, fps), fps) == written
