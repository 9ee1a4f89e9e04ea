"""Script version routes: POST and GET /api/scripts/{id}/versions.

Versions are immutable: a new text is version ``n + 1``, never an overwrite. A writer
revises only their own script, and only while it is a Draft, waiting for scores or
Rejected (the same rule as the ``new_script_version`` op). Sending the same client-made
``id`` with the same text again is a retry (200). Validators read versions blind through
sync pulls, not here.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync_server import models
from sync_server.access import Sight, may_revise, script_sight
from sync_server.accounts import Account
from sync_server.auth import current_user, require
from sync_server.context import context_of
from sync_server.errors import ApiError
from sync_server.openapi import Operation
from sync_server.payload import Field, read_fields
from sync_server.push import REVISABLE
from sync_server.records import version_record
from sync_server.scripts import SOURCE_FORMATS, measure
from sync_server.usn import UsnSequence
from vividverse_desktop.core.capabilities import Action
from vividverse_desktop.core.wire import content_sha256
from vividverse_desktop.core.workflow import Status

VERSION_FIELDS = (
    Field("id", str, required=False, max_length=36, format="uuid"),
    Field("fountain_text", str, min_length=1),
    Field("source_format", str, required=False, choices=SOURCE_FORMATS),
)
READING = (Action.READ_OWN_SCRIPTS, Action.READ_ALL_SCRIPTS)
WRITING = (Action.REVISE_OWN_SCRIPT, Action.REVISE_ANY_SCRIPT)


def summary(row: models.ScriptVersion) -> dict[str, Any]:
    """A version without its text: number, hash, format, statistics, usn."""
    record = version_record(row).to_json()
    del record["fountainText"]
    return {**record, "usn": row.usn}


def _script_id(request: Request) -> uuid.UUID:
    value = request.path_params["script_id"]
    assert isinstance(value, uuid.UUID)
    return value


def _script_for(
    session: Session, account: Account, script_id: uuid.UUID, *, write: bool
) -> models.Script:
    script = session.get(models.Script, script_id)
    if script is None:
        raise ApiError(404, "not_found", f"no script {script_id}")
    allowed = (
        may_revise(account, script.author_id)
        if write
        else script_sight(account, script.author_id, script.status) is Sight.FULL
    )
    if not allowed:
        raise ApiError(403, "forbidden", "writers see only their own scripts")
    return script


async def versions(request: Request) -> Response:
    """GET lists a script's versions (newest first); POST adds one."""
    account = await current_user(request)
    script_id = _script_id(request)
    context = context_of(request)
    if request.method == "GET":
        require(account, *READING)

        def listing(session: Session) -> dict[str, Any]:
            _script_for(session, account, script_id, write=False)
            rows = session.scalars(
                select(models.ScriptVersion)
                .where(models.ScriptVersion.script_id == script_id)
                .order_by(models.ScriptVersion.n.desc())
            ).all()
            return {"items": [summary(row) for row in rows]}

        return JSONResponse(await context.read(listing))
    require(account, *WRITING)
    body = await read_fields(request, VERSION_FIELDS)
    text: str = body["fountain_text"]
    version_id = uuid.UUID(body["id"]) if body.get("id") else uuid.uuid4()
    measured = await measure(context.readers, text)

    def add(session: Session) -> tuple[dict[str, Any], bool]:
        usns = UsnSequence(session).lock()
        script = _script_for(session, account, script_id, write=True)
        held = session.get(models.ScriptVersion, version_id)
        if held is not None:
            if held.script_id == script_id and held.content_sha256 == content_sha256(text):
                return summary(held), False
            raise ApiError(409, "id_conflict", f"version id {version_id} is already used")
        if Status(script.status) not in REVISABLE:
            raise ApiError(
                409, "not_revisable", f"the script is {script.status}: it takes no new version"
            )
        latest = session.scalar(
            select(func.max(models.ScriptVersion.n)).where(
                models.ScriptVersion.script_id == script_id
            )
        )
        row = models.ScriptVersion(
            id=version_id,
            script_id=script_id,
            n=(latest or 0) + 1,
            content_sha256=content_sha256(text),
            fountain_text=text,
            source_format=body.get("source_format", "fountain"),
            source_file_key=None,
            stats_json=measured.stats,
            created_at=models.utc_now(),
            usn=usns.take(),
            blind_text=measured.blind_text,
            blind_sha256=measured.blind_sha256,
        )
        session.add(row)
        session.flush()
        usns.store()
        return summary(row), True

    record, created = await context.write(add)
    return JSONResponse(record, status_code=201 if created else 200)


ROUTES = [Route("/api/scripts/{script_id:uuid}/versions", versions, methods=["GET", "POST"])]

_TAGS = ("scripts",)
OPERATIONS = [
    Operation(
        "GET",
        "/api/scripts/{script_id:uuid}/versions",
        "A script's immutable versions, newest first (without their text)",
        {200: "the versions", 403: "a validator, or another writer's script", 404: "no script"},
        tags=_TAGS,
    ),
    Operation(
        "POST",
        "/api/scripts/{script_id:uuid}/versions",
        "Add a new immutable version of a script (its author or an admin)",
        {
            200: "already added with this id (retry)",
            201: "the new version",
            403: "not the script's author or an admin",
            404: "no such script",
            409: "id used for another text, or the script takes no new version",
            422: "invalid body, or a screenplay unreadable or not read within the time limit",
            503: "busy reading other scripts (Retry-After); nothing was added",
        },
        body=VERSION_FIELDS,
        tags=_TAGS,
    ),
]
