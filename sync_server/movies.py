"""Movie routes: start a render, report its progress, and review notes on the result.

- POST /api/movies/generate {scriptId}: editors and admins; the script must be Selected
  and moves to Generating (``workflow.transition``); a movie record is created for its
  newest version.
- PUT /api/movies/{id}/progress {status, progress, stage?, videoUrl?, baseRevision?}:
  editors and admins. With ``baseRevision`` an edit of an older revision is 409 carrying
  both versions. A final status (``completed``/``failed``) ends the script's Generating.
- POST /api/movies/{id}/decision {decision, comment?, baseRevision?}: reviewers and
  admins approve a finished movie or request changes (``workflow.decision_refusal``);
  409 for a stale ``baseRevision`` (both versions) or a move the workflow refuses.
- POST and GET /api/movies/{id}/notes: reviewers, editors and admins write and read
  timecoded notes.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync_server import models
from sync_server.accounts import Account
from sync_server.auth import current_user, require
from sync_server.context import context_of
from sync_server.errors import ApiError
from sync_server.movie_store import decide, update_movie
from sync_server.openapi import Operation
from sync_server.payload import Field, read_fields
from sync_server.records import movie_record, note_record
from sync_server.storage import is_key
from sync_server.usn import UsnSequence
from vividverse_desktop.core.capabilities import Action
from vividverse_desktop.core.wire import Drawing, WireError
from vividverse_desktop.core.wire.records import MAX_FPS, MAX_FRAME, MAX_REVISION, MAX_SCENE_TITLE
from vividverse_desktop.core.workflow import (
    Decision,
    Status,
    WorkflowError,
    decision_refusal,
    transition,
)

QUEUED = "queued"

GENERATE_FIELDS = (Field("scriptId", str, max_length=64, format="uuid"),)
PROGRESS_FIELDS = (
    Field("status", str, min_length=1, max_length=32),
    Field("progress", float, minimum=0.0, maximum=1.0),
    Field("stage", str, required=False, max_length=64),
    Field("videoUrl", str, required=False, max_length=200),
    Field("baseRevision", int, required=False, minimum=1, maximum=MAX_REVISION),
)
DECISION_FIELDS = (
    Field("decision", str, choices=frozenset(d.value for d in Decision)),
    Field("comment", str, required=False, max_length=10_000),
    Field("baseRevision", int, required=False, minimum=1, maximum=MAX_REVISION),
)
NOTE_FIELDS = (
    Field("frame", int, minimum=0, maximum=MAX_FRAME),
    Field("frameEnd", int, required=False, minimum=0, maximum=MAX_FRAME),
    Field("fps", float, minimum=1.0, maximum=MAX_FPS),
    Field("timecode", str, min_length=1, max_length=16),
    Field("text", str, min_length=1, max_length=10_000),
    Field("status", str, required=False, min_length=1, max_length=16),
    Field("drawing", list, required=False),
    Field("scene", str, required=False, min_length=1, max_length=MAX_SCENE_TITLE),
)


def movie_json(movie: models.Movie) -> dict[str, Any]:
    """The movie as JSON: the wire record plus the seed's ``videoUrl``."""
    return {**movie_record(movie).to_json(), "videoUrl": movie.video_key}


async def _staff(request: Request, *actions: Action) -> Account:
    account = await current_user(request)
    require(account, *actions)
    return account


def _movie_id(request: Request) -> uuid.UUID:
    value = request.path_params["movie_id"]
    assert isinstance(value, uuid.UUID)
    return value


def _movie(session: Session, movie_id: uuid.UUID) -> models.Movie:
    movie = session.get(models.Movie, movie_id)
    if movie is None:
        raise ApiError(404, "not_found", f"no movie {movie_id}")
    return movie


