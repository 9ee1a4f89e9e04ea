"""The render verb's progress lines, written from the engine's typed events."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.render.conftest import SCRIPT, Counting, tiny_settings
from vividverse_desktop.cli.render import _ProgressLine
from vividverse_desktop.core.pipeline.plan import build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.engine import Renderer
from vividverse_desktop.render.events import RenderError


def test_a_log_gets_a_line_per_finished_scene_and_stage(tmp_path: Path) -> None:
    """Not a terminal: one line per scene done, one per stage, the last one done at 100 %."""
    log = io.StringIO()
    renderer = Renderer(tmp_path / "job", StoryboardCards(), LocalSpeech(), tiny_settings())
    renderer.render(build_plan(parse(SCRIPT)), tmp_path / "f.mp4", on_progress=_ProgressLine(log))
    lines = log.getvalue().splitlines()
    assert [ln for ln in lines if ln.startswith("scene 3/3")]
    assert [ln.split()[0] for ln in lines].count("audio") >= 1
    assert lines[-1].startswith("done 3/3  100.0%")


def test_a_failed_scene_is_named_with_its_cause(tmp_path: Path) -> None:
    """A failing scene gets its own line: which scene and why."""
    log = io.StringIO()
    video = Counting(StoryboardCards(), fail_on="EXT. ROAD")
    renderer = Renderer(tmp_path / "job", video, LocalSpeech(), tiny_settings(jobs=1))  # type: ignore[arg-type]
    with pytest.raises(RenderError):
        renderer.render(build_plan(parse(SCRIPT)), tmp_path / "f.mp4",
                        on_progress=_ProgressLine(log))  # fmt: skip
    assert "scene 3 failed: upstream refused: EXT. ROAD" in log.getvalue()


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_each_scene_line_as_it_happens_under_a_bar(tmp_path: Path) -> None:
    """On a terminal every finished scene keeps its own line, and a bar with ETA is redrawn."""
    screen = Terminal()
    renderer = Renderer(tmp_path / "job", StoryboardCards(), LocalSpeech(), tiny_settings())
    plan = build_plan(parse(SCRIPT))
    renderer.render(plan, tmp_path / "f.mp4", on_progress=_ProgressLine(screen))
    shown = screen.getvalue()
    lines = [part.split("\r")[-1] for part in shown.split("\n")]
    ready = [line for line in lines if line.endswith(" ready")]
    assert sorted(line.split()[-2] for line in ready) == sorted(s.id for s in plan.scenes)
    assert [n for n in range(1, 4) if any(ln.startswith(f"scene {n}/3") for ln in ready)] == [
        1,
        2,
        3,
    ]
    assert "\r[" in shown
    assert "ETA" in shown.split("\r[", 1)[1].split("\r", 1)[0]
    assert lines[-2].startswith("done 3/3  100.0%")
