"""Studio tests run on real components: a real SQLite store per user and the real sync
server app in-process (reached through ``httpx.ASGITransport``), an in-memory keyring."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from sync_server.app import create_app
from tests.sync.memory_keyring import MemoryKeyring
from tests.sync.memory_keyring import installed as memory_keyring_installed
from tests.sync_server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD, make_settings
from vividverse_desktop.core.wire import UserRecord
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.store import LocalStore
from vividverse_desktop.studio import scoring, scripts
from vividverse_desktop.sync import SyncClient, synchronize
from vividverse_desktop.sync.report import SyncReport

SERVER_URL = "http://studio.test"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every studio test keeps refresh tokens in memory, never in the machine's keyring."""
    with memory_keyring_installed() as backend:
        yield backend


@dataclass(slots=True)
class Desk:
    """One person at one desktop: their local store and their account on the server."""

    username: str
    store: LocalStore
    user: UserRecord
    password: str = PASSWORD


@dataclass(slots=True)
class Server:
    """The real server app in-process, and the desks opened against it."""

    app: Starlette
    root: Path
    transport: httpx.ASGITransport
    desks: list[Desk] = field(default_factory=list)

    def client(self) -> SyncClient:
        """A signed-out client of this server."""
        return SyncClient(SERVER_URL, transport=self.transport)

    async def desk(self, username: str, role: str = "writer") -> Desk:
        """Register ``username`` (as the admin for staff roles), open their store, sign in."""
        async with httpx.AsyncClient(transport=self.transport, base_url=SERVER_URL) as http:
            headers = {}
            if role not in ("writer", "validator"):
                login = await http.post(
                    "/api/auth/login", json={"username": ADMIN, "password": ADMIN_PASSWORD}
                )
                headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            created = await http.post(
                "/api/auth/register",
                json={"username": username, "password": PASSWORD, "role": role},
                headers=headers,
            )
            assert created.status_code == 201, created.text
        return await self.sign_in(username)

    async def sign_in(
        self, username: str, password: str = PASSWORD, *, place: str | None = None
    ) -> Desk:
        """Open ``username``'s store at ``place`` (their name by default; another place is
        another computer of theirs) and sign them in once to learn their id."""
        store = LocalStore.open(self.root / "desks" / (place or username) / "store.sqlite3")
        async with self.client() as client:
            user = await client.login(username, password)
        store.remember_users([user])
        desk = Desk(username, store, user, password)
        self.desks.append(desk)
        return desk

    async def sync(self, desk: Desk) -> SyncReport:
        """One sync of ``desk``'s store, signed in with its password."""
        async with self.client() as client:
            await client.login(desk.username, desk.password)
            return await synchronize(desk.store, client)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    """A fresh real server (SQLite, local storage) with its bootstrap admin."""
    app = create_app(make_settings(tmp_path / "server"))
    opened = Server(app, tmp_path, httpx.ASGITransport(app=app, client=("198.51.100.7", 40000)))
    try:
        yield opened
    finally:
        for desk in opened.desks:
            desk.store.close()
        app.state.context.readers.close()
        app.state.context.database.dispose()


SCRIPT = """Title: The Secret Author Title
Author: Wren Writer
Contact: wren@example.com

INT. LAB - NIGHT

A kettle boils.
"""

GOOD = {
    "premise": 4,
    "structure": 4,
    "character": 3,
    "dialogue": 4,
    "originality": 5,
    "visual_potential": 4,
}


async def submitted(server: Server, writer: Desk, title: str = "Kettle") -> str:
    """Submit a script from ``writer`` and sync it to the server; returns its id."""
    script_id = scripts.submit_script(
        store=writer.store, user_id=writer.user.id, title=title, fountain_text=SCRIPT
    ).script_id
    await server.sync(writer)
    return script_id


async def validated(server: Server) -> tuple[Desk, str]:
    """A script with a quorum of three validators' scores; returns the admin's desk and its id."""
    writer = await server.desk("wren")
    script_id = await submitted(server, writer)
    for n, overall in enumerate((4, 5, 3)):
        validator = await server.desk(f"val{n}", "validator")
        await server.sync(validator)
        item = scoring.my_queue(store=validator.store, validator_id=validator.user.id)[0]
        scoring.save_score(
            store=validator.store,
            validator_id=validator.user.id,
            version_id=item.version.id,
            criteria=GOOD,
            overall=overall,
        )
        await server.sync(validator)
    admin = await server.sign_in(ADMIN, ADMIN_PASSWORD)
    await server.sync(admin)
    return admin, script_id


async def filmed(server: Server) -> tuple[Desk, str]:
    """A validated script selected by the admin and a render started for it on the server
    (``POST /api/movies/generate``); returns the admin's desk (synced) and the movie's id."""
    admin, script_id = await validated(server)
    scoring.select_script(
        store=admin.store, user_id=admin.user.id, roles=frozenset({Role.ADMIN}), script_id=script_id
    )
    await server.sync(admin)
    async with httpx.AsyncClient(transport=server.transport, base_url=SERVER_URL) as http:
        login = await http.post(
            "/api/auth/login", json={"username": ADMIN, "password": ADMIN_PASSWORD}
        )
        started = await http.post(
            "/api/movies/generate",
            json={"scriptId": script_id},
            headers={"Authorization": f"Bearer {login.json()['access_token']}"},
        )
    assert started.status_code == 201, started.text
    await server.sync(admin)
    return admin, started.json()["id"]