async def generate(request: Request) -> Response:
    """POST /api/movies/generate {scriptId}: Selected -> Generating and a new movie."""
    account = await _staff(request, Action.START_RENDER)
    script_id = uuid.UUID((await read_fields(request, GENERATE_FIELDS))["scriptId"])

    def work(session: Session) -> dict[str, Any]:
        usns = UsnSequence(session).lock()
        script = session.get(models.Script, script_id)
        if script is None:
            raise ApiError(404, "not_found", f"no script {script_id}")
        try:
            script.status = transition(script.status, Status.GENERATING, account.roles).value
        except WorkflowError as exc:
            raise ApiError(409, "illegal_transition", str(exc)) from None
        version_id = session.scalar(
            select(models.ScriptVersion.id)
            .where(models.ScriptVersion.script_id == script_id)
            .order_by(models.ScriptVersion.n.desc())
            .limit(1)
        )
        if version_id is None:
            raise ApiError(409, "no_version", "the script has no version to render")
        now = models.utc_now()
        script.revision += 1
        script.updated_at = now
        script.usn = usns.take()
        movie = models.Movie(
            script_version_id=version_id,
            status=QUEUED,
            progress=0.0,
            stage="",
            chapters=[],
            created_by=account.id,
            revision=1,
            created_at=now,
            updated_at=now,
            usn=usns.take(),
        )
        session.add(movie)
        session.flush()
        usns.store()
        return {**movie_json(movie), "scriptId": str(script_id)}

    return JSONResponse(await context_of(request).write(work), status_code=201)


def is_video_location(value: str) -> bool:
    """Whether ``value`` may be a movie's ``videoUrl``: a key of this server's storage, or
    an http(s) URL with a host (never ``javascript:``, ``data:`` or a bare path)."""
    if is_key(value):
        return True
    if any(ord(c) <= 0x20 or c == "\x7f" for c in value):
        return False
    try:
        parsed = urlsplit(value)
        host = parsed.hostname
    except ValueError:  # a malformed authority, such as "http://["
        return False
    return parsed.scheme.lower() in {"http", "https"} and bool(host)


async def progress(request: Request) -> Response:
    """PUT /api/movies/{id}/progress: record a render's status and progress."""
    await _staff(request, Action.REPORT_RENDER)
    movie_id = _movie_id(request)
    body = await read_fields(request, PROGRESS_FIELDS)
    video = body.get("videoUrl")
    if video is not None and not is_video_location(video):
        raise ApiError(
            422,
            "invalid_body",
            [{"field": "videoUrl", "message": "must be a storage key or an http(s) URL"}],
        )

    def work(session: Session) -> dict[str, Any]:
        usns = UsnSequence(session).lock()
        movie = _movie(session, movie_id)
        base = body.get("baseRevision")
        if base is not None and base != movie.revision:
            raise _stale(movie, base, body)
        update_movie(
            session,
            usns,
            movie,
            status=body["status"],
            progress=float(body["progress"]),
            stage=body.get("stage", movie.stage),
            video_key=body.get("videoUrl"),
        )
        usns.store()
        return movie_json(movie)

    return JSONResponse(await context_of(request).write(work))


def _drawing(value: object) -> list[Any] | None:
    """A note's drawing as stored (its checked JSON), or None; 422 naming the bad shape."""
    if value is None:
        return None
    try:
        return Drawing.from_json(value).to_json()
    except WireError as exc:
        raise ApiError(
            422, "invalid_body", [{"field": exc.field or "drawing", "message": exc.message}]
        ) from None


def _stale(movie: models.Movie, base: int, body: dict[str, Any]) -> ApiError:
    return ApiError(
        409,
        "stale",
        {
            "message": f"the movie is at revision {movie.revision}, not {base}",
            "mine": body,
            "theirs": movie_json(movie),
        },
    )


async def decision(request: Request) -> Response:
    """POST /api/movies/{id}/decision: approve a finished movie or request changes."""
    account = await _staff(request, Action.DECIDE_ON_MOVIE)
    movie_id = _movie_id(request)
    body = await read_fields(request, DECISION_FIELDS)
    chosen = Decision(body["decision"])

    def work(session: Session) -> dict[str, Any]:
        usns = UsnSequence(session).lock()
        movie = _movie(session, movie_id)
        base = body.get("baseRevision")
        if base is not None and base != movie.revision:
            raise _stale(movie, base, body)
        refusal = decision_refusal(movie.status, chosen)
        if refusal is not None:
            raise ApiError(409, "illegal_transition", refusal)
        decide(usns, movie, account, chosen, body.get("comment", ""))
        usns.store()
        return movie_json(movie)

    return JSONResponse(await context_of(request).write(work))


