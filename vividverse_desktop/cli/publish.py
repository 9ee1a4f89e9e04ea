"""``render --publish``: render while the server's movie record follows, then upload the film.

The server comes from ``--server`` or ``$VIVIDVERSE_SERVER_URL``; without one, publishing
is the local film alone (the render verb says so in one line). The session is the one
``sync`` uses (:func:`vividverse_desktop.cli.sync.sign_in`): the refresh token kept in
the OS keyring, else ``$VIVIDVERSE_PASSWORD`` or a prompt; nothing is written in plain text.

Everything that can be checked before the render is: the address, the sign-in, the
role, the movie record (its first progress report must be accepted). A failure after
the render (upload refused, server gone) leaves the film where it was written.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from vividverse_desktop.cli.common import EXIT_USAGE, CliError
from vividverse_desktop.cli.sync import SERVER_ENV, USER_ENV, sign_in

if TYPE_CHECKING:
    from collections.abc import Callable

    from vividverse_desktop.core.pipeline.plan import Plan
    from vividverse_desktop.core.wire import MovieRecord
    from vividverse_desktop.render.engine import Renderer
    from vividverse_desktop.render.events import ProgressCallback
    from vividverse_desktop.studio.publishing import Publication


@dataclass(frozen=True, slots=True)
class PublishTarget:
    """Where a film is published: a server, as a user, to a movie (or a new one for a script)."""

    server: str
    user: str
    movie_id: str | None = None
    script_id: str | None = None


def movie_id(text: str) -> str:
    """An argparse type: a movie or script id (a UUID), in its canonical form."""
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an id (a UUID), got {text!r}") from None


def target_of(args: argparse.Namespace) -> PublishTarget | None:
    """The publish target of a ``render`` command line; ``None`` when no server is configured.

    Raises :class:`CliError` (exit 2) for options that do not fit together.
    """
    if not args.publish:
        if args.movie or args.script_id:
            raise CliError("--movie and --script-id go with --publish", EXIT_USAGE)
        return None
    if not args.server:
        return None
    if not args.user:
        raise CliError(f"--publish needs your username: --user NAME or ${USER_ENV}", EXIT_USAGE)
    if bool(args.movie) == bool(args.script_id):
        raise CliError(
            "--publish needs one of --movie ID (a movie record to complete) or "
            "--script-id ID (start a movie for a Selected script)",
            EXIT_USAGE,
        )
    return PublishTarget(args.server, args.user, args.movie, args.script_id)


def publish(
    target: PublishTarget,
    renderer: Renderer,
    plan: Plan,
    output: Path,
    on_progress: ProgressCallback,
) -> tuple[str, Publication]:
    """Sign in, render with progress on the server, upload (``studio.publishing.publish``);
    returns (movie id, result).

    Every failure becomes a one-line :class:`CliError` (exit 1; 2 for a malformed
    address or no way to ask for a password); Ctrl-C cancels the render, reports it,
    and raises ``KeyboardInterrupt``.
    """
    from vividverse_desktop.render.events import RenderCancelled, RenderError
    from vividverse_desktop.studio.errors import StudioError
    from vividverse_desktop.sync import SyncError

    try:
        return asyncio.run(_publish(target, renderer, plan, output, on_progress))
    except RenderError as exc:
        raise CliError(f"render failed: {exc}") from exc
    except RenderCancelled:
        raise KeyboardInterrupt from None
    except StudioError as exc:
        raise CliError(str(exc)) from exc
    except SyncError as exc:
        kept = f"; the film is kept at {output}" if output.is_file() else ""
        raise CliError(f"publish failed: {exc}{kept}") from exc


async def _publish(
    target: PublishTarget,
    renderer: Renderer,
    plan: Plan,
    output: Path,
    on_progress: ProgressCallback,
) -> tuple[str, Publication]:
    from vividverse_desktop.studio import publishing
    from vividverse_desktop.sync import SyncClient

    try:
        opened = SyncClient(target.server)
    except ValueError as exc:  # a malformed server address
        raise CliError(str(exc), EXIT_USAGE) from exc
    async with opened as client:
        await sign_in(client, target.user)
        publication = await publishing.publish(
            client=client,
            renderer=renderer,
            plan=plan,
            output=output,
            movie_id=target.movie_id,
            script_id=target.script_id,
            on_started=_started_line(target.script_id),
            on_progress=on_progress,
            on_upload=_UploadLine(sys.stderr),
        )
        return publication.movie.id, publication


def _started_line(script_id: str | None) -> Callable[[MovieRecord], None]:
    def started(movie: MovieRecord) -> None:
        print(f"started movie {movie.id} for script {script_id}", file=sys.stderr)

    return started


class _UploadLine:
    """``upload pp%  sent/total MB`` on stderr: redrawn on a terminal, every 10 % otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last = 0.0
        self.step = -1

    def __call__(self, sent: int, total: int) -> None:
        share = sent / total if total else 1.0
        now = time.monotonic()
        if self.tty:
            if now - self.last < 0.1 and sent < total:
                return
        elif int(share * 10) == self.step:
            return
        self.last, self.step = now, int(share * 10)
        text = f"upload {share * 100:5.1f}%  {sent / 1e6:.1f}/{total / 1e6:.1f} MB"
        if self.tty:
            self.stream.write("\r" + text.ljust(48) + ("\n" if sent >= total else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def published_line(movie_id: str, publication: Publication, server: str) -> str:
    """The closing line of a published render: the movie, its status and the film."""
    movie = publication.movie
    size = publication.result.output.stat().st_size / 1e6
    missed = (
        f"; {publication.missed_reports} progress report(s) missed"
        if publication.missed_reports
        else ""
    )
    return (
        f"published movie {movie_id} on {server}: {movie.status} at {movie.progress * 100:.0f}%, "
        f"film uploaded ({size:.1f} MB){missed}"
    )


def local_line(output: Path) -> str:
    """What ``--publish`` does without a server: says the film stays local."""
    return (
        f"no sync server configured (--server URL or ${SERVER_ENV}): "
        f"published locally only, the film is {output}"
    )
