"""Rendering: plan a script, set a render up, estimate it, render it, re-render a scene.

:func:`prepare` checks everything a render needs before any work (the output's folder,
an existing film, the providers and their API keys, the job directory) and returns a
:class:`RenderSetup` to estimate and render with; close it when done (a context manager).
Rendering blocks: front ends run it off their event loop, with a CancelToken, and read
its typed progress events (render.events).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from types import TracebackType

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.plan import Plan, build_plan
from vividverse_desktop.core.screenplay.model import Screenplay
from vividverse_desktop.providers.contract import Provider, VoiceProvider
from vividverse_desktop.providers.registry import ChoiceError, Registry, load_registry
from vividverse_desktop.render.engine import Renderer, RenderSettings
from vividverse_desktop.render.estimate import RenderEstimate
from vividverse_desktop.render.events import (
    ProgressCallback,
    RenderCancelled,
    RenderError,
    RenderResult,
)
from vividverse_desktop.render.preflight import MissingKeyError, check_keys
from vividverse_desktop.render.setup import (
    JobDirError,
    close_providers,
    job_dir_for,
    pair_providers,
    prepare_job_dir,
)
from vividverse_desktop.studio.errors import OutputExists, StudioError, UnknownChoice
from vividverse_desktop.studio.scripts import load_script

__all__ = [
    "RenderCancelled",
    "RenderEstimate",
    "RenderResult",
    "RenderSetup",
    "estimate",
    "plan_of",
    "plan_script",
    "prepare",
    "render",
    "rerender_scene",
]


def plan_of(screenplay: Screenplay, *, narrate: bool = False, name: str = "the script") -> Plan:
    """The render plan (scenes, shots, prompts, lines) of a screenplay with scenes."""
    if not screenplay.scenes():
        raise StudioError(f"{name}: no scenes to render (no scene headings found)")
    return build_plan(screenplay, narrate=narrate)


def plan_script(
    *, path: Path, narrate: bool = False, cancel: CancelToken | None = None
) -> tuple[Plan, tuple[str, ...]]:
    """Read a screenplay file (any format) and plan it; returns (plan, import warnings)."""
    loaded = load_script(path=path, cancel=cancel)
    return plan_of(loaded.screenplay, narrate=narrate, name=str(path)), loaded.warnings


@dataclass(slots=True)
class RenderSetup:
    """A render ready to run: its renderer, providers, output and job directory."""

    renderer: Renderer
    video: Provider
    voice: VoiceProvider
    output: Path
    job_dir: Path

    @property
    def settings(self) -> RenderSettings:
        """The render's settings (format, jobs, audio)."""
        return self.renderer.settings

    def close(self) -> None:
        """Release the providers (their HTTP clients, the speech engine)."""
        close_providers(self.video, self.voice)

    def __enter__(self) -> RenderSetup:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def prepare(
    *,
    output: Path,
    providers: Iterable[str] = (),
    video: str | None = None,
    voice: str | None = None,
    job_dir: Path | None = None,
    resume: bool = False,
    overwrite: bool = False,
    size: tuple[int, int] | None = None,
    fps: Fraction | int | None = None,
    jobs: int | None = None,
    mono: bool = False,
    registry: Registry | None = None,
) -> RenderSetup:
    """Check and set up a render of ``output``; :class:`StudioError` says what is wrong.

    Nothing is rendered and no provider is charged when this raises: the folder, an
    existing film (refused unless ``overwrite`` or ``resume``), unknown providers and
    missing API keys are all checked first.
    """
    if not output.parent.is_dir():
        raise StudioError(f"{output.parent}: no such directory")
    if output.exists() and not (overwrite or resume):
        raise OutputExists(f"{output}: already exists")
    found = registry or load_registry()
    try:
        clips, speech = pair_providers(found, tuple(providers), video=video, voice=voice)
    except ChoiceError as exc:
        raise UnknownChoice(str(exc)) from exc
    try:
        check_keys((clips, speech))
        where = job_dir_for(output, job_dir)
        prepare_job_dir(where, resume=resume)
    except MissingKeyError as exc:
        close_providers(clips, speech)
        raise StudioError(f"{exc}; nothing was rendered") from exc
    except JobDirError as exc:
        close_providers(clips, speech)
        raise StudioError(str(exc)) from exc
    settings = RenderSettings()
    if size is not None or fps is not None:
        width, height = size or (settings.fmt.width, settings.fmt.height)
        settings = replace(
            settings, fmt=VideoFormat(width, height, Fraction(fps or settings.fmt.fps))
        )
    if jobs is not None:
        settings = replace(settings, jobs=jobs)
    if mono:
        settings = replace(settings, audio_channels=1, audio_bitrate="128k")
    renderer = Renderer(where, clips, speech, settings)
    return RenderSetup(renderer, clips, speech, output, where)


def estimate(*, setup: RenderSetup, plan: Plan) -> RenderEstimate:
    """What the render will cost and take: scenes cached, assets and money per provider."""
    return setup.renderer.estimate(plan)


def render(
    *,
    setup: RenderSetup,
    plan: Plan,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> RenderResult:
    """Render the film (blocking); resumes from what the job directory holds.

    Raises :class:`StudioError` naming the scene, asset, provider and cause of a failure,
    or :class:`RenderCancelled` when ``cancel`` fires (finished work is kept).
    """
    try:
        return setup.renderer.render(plan, setup.output, on_progress=on_progress, cancel=cancel)
    except RenderError as exc:
        raise StudioError(f"render failed: {exc}") from exc


def rerender_scene(
    *,
    setup: RenderSetup,
    plan: Plan,
    scene_id: str,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> RenderResult:
    """Make one scene again (its cached assets dropped) and stitch the film anew."""
    try:
        return setup.renderer.rerender_scene(
            plan, scene_id, setup.output, on_progress=on_progress, cancel=cancel
        )
    except KeyError as exc:
        raise StudioError(f"the plan has no scene {scene_id!r}") from exc
    except RenderError as exc:
        raise StudioError(f"render failed: {exc}") from exc
