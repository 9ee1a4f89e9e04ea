"""studio.rendering with the keyless providers and real FFmpeg on a tiny format: the
checks before any work, the estimate, the render and one scene again."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from tests.render.conftest import SCRIPT
from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.plan import Plan
from vividverse_desktop.media.probe import count_frames
from vividverse_desktop.render.events import RenderProgress
from vividverse_desktop.studio import rendering
from vividverse_desktop.studio.errors import StudioError

TINY = {"size": (160, 90), "fps": Fraction(12), "jobs": 2, "mono": True}


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    path = tmp_path / "three.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    found, warnings = rendering.plan_script(path=path)
    assert warnings == ()
    return found


def test_a_script_without_scenes_cannot_be_planned(tmp_path: Path) -> None:
    path = tmp_path / "notes.fountain"
    path.write_text("Just some action, no heading.\n", encoding="utf-8")
    with pytest.raises(StudioError, match="no scenes to render"):
        rendering.plan_script(path=path)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing folder", "no such directory"),
        ("existing film", "already exists"),
        ("unknown provider", "nosuch"),
    ],
)
def test_what_is_wrong_is_said_before_any_work(tmp_path: Path, case: str, message: str) -> None:
    output = tmp_path / "film.mp4"
    options: dict[str, object] = {}
    if case == "missing folder":
        output = tmp_path / "absent" / "film.mp4"
    elif case == "existing film":
        output.write_bytes(b"an earlier cut")
    else:
        options["video"] = "nosuch"
    with pytest.raises(StudioError, match=message):
        rendering.prepare(output=output, **options)  # type: ignore[arg-type]
    assert not (tmp_path / "film.job").exists()


def test_estimate_render_and_one_scene_again(tmp_path: Path, plan: Plan) -> None:
    """Before: every scene to render, keyless so free. After the render: every scene
    cached, the film has its frames, progress named each scene. One scene again: the
    film is made anew with the same frame count."""
    output = tmp_path / "film.mp4"
    with rendering.prepare(output=output, **TINY) as setup:  # type: ignore[arg-type]
        before = rendering.estimate(setup=setup, plan=plan)
        assert before.to_render == tuple(scene.id for scene in plan.scenes)
        assert before.cost == 0
        events: list[RenderProgress] = []
        result = rendering.render(setup=setup, plan=plan, on_progress=events.append)
        assert count_frames(output) == result.frames
        assert {e.scene.scene_id for e in events if e.scene is not None} == {
            scene.id for scene in plan.scenes
        }
        after = rendering.estimate(setup=setup, plan=plan)
        assert after.to_render == ()
        assert set(after.cached) == {scene.id for scene in plan.scenes}
        again = rendering.rerender_scene(setup=setup, plan=plan, scene_id=plan.scenes[1].id)
        assert again.frames == result.frames
        with pytest.raises(StudioError, match="no scene"):
            rendering.rerender_scene(setup=setup, plan=plan, scene_id="99")


def test_a_cancelled_render_says_so_and_keeps_its_work(tmp_path: Path, plan: Plan) -> None:
    """Cancelled before it starts: RenderCancelled, no film, and a later render resumes."""
    output = tmp_path / "film.mp4"
    token = CancelToken()
    token.cancel("changed my mind")
    with rendering.prepare(output=output, **TINY) as setup:  # type: ignore[arg-type]
        with pytest.raises(rendering.RenderCancelled):
            rendering.render(setup=setup, plan=plan, cancel=token)
        assert not output.exists()
    with rendering.prepare(output=output, resume=True, **TINY) as setup:  # type: ignore[arg-type]
        result = rendering.render(setup=setup, plan=plan)
    assert count_frames(output) == result.frames
