"""The render engine on a real three-scene script: the film, its reuse, edits, failures, cancel."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import pytest

from tests.render.conftest import SCRIPT, TINY, Counting, tiny_settings
from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.mux import film_slots
from vividverse_desktop.core.pipeline.plan import Plan, PlanScene, build_plan, film_cast
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.media.probe import audio_duration, count_frames, probe
from vividverse_desktop.providers.contract import ProviderError
from vividverse_desktop.providers.cutlist import cut_list
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.engine import Renderer, shot_frames
from vividverse_desktop.render.events import (
    RenderCancelled,
    RenderError,
    RenderProgress,
    RenderResult,
    SceneState,
)
from vividverse_desktop.render.jobdb import JobDB


def _renderer(job: Path, jobs: int = 2, fail_on: str | None = None) -> Renderer:
    video = Counting(StoryboardCards(), fail_on=fail_on)
    voice = Counting(LocalSpeech())
    return Renderer(job, video, voice, tiny_settings(jobs))  # type: ignore[arg-type]


def _calls(renderer: Renderer) -> tuple[int, int]:
    return len(renderer.video.calls), len(renderer.voice.calls)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The plan of the three-scene script."""
    return build_plan(parse(SCRIPT))


@pytest.fixture(scope="module")
def rendered(
    tmp_path_factory: pytest.TempPathFactory, plan: Plan
) -> tuple[Renderer, RenderResult, list[RenderProgress]]:
    """One full render, shared by the tests that only look at it."""
    job = tmp_path_factory.mktemp("render")
    renderer = _renderer(job / "job")
    events: list[RenderProgress] = []
    result = renderer.render(plan, job / "film.mp4", on_progress=events.append)
    return renderer, result, events


def test_the_film_has_video_audio_and_subtitle_streams(rendered) -> None:  # type: ignore[no-untyped-def]
    """H.264 yuv420p at the asked size, 48 kHz AAC, mov_text subtitles."""
    _, result, _ = rendered
    info = probe(result.output)
    assert [(v.codec, v.pix_fmt, v.width, v.height) for v in info.video] == [
        ("h264", "yuv420p", 160, 90)
    ]
    assert [(a.codec, a.sample_rate) for a in info.audio] == [("aac", 48000)]
    assert [s.codec for s in info.subtitles] == ["mov_text"]


