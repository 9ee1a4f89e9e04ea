"""Setting a render up: which providers make what, and where its job directory goes.

Plain functions both front ends call (the CLI's ``render`` verb, the studio's
render room): :func:`pair_providers` places provider names by what they make,
:func:`job_dir_for` and :func:`prepare_job_dir` hold the job-directory policy.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from vividverse_desktop.providers.contract import Modality, Provider, VoiceProvider
from vividverse_desktop.providers.registry import DEFAULTS, ChoiceError, Registry
from vividverse_desktop.render.jobdb import JobDB


class JobDirError(ValueError):
    """A job directory that cannot be used (it exists and is not a render's)."""


def pair_providers(
    registry: Registry,
    names: Iterable[str] = (),
    *,
    video: str | None = None,
    voice: str | None = None,
) -> tuple[Provider, VoiceProvider]:
    """The clip and voice providers for ``names`` plus an explicit ``video``/``voice`` name.

    Each name goes where it belongs by what it makes; what is not named is the
    keyless default. Raises ChoiceError for unknown, misplaced or conflicting names
    (``video`` must make video or images, ``voice`` voices).
    """
    chosen: list[str] = list(names)
    for option, name, place in (
        ("--video", video, Modality.VIDEO),
        ("--voice", voice, Modality.VOICE),
    ):
        if name is None:
            continue
        if registry.place_of(name) is not place:
            what = "a video or image" if place is Modality.VIDEO else "a voice"
            made = registry.providers[name].modality.value
            raise ChoiceError(
                f"{option} {name}: a {made} provider, not {what} provider "
                f"(available: {registry.available()})"
            )
        chosen.append(name)
    placed = registry.place(chosen)
    clips = registry.clip(placed.get(Modality.VIDEO, DEFAULTS[Modality.VIDEO]))
    voice_name = placed.get(Modality.VOICE, DEFAULTS[Modality.VOICE])
    speaker = registry.get(voice_name, Modality.VOICE)
    if not isinstance(speaker, VoiceProvider):
        raise ChoiceError(f"voice provider {voice_name} cannot cast voices")
    return clips, speaker


def job_dir_for(output: Path, job_dir: Path | None = None) -> Path:
    """Where a film's assets and job database live: ``job_dir``, else ``OUTPUT.job`` beside it."""
    return job_dir if job_dir is not None else output.with_name(output.name + ".job")


def prepare_job_dir(job_dir: Path, *, resume: bool) -> None:
    """Keep the job directory to resume from it, else clear it for a fresh render.

    Raises :class:`JobDirError` when it exists without a job database (it is not
    a render's, so it is never deleted).
    """
    if not job_dir.exists() or resume:
        return
    if not (job_dir / JobDB.FILENAME).exists():
        raise JobDirError(f"{job_dir}: exists and is not a render job directory")
    shutil.rmtree(job_dir)


def close_providers(*providers: object) -> None:
    """Let go of the providers' connections (cloud providers keep an HTTP pool)."""
    for provider in providers:
        close = getattr(provider, "close", None)
        if callable(close):
            close()
