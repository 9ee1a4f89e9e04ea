"""Re-rendering one scene: its assets made anew, every other scene reused, the film stitched."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.render.conftest import SCRIPT, Counting, tiny_settings
from vividverse_desktop.core.pipeline.plan import Plan, build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.media.probe import count_frames
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.engine import Renderer
from vividverse_desktop.render.jobdb import JobDB


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The three-scene script's plan."""
    return build_plan(parse(SCRIPT))


def _renderer(job: Path) -> Renderer:
    return Renderer(job, Counting(StoryboardCards()), Counting(LocalSpeech()), tiny_settings())  # type: ignore[arg-type]


def test_re_rendering_a_scene_makes_only_that_scenes_assets(tmp_path: Path, plan: Plan) -> None:
    """Scene 2 again: its clip, its two lines, its audio and segment; the rest reused."""
    _renderer(tmp_path / "job").render(plan, tmp_path / "f.mp4")
    again = _renderer(tmp_path / "job")
    scene = plan.scenes[1]
    result = again.rerender_scene(plan, scene.id, tmp_path / "f.mp4")
    assert len(again.video.calls) == 1  # type: ignore[attr-defined]
    assert [r.scene.id for r in again.video.calls] == [scene.id]  # type: ignore[attr-defined]
    assert len(again.voice.calls) == len(scene.lines)  # type: ignore[attr-defined]
    assert result.made == {
        "clip": 1, "voice": len(scene.lines), "scene_audio": 1, "aac_segment": 1,
    }  # fmt: skip
    assert count_frames(result.output) == result.frames


def test_the_re_rendered_scenes_old_rows_are_gone(tmp_path: Path, plan: Plan) -> None:
    """Every asset row of the scene now belongs to the re-render's run."""
    renderer = _renderer(tmp_path / "job")
    renderer.render(plan, tmp_path / "f.mp4")
    result = renderer.rerender_scene(plan, plan.scenes[0].id, tmp_path / "f.mp4")
    with JobDB(tmp_path / "job") as db:
        rows = [r for r in db.rows() if r.scene_id == plan.scenes[0].id]
        others = [r for r in db.rows() if r.scene_id == plan.scenes[2].id]
    assert rows
    assert {r.run_id for r in rows} == {result.run_id}
    assert result.run_id not in {r.run_id for r in others}
    assert all((tmp_path / "job" / r.path).is_file() for r in rows)


def test_an_unknown_scene_is_a_key_error(tmp_path: Path, plan: Plan) -> None:
    """A scene id the plan lacks is refused before anything is forgotten."""
    with pytest.raises(KeyError, match="no scene 99"):
        _renderer(tmp_path / "job").rerender_scene(plan, "99", tmp_path / "f.mp4")