def test_duration_is_within_one_frame_of_the_plan(rendered, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    """Frames counted in the file match the plan's total length to one frame."""
    _, result, _ = rendered
    frames = count_frames(result.output)
    assert frames == result.frames
    assert abs(frames / 12 - plan.duration) <= 1 / 12


def test_audio_and_video_end_together(rendered) -> None:  # type: ignore[no-untyped-def]
    """The audio track ends within one frame of the video."""
    _, result, _ = rendered
    assert abs(audio_duration(result.output) - count_frames(result.output) / 12) <= 1 / 12


def test_one_chapter_per_scene_on_the_cuts(rendered, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    """Chapters start where the cumulative-time cuts are and carry the scene headings."""
    _, result, _ = rendered
    chapters = probe(result.output).chapters
    slots = film_slots([s.duration for s in plan.scenes], TINY)
    assert [round(c.start * 12) for c in chapters] == [s.start_frame for s in slots]
    assert [c.title for c in chapters] == [f"{s.id}. {s.heading}" for s in plan.scenes]


def test_progress_reaches_every_scene_and_ends_at_one(rendered) -> None:  # type: ignore[no-untyped-def]
    """A scene-done event for each scene, fractions never going back, a final done at 100 %."""
    _, _, events = rendered
    done = [e for e in events if e.stage == "scenes" and e.scene and e.scene.state == "done"]
    assert sorted(e.scene_index for e in done) == [0, 1, 2]
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions)
    assert (events[-1].stage, events[-1].fraction, events[-1].eta) == ("done", 1.0, 0.0)


def test_providers_are_called_once_per_asset(rendered, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    """One clip per scene and one voice per line, recorded in the job database."""
    renderer, result, _ = rendered
    lines = sum(len(s.lines) for s in plan.scenes)
    assert result.made["clip"] == 3
    assert result.made["voice"] == lines
    assert _calls(renderer)[1] == lines


def test_every_clip_request_carries_the_films_cast(rendered, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    """Each scene's clip is asked for with the whole film's cast, so marks agree across scenes."""
    renderer, _, _ = rendered
    cast = film_cast(plan)
    assert len(cast) >= 2
    assert [request.cast for request in renderer.video.calls] == [cast] * len(plan.scenes)


def test_the_film_picture_is_read_as_byte_ranges_of_annexb_clips(rendered) -> None:  # type: ignore[no-untyped-def]
    """Each scene's Annex B clip is cut where its slot's frames end; the film has every frame."""
    renderer, result, _ = rendered
    lines = (renderer.job_dir / "video.txt").read_text().splitlines()
    with JobDB(renderer.job_dir) as db:
        streams = {row.path: row for row in db.rows() if row.kind == "annexb"}
    assert len(lines) == len(streams) == 3
    for line, (start, end) in zip(lines, result.chapters, strict=True):
        name = line.rsplit(":", 1)[1]
        kept, offsets = int(line.split(",")[5]), streams[name].meta["frames"]
        assert len(offsets) >= end - start
        assert kept == [*offsets, streams[name].meta["bytes"]][end - start]
    assert count_frames(result.output) == result.frames


def test_rendering_again_reuses_every_asset(tmp_path: Path, plan: Plan) -> None:
    """A second render of an unchanged plan calls no provider and gives the same film."""
    first = _renderer(tmp_path / "job").render(plan, tmp_path / "a.mp4")
    again = _renderer(tmp_path / "job")
    second = again.render(plan, tmp_path / "b.mp4")
    assert _calls(again) == (0, 0)
    assert second.made == {}
    assert second.clip_keys == first.clip_keys
    assert second.chapters == first.chapters


def _edit_action(plan: Plan, index: int, text: str) -> Plan:
    scene = plan.scenes[index]
    shots = (dataclasses.replace(scene.shots[0], action=text), *scene.shots[1:])
    scenes = list(plan.scenes)
    scenes[index] = dataclasses.replace(scene, shots=shots)
    return dataclasses.replace(plan, scenes=tuple(scenes))


def test_editing_one_scene_re_renders_only_that_scene(tmp_path: Path, plan: Plan) -> None:
    """Changing scene 2's action redraws scene 2's clip alone: no voices, no other clips."""
    first = _renderer(tmp_path / "job").render(plan, tmp_path / "a.mp4")
    again = _renderer(tmp_path / "job")
    edited = _edit_action(plan, 1, "JONAS burns the manifests.")
    second = again.render(edited, tmp_path / "b.mp4")
    assert _calls(again) == (1, 0)
    assert second.made == {"clip": 1}
    changed = [a != b for a, b in zip(first.clip_keys, second.clip_keys, strict=True)]
    assert changed == [False, True, False]


def test_editing_a_line_re_speaks_only_that_line(tmp_path: Path, plan: Plan) -> None:
    """A changed line is spoken again; its scene's audio and that scene's AAC segment are remade."""
    _renderer(tmp_path / "job").render(plan, tmp_path / "a.mp4")
    scene = plan.scenes[0]
    line = dataclasses.replace(scene.lines[0], text="You're late.")
    scenes = (dataclasses.replace(scene, lines=(line,)), *plan.scenes[1:])
    again = _renderer(tmp_path / "job")
    result = again.render(dataclasses.replace(plan, scenes=scenes), tmp_path / "b.mp4")
    assert _calls(again) == (0, 1)
    assert result.made == {"voice": 1, "scene_audio": 1, "aac_segment": 1}


def test_a_failing_provider_is_named_with_scene_and_asset(tmp_path: Path, plan: Plan) -> None:
    """The error says which scene, which asset, which provider and the provider's cause."""
    renderer = _renderer(tmp_path / "job", fail_on="HARBOUR OFFICE")
    with pytest.raises(RenderError) as caught:
        renderer.render(plan, tmp_path / "film.mp4")
    error = caught.value
    assert (error.scene_id, error.asset, error.provider) == ("2", "scene clip", "storyboard")
    assert "upstream refused" in error.cause
    assert not (tmp_path / "film.mp4").exists()


def test_provider_errors_inside_fetch_are_render_errors(tmp_path: Path, plan: Plan) -> None:
    """A ProviderError raised by verification is reported the same way."""

    class Picky(StoryboardCards):
        def verify(self, path: Path, request: object) -> float:  # type: ignore[override]
            raise ProviderError("clip is blank")

    renderer = Renderer(tmp_path / "job", Picky(), LocalSpeech(), tiny_settings(1))
    with pytest.raises(RenderError, match=r"scene 1: scene clip \(storyboard\).*clip is blank"):
        renderer.render(plan, tmp_path / "film.mp4")


def test_scenes_run_in_parallel_within_the_worker_bound(tmp_path: Path, plan: Plan) -> None:
    """With jobs=1 no two clips render at once."""
    renderer = _renderer(tmp_path / "job", jobs=1)
    renderer.render(plan, tmp_path / "film.mp4")
    assert renderer.video.peak == 1  # type: ignore[attr-defined]


def test_cancel_stops_the_render_and_a_resume_finishes_it(tmp_path: Path, plan: Plan) -> None:
    """Cancelled after the first scene: no film; the next render reuses what was finished."""
    cancel = CancelToken()

    def stop_after_first(event: RenderProgress) -> None:
        if event.scene is not None and event.scene.state == SceneState.DONE:
            cancel.cancel()

    first = _renderer(tmp_path / "job", jobs=1)
    with pytest.raises(RenderCancelled):
        first.render(plan, tmp_path / "film.mp4", on_progress=stop_after_first, cancel=cancel)
    assert not (tmp_path / "film.mp4").exists()
    resumed = _renderer(tmp_path / "job", jobs=1)
    result = resumed.render(plan, tmp_path / "film.mp4")
    assert result.made.get("clip", 0) < 3
    assert result.reused >= 2


def test_shot_frames_split_a_scene_by_cumulative_time(plan: Plan) -> None:
    """Shot frame counts sum to the scene's frames and follow the shot weights."""
    scene = plan.scenes[0]
    frames = shot_frames(scene, 100)
    assert sum(frames) == 100
    weights = scene.shot_seconds()
    assert frames[0] == round(100 * weights[0] / sum(weights))


def test_render_settings_default_to_720p_at_24_fps() -> None:
    """The default film is 1280x720 at 24 fps."""
    fmt = tiny_settings().__class__().fmt
    assert (fmt.width, fmt.height, fmt.fps) == (1280, 720, Fraction(24))


def test_lengthening_a_scene_re_renders_no_later_clip(tmp_path: Path, plan: Plan) -> None:
    """Scene 1 made 1.3 s longer: later scenes move but keep their clips; cuts stay exact."""
    first = _renderer(tmp_path / "job").render(plan, tmp_path / "a.mp4")
    longer = dataclasses.replace(plan.scenes[0], duration=plan.scenes[0].duration + 1.3)
    edited = dataclasses.replace(plan, scenes=(longer, *plan.scenes[1:]))
    second = _renderer(tmp_path / "job").render(edited, tmp_path / "b.mp4")
    assert second.made["clip"] == 1
    assert second.clip_keys[1:] == first.clip_keys[1:]
    slots = film_slots([s.duration for s in edited.scenes], TINY)
    assert count_frames(tmp_path / "b.mp4") == slots[-1].end_frame
    assert [round(c.start * 12) for c in probe(tmp_path / "b.mp4").chapters] == [
        s.start_frame for s in slots
    ]


def test_the_clip_list_cuts_each_clip_after_its_slot() -> None:
    """Outpoints are the slot ends rounded down to the microsecond."""
    text = cut_list([("assets/a.mp4", 37), ("assets/b.mp4", 12)], Fraction(24))
    assert text.splitlines() == [
        "ffconcat version 1.0",
        "file 'assets/a.mp4'",
        "outpoint 1.541666",
        "file 'assets/b.mp4'",
        "outpoint 0.500000",
    ]


def test_cost_is_recorded_per_asset_and_paid_once(tmp_path: Path, plan: Plan) -> None:
    """A provider charging 0.5 per clip: the film costs 1.5; a resumed render spends nothing."""

    class Priced(StoryboardCards):
        def cost(self, request: object) -> float:  # type: ignore[override]
            return 0.5

    first = Renderer(tmp_path / "job", Priced(), LocalSpeech(), tiny_settings()).render(
        plan, tmp_path / "a.mp4"
    )
    again = Renderer(tmp_path / "job", Priced(), LocalSpeech(), tiny_settings()).render(
        plan, tmp_path / "b.mp4"
    )
    assert (first.cost, first.spent) == (1.5, 1.5)
    assert (again.cost, again.spent) == (1.5, 0.0)


def replace_id(scene: PlanScene, scene_id: str) -> PlanScene:
    return dataclasses.replace(scene, id=scene_id)


def test_identical_scenes_render_side_by_side(tmp_path: Path) -> None:
    """Two scenes with the same content share one asset key and render at once safely."""
    once = build_plan(parse("INT. HALL - DAY\n\nA long, silent corridor.\n"))
    # (a script repeating the scene would plan no second establishing card)
    plan = dataclasses.replace(once, scenes=(once.scenes[0], replace_id(once.scenes[0], "2")))
    result = _renderer(tmp_path / "job", jobs=2).render(plan, tmp_path / "film.mp4")
    assert result.clip_keys[0] == result.clip_keys[1]
    assert len(probe(result.output).chapters) == 2


def test_lengthening_a_scene_remakes_only_that_scenes_assets(tmp_path: Path, plan: Plan) -> None:
    """Scene 1 made 2.2 s longer: one clip, one scene audio, one AAC segment, all scene 1's."""
    _renderer(tmp_path / "job").render(plan, tmp_path / "a.mp4")
    longer = dataclasses.replace(plan.scenes[0], duration=plan.scenes[0].duration + 2.2)
    edited = dataclasses.replace(plan, scenes=(longer, *plan.scenes[1:]))
    result = _renderer(tmp_path / "job").render(edited, tmp_path / "b.mp4")
    assert result.made == {"clip": 1, "scene_audio": 1, "aac_segment": 1}
    with JobDB(tmp_path / "job") as db:
        assert {row.scene_id for row in db.rows(result.run_id)} == {plan.scenes[0].id}
    info = probe(result.output)
    assert ([v.codec for v in info.video], [a.codec for a in info.audio]) == (["h264"], ["aac"])
    assert [s.codec for s in info.subtitles] == ["mov_text"]
    frames = count_frames(result.output)
    assert abs(frames / 12 - edited.duration) <= 1 / 12
    assert abs(audio_duration(result.output) - frames / 12) <= 1 / 12
    slots = film_slots([s.duration for s in edited.scenes], TINY)
    assert [round(c.start * 12) for c in info.chapters] == [s.start_frame for s in slots]
