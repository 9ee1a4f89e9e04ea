"""The estimate before a render: what is cached, what each provider makes, costs and takes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.render.conftest import SCRIPT, tiny_settings
from vividverse_desktop.core.pipeline.plan import Plan, build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.providers.cloud.openai_speech import OpenAISpeech
from vividverse_desktop.providers.contract import VoiceRequest
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.engine import Renderer


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The three-scene script's plan."""
    return build_plan(parse(SCRIPT))


@pytest.fixture
def priced(tmp_path: Path, openai_voice: OpenAISpeech) -> Renderer:
    """Keyless clips, OpenAI speech (priced per character) against its fake."""
    return Renderer(tmp_path / "job", StoryboardCards(), openai_voice, tiny_settings())


def _keyless(job: Path) -> Renderer:
    return Renderer(job, StoryboardCards(), LocalSpeech(), tiny_settings())


def _edit_first_shot(plan: Plan, index: int) -> Plan:
    scene = plan.scenes[index]
    shot = dataclasses.replace(scene.shots[0], action=scene.shots[0].action + " Rain.")
    scenes = list(plan.scenes)
    scenes[index] = dataclasses.replace(scene, shots=(shot, *scene.shots[1:]))
    return dataclasses.replace(plan, scenes=tuple(scenes))


def test_a_fresh_job_has_every_asset_to_make(tmp_path: Path, plan: Plan) -> None:
    """Nothing cached: a clip per scene and a line per spoken line; keyless costs nothing."""
    estimate = _keyless(tmp_path / "job").estimate(plan)
    assert estimate.cached == ()
    assert estimate.to_render == tuple(s.id for s in plan.scenes)
    made = {p.provider: p.assets for p in estimate.providers}
    assert made == {"storyboard": 3, "espeak": sum(len(s.lines) for s in plan.scenes)}
    assert estimate.cost == 0.0
    assert not (tmp_path / "job").exists()  # estimating makes nothing


def test_without_history_time_comes_from_declared_speeds(tmp_path: Path, plan: Plan) -> None:
    """A fresh job's time is the providers' declared speeds, and says so."""
    estimate = _keyless(tmp_path / "job").estimate(plan)
    assert estimate.seconds is not None
    assert estimate.seconds > 0
    assert all("declared by the provider" in p.basis for p in estimate.providers)
    assert "declared" in estimate.basis


def test_after_a_render_everything_is_cached(tmp_path: Path, plan: Plan) -> None:
    """Rendered once: every scene cached, nothing to make, no time but the stitch."""
    renderer = _keyless(tmp_path / "job")
    renderer.render(plan, tmp_path / "f.mp4")
    estimate = renderer.estimate(plan)
    assert estimate.cached == tuple(s.id for s in plan.scenes)
    assert [p.assets for p in estimate.providers] == [0, 0]
    assert estimate.seconds == pytest.approx(estimate.assembly)
    assert "last render here" in estimate.basis


def test_an_edited_scene_is_the_only_one_to_render_at_the_measured_rate(
    tmp_path: Path, plan: Plan
) -> None:
    """After a render, editing one scene's picture: that scene alone, timed from this job."""
    renderer = _keyless(tmp_path / "job")
    renderer.render(plan, tmp_path / "f.mp4")
    edited = _edit_first_shot(plan, 1)
    estimate = renderer.estimate(edited)
    assert estimate.to_render == (plan.scenes[1].id,)
    clips = next(p for p in estimate.providers if p.provider == "storyboard")
    assert clips.assets == 1
    assert clips.basis.startswith("measured here")
    result = renderer.render(edited, tmp_path / "f.mp4")
    assert result.made.get("clip") == 1  # the estimate named what the render made


def test_a_priced_voice_costs_what_its_lines_cost(
    tmp_path: Path, plan: Plan, priced: Renderer, openai_voice: OpenAISpeech
) -> None:
    """The cost per provider is the sum of the provider's price for each line to make."""
    estimate = priced.estimate(plan)
    cast = openai_voice.cast(
        tuple(dict.fromkeys(ln.speaker for s in plan.scenes for ln in s.lines))
    )
    expected = sum(
        openai_voice.cost(VoiceRequest(ln.text, ln.speaker, cast[ln.speaker]))
        for s in plan.scenes
        for ln in s.lines
    )
    voice = next(p for p in estimate.providers if p.provider == "openai-tts")
    assert expected > 0
    assert voice.cost == pytest.approx(expected)
    assert estimate.cost == pytest.approx(expected)
    result = priced.render(plan, tmp_path / "f.mp4")
    assert result.spent == pytest.approx(estimate.cost)


def test_a_provider_with_no_speed_leaves_the_time_unknown_and_says_why(
    plan: Plan, priced: Renderer
) -> None:
    """A cloud voice that declares no speed and has no history: time unknown, named."""
    estimate = priced.estimate(plan)
    assert estimate.seconds is None
    assert "openai-tts has no measured or declared speed" in estimate.basis
