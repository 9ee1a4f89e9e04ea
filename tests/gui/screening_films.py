"""Frame-code films for the Screening Room tests (made by the real FFmpeg), and reading the
number of the frame a player shows from its decoded picture."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtGui import QImage

from tests.gui.conftest import wait_until
from vividverse_desktop.core.pipeline.frame_code import read_frame_code
from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.core.wire import (
    Change,
    MovieRecord,
    PullResponse,
    ScriptRecord,
    ScriptVersionRecord,
    SourceFormat,
    UserRecord,
)
from vividverse_desktop.core.workflow import Role, Status
from vividverse_desktop.gui.rooms.screening.player import Player
from vividverse_desktop.store import LocalStore
from vividverse_desktop.studio.screening import make_frame_code_film
from vividverse_desktop.studio.session import Account, Session
from vividverse_desktop.sync import SyncClient

CHAPTERS = (("INT. KITCHEN - DAY", 0), ("EXT. ROOF - NIGHT", 30), ("INT. CAR - LATER", 55))


def film(
    folder: Path,
    fps: float,
    frames: int,
    chapters=CHAPTERS,
    *,
    size: tuple[int, int] = (64, 48),
    scale_to: tuple[int, int] | None = None,
) -> Path:
    """A film of ``frames`` frames at ``fps`` (drop-frame timecode at 29.97), 64x48 unless
    ``size`` says otherwise, enlarged to ``scale_to`` when given."""
    shape = "" if size == (64, 48) else f"-{size[0]}x{size[1]}"
    shape += "" if scale_to is None else f"-to-{scale_to[0]}x{scale_to[1]}"
    name = f"film-{str(fps).replace('.', '_')}-{frames}{shape}.mp4"
    path = folder / name
    if not path.exists():
        make_frame_code_film(
            path=path,
            rate=FrameRate.conventional(fps),
            frames=frames,
            chapters=chapters,
            width=size[0],
            height=size[1],
            scale_to=scale_to,
        )
    return path


def number_in(image: QImage) -> int:
    """The frame number drawn in a decoded picture."""
    return read_frame_code(
        lambda x, y: image.pixelColor(x, y).lightness(), image.width(), image.height()
    )


def shown(player: Player) -> int:
    """The number in the picture the player shows (-1 before its first frame)."""
    return -1 if player.image.isNull() else number_in(player.image)


def wait_shown(player: Player, frame: int, timeout_ms: int = 5000) -> bool:
    """Wait until the player shows ``frame`` (by its own count and by the picture)."""
    return wait_until(lambda: player.frame == frame and shown(player) == frame, timeout_ms)


def reviewer_session(
    store_path: Path, *, title: str = "Kettle", text: str = ""
) -> tuple[Session, str]:
    """A reviewer's session over a real store at ``store_path`` holding one completed film
    (as a sync would have brought it) rendered from a version whose text is ``text``
    (a one-scene script by default); the film's movie id. Its client never connects."""
    user = UserRecord("u-rita", "rita", "Rita Reviewer", Role.REVIEWER)
    store = LocalStore.open(store_path)
    movie_id = "m-kettle"
    if store.movie(movie_id) is None:
        when = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        script = ScriptRecord("s-kettle", user.id, title, Status.COMPLETED, 3, when)
        text = text or f"Title: {title}\n\nINT. KITCHEN - DAY\n\nThe kettle sings.\n"
        version = ScriptVersionRecord(
            "v-kettle", script.id, 1, hashlib.sha256(text.encode()).hexdigest(), text,
            SourceFormat.FOUNTAIN, when,
        )  # fmt: skip
        movie = MovieRecord(movie_id, version.id, "completed", 1.0, "published", user.id, 2)
        changes = [Change.of(r, usn) for usn, r in enumerate((user, script, version, movie), 1)]
        store.apply_pull(PullResponse(tuple(changes), len(changes)))
    account = Account("http://127.0.0.1:9", "rita", user.id, "Rita Reviewer", user.roles)
    client = SyncClient(account.server_url)
    session = Session(
        account=account, user=user, client=client, store=store, root=store_path.parent, online=False
    )
    return session, movie_id
