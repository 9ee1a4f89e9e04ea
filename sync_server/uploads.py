"""Receiving uploaded files: limits, streaming a request body into storage, content checks.

Upload bodies are raw files (not multipart forms). They bypass the JSON body limit
(:class:`UploadBodyLimit`) and are limited here instead, per kind: a declared
Content-Length over the limit is refused at once, and the body is counted as it
streams into storage, so nothing is ever buffered whole.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import anyio.from_thread
import anyio.lowlevel
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from sync_server.errors import ApiError
from sync_server.limits import BodyLimit, FileLimits
from sync_server.storage import (
    ObjectTooLarge,
    Storage,
    StorageError,
    StoredObject,
    new_key,
)

PDF_MAGIC_WITHIN = 1024

log = logging.getLogger(__name__)


@dataclass(slots=True)
class FileService:
    """The app's storage and upload limits (``app.state.files``)."""

    storage: Storage
    limits: FileLimits


def files_of(request: Request) -> FileService:
    """The :class:`FileService` of the app serving ``request``."""
    service = request.app.state.files
    assert isinstance(service, FileService)
    return service


class UploadBodyLimit:
    """:class:`BodyLimit` for every request except file uploads, which the upload routes
    limit themselves (with the larger per-kind limits, counted as they stream)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.limited = BodyLimit(app, max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "PUT" and _is_upload(scope["path"]):
            await self.app(scope, receive, send)
        else:
            await self.limited(scope, receive, send)


SOURCE_PATH = "/api/scripts/{script_id:uuid}/source"
VIDEO_PATH = "/api/movies/{movie_id:uuid}/video"
"""The upload routes (``files.ROUTES`` serves them at these very paths)."""
_UPLOAD_PATTERNS = tuple(compile_path(path)[0] for path in (SOURCE_PATH, VIDEO_PATH))


def _is_upload(path: str) -> bool:
    return any(pattern.match(path) is not None for pattern in _UPLOAD_PATTERNS)


class RequestReader:
    """The request body as a blocking ``read(n)`` for storage running on a worker thread.

    Each chunk is pulled from the event loop on demand (from any thread: boto3 reads on
    its own), so the upload streams at the pace storage takes it. Build it on the loop.
    """

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self._token = anyio.lowlevel.current_token()
        self._buffer = b""
        self._done = False

    async def _next(self) -> bytes:
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            self._done = True
            return b""

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes (everything left when negative); ``b""`` at the end."""
        while not self._done and (size < 0 or len(self._buffer) < size):
            self._buffer += anyio.from_thread.run(self._next, token=self._token)
        if size < 0:
            size = len(self._buffer)
        chunk, self._buffer = self._buffer[:size], self._buffer[size:]
        return chunk


class ContentRefused(Exception):
    """The uploaded bytes are not what their Content-Type says."""


class ContentCheck:
    """Fed each uploaded chunk, then told the end: raises :class:`ContentRefused`."""

    def feed(self, chunk: bytes) -> None:
        """See the next chunk."""

    def finish(self) -> None:
        """The upload ended."""


class PdfCheck(ContentCheck):
    """A PDF has ``%PDF-`` within its first kilobyte."""

    def __init__(self) -> None:
        self._head = b""
        self._seen = False

    def feed(self, chunk: bytes) -> None:
        if self._seen:
            return
        self._head = (self._head + chunk)[: PDF_MAGIC_WITHIN + 5]
        self._seen = b"%PDF-" in self._head
        if not self._seen and len(self._head) >= PDF_MAGIC_WITHIN + 5:
            raise ContentRefused("a PDF file must start with %PDF-")

    def finish(self) -> None:
        if not self._seen:
            raise ContentRefused("a PDF file must start with %PDF-")


class TextCheck(ContentCheck):
    """A text file is UTF-8 without NUL bytes."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def feed(self, chunk: bytes) -> None:
        if b"\0" in chunk:
            raise ContentRefused("a text file must not contain NUL bytes")
        try:
            self._decoder.decode(chunk)
        except UnicodeDecodeError:
            raise ContentRefused("a text file must be UTF-8") from None

    def finish(self) -> None:
        try:
            self._decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ContentRefused("a text file must be UTF-8") from None


def content_check(content_type: str) -> ContentCheck:
    """The check uploaded bytes of ``content_type`` must pass."""
    if content_type == "application/pdf":
        return PdfCheck()
    if content_type.startswith("text/"):
        return TextCheck()
    return ContentCheck()


def media_type(request: Request) -> str:
    """The request's Content-Type without parameters, lower case ('' when absent)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def receive_file(
    request: Request, *, kind: str, content_type: str, max_bytes: int, filename: str | None
) -> StoredObject:
    """Stream the request body into storage under a new key; 413 past ``max_bytes``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    storage = files_of(request).storage
    key = new_key(kind)
    reader = RequestReader(request.stream().__aiter__())
    check = content_check(content_type)
    try:
        stored = await run_in_threadpool(
            storage.put,
            key,
            reader,
            content_type=content_type,
            max_bytes=max_bytes,
            filename=filename,
            inspect=check.feed,
        )
    except ObjectTooLarge:
        raise _too_large(max_bytes) from None
    except ContentRefused as exc:
        raise ApiError(422, "invalid_file", str(exc)) from None
    except ClientDisconnect:
        raise ApiError(400, "bad_request", "the upload was interrupted") from None
    except StorageError as exc:
        raise unavailable(exc) from None
    if stored.size == 0:
        await run_in_threadpool(storage.delete, key)
        raise ApiError(422, "invalid_file", "the file is empty")
    try:
        check.finish()
    except ContentRefused as exc:
        await run_in_threadpool(storage.delete, key)
        raise ApiError(422, "invalid_file", str(exc)) from None
    return stored


def unavailable(exc: StorageError) -> ApiError:
    log.error("file storage failed: %s", exc)
    return ApiError(503, "storage_unavailable", "file storage is unavailable; try again later")


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "body_too_large", f"files of this kind are limited to {limit} bytes")


def file_json(stored: StoredObject) -> dict[str, Any]:
    """What an upload reports: key, size, SHA-256, content type and file name."""
    return {
        "key": stored.key,
        "size": stored.size,
        "sha256": stored.sha256,
        "contentType": stored.content_type,
        "filename": stored.filename,
    }


def open_files(storage: Storage, limits: FileLimits | None = None) -> FileService:
    """The :class:`FileService` for an app."""
    return FileService(storage, limits or FileLimits())
