"""File routes: script source files, movie files and their download links.

- PUT /api/scripts/{id}/source?version=&name=: the script's author (or an admin)
  uploads the source file (PDF, Fountain or plain text) of a version (default: the
  newest), once. The body is the raw file with its Content-Type; it streams to storage
  with a running count and is refused (413) past the limit (see ``uploads``).
- GET /api/scripts/{id}/source?version=: the original file for those who may see the
  script (its author, editors, reviewers, admins). Validators get the blind Fountain text
  of a script waiting for scores instead: a PDF's title page would name the author.
- PUT /api/movies/{id}/video?duration=&name=: editors and admins upload a rendered film;
  the movie's ``video_key`` and ``duration_s`` are set (a new revision).
- GET /api/movies/{id}/video-url?expires=: reviewers, editors and admins get an expiring
  download URL (presigned on S3; a signed link to GET /api/files on local storage).

Files are stored under generated keys; a client's file name is kept as metadata only.
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from sync_server import models
from sync_server.access import Sight, may_revise, script_sight
from sync_server.accounts import Account
from sync_server.auth import current_user, require
from sync_server.context import context_of
from sync_server.errors import ApiError
from sync_server.limits import FileLimits
from sync_server.movies import movie_json
from sync_server.openapi import Operation, Param
from sync_server.storage import (
    LocalStorage,
    NoSuchObject,
    StorageError,
    content_disposition,
    is_key,
)
from sync_server.uploads import (
    SOURCE_PATH,
    VIDEO_PATH,
    FileService,
    UploadBodyLimit,
    file_json,
    files_of,
    media_type,
    open_files,
    receive_file,
    unavailable,
)
from sync_server.usn import UsnSequence
from vividverse_desktop.core.capabilities import Action

SCRIPT_TYPES = {"application/pdf": "pdf", "text/x-fountain": "fountain", "text/plain": "text"}
MOVIE_TYPES = frozenset(
    {"video/mp4", "video/webm", "video/quicktime", "video/x-matroska", "application/octet-stream"}
)
SCRIPT_READING = (Action.READ_OWN_SCRIPTS, Action.READ_ALL_SCRIPTS, Action.READ_BLIND_QUEUE)
SCRIPT_WRITING = (Action.REVISE_OWN_SCRIPT, Action.REVISE_ANY_SCRIPT)
DEFAULT_LINK_SECONDS = 3600
MAX_LINK_SECONDS = 7 * 24 * 3600
MAX_DURATION_S = 1_000_000.0
MAX_VERSION = 1_000_000

__all__ = ["OPERATIONS", "ROUTES", "FileLimits", "FileService", "UploadBodyLimit", "open_files"]


def _script_version(
    session: Session, account: Account, script_id: uuid.UUID, n: int | None, *, write: bool
) -> tuple[models.ScriptVersion, Sight]:
    """Version ``n`` (the newest when ``None``) of a script ``account`` may read (or, with
    ``write``, revise), and how they see it."""
    script = session.get(models.Script, script_id)
    if script is None:
        raise ApiError(404, "not_found", f"no script {script_id}")
    sight = script_sight(account, script.author_id, script.status)
    if isinstance(sight, str):
        raise ApiError(403, "forbidden", sight)
    if write and not may_revise(account, script.author_id):
        raise ApiError(403, "forbidden", "only the script's author (or an admin) may do this")
    query = select(models.ScriptVersion).where(models.ScriptVersion.script_id == script_id)
    if n is None:
        query = query.order_by(models.ScriptVersion.n.desc()).limit(1)
    else:
        query = query.where(models.ScriptVersion.n == n)
    version = session.scalar(query)
    if version is None:
        raise ApiError(404, "not_found", f"script {script_id} has no version {n or ''}".strip())
    return version, sight


def _small_number(raw: str) -> bool:
    """Whether ``raw`` is a whole number of at most 12 ASCII digits."""
    return raw.isascii() and raw.isdigit() and len(raw) <= 12


def _version_number(request: Request) -> int | None:
    raw = request.query_params.get("version")
    if raw is None:
        return None
    if not _small_number(raw) or not 1 <= int(raw) <= MAX_VERSION:
        raise ApiError(422, "invalid_query", f"version must be a number from 1 to {MAX_VERSION}")
    return int(raw)


def _script_id(request: Request) -> uuid.UUID:
    value = request.path_params["script_id"]
    assert isinstance(value, uuid.UUID)
    return value


async def script_source(request: Request) -> Response:
    """PUT uploads a version's source file (once); GET downloads it (blind for validators)."""
    account = await current_user(request)
    script_id = _script_id(request)
    context = context_of(request)
    if request.method == "GET":
        require(account, *SCRIPT_READING)
        return await _download_source(request, account, script_id, _version_number(request))
    require(account, *SCRIPT_WRITING)
    wanted = _version_number(request)

    def vacant(session: Session) -> int:
        version, _sight = _script_version(session, account, script_id, wanted, write=True)
        if version.source_file_key is not None:
            raise ApiError(409, "conflict", f"version {version.n} already has its source file")
        return version.n

    n = await context.read(vacant)
    content_type = media_type(request)
    if content_type not in SCRIPT_TYPES:
        raise ApiError(
            415, "unsupported_media_type", f"send one of {', '.join(sorted(SCRIPT_TYPES))}"
        )
    stored = await receive_file(
        request,
        kind="scripts",
        content_type=content_type,
        max_bytes=files_of(request).limits.script_bytes,
        filename=request.query_params.get("name"),
    )

    def record(session: Session) -> dict[str, Any]:
        usns = UsnSequence(session).lock()
        version, _sight = _script_version(session, account, script_id, n, write=True)
        if version.source_file_key is not None:
            raise ApiError(409, "conflict", f"version {n} already has its source file")
        version.source_file_key = stored.key
        version.usn = usns.take()
        usns.store()
        return {"scriptId": str(script_id), "n": n, "file": file_json(stored)}

    try:
        answer = await context.write(record)
    except BaseException:
        await run_in_threadpool(files_of(request).storage.delete, stored.key)
        raise
    return JSONResponse(answer, status_code=201)


