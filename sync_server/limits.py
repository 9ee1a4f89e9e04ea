"""Request body limits: enforced before buffering (Starlette reads bodies unbounded).

A declared ``Content-Length`` over the limit is refused at once, without reading a
byte; a body without one (chunked) is counted as it streams and refused as soon as
the count passes the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync_server.errors import ApiError, error_response

MIB = 1024 * 1024
MAX_SCRIPT_BYTES = 32 * MIB
"""Default largest script source file (a PDF of a long script with images stays below)."""
MAX_MOVIE_BYTES = 16 * 1024 * MIB
"""Default largest movie file."""


@dataclass(frozen=True, slots=True)
class FileLimits:
    """Largest accepted uploads, in bytes: script source files and rendered movies.

    Set by ``VIVIDVERSE_MAX_SCRIPT_BYTES`` and ``VIVIDVERSE_MAX_MOVIE_BYTES``
    (see :mod:`sync_server.settings`).
    """

    script_bytes: int = MAX_SCRIPT_BYTES
    movie_bytes: int = MAX_MOVIE_BYTES


def too_large(limit: int) -> ApiError:
    """The 413 error for a body over ``limit`` bytes."""
    return ApiError(413, "body_too_large", f"request bodies are limited to {limit} bytes")


class BodyLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` with a JSON 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            problem = too_large(self.max_bytes)
            response = error_response(problem.status, problem.error, problem.detail)
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        if declared is not None and declared < 0:
            response = error_response(400, "bad_request", "Content-Length must not be negative")
            await response(scope, receive, send)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise too_large(self.max_bytes)
            return message

        await self.app(scope, counted_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
