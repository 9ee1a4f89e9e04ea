"""A published film on this computer: fetched once through its expiring link, then kept,
so the Screening Room plays it offline too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vividverse_desktop.studio.errors import StudioError

if TYPE_CHECKING:
    from vividverse_desktop.sync.client import SyncClient


@dataclass(frozen=True, slots=True)
class FilmCopy:
    """Where the film is, and whether this call downloaded it (False: the kept copy)."""

    path: Path
    downloaded: bool


def kept_copy(*, cache_dir: Path, movie_id: str) -> Path:
    """Where the film of ``movie_id`` is kept on this computer."""
    return cache_dir / f"{movie_id}.mp4"


async def fetch_film(
    *,
    client: SyncClient,
    movie_id: str,
    cache_dir: Path,
    on_progress: Callable[[int, int], None] | None = None,
) -> FilmCopy:
    """The film of a published movie: the kept copy, or fetched from the server now.

    Raises :class:`StudioError` when there is no kept copy and the server cannot give
    the film (unreachable, no film uploaded yet, not allowed).
    """
    from vividverse_desktop.sync.errors import ServerUnreachable, SessionEnded
    from vividverse_desktop.sync.films import download_film
    from vividverse_desktop.sync.publishing import PublishError, video_link

    target = kept_copy(cache_dir=cache_dir, movie_id=movie_id)
    if target.is_file():
        return FilmCopy(target, downloaded=False)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        link = await video_link(client, movie_id)
        await download_film(client, link, target, on_progress)
    except (ServerUnreachable, PublishError) as exc:
        if isinstance(exc, PublishError) and not isinstance(exc.__cause__, ServerUnreachable):
            if exc.status == 404:
                raise StudioError("this movie has no film uploaded yet") from exc
            raise StudioError(str(exc)) from exc
        raise StudioError(
            "the film is not on this computer yet and the server cannot be reached: "
            "connect, then open it again (it is kept for offline viewing after that)"
        ) from exc
    except SessionEnded as exc:
        raise StudioError(f"sign in again to fetch the film: {exc}") from exc
    except OSError as exc:
        raise StudioError(f"{target}: the film could not be kept: {exc.strerror or exc}") from exc
    return FilmCopy(target, downloaded=True)