async def _download_source(
    request: Request, account: Account, script_id: uuid.UUID, wanted: int | None
) -> Response:
    def find(session: Session) -> tuple[int, str | None, str | None]:
        version, sight = _script_version(session, account, script_id, wanted, write=False)
        if sight is Sight.BLIND:
            return version.n, None, version.blind_text
        return version.n, version.source_file_key, None

    n, key, blind_text = await context_of(request).read(find)
    if blind_text is not None:
        return Response(
            blind_text.encode(),
            media_type="text/x-fountain; charset=utf-8",
            headers={
                "Content-Disposition": content_disposition(f"script-{n}.fountain"),
                "X-Content-Type-Options": "nosniff",
            },
        )
    if key is None or not is_key(key):
        raise ApiError(404, "not_found", f"version {n} has no source file")
    storage = files_of(request).storage
    try:
        info = await run_in_threadpool(storage.info, key)
        chunks = await run_in_threadpool(storage.get, key)
    except NoSuchObject:
        raise ApiError(404, "not_found", f"the source file of version {n} is missing") from None
    except StorageError as exc:
        raise unavailable(exc) from None
    headers = {
        "Content-Length": str(info.size),
        "Content-Disposition": content_disposition(info.filename or f"script-{n}"),
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(chunks, media_type=info.content_type, headers=headers)


def _movie_id(request: Request) -> uuid.UUID:
    value = request.path_params["movie_id"]
    assert isinstance(value, uuid.UUID)
    return value


def _movie(session: Session, movie_id: uuid.UUID) -> models.Movie:
    movie = session.get(models.Movie, movie_id)
    if movie is None:
        raise ApiError(404, "not_found", f"no movie {movie_id}")
    return movie


def _duration(request: Request) -> float:
    raw = request.query_params.get("duration")
    try:
        value = float(raw) if raw is not None else math.nan
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_DURATION_S:
        raise ApiError(
            422,
            "invalid_query",
            f"duration must be seconds, above 0 and at most {MAX_DURATION_S:g}",
        )
    return value


async def movie_video(request: Request) -> Response:
    """PUT /api/movies/{id}/video?duration=&name=: store the film, set video_key/duration."""
    account = await current_user(request)
    require(account, Action.PUBLISH_MOVIE)
    movie_id = _movie_id(request)
    context = context_of(request)
    await context.read(lambda session: _movie(session, movie_id).id)
    content_type = media_type(request)
    if content_type not in MOVIE_TYPES:
        raise ApiError(
            415, "unsupported_media_type", f"send one of {', '.join(sorted(MOVIE_TYPES))}"
        )
    duration = _duration(request)
    service = files_of(request)
    stored = await receive_file(
        request,
        kind="movies",
        content_type=content_type,
        max_bytes=service.limits.movie_bytes,
        filename=request.query_params.get("name"),
    )

    def record(session: Session) -> tuple[dict[str, Any], str | None]:
        usns = UsnSequence(session).lock()
        movie = _movie(session, movie_id)
        replaced = movie.video_key
        movie.video_key = stored.key
        movie.duration_s = duration
        movie.revision += 1
        movie.updated_at = models.utc_now()
        movie.usn = usns.take()
        usns.store()
        return {**movie_json(movie), "file": file_json(stored)}, replaced

    try:
        answer, replaced = await context.write(record)
    except BaseException:
        await run_in_threadpool(service.storage.delete, stored.key)
        raise
    if replaced is not None and is_key(replaced) and replaced != stored.key:
        await run_in_threadpool(service.storage.delete, replaced)
    return JSONResponse(answer)


def _link_seconds(request: Request) -> int:
    raw = request.query_params.get("expires")
    if raw is None:
        return DEFAULT_LINK_SECONDS
    if not _small_number(raw) or not 1 <= int(raw) <= MAX_LINK_SECONDS:
        raise ApiError(
            422, "invalid_query", f"expires must be whole seconds from 1 to {MAX_LINK_SECONDS}"
        )
    return int(raw)


async def movie_video_url(request: Request) -> Response:
    """GET /api/movies/{id}/video-url?expires=: an expiring download URL of the film."""
    account = await current_user(request)
    require(account, Action.WATCH_MOVIE)
    movie_id = _movie_id(request)
    seconds = _link_seconds(request)
    key = await context_of(request).read(lambda session: _movie(session, movie_id).video_key)
    if key is None or not is_key(key):
        raise ApiError(404, "not_found", "this movie has no uploaded video")
    storage = files_of(request).storage
    try:
        info = await run_in_threadpool(storage.info, key)
    except NoSuchObject:
        raise ApiError(404, "not_found", "the movie's video is missing from storage") from None
    except StorageError as exc:
        raise unavailable(exc) from None
    url = storage.download_url(
        key,
        expires_in=seconds,
        base_url=str(request.url_for("signed_file")),
        filename=info.filename,
    )
    expires_at = datetime.now(UTC) + timedelta(seconds=seconds)
    return JSONResponse(
        {
            "url": url,
            "expiresIn": seconds,
            "expiresAt": expires_at.isoformat(timespec="seconds"),
            "size": info.size,
            "contentType": info.content_type,
        }
    )


async def signed_file(request: Request) -> Response:
    """GET /api/files?key=&expires=&signature=: a signed link to a locally stored file."""
    storage = files_of(request).storage
    if not isinstance(storage, LocalStorage):
        raise ApiError(404, "not_found", "this server's files are served by its object store")
    params = request.query_params
    key = params.get("key", "")
    raw_expires = params.get("expires", "")
    expires = int(raw_expires) if raw_expires.isascii() and raw_expires.isdigit() else -1
    if expires < 0 or len(raw_expires) > 12:
        raise ApiError(403, "forbidden", "this download link is malformed")
    if not storage.link_is_valid(key, expires, params.get("signature", "")):
        raise ApiError(403, "forbidden", "this download link is invalid or has expired")
    try:
        info = await run_in_threadpool(storage.info, key)
    except NoSuchObject:
        raise ApiError(404, "not_found", "the file is no longer stored") from None
    headers = {
        "Content-Disposition": content_disposition(info.filename or "file", "inline"),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-transform",
    }
    return FileResponse(storage.path_of(key), media_type=info.content_type, headers=headers)


ROUTES = [
    Route(SOURCE_PATH, script_source, methods=["GET", "PUT"]),
    Route(VIDEO_PATH, movie_video, methods=["PUT"]),
    Route("/api/movies/{movie_id:uuid}/video-url", movie_video_url, methods=["GET"]),
    Route("/api/files", signed_file, methods=["GET"], name="signed_file"),
]

_SOURCE = "/api/scripts/{script_id:uuid}/source"
_VERSION = Param(
    "version", int, "the version number (default: the newest)", minimum=1, maximum=MAX_VERSION
)
_UPLOAD_ERRORS = {
    409: "the version already has its source file",
    413: "the file is over the size limit",
    415: "unsupported Content-Type",
    422: "the file is empty or not what its Content-Type says",
}
OPERATIONS = [
    Operation(
        "PUT",
        _SOURCE,
        "Upload the source file (PDF, Fountain, text) of a script version, once",
        {
            201: "stored; the file's key, size and SHA-256",
            403: "not the script's author or an admin",
            404: "no such script or version",
            **_UPLOAD_ERRORS,
        },
        query=(_VERSION, Param("name", str, "the original file name (kept as a label only)")),
        tags=("files",),
    ),
    Operation(
        "GET",
        _SOURCE,
        "Download a version's source file; validators get the blind Fountain text",
        {
            200: "the file",
            403: "another writer's script, or a validator on a script not waiting for scores",
            404: "no such script, version or source file",
            422: "version out of range",
        },
        query=(_VERSION,),
        tags=("files",),
    ),
    Operation(
        "PUT",
        "/api/movies/{movie_id:uuid}/video",
        "Upload a movie's video file and set its duration (editors and admins)",
        {
            200: "the movie",
            403: "not an editor or admin",
            404: "no such movie",
            413: "the file is over the size limit",
            415: "unsupported Content-Type",
            422: "missing or invalid duration, or an empty file",
        },
        query=(
            Param("duration", float, "the film's length in seconds"),
            Param("name", str, "the original file name (kept as a label only)"),
        ),
        tags=("files", "movies"),
    ),
    Operation(
        "GET",
        "/api/movies/{movie_id:uuid}/video-url",
        "An expiring download URL of a movie's video",
        {
            200: "url, expiresIn, expiresAt",
            403: "not a reviewer, editor or admin",
            404: "no such movie, or no uploaded video",
            422: "expires out of range",
        },
        query=(
            Param(
                "expires",
                int,
                "seconds the URL stays valid",
                minimum=1,
                maximum=MAX_LINK_SECONDS,
            ),
        ),
        tags=("files", "movies"),
    ),
    Operation(
        "GET",
        "/api/files",
        "A locally stored file, through a signed and expiring link from the server",
        {200: "the file", 403: "invalid or expired link", 404: "no such file"},
        query=(
            Param("key", str, "storage key"),
            Param("expires", int, "expiry (seconds since the epoch)"),
            Param("signature", str, "HMAC-SHA256 of key and expiry"),
        ),
        authenticated=False,
        tags=("files",),
    ),
]

UPLOAD_BODIES = {
    ("put", "/api/scripts/{script_id}/source"): sorted(SCRIPT_TYPES),
    ("put", "/api/movies/{movie_id}/video"): sorted(MOVIE_TYPES),
}


def with_upload_bodies(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the raw binary request bodies of the upload routes described."""
    for (method, path), types in UPLOAD_BODIES.items():
        operation = document["paths"][path][method]
        operation["requestBody"] = {
            "required": True,
            "content": {name: {"schema": {"type": "string", "format": "binary"}} for name in types},
        }
    return document
