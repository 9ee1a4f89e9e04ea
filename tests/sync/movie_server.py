"""The real server app in-process with a Selected script and a movie queued for editor 'eddie'.

The transport records every progress report and can fail some reports or uploads on
request, so publishing tests see what the server heard.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from sync_server.app import create_app
from tests.render.conftest import SCRIPT
from tests.sync_server.conftest import (
    PASSWORD,
    admin_tokens,
    bearer,
    make_settings,
    signed_in,
    staff_tokens,
)
from tests.sync_server.test_sync import Device, score
from vividverse_desktop.core.wire import Op, ScriptMetadata, ScriptSubmission
from vividverse_desktop.core.workflow import Status
from vividverse_desktop.sync import SyncClient

SERVER_URL = "http://studio.test"
EDITOR = "eddie"
UNKNOWN_MOVIE = "0" * 8 + "-0000-4000-8000-" + "0" * 12


@dataclass
class Recording(httpx.AsyncBaseTransport):
    """The app's transport, recording each progress report and failing some on request."""

    inner: httpx.ASGITransport
    reports: list[dict[str, Any]] = field(default_factory=list)
    fail_reports: int = 0
    expire_uploads: int = 0
    uploads: int = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT" and request.url.path.endswith("/video"):
            self.uploads += 1
            if self.expire_uploads:
                self.expire_uploads -= 1
                return httpx.Response(401, json={"detail": "token expired"})
        if request.method == "PUT" and request.url.path.endswith("/progress"):
            if self.fail_reports:
                self.fail_reports -= 1
                return httpx.Response(503, json={"detail": "busy"})
            self.reports.append(json.loads(await request.aread()))
        return await self.inner.handle_async_request(request)


@dataclass
class MovieServer:
    """The app, an admin-side HTTP client, the Selected script and its queued movie."""

    app: Starlette
    transport: Recording
    http: httpx.AsyncClient
    script_id: str = ""
    movie_id: str = ""

    async def script_status(self) -> str:
        admin = bearer((await admin_tokens(self.http))["access_token"])
        listing = (await self.http.get("/api/scripts", headers=admin)).json()
        return str(listing["items"][0]["status"])

    async def client(self, username: str = EDITOR) -> SyncClient:
        """A sync client signed in as ``username`` (the editor by default)."""
        client = SyncClient(SERVER_URL, transport=self.transport)
        await client.login(username, PASSWORD)
        return client


@asynccontextmanager
async def movie_server(data_dir: Path, *, movie: bool = True) -> AsyncIterator[MovieServer]:
    """A fresh server where a scored, Selected script has (with ``movie``) a queued movie
    by editor 'eddie'; writer 'ada' wrote it."""
    app = create_app(make_settings(data_dir))
    transport = Recording(httpx.ASGITransport(app=app, client=("198.51.100.7", 40000)))
    async with httpx.AsyncClient(transport=transport, base_url=SERVER_URL) as http:
        writer = Device(http, await signed_in(http, "ada"))
        submission = ScriptSubmission.of("Pier Nine", SCRIPT)
        await writer.push(Op.of(submission))
        for i in range(3):
            validator = Device(http, await signed_in(http, f"val{i}", "validator"))
            await validator.push(Op.of(score(validator, submission.version_id)))
        admin = Device(http, await admin_tokens(http))
        select = ScriptMetadata(submission.script_id, base_revision=2, status=Status.SELECTED)
        assert (await admin.push(Op.of(select))).results[0].outcome.value == "accepted"
        editor = bearer((await staff_tokens(http, EDITOR, "editor"))["access_token"])
        server = MovieServer(app, transport, http, submission.script_id)
        if movie:
            made = await http.post(
                "/api/movies/generate", json={"scriptId": submission.script_id}, headers=editor
            )
            assert made.status_code == 201, made.text
            server.movie_id = made.json()["id"]
        try:
            yield server
        finally:
            app.state.context.readers.close()
            app.state.context.database.dispose()
