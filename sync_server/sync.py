"""Sync routes: POST /api/sync/push and GET /api/sync/pull?since=USN (DESIGN.md §4).

Any signed-in user may push: what their role may not do comes back ``forbidden`` per
op (kept in their outbox), not as a refusal of the whole batch. A push whose envelope
cannot be read (not an object, no ``deviceId``, too many ops) is 422; a single bad op
is answered ``invalid`` by id. The reply is 200 with one result per op that has a
readable id, in the order sent. Pull answers pages of at most ``limit`` (250 unless
asked, at most 1000) changes.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync_server import payload
from sync_server.accounts import Account
from sync_server.auth import current_user
from sync_server.batch import PreparedPush, measure_texts
from sync_server.context import ServerContext, context_of
from sync_server.errors import ApiError
from sync_server.models import utc_now
from sync_server.openapi import Operation, Param
from sync_server.payload import read_object
from sync_server.pull import pull_page
from sync_server.push import PushWork
from sync_server.push_rows import RenderedRows
from vividverse_desktop.core.wire import (
    MAX_PULL_PAGE,
    MAX_PUSH_OPS,
    MAX_USN,
    PULL_PAGE_SIZE,
    Op,
    OpKind,
    Outcome,
    PushResponse,
    PushResult,
    RefusedOp,
    WireError,
    read_push,
    usn_cursor,
)
from vividverse_desktop.core.wire.fields import parse_integer

log = logging.getLogger(__name__)


async def push(request: Request) -> Response:
    """POST /api/sync/push {deviceId, ops}: apply a batch in one transaction."""
    account = await current_user(request)
    data = await read_object(request, allow_unstorable=True)
    may_hold_unstorable = payload.may_hold_unstorable(await request.body())
    try:
        _device_id, items = read_push(data)
    except WireError as exc:
        raise ApiError(
            422, "invalid_body", [{"field": exc.field or "", "message": exc.message}]
        ) from None
    if may_hold_unstorable:
        problem = payload.text_problem(data.get("deviceId"))
        if problem is not None:
            raise ApiError(422, "invalid_body", [problem])
        items = tuple(_storable(item) for item in items)
    # Parsing, hashes, ids and rows need no database: done before the writers' turn and
    # off the event loop (texts in reader processes, with a time limit), so a slow push
    # delays only itself.
    context = context_of(request)
    texts = await measure_texts(context.readers, items)
    prepared = await run_in_threadpool(PreparedPush.of, items, texts)
    rendered = RenderedRows.of(prepared, account, context.database.dialect, utc_now())
    try:
        response = await context.write(PushWork(account, prepared, rendered))
    except UNAVAILABLE:
        raise
    except Exception:
        log.exception("a push of %d ops failed whole; applying them one by one", len(items))
        response = await _one_by_one(context, account, prepared)
    return JSONResponse(response.to_json())


UNAVAILABLE = (OperationalError, InterfaceError, SQLAlchemyTimeoutError)
"""Database failures that are no op's fault: the whole push fails, and is sent again."""


async def _one_by_one(
    context: ServerContext, account: Account, prepared: PreparedPush
) -> PushResponse:
    """Apply each op of ``prepared`` in a transaction of its own: an op the server fails
    on (a bug) is refused alone as invalid, so the others are not lost with it."""
    results: list[PushResult] = []
    for index, item in enumerate(prepared.items):
        try:
            alone = await context.write(PushWork(account, prepared.alone(index)))
        except UNAVAILABLE:
            raise
        except Exception:
            log.exception("op %s of a push could not be applied", item.op_id)
            if item.op_id is not None:
                results.append(PushResult(item.op_id, Outcome.INVALID, message=OP_FAILED))
            continue
        results.extend(alone.results)
    return PushResponse(tuple(results))


OP_FAILED = "the server failed to apply this op; it has been logged"


def _storable(item: Op | RefusedOp) -> Op | RefusedOp:
    """``item``, or an invalid refusal when a string of its payload cannot be stored.

    One such op must not block the whole batch (the client would retry it forever).
    """
    if isinstance(item, RefusedOp):
        return item
    problem = payload.text_problem(item.payload())
    if problem is None:
        return item
    where = f"payload.{problem['field']}"
    return RefusedOp(item.op_id, WireError(str(problem["message"]), where))


def _query_integer(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        if name == "since":
            return usn_cursor(raw)
        value: object = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 19 else raw
        return parse_integer(value, low, high, name)
    except WireError as exc:
        raise ApiError(422, "invalid_query", str(exc)) from None


async def pull(request: Request) -> Response:
    """GET /api/sync/pull?since=USN&limit=N: the next page of changes after ``since``."""
    account = await current_user(request)
    since = _query_integer(request, "since", 0, 0, MAX_USN)
    limit = _query_integer(request, "limit", PULL_PAGE_SIZE, 1, MAX_PULL_PAGE)
    page = await context_of(request).read(lambda session: pull_page(session, account, since, limit))
    return JSONResponse(page.to_json())


ROUTES = [
    Route("/api/sync/push", push, methods=["POST"]),
    Route("/api/sync/pull", pull, methods=["GET"]),
]

PUSH_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["deviceId", "ops"],
    "properties": {
        "deviceId": {"type": "string", "minLength": 1, "maxLength": 64},
        "ops": {
            "type": "array",
            "maxItems": MAX_PUSH_OPS,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["opId", "kind", "payload", "createdAt"],
                "properties": {
                    "opId": {"type": "string", "format": "uuid"},
                    "kind": {"type": "string", "enum": [kind.value for kind in OpKind]},
                    "payload": {"type": "object"},
                    "createdAt": {"type": "string", "format": "date-time"},
                },
            },
        },
    },
}

_TAGS = ("sync",)
OPERATIONS = [
    Operation(
        "POST",
        "/api/sync/push",
        "Apply a batch of client-made ops in one transaction; one result per op",
        {
            200: "a result per op: accepted, duplicate, conflict, forbidden or invalid",
            503: "busy reading other scripts (Retry-After); nothing was applied",
        },
        schema=PUSH_SCHEMA,
        tags=_TAGS,
    ),
    Operation(
        "GET",
        "/api/sync/pull",
        "The changes after a USN that the caller may see, in USN order",
        {200: "a page of changes with nextSince and hasMore"},
        query=(
            Param("since", int, "the last USN already applied", minimum=0, maximum=MAX_USN),
            Param("limit", int, "page size", minimum=1, maximum=MAX_PULL_PAGE),
        ),
        tags=_TAGS,
    ),
]