async def notes(request: Request) -> Response:
    """GET lists a movie's notes by frame; POST adds one (reviewers, editors, admins)."""
    reading = request.method == "GET"
    account = await _staff(request, Action.WATCH_MOVIE if reading else Action.WRITE_NOTE)
    movie_id = _movie_id(request)
    context = context_of(request)
    if reading:

        def listing(session: Session) -> dict[str, Any]:
            _movie(session, movie_id)
            rows = session.scalars(
                select(models.ReviewNote)
                .where(models.ReviewNote.movie_id == movie_id)
                .order_by(models.ReviewNote.frame, models.ReviewNote.usn)
            ).all()
            return {"items": [note_record(row).to_json() for row in rows]}

        return JSONResponse(await context.read(listing))
    body = await read_fields(request, NOTE_FIELDS)
    frame_end = body.get("frameEnd")
    if frame_end is not None and frame_end < body["frame"]:
        raise ApiError(
            422, "invalid_body", [{"field": "frameEnd", "message": "must not be before frame"}]
        )
    drawing = _drawing(body.get("drawing"))

    def add(session: Session) -> dict[str, Any]:
        usns = UsnSequence(session).lock()
        _movie(session, movie_id)
        now = models.utc_now()
        note = models.ReviewNote(
            movie_id=movie_id,
            author_id=account.id,
            frame=body["frame"],
            frame_end=frame_end,
            fps=float(body["fps"]),
            timecode=body["timecode"],
            text=body["text"],
            status=body.get("status", "open"),
            drawing=drawing,
            scene=body.get("scene"),
            revision=1,
            created_at=now,
            updated_at=now,
            usn=usns.take(),
        )
        session.add(note)
        session.flush()
        usns.store()
        return note_record(note).to_json()

    return JSONResponse(await context.write(add), status_code=201)


ROUTES = [
    Route("/api/movies/generate", generate, methods=["POST"]),
    Route("/api/movies/{movie_id:uuid}/progress", progress, methods=["PUT"]),
    Route("/api/movies/{movie_id:uuid}/decision", decision, methods=["POST"]),
    Route("/api/movies/{movie_id:uuid}/notes", notes, methods=["GET", "POST"]),
]

_TAGS = ("movies",)
_STAFF = {401: "not signed in", 403: "not an editor or admin"}
OPERATIONS = [
    Operation(
        "POST",
        "/api/movies/generate",
        "Start rendering a Selected script (it moves to Generating); a new movie record",
        {**_STAFF, 201: "the movie", 404: "no such script", 409: "the script is not Selected"},
        body=GENERATE_FIELDS,
        tags=_TAGS,
    ),
    Operation(
        "PUT",
        "/api/movies/{movie_id:uuid}/progress",
        "Report a render's status, progress (0..1), stage and video URL",
        {**_STAFF, 200: "the movie", 404: "no such movie", 409: "stale baseRevision"},
        body=PROGRESS_FIELDS,
        tags=_TAGS,
    ),
    Operation(
        "POST",
        "/api/movies/{movie_id:uuid}/decision",
        "Approve a finished movie or request changes, with an optional comment",
        {
            200: "the movie, in its new status",
            401: "not signed in",
            403: "not a reviewer or admin",
            404: "no such movie",
            409: "stale baseRevision, or the movie is not finished or already so decided",
        },
        body=DECISION_FIELDS,
        tags=_TAGS,
    ),
    Operation(
        "GET",
        "/api/movies/{movie_id:uuid}/notes",
        "A movie's review notes, by frame",
        {200: "the notes", 403: "not a reviewer, editor or admin", 404: "no such movie"},
        tags=_TAGS,
    ),
    Operation(
        "POST",
        "/api/movies/{movie_id:uuid}/notes",
        "Add a timecoded review note (one frame or a range)",
        {201: "the note", 403: "not a reviewer, editor or admin", 404: "no such movie"},
        body=NOTE_FIELDS,
        tags=_TAGS,
    ),
]
