"""Typed progress: scene states with causes, the asset being made, money per provider, steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.providers.cloud.fake import FakeService
from tests.providers.cloud.openai_fake import SPEECH, openai_error
from tests.render.conftest import SCRIPT, Counting, tiny_settings
from vividverse_desktop.core.pipeline.plan import Plan, build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.providers.cloud.openai_speech import OpenAISpeech
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.engine import Renderer
from vividverse_desktop.render.events import (
    RenderError,
    RenderProgress,
    SceneState,
    Stage,
)


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The three-scene script's plan."""
    return build_plan(parse(SCRIPT))


def _keyless(job: Path) -> Renderer:
    return Renderer(job, StoryboardCards(), LocalSpeech(), tiny_settings())


def _states(events: list[RenderProgress], scene_id: str) -> list[SceneState]:
    states = [e.scene.state for e in events if e.scene and e.scene.scene_id == scene_id]
    return [s for n, s in enumerate(states) if n == 0 or states[n - 1] != s]


def test_each_scene_goes_queued_rendering_done(tmp_path: Path, plan: Plan) -> None:
    """A fresh render moves every scene from queued through rendering to done."""
    events: list[RenderProgress] = []
    _keyless(tmp_path / "job").render(plan, tmp_path / "f.mp4", on_progress=events.append)
    for scene in plan.scenes:
        assert _states(events, scene.id) == [
            SceneState.QUEUED, SceneState.RENDERING, SceneState.DONE,
        ]  # fmt: skip


def test_a_rendering_event_names_the_asset_and_its_provider(tmp_path: Path, plan: Plan) -> None:
    """While rendering, events say which asset of which scene, by which provider."""
    events: list[RenderProgress] = []
    _keyless(tmp_path / "job").render(plan, tmp_path / "f.mp4", on_progress=events.append)
    making = {
        (e.scene.scene_id, e.scene.asset, e.scene.provider)
        for e in events
        if e.scene and e.scene.state is SceneState.RENDERING
    }
    first = plan.scenes[0]
    assert (first.id, "scene clip", "storyboard") in making
    assert (first.id, f"voice line 1 ({first.lines[0].speaker})", "espeak") in making
    assert (first.id, "scene audio", "ffmpeg") in making


def test_a_second_render_reports_every_scene_cached(tmp_path: Path, plan: Plan) -> None:
    """Rendering the same plan again: each scene is cached, nothing is being made."""
    renderer = _keyless(tmp_path / "job")
    renderer.render(plan, tmp_path / "f.mp4")
    events: list[RenderProgress] = []
    renderer.render(plan, tmp_path / "f.mp4", on_progress=events.append)
    for scene in plan.scenes:
        assert _states(events, scene.id) == [SceneState.QUEUED, SceneState.CACHED, SceneState.DONE]


def test_a_failed_scene_carries_a_cause_a_person_can_act_on(tmp_path: Path, plan: Plan) -> None:
    """A provider's refusal marks that scene failed with the refusal's words."""
    events: list[RenderProgress] = []
    video = Counting(StoryboardCards(), fail_on="HARBOUR OFFICE")
    renderer = Renderer(tmp_path / "job", video, LocalSpeech(), tiny_settings(jobs=1))  # type: ignore[arg-type]
    with pytest.raises(RenderError):
        renderer.render(plan, tmp_path / "f.mp4", on_progress=events.append)
    failed = [e.scene for e in events if e.scene and e.scene.state is SceneState.FAILED]
    assert [(s.scene_id, s.asset, s.provider) for s in failed] == [
        (plan.scenes[1].id, "scene clip", "storyboard")
    ]
    assert "upstream refused: HARBOUR OFFICE" in failed[0].cause


def test_audio_and_stitch_report_their_own_progress(tmp_path: Path, plan: Plan) -> None:
    """The audio and stitch steps each report progress from 0 up to 1, in that order."""
    events: list[RenderProgress] = []
    _keyless(tmp_path / "job").render(plan, tmp_path / "f.mp4", on_progress=events.append)
    stages = list(dict.fromkeys(e.stage for e in events))
    assert stages == [Stage.SCENES, Stage.AUDIO, Stage.STITCH, Stage.DONE]
    for stage in (Stage.AUDIO, Stage.STITCH):
        steps = [e.step for e in events if e.stage is stage]
        assert steps[0] == 0.0
        assert steps[-1] == 1.0
        assert steps == sorted(steps)  # type: ignore[type-var]


def test_the_running_cost_counts_each_provider(
    tmp_path: Path,
    plan: Plan,
    openai_voice: OpenAISpeech,
) -> None:
    """A priced voice's spend rises line by line to the render's spend; keyless clips cost 0."""
    events: list[RenderProgress] = []
    renderer = Renderer(tmp_path / "job", StoryboardCards(), openai_voice, tiny_settings())
    result = renderer.render(plan, tmp_path / "f.mp4", on_progress=events.append)
    spent = [e.spent["openai-tts"] for e in events]
    assert spent == sorted(spent)
    assert events[-1].spent["storyboard"] == 0.0
    assert events[-1].spent["openai-tts"] == pytest.approx(result.spent)
    assert result.spent > 0


def test_an_unworkable_voice_says_which_line_and_why(
    tmp_path: Path,
    plan: Plan,
    fake_openai: FakeService,
    openai_voice: OpenAISpeech,
) -> None:
    """An out-of-credits answer fails the scene with the service's words and the fix."""
    fake_openai.fail("POST", SPEECH, openai_error(
        "You exceeded your current quota", 429, "insufficient_quota", "insufficient_quota"
    ))  # fmt: skip
    events: list[RenderProgress] = []
    renderer = Renderer(tmp_path / "job", StoryboardCards(), openai_voice, tiny_settings(jobs=1))
    with pytest.raises(RenderError, match="out of credits"):
        renderer.render(plan, tmp_path / "f.mp4", on_progress=events.append)
    failed = [e.scene for e in events if e.scene and e.scene.state is SceneState.FAILED]
    assert failed[0] is not None
    assert failed[0].asset.startswith("voice line 1")  # type: ignore[union-attr]
    assert "Top it up" in failed[0].cause
