"""Script routes: submit a script (POST /api/scripts) and list scripts (GET /api/scripts).

A submitted script starts in PendingValidation (the workflow's submit move from Draft)
with an immutable version 1. Who sees what when listing:

- writers see only their own scripts;
- validators see only scripts waiting for scores, blind (no author, no title);
- editors, reviewers and admins see every script.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync_server import script_store
from sync_server.access import is_blind, visible_scripts
from sync_server.auth import current_user, require
from sync_server.context import context_of
from sync_server.errors import ApiError
from sync_server.openapi import PAGING, Operation, Param
from sync_server.payload import Field, paging, read_fields
from sync_server.screenplays import Measured
from sync_server.script_readers import ReadTimeout, ScriptReaders
from sync_server.script_store import ScriptIdTaken
from vividverse_desktop.core.capabilities import Action
from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.workflow import Status, WorkflowError, transition

SOURCE_FORMATS = frozenset({"fountain", "text", "pdf"})
STATUS_NAMES = frozenset(status.value for status in Status)

SUBMIT_FIELDS = (
    Field("id", str, required=False, max_length=36, format="uuid"),
    Field("title", str, max_length=300, min_length=1),
    Field("fountain_text", str, required=False, min_length=1),
    Field("content", str, required=False, min_length=1),
    Field("source_format", str, required=False, choices=SOURCE_FORMATS),
)


async def measure(
    readers: ScriptReaders, fountain_text: str, field: str = "fountain_text"
) -> Measured:
    """Statistics and blind copy of a Fountain text, read by ``readers``; 422 naming
    ``field`` when it cannot be read, or not within the time limit."""
    try:
        return await readers.measure(fountain_text)
    except ScreenplayError as exc:
        raise ApiError(
            422,
            "invalid_screenplay",
            [{"field": field, "message": exc.message, "line": exc.line}],
        ) from None
    except ReadTimeout as exc:
        raise ApiError(
            422, "invalid_screenplay", [{"field": field, "message": str(exc), "line": None}]
        ) from None


def _text_field(body: dict[str, Any]) -> str:
    """Which field holds the script: ``fountain_text``, or the seed's ``content``."""
    given = [name for name in ("fountain_text", "content") if name in body]
    if len(given) == 1:
        return given[0]
    message = "is required (or content)" if not given else "give fountain_text or content, not both"
    raise ApiError(422, "invalid_body", [{"field": "fountain_text", "message": message}])


async def submit_script(request: Request) -> Response:
    """POST /api/scripts {title, fountain_text, source_format?, id?}; the seed's
    ``content`` may stand for ``fountain_text``.

    Writers (and admins) submit; the script starts in PendingValidation. Sending the
    same client-made ``id`` with the same text again is a retry (200, nothing new).
    """
    account = await current_user(request)
    require(account, Action.SUBMIT_SCRIPT)
    body = await read_fields(request, SUBMIT_FIELDS)
    field = _text_field(body)
    text: str = body[field]
    script_id = None if body.get("id") is None else uuid.UUID(body["id"])
    try:
        status = transition(Status.DRAFT, Status.PENDING_VALIDATION, account.roles, is_author=True)
    except WorkflowError as exc:
        raise ApiError(403, "forbidden", str(exc)) from None
    context = context_of(request)
    measured = await measure(context.readers, text, field)
    try:
        record, created = await context.write(
            lambda session: script_store.create_script(
                session,
                script_id=script_id,
                author_id=account.id,
                title=body["title"].strip() or "Untitled",
                status=status,
                fountain_text=text,
                source_format=body.get("source_format", "fountain"),
                measured=measured,
            )
        )
    except ScriptIdTaken:
        raise ApiError(
            409, "id_conflict", f"script id {script_id} is already used for another script"
        ) from None
    return JSONResponse(record.to_json(), status_code=201 if created else 200)


async def list_scripts(request: Request) -> Response:
    """GET /api/scripts?offset=&limit=&status=: one page of the scripts the caller may see."""
    account = await current_user(request)
    offset, limit = paging(request)
    raw_status = request.query_params.get("status")
    if raw_status is not None and raw_status not in STATUS_NAMES:
        raise ApiError(
            422, "invalid_query", f"status must be one of {', '.join(sorted(STATUS_NAMES))}"
        )
    wanted = None if raw_status is None else frozenset({Status(raw_status)})
    visible = visible_scripts(account)
    page, total = await context_of(request).read(
        lambda session: script_store.list_scripts(
            session, offset=offset, limit=limit, visible=visible, statuses=wanted
        )
    )
    return JSONResponse(
        {
            "items": [record.to_json(blind=is_blind(account, record.author_id)) for record in page],
            "total": total,
            "offset": offset,
            "limit": limit,
        }
    )


async def scripts_collection(request: Request) -> Response:
    """/api/scripts: GET lists, POST submits (one route, so 405 names both methods)."""
    if request.method == "POST":
        return await submit_script(request)
    return await list_scripts(request)


ROUTES = [Route("/api/scripts", scripts_collection, methods=["GET", "POST"])]

_TAGS = ("scripts",)
OPERATIONS = [
    Operation(
        "POST",
        "/api/scripts",
        "Submit a script (starts in PendingValidation); a resent client id is a retry",
        {
            200: "already submitted with this id (retry)",
            201: "the new script",
            401: "not signed in",
            403: "not a writer or admin",
            409: "id used for another script",
            422: "invalid body, or a screenplay unreadable or not read within the time limit",
            503: "busy reading other scripts (Retry-After); nothing was added",
        },
        body=SUBMIT_FIELDS,
        tags=_TAGS,
    ),
    Operation(
        "GET",
        "/api/scripts",
        "List the scripts the caller may see, newest first",
        {200: "a page of scripts", 401: "not signed in", 422: "invalid query"},
        query=(*PAGING, Param("status", str, "only scripts in this status", STATUS_NAMES)),
        tags=_TAGS,
    ),
]
