"""The real sync server app in-process, with a writer's script waiting for scores.

``Studio`` builds the app on a temporary SQLite database, registers a writer and a
validator, and submits one script so the validator has a version to score. Clients
reach it through ``httpx.ASGITransport`` (optionally wrapped by a fault from
``tests.sync.faults``). ``server_scores()`` reads what the server holds, straight from
its database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import select
from starlette.applications import Starlette

from sync_server import models
from sync_server.app import create_app
from sync_server.records import score_record
from tests.sync_server.conftest import (
    ADMIN,
    ADMIN_PASSWORD,
    PASSWORD,
    make_settings,
    register,
)
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.sync import RetryPolicy, SyncClient

SERVER_URL = "http://studio.test"
SCRIPT = "INT. HOUSE - DAY\n\nAda scores a script.\n"


@dataclass(slots=True)
class Studio:
    """A running app, its transport, and the ids a validator needs."""

    app: Starlette
    transport: httpx.ASGITransport
    validator_id: str = ""
    version_id: str = ""

    @classmethod
    async def open(cls, data_dir: Path) -> Studio:
        """A fresh server with a writer's script pending validation and a validator 'vera'."""
        app = create_app(make_settings(data_dir))
        studio = cls(app, httpx.ASGITransport(app=app, client=("198.51.100.9", 40000)))
        async with httpx.AsyncClient(transport=studio.transport, base_url=SERVER_URL) as http:
            assert (await register(http, "wren", "writer")).status_code == 201
            created = await register(http, "vera", "validator")
            assert created.status_code == 201
            studio.validator_id = created.json()["id"]
            tokens = (
                await http.post("/api/auth/login", json={"username": "wren", "password": PASSWORD})
            ).json()
            submitted = await http.post(
                "/api/scripts",
                json={"title": "Scores", "fountain_text": SCRIPT},
                headers={"Authorization": f"Bearer {tokens['access_token']}"},
            )
            assert submitted.status_code == 201, submitted.text
            studio.version_id = submitted.json()["latest_version"]["id"]
        return studio

    def close(self) -> None:
        """Release the app's database and script readers."""
        self.app.state.context.readers.close()
        self.app.state.context.database.dispose()

    async def client(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        username: str = "vera",
    ) -> SyncClient:
        """A client signed in as ``username`` over ``transport`` (the plain app by default)."""
        client = SyncClient(SERVER_URL, transport=transport or self.transport, retry=retry)
        await client.login(username, PASSWORD)
        return client

    async def as_admin(self, method: str, path: str, body: object) -> httpx.Response:
        """One request by the bootstrap admin (signed in for it)."""
        async with httpx.AsyncClient(transport=self.transport, base_url=SERVER_URL) as http:
            login = await http.post(
                "/api/auth/login", json={"username": ADMIN, "password": ADMIN_PASSWORD}
            )
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            return await http.request(method, path, json=body, headers=headers)

    def server_scores(self) -> dict[str, ScoreEvent]:
        """Every score event the server's database holds, by id."""
        with self.app.state.context.database.snapshot() as session:
            rows = session.scalars(select(models.ScoreEvent))
            return {str(row.id): score_record(row) for row in rows}


def digest(events: Iterable[ScoreEvent]) -> str:
    """A hash of the events' client-made payloads, independent of order."""
    payloads = sorted(json.dumps(event.payload(), sort_keys=True) for event in events)
    return hashlib.sha256("\n".join(payloads).encode()).hexdigest()
