"""Downloading a published film through its expiring link, streamed to disk."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import httpx

from vividverse_desktop.sync.client import SyncClient
from vividverse_desktop.sync.errors import ServerUnreachable
from vividverse_desktop.sync.publishing import PublishError, VideoLink

CHUNK = 1 << 20


async def download_film(
    client: SyncClient,
    link: VideoLink,
    target: Path,
    on_progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Stream the film at ``link`` into ``target`` (through a ``.part`` file, renamed when
    whole); ``on_progress(bytes, total)`` as it arrives. The link is signed: no token is
    sent. Raises :class:`PublishError` (refused, expired, cut short) or ``ServerUnreachable``.
    """
    url = link.url if link.url.startswith("http") else f"{client.server_url}{link.url}"
    part = target.with_name(target.name + ".part")
    written = 0
    try:
        async with client.http.stream("GET", url) as response:
            if response.status_code != 200:
                await response.aread()
                raise PublishError(
                    f"the film could not be fetched (HTTP {response.status_code})",
                    response.status_code,
                )
            with part.open("wb") as out:
                async for chunk in response.aiter_bytes(CHUNK):
                    out.write(chunk)
                    written += len(chunk)
                    if on_progress is not None:
                        on_progress(written, link.size)
                out.flush()
                os.fsync(out.fileno())
    except httpx.TransportError as exc:
        part.unlink(missing_ok=True)
        raise ServerUnreachable(f"cannot reach {client.server_url}: {exc}") from exc
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    if link.size and written != link.size:
        part.unlink(missing_ok=True)
        raise PublishError(f"the film arrived cut short ({written} of {link.size} bytes)")
    os.replace(part, target)
    return target
