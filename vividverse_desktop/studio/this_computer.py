""" "This computer": a studio of one, with the sync server running beside the app.

The embedded server runs as a child process on 127.0.0.1 (media/embedded_server.py) with
its database and files under the data root. Its first admin is the local owner, who holds
every role (``VIVIDVERSE_ADMIN_ROLES=all``), so every room shows and there is no password
to type: the owner's generated password and the server's token secret live in
``owner.json`` beside the server's database, readable by this user only (whoever can read
that directory can read the database too, so it protects nothing more than the files do).

On the first run the sample scripts in resources/samples arrive as submissions by sample
authors, so the rooms have something real to show and the rule that nobody scores their
own script still holds for the owner.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.media.embedded_server import EmbeddedServer, EmbeddedServerError
from vividverse_desktop.store import LocalStore
from vividverse_desktop.studio import session as sessions
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.studio.scripts import plain_title, submit_script
from vividverse_desktop.sync import SyncClient, SyncError, synchronize

log = logging.getLogger(__name__)

OWNER = "owner"
OWNER_FILE = "owner.json"
SAMPLE_AUTHORS = ("ada.quill", "noor.vale", "tomas.reed", "nell.harrower")  # one per sample


@dataclass(frozen=True, slots=True)
class Owner:
    """The local owner's generated credentials and the server's token secret."""

    username: str
    password: str
    secret: str


def home(root: Path) -> Path:
    """Where this computer's server keeps its database, files and owner file."""
    return root / "this-computer" / "server"


def owner_of(root: Path) -> tuple[Owner, bool]:
    """The owner's credentials, made on the first call; ``True`` when just made."""
    path = home(root) / OWNER_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Owner(data["username"], data["password"], data["secret"]), False
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StudioError(
            f"{path} is damaged ({exc}); move it away to start this computer's studio afresh"
        ) from exc
    owner = Owner(OWNER, secrets.token_urlsafe(24), secrets.token_urlsafe(48))
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(
        {"username": owner.username, "password": owner.password, "secret": owner.secret}
    )
    descriptor = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(body)
    os.replace(path.with_suffix(".tmp"), path)
    return owner, True


def server_for(root: Path, owner: Owner) -> EmbeddedServer:
    """The embedded server for ``root``, its owner the first admin holding every role."""
    return EmbeddedServer(
        home(root),
        secret=owner.secret,
        settings={
            "VIVIDVERSE_ADMIN_USERNAME": owner.username,
            "VIVIDVERSE_ADMIN_PASSWORD": owner.password,
            "VIVIDVERSE_ADMIN_ROLES": "all",
        },
    )


async def open_this_computer(*, root: Path, samples: bool = True) -> sessions.Session:
    """Start the embedded server and sign the owner in; closing the session stops it.

    On the first run (``samples``) the sample scripts are submitted by sample authors.
    Raises :class:`StudioError` when the server cannot start (with its last log lines).
    """
    owner, first_run = await asyncio.to_thread(owner_of, root)
    server = server_for(root, owner)
    try:
        url = await asyncio.to_thread(server.start)
    except EmbeddedServerError as exc:
        raise StudioError(f"the studio on this computer could not start: {exc}") from exc
    try:
        if first_run and samples:
            await submit_samples(server_url=url, root=root)
        return await sessions.sign_in(
            server_url=url,
            username=owner.username,
            password=owner.password,
            root=root,
            this_computer=True,
            on_close=server.stop,
        )
    except BaseException:
        await asyncio.to_thread(server.stop)
        raise


def sample_scripts() -> list[Path]:
    """The sample screenplays shipped in resources/samples."""
    return sorted(resource_path("samples").glob("*.fountain"))


async def submit_samples(*, server_url: str, root: Path) -> int:
    """Register one sample author per sample script and submit it as them; returns how many.

    Each author works from a throwaway store, as a writer at their own desk would.
    """
    submitted = 0
    for author, path in zip(SAMPLE_AUTHORS, sample_scripts(), strict=False):
        password = secrets.token_urlsafe(18)
        async with SyncClient(server_url) as client:
            try:
                await client.register(author, password, Role.WRITER)
                user = await client.login(author, password)
            except SyncError as exc:
                log.warning("sample author %s not created: %s", author, exc)
                continue
            try:
                with tempfile.TemporaryDirectory(dir=root) as scratch:
                    store = await asyncio.to_thread(_desk_with, Path(scratch), path, user.id)
                    try:
                        await synchronize(store, client)
                    finally:
                        await asyncio.to_thread(store.close)
            finally:
                await client.logout()  # the author's refresh token leaves the keyring too
            submitted += 1
    return submitted


def _desk_with(scratch: Path, script: Path, author_id: str) -> LocalStore:
    """A throwaway store in ``scratch`` holding ``script`` submitted by ``author_id``."""
    text = script.read_text(encoding="utf-8")
    title = plain_title(parse(text)) or script.stem.replace("_", " ").title()
    store = LocalStore.open(scratch / "store.sqlite3")
    submit_script(store=store, user_id=author_id, title=title, fountain_text=text)
    return store
