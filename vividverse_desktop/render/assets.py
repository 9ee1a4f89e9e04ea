"""The one way the engine gets an asset: find it in the job database, else make and record it.

:meth:`Workshop.obtain` looks the asset's key up; when it is missing it names the
asset on the progress reporter, makes the file (a provider fetch or an FFmpeg
run, written to a ``.part`` and renamed into place), records it with what it cost
and how long it took to make, and adds the cost to the running total. Every
failure comes out as a :class:`RenderError` naming scene, asset and provider, and
every cancel as :class:`RenderCancelled`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vividverse_desktop.core.cancel import Cancelled, CancelToken
from vividverse_desktop.media.ffmpeg import FFmpeg, FFmpegCancelled, FFmpegError, ProgressCallback
from vividverse_desktop.providers.contract import (
    Provider,
    ProviderCancelled,
    Request,
    fetch,
    part_path,
)
from vividverse_desktop.render.events import RenderCancelled, RenderError, SceneState
from vividverse_desktop.render.jobdb import AssetRow, JobDB
from vividverse_desktop.render.progress import Reporter

CANCELLED = "the render was cancelled"


@dataclass(frozen=True, slots=True)
class Made:
    """What making an asset gave besides its file: price (USD), play time, facts to keep."""

    cost: float = 0.0
    seconds: float = 0.0
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Where:
    """Which scene (index and id, None for the film) an asset belongs to, named for people."""

    index: int | None
    scene_id: str | None
    asset: str


class Workshop:
    """Gets or makes the assets of one render run in one job directory."""

    def __init__(
        self,
        *,
        job_dir: Path,
        db: JobDB,
        run_id: int,
        ffmpeg: FFmpeg,
        timeout: float,
        stop: CancelToken,
        report: Reporter,
    ) -> None:
        self.job_dir, self.db, self.run_id = job_dir, db, run_id
        self.assets_dir = job_dir / "assets"
        self.ffmpeg, self.timeout, self.stop, self.report = ffmpeg, timeout, stop, report

    def check(self) -> None:
        """Raise :class:`RenderCancelled` once the render is stopped."""
        if self.stop.cancelled:
            raise RenderCancelled(CANCELLED)

    def obtain(
        self,
        key: str,
        where: Where,
        *,
        kind: str,
        provider: str,
        name: str,
        make: Callable[[Path], Made],
    ) -> AssetRow:
        """The asset recorded under ``key``, else ``make(assets_dir / name)`` recorded now."""
        found = self.db.get(key)
        if found is not None:
            return found
        self.check()
        if where.index is not None:
            self.report.scene(
                where.index, SceneState.RENDERING, asset=where.asset, provider=provider
            )
        path = self.assets_dir / name
        started = time.monotonic()
        made = self.make(where, provider, path, make)
        if made.cost:
            self.report.spend(provider, made.cost)
        return self.db.record(
            key, kind=kind, scene_id=where.scene_id, provider=provider, path=path,
            run_id=self.run_id, cost=made.cost, seconds=made.seconds,
            meta={**made.meta, "work": round(time.monotonic() - started, 4)},
        )  # fmt: skip

    def make(self, where: Where, provider: str, path: Path, make: Callable[[Path], Made]) -> Made:
        """``make(path)``; a failure raised as RenderError, a cancel as RenderCancelled."""
        try:
            return make(path)
        except (RenderCancelled, RenderError):
            raise
        except (ProviderCancelled, FFmpegCancelled, Cancelled) as error:
            raise RenderCancelled(CANCELLED) from error
        except Exception as error:  # any failure is reported, plugin providers' included
            if self.stop.cancelled:
                raise RenderCancelled(CANCELLED) from error
            raise RenderError(where.scene_id, where.asset, provider, cause_of(error)) from error

    def provided(
        self, key: str, where: Where, *, kind: str, provider: Provider, request: Request, name: str
    ) -> AssetRow:
        """An asset from a provider: submit, poll, download, verify (each waiting on the token)."""

        def make(path: Path) -> Made:
            asset = fetch(
                provider, request, path, scratch=self.job_dir / "scratch",
                timeout=self.timeout, cancel=self.stop,
            )  # fmt: skip
            return Made(asset.cost, asset.seconds)

        return self.obtain(key, where, kind=kind, provider=provider.name, name=name, make=make)

    def encode(
        self,
        path: Path,
        argv: Callable[[Path], tuple[str, ...]],
        *,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        """Run FFmpeg's ``argv(part)`` and rename the part to ``path`` (no part left either way)."""
        part = part_path(path)
        try:
            self.run(argv(part), timeout=timeout, on_progress=on_progress)
            os.replace(part, path)
        finally:
            part.unlink(missing_ok=True)

    def run(
        self,
        args: tuple[str, ...],
        *,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> str:
        """Run FFmpeg in the job directory under the render's token; its log."""
        result = self.ffmpeg.run(
            args, timeout=timeout or self.timeout, cancel=self.stop, cwd=self.job_dir,
            on_progress=on_progress,
        )  # fmt: skip
        return result.stderr


def cause_of(error: BaseException) -> str:
    """One line saying why: the message, and FFmpeg's last log line when there is one."""
    if isinstance(error, FFmpegError):
        tail = error.stderr_tail.strip().splitlines()
        return f"{error.message}: {tail[-1]}" if tail else error.message
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
