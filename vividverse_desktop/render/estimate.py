"""What a render would do before it runs: scenes already made, assets to make, money and time.

Nothing is made or called: the scenes' asset keys (:func:`render.scenes.scene_keys`)
are looked up in the job database, and each provider prices the requests that are
missing (``Provider.cost``). Time comes, per provider, from what making its
assets took in this job directory before (the ``work`` seconds the engine records
with each asset), else from the speed the provider declares (an optional
``speed`` attribute: seconds of media made per second of work), else it is not
known; the audio and stitch step from the last render here, else a rate measured
by ``bench.render``. Each figure says what it is based on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vividverse_desktop.core.pipeline.mux import film_slots
from vividverse_desktop.core.pipeline.plan import Plan, film_cast
from vividverse_desktop.providers.contract import Provider, VoiceProvider
from vividverse_desktop.render.jobdb import ASSEMBLY_RATE, AssetRow, JobDB
from vividverse_desktop.render.scenes import cast, scene_keys
from vividverse_desktop.render.settings import RenderSettings

ASSEMBLY_SPEED = 80.0
"""Film seconds encoded and stitched per second (keyless 720p, 2 cores, ``bench.render``)."""


@dataclass(frozen=True, slots=True)
class ProviderEstimate:
    """One provider's share: assets to make, their price (USD), work seconds and its basis."""

    provider: str
    assets: int
    cost: float
    seconds: float | None
    basis: str


@dataclass(frozen=True, slots=True)
class RenderEstimate:
    """A render before it runs.

    ``cached`` are the scenes whose audio and clip are already made, ``to_render``
    the others; ``seconds`` the expected wall time (None when a provider that has
    work to do has neither a measured nor a declared speed); ``basis`` says how
    ``seconds`` was reached.
    """

    scenes: int
    cached: tuple[str, ...]
    to_render: tuple[str, ...]
    providers: tuple[ProviderEstimate, ...]
    cost: float
    seconds: float | None
    basis: str
    film_seconds: float = 0.0
    assembly: float = 0.0


@dataclass
class _Tally:
    provider: Provider
    assets: int = 0
    cost: float = 0.0
    media: float = 0.0  # seconds of media to make

    def add(self, cost: float, media: float) -> None:
        self.assets += 1
        self.cost += cost
        self.media += media


def estimate(
    plan: Plan,
    *,
    job_dir: Path,
    video: Provider,
    voice: VoiceProvider,
    settings: RenderSettings,
) -> RenderEstimate:
    """Estimate rendering ``plan`` with these providers and settings into ``job_dir``."""
    slots = film_slots([s.duration for s in plan.scenes], settings.fmt)
    voices = cast(plan, voice)
    characters = film_cast(plan)
    lines, clips = _Tally(voice), _Tally(video)
    rows, rate_text = _read(job_dir)
    found = {r.key for r in rows}
    cached: list[str] = []
    to_render: list[str] = []
    for n, (scene, slot) in enumerate(zip(plan.scenes, slots, strict=True)):
        before = plan.scenes[n - 1] if n else None
        keys = scene_keys(scene, slot, video=video, voice=voice, voices=voices,
                          settings=settings, before=before, cast=characters)  # fmt: skip
        needed = [keys.audio] + ([keys.clip[0]] if keys.clip else [])
        (cached if all(k in found for k in needed) else to_render).append(scene.id)
        for (key, request, _), line in zip(keys.lines, scene.lines, strict=True):
            if key not in found:
                found.add(key)  # the same line twice is made once
                lines.add(voice.cost(request), line.duration)
        if keys.clip is not None and keys.clip[0] not in found:
            found.add(keys.clip[0])
            clip = keys.clip[1]
            clips.add(video.cost(clip), sum(clip.shot_frames) / float(settings.fmt.fps))
    providers = (_provider(clips, rows), _provider(lines, rows))
    film = float(settings.fmt.seconds(slots[-1].end_frame)) if slots else 0.0
    if rate_text:
        assembly, assembly_basis = (
            film * float(rate_text),
            "audio and stitch as fast as the last render here",
        )
    else:
        assembly = film / ASSEMBLY_SPEED
        assembly_basis = (
            f"audio and stitch at {ASSEMBLY_SPEED:g}x real time (bench.render, 2 cores)"
        )
    work = [p.seconds for p in providers if p.assets]
    workers = max(1, min(settings.jobs, len(to_render)))
    if any(w is None for w in work):
        seconds, basis = (
            None,
            "unknown: "
            + "; ".join(
                f"{p.provider} {p.basis}" for p in providers if p.assets and p.seconds is None
            ),
        )
    else:
        seconds = sum(w or 0.0 for w in work) / workers + assembly
        parts = [f"{p.provider}: {p.basis}" for p in providers if p.assets]
        basis = "; ".join([*parts, f"{workers} scenes at once", assembly_basis])
    return RenderEstimate(
        scenes=len(plan.scenes), cached=tuple(cached), to_render=tuple(to_render),
        providers=providers, cost=sum(p.cost for p in providers), seconds=seconds, basis=basis,
        film_seconds=film, assembly=assembly,
    )  # fmt: skip


def _provider(tally: _Tally, rows: list[AssetRow]) -> ProviderEstimate:
    """Work seconds for a provider's missing assets: measured here, else declared, else None."""
    name = tally.provider.name
    if not tally.assets:
        return ProviderEstimate(name, 0, 0.0, 0.0, "nothing to make")
    made = [r for r in rows if r.provider == name and "work" in r.meta and r.seconds > 0]
    if made:
        per_second = sum(float(r.meta["work"]) for r in made) / sum(r.seconds for r in made)
        basis = f"measured here ({len(made)} assets, {1 / per_second:.1f}x real time)"
        return ProviderEstimate(name, tally.assets, tally.cost, tally.media * per_second, basis)
    speed = getattr(tally.provider, "speed", None)
    if isinstance(speed, int | float) and speed > 0:
        basis = f"declared by the provider ({speed:g}x real time)"
        return ProviderEstimate(name, tally.assets, tally.cost, tally.media / speed, basis)
    return ProviderEstimate(
        name, tally.assets, tally.cost, None, "has no measured or declared speed"
    )


def _read(job_dir: Path) -> tuple[list[AssetRow], str | None]:
    """The job's asset rows whose files exist, and its assembly rate (nothing made if no job)."""
    if not (job_dir / JobDB.FILENAME).is_file():
        return [], None
    with JobDB(job_dir) as db:
        rows = [r for r in db.rows() if (job_dir / r.path).is_file()]
        return rows, db.setting(ASSEMBLY_RATE)
